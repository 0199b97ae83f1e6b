// Typed values that condition operators compare: numbers and IP ranges. Dates live in
// common/time.h. Parsers are strict and return nullopt rather than guessing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace iamd::condition {

// Integer or decimal, optional sign and exponent ("10", "-3", "1.5", "2e3"). No hex, inf, nan.
std::optional<double> parse_number(std::string_view text);

// An IPv4 or IPv6 network. IPv4 is kept in the first 4 bytes with is_v6 = false.
struct IpRange {
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 0;
  bool is_v6 = false;
};

// A CIDR ("10.0.0.0/8", "2001:DB8::/32") or a bare address (/32 for IPv4, /128 for IPv6).
// IPv4-mapped IPv6 (::ffff:a.b.c.d) is taken as the IPv4 address.
std::optional<IpRange> parse_ip_range(std::string_view text);
// True when `address` (a single address, prefix ignored) lies inside `range`.
bool ip_in_range(const IpRange& address, const IpRange& range);

}  // namespace iamd::condition
