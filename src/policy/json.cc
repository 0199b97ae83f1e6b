#include "policy/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace iamd::policy {

const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

// Input stream over a string_view that reports its position (RapidJSON's StringStream
// needs a NUL terminator; policy text may contain NUL bytes).
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
  TreeBuilder(const ViewStream& stream, std::string_view text) : stream_(stream), text_(text) {}

  bool Null() { return add(JsonValue::Kind::kNull); }
  bool Bool(bool b) {
    JsonValue* v = add_value(JsonValue::Kind::kBool);
    if (v) v->boolean = b;
    return v != nullptr;
  }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool) {
    JsonValue* v = add_value(JsonValue::Kind::kNumber);
    if (v) v->text.assign(str, len);
    return v != nullptr;
  }
  bool String(const char* str, rapidjson::SizeType len, bool) {
    JsonValue* v = add_value(JsonValue::Kind::kString);
    if (v) v->text.assign(str, len);
    return v != nullptr;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    pending_key_.assign(str, len);
    return true;
  }
  bool StartObject() { return open(JsonValue::Kind::kObject); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonValue::Kind::kArray); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  JsonValue take_root() { return std::move(root_); }
  bool too_deep() const { return too_deep_; }

 private:
  bool add(JsonValue::Kind kind) { return add_value(kind) != nullptr; }

  JsonValue* add_value(JsonValue::Kind kind) {
    JsonValue v;
    v.kind = kind;
    // The handler runs after the token is consumed.
    v.end = stream_.Tell() == 0 ? 0 : stream_.Tell() - 1;
    v.begin = v.end;
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    JsonValue* parent = stack_.back();
    if (parent->kind == JsonValue::Kind::kObject) {
      parent->members.push_back(JsonMember{std::move(pending_key_), std::move(v)});
      pending_key_.clear();
      return &parent->members.back().value;
    }
    parent->items.push_back(std::move(v));
    return &parent->items.back();
  }

  bool open(JsonValue::Kind kind) {
    if (static_cast<int>(stack_.size()) >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    JsonValue* v = add_value(kind);
    v->begin = bracket_at(kind == JsonValue::Kind::kObject ? '{' : '[');
    stack_.push_back(v);
    return true;
  }

  bool close() {
    JsonValue* v = stack_.back();
    v->end = bracket_at(v->kind == JsonValue::Kind::kObject ? '}' : ']');
    stack_.pop_back();
    return true;
  }

  // The offset of the bracket just read or about to be read: depending on the parsing
  // mode, RapidJSON calls the handler before or after consuming it.
  std::size_t bracket_at(char bracket) const {
    std::size_t pos = stream_.Tell();
    if (pos < text_.size() && text_[pos] == bracket) return pos;
    return pos == 0 ? 0 : pos - 1;
  }

  const ViewStream& stream_;
  std::string_view text_;
  JsonValue root_;
  // Pointers stay valid: a container only grows while it is the innermost open one, and
  // a child's address is taken after it has been appended.
  std::vector<JsonValue*> stack_;
  std::string pending_key_;
  bool too_deep_ = false;
};

}  // namespace

common::Result<JsonValue> parse_json(std::string_view text) {
  ViewStream stream(text);
  TreeBuilder builder(stream, text);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;
  rapidjson::ParseResult r = reader.Parse<kFlags>(stream, builder);
  if (r.IsError()) {
    std::string msg = builder.too_deep() ? "nesting too deep" : rapidjson::GetParseError_En(r.Code());
    return common::Error{"InvalidJson", msg + " at offset " + std::to_string(r.Offset()), "$"};
  }
  // Only whitespace may follow the document.
  for (std::size_t i = stream.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return common::Error{"InvalidJson", "unexpected text after the document at offset " + std::to_string(i), "$"};
    }
  }
  return builder.take_root();
}

std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  int line = 1;
  int col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace iamd::policy
