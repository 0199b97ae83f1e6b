// Small ASCII string helpers shared by every module. AWS's case-insensitive comparisons
// (action names, condition key names, StringEqualsIgnoreCase) are ASCII folds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::common {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);

// FNV-1a over the ASCII-lowercased bytes: condition keys are looked up by this hash first.
constexpr std::uint64_t hash_lower(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(ascii_lower(c));
    h *= 1099511628211ULL;
  }
  return h;
}

// Splits at every `sep`.
std::vector<std::string_view> split(std::string_view s, char sep);
// Number of Unicode code points in UTF-8 text (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s);
// Length in bytes of the UTF-8 sequence that starts with `lead` (1 for invalid lead bytes).
std::size_t utf8_sequence_length(unsigned char lead);

// Base64 (RFC 4648, with padding). decode returns false on malformed input.
bool base64_decode(std::string_view in, std::string& out);
std::string base64_encode(std::string_view in);

// Base32 (RFC 4648 §6, alphabet A-Z2-7, with padding): the form of TOTP seeds
// (Base32StringSeed); 20-byte seeds need no padding.
std::string base32_encode(std::string_view in);
// Lowercase hex, two digits a byte (digests, fingerprints).
std::string to_hex(std::string_view bytes);

}  // namespace iamd::common
