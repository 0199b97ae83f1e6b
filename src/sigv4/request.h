// The request as SigV4 sees it: method, raw path, raw query, headers in arrival order, body.
// No HTTP library types: the http module (or a test) builds one of these.
// Thread-safety: value types. A RequestView borrows everything it points at; the caller keeps
// the strings and the header array alive while the view is used.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iamd::sigv4 {

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

struct RequestView {
  std::string_view method;              // as received, e.g. "POST"
  std::string_view path;                // raw request path, still percent-encoded, without the query
  std::string_view query;               // raw query string without the '?', still percent-encoded
  std::span<const HeaderView> headers;  // every header line, repeated names included
  std::string_view body;
};

// An owning request, for the signer, the tests and the benchmarks.
struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
  // Removes every header named `name` (case-insensitive).
  void remove_header(std::string_view name);
};

// Fills `storage` with views of `request`'s headers and returns a view of the whole request,
// valid while `request` and `storage` are unchanged.
RequestView view_of(const Request& request, std::vector<HeaderView>& storage);

}  // namespace iamd::sigv4
