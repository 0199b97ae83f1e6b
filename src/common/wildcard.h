// Glob matching as AWS uses it for Action, Resource segments, StringLike and ArnLike.
//
// Patterns are *encoded* once at compile time: the wildcard `*` becomes kStar, `?` becomes
// kAnyChar, and a byte that would collide with a code is preceded by kEscape. Text that must
// stay literal (a policy-variable value, `${*}`) is appended with append_literal, so a `*`
// coming from a request can never act as a wildcard. Matching is anchored at both ends,
// case-sensitive (callers lowercase both sides for case-insensitive uses), and never
// builds a regex from user input.
#pragma once

#include <string>
#include <string_view>

namespace iamd::common {

inline constexpr char kStar = '\x01';
inline constexpr char kAnyChar = '\x02';
inline constexpr char kEscape = '\x03';

// Encodes a user-written pattern where `*` and `?` are wildcards.
std::string encode_glob(std::string_view pattern);
// Appends text to an encoded pattern so that every byte of it is literal.
void append_literal(std::string& encoded, std::string_view text);
// Encodes text with no wildcards at all.
std::string encode_literal(std::string_view text);
// True when the encoded pattern contains a wildcard.
bool has_wildcard(std::string_view encoded);
// Decodes an encoded pattern back to its display form (`*`, `?`).
std::string decode_glob(std::string_view encoded);

// Whole-string match of `text` against an encoded pattern. `?` matches one UTF-8 character.
bool glob_match(std::string_view encoded_pattern, std::string_view text);

// A compiled pattern: the common shapes (exact text, "prefix*", "*suffix", "*") match with
// one comparison; anything else falls back to glob_match. Immutable; share freely.
class Glob {
 public:
  Glob() = default;
  explicit Glob(std::string encoded);
  bool match(std::string_view text) const {
    switch (shape_) {
      case Shape::kExact:
        return text == literal_;
      case Shape::kPrefix:
        return text.starts_with(literal_);
      case Shape::kSuffix:
        return text.ends_with(literal_);
      case Shape::kAny:
        return true;
      case Shape::kGeneral:
        break;
    }
    return glob_match(encoded_, text);
  }
  const std::string& encoded() const { return encoded_; }
  // True when the pattern is exact text (no wildcard); literal() is that text.
  bool is_exact() const { return shape_ == Shape::kExact; }
  const std::string& literal() const { return literal_; }

 private:
  enum class Shape : unsigned char { kExact, kPrefix, kSuffix, kAny, kGeneral };
  Shape shape_ = Shape::kExact;
  std::string encoded_;
  std::string literal_;  // decoded text of kExact, kPrefix, kSuffix
};

}  // namespace iamd::common
