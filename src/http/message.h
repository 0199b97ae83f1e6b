// The HTTP request and response values of iamd's server, and the Handler that maps one to
// the other. They hold no Boost type, so the modules above http never see Beast.
// Thread-safety: value types; const member functions may be called concurrently, anything
// else needs external synchronization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::http {

// One header field. The name keeps the case it was received or set with.
struct Field {
  std::string name;
  std::string value;
};

// An ordered list of header fields with ASCII case-insensitive lookup by name (RFC 9110
// §5.1). Repeated fields are kept, in order: SigV4 joins their values with ','.
// clear() keeps the allocated strings, so a connection that reuses one Headers for every
// request stops allocating once its slots are warm.
class Headers {
 public:
  // Appends a field, keeping any earlier field of the same name.
  void add(std::string_view name, std::string_view value);
  // Replaces every field named `name` by one field with `value` (appends if none).
  void set(std::string_view name, std::string_view value);
  // Removes every field named `name`.
  void remove(std::string_view name);
  // The value of the first field named `name`, or nullopt. The view is valid until the
  // next non-const call.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  std::span<const Field> fields() const { return {slots_.data(), size_}; }
  const Field* begin() const { return slots_.data(); }
  const Field* end() const { return slots_.data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

 private:
  // slots_[0, size_) are the fields; the rest are spare strings kept for reuse.
  std::vector<Field> slots_;
  std::size_t size_ = 0;
};

// A complete request as the server received it: the body is fully read and de-chunked
// before the handler sees it.
struct Request {
  std::string method;  // as received (methods are case-sensitive): "GET", "POST", "HEAD"
  std::string target;  // the request-target as received: "/?Action=ListUsers&Version=..."
  int version = 11;    // 10 for HTTP/1.0, 11 for HTTP/1.1
  Headers headers;
  std::string body;
  std::string peer_address;  // the client's IP address, "127.0.0.1" or "::1"
  std::uint16_t peer_port = 0;
  // Whether the request arrived over TLS (ServerOptions::tls_certificate_file): the single
  // source of aws:SecureTransport and of the console cookie's Secure attribute.
  bool tls = false;

  // The path of the target, before any '?', still percent-encoded. An absolute-form target
  // ("http://host/p?q") yields "/p"; a target without a path yields "/".
  std::string_view path() const;
  // The raw query after the first '?', without it; empty when there is none.
  std::string_view query() const;
};

// What a handler returns. The server adds Content-Length, Date and Server (the last two
// only when the handler did not set them) and manages Connection itself: a handler that
// sets "Connection: close" gets the connection closed after this response. A handler's
// Content-Length and Transfer-Encoding are replaced by the server's.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
};

// Maps a request to its response. The server calls it on its worker threads: concurrently
// for different connections, sequentially for the requests of one connection. It must
// therefore be safe to call from several threads at once. The Request is valid only during
// the call. A handler that throws makes the server answer 500 with a generic body; the
// exception's text is neither sent nor logged (it may carry secrets). A handler blocks its
// worker thread while it runs, so long work ties up one of the server's threads.
using Handler = std::function<Response(const Request&)>;

// The reason phrase of a status code ("Not Found"), "Unknown" for codes it does not know.
std::string_view reason_phrase(int status);

}  // namespace iamd::http
