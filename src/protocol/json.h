// The JSON side of the wire (AWS JSON 1.1, Organizations): the request body read into a
// small tree, and the string escaping of the encoder. This is the only code that reads JSON
// request bytes, so it is written for untrusted input: RapidJSON's SAX reader (kept inside
// json.cc) validates the syntax and the UTF-8, numbers keep their source text (the decoder
// decides what a number may be for its member), nesting is capped, and a key given twice in
// one object is refused ([IMPL]: AWS documents no rule; keeping one copy silently would let the
// copy the validator saw differ from the one a handler uses, as protocol/form.h argues for
// repeated form parameters).
// Every malformed body is SerializationException (AWS JSON services' code for a body they
// cannot read).
// Thread-safety: value types and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace iamd::protocol {

struct JsonNode {
  enum class Type : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;             // a string's value (UTF-8), a number's source text
  std::vector<JsonNode> items;  // array elements; object member values, parallel to `keys`
  std::vector<std::string> keys;

  // The value of object member `key`, or null (also for non-objects).
  const JsonNode* find(std::string_view key) const;
};

// Objects and arrays nest at most this deep (the models' deepest input is far shallower).
inline constexpr int kMaxJsonDepth = 64;

// The body of a JSON request. An empty body (or only whitespace) is the empty object
// ([IMPL]: SDKs send "{}" for an operation without input; some clients send nothing). Not
// JSON, not UTF-8, nested deeper than kMaxJsonDepth, a repeated key, or a top-level value
// that is not an object -> SerializationException.
common::Result<JsonNode> parse_json_body(std::string_view text);

// The SerializationException error with `message`.
common::Error serialization_exception(std::string message);

// Appends `s` as a JSON string literal (RFC 8259 escapes). Bytes that are not valid UTF-8
// become U+FFFD, so the answer is always valid JSON.
void append_json_text(std::string& out, std::string_view s);

}  // namespace iamd::protocol
