#include "common/ids.h"

#include "common/strings.h"

namespace iamd::common {

namespace {

std::string draw(std::string_view alphabet, std::size_t n, Random& random) {
  // Rejection sampling keeps every character equally likely.
  const auto limit = static_cast<unsigned>(256 - 256 % alphabet.size());
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    std::uint8_t b = 0;
    random.fill(&b, 1);
    if (b < limit) out.push_back(alphabet[b % alphabet.size()]);
  }
  return out;
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string make_unique_id(std::string_view prefix, Random& random) {
  return std::string(prefix) + draw(kBase32, 21 - prefix.size(), random);
}

std::string make_access_key_id(std::string_view prefix, Random& random) {
  return std::string(prefix) + draw(kBase32, 20 - prefix.size(), random);
}

std::string make_secret_access_key(Random& random) {
  return draw("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, random);
}

std::string make_account_id(Random& random) {
  return draw("123456789", 1, random) + draw("0123456789", 11, random);
}

std::string make_uuid(Random& random) {
  std::string b = random.bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex = to_hex(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace iamd::common
