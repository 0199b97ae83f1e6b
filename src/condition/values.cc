#include "condition/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace iamd::condition {

std::optional<double> parse_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || ptr != body.data() + body.size()) return std::nullopt;
  return v;
}

namespace {

bool parse_v4(std::string_view s, std::array<std::uint8_t, 16>& out) {
  int part = 0;
  std::size_t i = 0;
  while (part < 4) {
    if (i >= s.size()) return false;
    int v = 0;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (++digits > 3 || v > 255) return false;
      ++i;
    }
    if (digits == 0) return false;
    out[static_cast<std::size_t>(part)] = static_cast<std::uint8_t>(v);
    ++part;
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

}  // namespace

std::optional<IpRange> parse_ip_range(std::string_view text) {
  std::string_view addr = text;
  int prefix = -1;
  if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  IpRange r;
  if (addr.find(':') == std::string_view::npos) {
    if (!parse_v4(addr, r.bytes)) return std::nullopt;
    if (prefix > 32) return std::nullopt;
    r.prefix = prefix < 0 ? 32 : prefix;
    return r;
  }
  if (addr.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = '\0';
  if (inet_pton(AF_INET6, buf, r.bytes.data()) != 1) return std::nullopt;
  if (prefix > 128) return std::nullopt;
  r.prefix = prefix < 0 ? 128 : prefix;
  r.is_v6 = true;
  static const std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(r.bytes.data(), kMapped, 12) == 0 && r.prefix >= 96) {
    std::array<std::uint8_t, 16> v4{};
    std::memcpy(v4.data(), r.bytes.data() + 12, 4);
    r.bytes = v4;
    r.prefix -= 96;
    r.is_v6 = false;
  }
  return r;
}

bool ip_in_range(const IpRange& address, const IpRange& range) {
  if (address.is_v6 != range.is_v6) return false;
  int bits = range.prefix;
  std::size_t i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (address.bytes[i] != range.bytes[i]) return false;
  }
  if (bits > 0) {
    auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits));
    if ((address.bytes[i] & mask) != (range.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace iamd::condition
