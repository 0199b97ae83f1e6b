// A small JSON tree with source offsets, built from RapidJSON's SAX reader. It keeps
// duplicate keys (so validation can reject them) and numbers as their text (so a policy's
// `10` compares as "10"). RapidJSON stays inside policy/json.cc.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace iamd::policy {

struct JsonMember;

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // string contents, or a number's text
  std::vector<JsonValue> items;
  std::vector<JsonMember> members;  // in document order, duplicates kept
  std::size_t begin = 0;            // byte offset of the first character (objects/arrays: the bracket)
  std::size_t end = 0;              // byte offset of the last character (objects/arrays: the bracket)

  bool is_string() const { return kind == Kind::kString; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  const JsonValue* find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

// Parses UTF-8 JSON text. Nesting deeper than kMaxDepth is rejected (policies nest ~5 deep),
// so hostile input cannot exhaust the stack. The error message is a short description.
inline constexpr int kMaxJsonDepth = 64;
common::Result<JsonValue> parse_json(std::string_view text);

// Line (1-based) and column (1-based) of a byte offset.
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

}  // namespace iamd::policy
