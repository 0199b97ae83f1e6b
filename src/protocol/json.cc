#include "protocol/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>

#include "common/json_writer.h"

namespace iamd::protocol {

const JsonNode* JsonNode::find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

common::Error serialization_exception(std::string message) {
  return common::Error{"SerializationException", std::move(message), {}, {}};
}

namespace {

// Input stream over a string_view (RapidJSON's StringStream stops at a NUL byte).
class ViewStream {
 public:
  using Ch = char;
  explicit ViewStream(std::string_view s) : s_(s) {}
  Ch Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  Ch Take() { return pos_ < s_.size() ? s_[pos_++] : '\0'; }
  std::size_t Tell() const { return pos_; }
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  bool Null() { return add(JsonNode::Type::kNull) != nullptr; }
  bool Bool(bool b) {
    JsonNode* n = add(JsonNode::Type::kBool);
    if (n != nullptr) n->boolean = b;
    return n != nullptr;
  }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool) {
    JsonNode* n = add(JsonNode::Type::kNumber);
    if (n != nullptr) n->text.assign(str, len);
    return n != nullptr;
  }
  bool String(const char* str, rapidjson::SizeType len, bool) {
    JsonNode* n = add(JsonNode::Type::kString);
    if (n != nullptr) n->text.assign(str, len);
    return n != nullptr;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    stack_.back()->keys.emplace_back(str, len);
    return true;
  }
  bool StartObject() { return open(JsonNode::Type::kObject); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonNode::Type::kArray); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  JsonNode take_root() { return std::move(root_); }
  const std::string& problem() const { return problem_; }

 private:
  JsonNode* add(JsonNode::Type type) {
    if (stack_.empty()) {
      root_ = JsonNode{};
      root_.type = type;
      return &root_;
    }
    JsonNode* parent = stack_.back();
    parent->items.emplace_back();
    parent->items.back().type = type;
    return &parent->items.back();
  }

  bool open(JsonNode::Type type) {
    if (static_cast<int>(stack_.size()) >= kMaxJsonDepth) {
      problem_ = "The request nests objects and arrays deeper than " + std::to_string(kMaxJsonDepth) + " levels.";
      return false;
    }
    // Pointers stay valid: a container only grows while it is the innermost open one.
    stack_.push_back(add(type));
    return true;
  }

  bool close() {
    JsonNode* n = stack_.back();
    stack_.pop_back();
    if (n->type == JsonNode::Type::kObject && has_repeated_key(*n)) return false;
    return true;
  }

  bool has_repeated_key(const JsonNode& n) {
    std::vector<std::string_view> sorted(n.keys.begin(), n.keys.end());
    std::sort(sorted.begin(), sorted.end());
    auto it = std::adjacent_find(sorted.begin(), sorted.end());
    if (it == sorted.end()) return false;
    problem_ = "The request names the key ";
    common::append_json_string(problem_, *it);
    problem_ += " twice in one object.";
    return true;
  }

  JsonNode root_;
  std::vector<JsonNode*> stack_;
  std::string problem_;
};

// One UTF-8 sequence at `s[i]`: its length, or 0 when it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are not).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  char32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

common::Result<JsonNode> parse_json_body(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    JsonNode empty;
    empty.type = JsonNode::Type::kObject;
    return empty;
  }
  ViewStream stream(text);
  TreeBuilder builder;
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, builder);
  if (!ok) {
    if (!builder.problem().empty()) return serialization_exception(builder.problem());
    return serialization_exception(std::string("The request body is not valid JSON: ") +
                                   rapidjson::GetParseError_En(ok.Code()) + " (at byte " + std::to_string(ok.Offset()) +
                                   ").");
  }
  // A NUL byte after the value reads as the end of the stream to RapidJSON.
  if (stream.Tell() != text.size()) {
    return serialization_exception("The request body is not valid JSON: unexpected data after the value (at byte " +
                                   std::to_string(stream.Tell()) + ").");
  }
  JsonNode root = builder.take_root();
  if (root.type != JsonNode::Type::kObject) {
    return serialization_exception("The request body must be a JSON object.");
  }
  return root;
}

void append_json_text(std::string& out, std::string_view s) {
  std::size_t i = 0;
  bool valid = true;
  while (i < s.size()) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      valid = false;
      break;
    }
    i += n;
  }
  if (valid) {
    common::append_json_string(out, s);
    return;
  }
  std::string clean;
  clean.reserve(s.size() + 8);
  for (i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      clean += "\xEF\xBF\xBD";
      ++i;
    } else {
      clean.append(s.substr(i, n));
      i += n;
    }
  }
  common::append_json_string(out, clean);
}

}  // namespace iamd::protocol
