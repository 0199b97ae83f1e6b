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

namespace {

constexpr std::uint64_t kAccountMask = 0x7fffffffff80ULL;  // bits 7-46 of the first 48

std::string base32_encode(const std::uint8_t* bytes, std::size_t n) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace

std::string make_access_key_id(std::string_view prefix, std::string_view account_id, Random& random) {
  std::uint64_t account = 0;
  for (char c : account_id) account = account * 10 + static_cast<std::uint64_t>(c - '0');
  std::uint8_t bytes[10];
  random.fill(bytes, sizeof bytes);
  std::uint64_t head = 0;
  for (int i = 0; i < 6; ++i) head = (head << 8) | bytes[i];
  head = (head & ~kAccountMask) | ((account << 7) & kAccountMask);
  for (int i = 5; i >= 0; --i, head >>= 8) bytes[i] = static_cast<std::uint8_t>(head & 0xff);
  return std::string(prefix) + base32_encode(bytes, sizeof bytes);
}

std::optional<std::string> account_of_access_key_id(std::string_view id) {
  if (id.size() != 20) return std::nullopt;
  std::uint64_t head = 0;  // the first 48 bits: 10 characters hold 50, the last 2 are dropped
  for (std::size_t i = 4; i < id.size(); ++i) {
    const std::size_t v = kBase32.find(id[i]);
    if (v == std::string_view::npos) return std::nullopt;
    if (i < 14) head = (head << 5) | v;
  }
  head >>= 2;
  std::string digits = std::to_string((head & kAccountMask) >> 7);
  if (digits.size() > 12) return std::nullopt;
  return std::string(12 - digits.size(), '0') + digits;
}

std::string make_secret_access_key(Random& random) {
  return draw("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, random);
}

std::string make_account_id(Random& random) {
  return draw("123456789", 1, random) + draw("0123456789", 11, random);
}

namespace {

// 16 bytes as a version 4 UUID: 8-4-4-4-12 lowercase hex with the version and variant bits.
std::string format_uuid(std::string b) {
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = to_hex(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace

std::string make_uuid(Random& random) {
  return format_uuid(random.bytes(16));
}

namespace {

// SplitMix64's finalizer: a bijection with full avalanche.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

RequestIds::RequestIds(Random& random) {
  std::uint8_t bytes[16];
  random.fill(bytes, sizeof bytes);
  for (int i = 0; i < 2; ++i) {
    key_[i] = 0;
    for (int j = 0; j < 8; ++j) key_[i] = (key_[i] << 8) | bytes[i * 8 + j];
  }
}

std::string RequestIds::next() {
  const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  // Keyed by both halves; the high word is a bijection of n (4 of its bits then become the
  // version), so ids do not repeat within 2^60 requests.
  const std::uint64_t hi = mix64(mix64(n ^ key_[0]) + key_[1]);
  const std::uint64_t lo = mix64(hi ^ key_[1]) + key_[0];
  std::string b(16, '\0');
  for (int i = 0; i < 8; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<char>(hi >> (56 - 8 * i));
    b[static_cast<std::size_t>(8 + i)] = static_cast<char>(lo >> (56 - 8 * i));
  }
  return format_uuid(std::move(b));
}

}  // namespace iamd::common
