// A minimal streaming JSON writer for command output (no parsing here: parsing untrusted
// JSON belongs to the policy module, which wraps a library).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace iamd::common {

// Appends `s` to `out` as a JSON string literal (with quotes), escaping as RFC 8259 requires.
void append_json_string(std::string& out, std::string_view s);

// Pretty-printing writer with 4-space indentation, the layout of `aws ... --output json`;
// `compact`: no whitespace at all (one record per line: the audit trail).
class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(bool compact) : compact_(compact) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(long long n);
  JsonWriter& null_value();
  // `json`: a complete JSON value written elsewhere, inserted as it is.
  JsonWriter& raw(std::string_view json);
  const std::string& str() const { return out_; }

 private:
  void before_value();
  JsonWriter& close(char bracket);
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
  bool compact_ = false;
};

}  // namespace iamd::common
