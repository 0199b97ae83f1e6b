// AWS Query requests arrive as application/x-www-form-urlencoded text: a POST body, a query
// string, or both. This is the only code that reads those bytes, so it is written for
// untrusted input: every malformed form is an Error, never a crash or a silent guess.
//
// Rules (api.md §2):
//  * pairs are separated by '&'; empty pairs ("a=1&&b=2", a trailing '&') are skipped;
//  * a pair without '=' is a name with an empty value ("Action" == "Action=");
//  * '+' decodes to a space and %XX (either hex case) to that byte; a '%' not followed by two
//    hex digits is malformed;
//  * a decoded name must be non-empty, and names and values must be valid UTF-8;
//  * [IMPL] a parameter name given twice (also once in the query string and once in the body)
//    is rejected: AWS documents no rule, and silently keeping one copy would let the copy the
//    validator saw differ from the one a handler uses;
//  * sizes are capped by FormLimits.
// Every form error is MalformedQueryString (AWS's common error for this; HTTP 404 as AWS
// documents it).
// Thread-safety: value types and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::protocol {

struct Param {
  std::string name;
  std::string value;
};

struct FormLimits {
  // Encoded bytes of the query string plus the body. The largest modeled input is a SAML
  // metadata document of 10^7 characters; the HTTP layer normally caps bodies lower.
  std::size_t max_bytes = 32u << 20;
  // Parameters per request. SimulateCustomPolicy with many context entries needs hundreds.
  std::size_t max_params = 10000;
  // Decoded bytes of one parameter name ("ContextEntries.member.12.ContextKeyValues.member.3").
  std::size_t max_name_bytes = 256;
};

// The decoded parameters of one request: unique names, sorted by name (byte order), so that
// the generated decoders find a member, a list's elements or a structure's members by prefix.
class Params {
 public:
  Params() = default;

  // Sorts `params` and rejects a repeated name (MalformedQueryString).
  static common::Result<Params> from(std::vector<Param> params);

  // The value of parameter `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  // Whether any parameter name starts with `prefix`.
  bool has_prefix(std::string_view prefix) const;
  // The indices N of the parameters named `prefix` + N (`exact`) or `prefix` + N + "." + ...
  // (otherwise), ascending. N is a decimal without leading zeros from 1 to 10^6; names with
  // any other N are not list elements and are ignored like any unknown parameter.
  std::vector<std::uint32_t> list_indices(std::string_view prefix, bool exact) const;

  const std::vector<Param>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }

 private:
  explicit Params(std::vector<Param> sorted) : items_(std::move(sorted)) {}
  std::vector<Param>::const_iterator lower_bound(std::string_view name) const;
  std::vector<Param> items_;
};

// Decodes one form (a query string without '?', or a body) and appends its pairs to `out`.
// `limits.max_params` and `max_name_bytes` apply to `out` as a whole.
common::Result<void> parse_form(std::string_view text, const FormLimits& limits, std::vector<Param>& out);

// The parameters of a request: the query string's and the body's, merged (api.md §2: for POST
// both count). `query` is the raw query without '?'; either may be empty.
common::Result<Params> decode_form(std::string_view query, std::string_view body, const FormLimits& limits = {});

// The MalformedQueryString error with `message`.
common::Error malformed_query_string(std::string message);

}  // namespace iamd::protocol
