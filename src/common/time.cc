#include "common/time.h"

#include <chrono>
#include <cstdio>
#include <limits>

namespace iamd::common {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly n digits at pos.
bool read_digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<std::size_t>(i)];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<Timestamp> parse_epoch(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return Timestamp{static_cast<std::int64_t>(v), 0};
}

}  // namespace

std::optional<Timestamp> parse_aws_date(std::string_view s) {
  // Epoch seconds: digits only, but a 4-digit string is a year (YYYY) per the W3C profile.
  bool all_digits = !s.empty();
  for (char c : s) all_digits = all_digits && is_digit(c);
  if (all_digits && s.size() != 4) return parse_epoch(s);

  std::size_t pos = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int32_t nanos = 0;
  if (!read_digits(s, pos, 4, year)) return std::nullopt;
  if (pos < s.size()) {
    if (s[pos] != '-') return std::nullopt;
    ++pos;
    if (!read_digits(s, pos, 2, month) || month < 1 || month > 12) return std::nullopt;
    if (pos < s.size()) {
      if (s[pos] != '-') return std::nullopt;
      ++pos;
      if (!read_digits(s, pos, 2, day) || day < 1 || day > days_in_month(year, month)) return std::nullopt;
      if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
        ++pos;
        if (!read_digits(s, pos, 2, hour) || hour > 23) return std::nullopt;
        if (pos >= s.size() || s[pos] != ':') return std::nullopt;
        ++pos;
        if (!read_digits(s, pos, 2, minute) || minute > 59) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') {
          ++pos;
          if (!read_digits(s, pos, 2, second) || second > 60) return std::nullopt;
          if (pos < s.size() && s[pos] == '.') {
            ++pos;
            int digits = 0;
            while (pos < s.size() && is_digit(s[pos])) {
              if (digits >= 9) return std::nullopt;
              nanos = nanos * 10 + (s[pos] - '0');
              ++digits;
              ++pos;
            }
            if (digits == 0) return std::nullopt;
            for (int i = digits; i < 9; ++i) nanos *= 10;
          }
        }
        // Time zone designator is required when a time is given.
        if (pos >= s.size()) return std::nullopt;
        int offset_minutes = 0;
        char tz = s[pos];
        if (tz == 'Z' || tz == 'z') {
          ++pos;
        } else if (tz == '+' || tz == '-') {
          ++pos;
          int oh = 0, om = 0;
          if (!read_digits(s, pos, 2, oh) || oh > 23) return std::nullopt;
          if (pos < s.size()) {
            if (s[pos] != ':') return std::nullopt;
            ++pos;
            if (!read_digits(s, pos, 2, om) || om > 59) return std::nullopt;
          }
          offset_minutes = (oh * 60 + om) * (tz == '+' ? 1 : -1);
        } else {
          return std::nullopt;
        }
        if (pos != s.size()) return std::nullopt;
        std::int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                            hour * 3600 + minute * 60 + second - offset_minutes * 60;
        return Timestamp{secs, nanos};
      }
    }
  }
  return Timestamp{days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400, 0};
}

std::string format_iso8601(Timestamp t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant).
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
  const int hh = static_cast<int>(rem / 3600), mm = static_cast<int>(rem % 3600 / 60), ss = static_cast<int>(rem % 60);
  if (y < 0 || y > 9999) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m, d, hh, mm, ss);
    return buf;
  }
  // The common case without printf (answers carry one or more dates per record).
  char buf[20] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
  auto two = [&](int at, unsigned v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  const auto year = static_cast<unsigned>(y);
  two(0, year / 100);
  two(2, year % 100);
  two(5, m);
  two(8, d);
  two(11, static_cast<unsigned>(hh));
  two(14, static_cast<unsigned>(mm));
  two(17, static_cast<unsigned>(ss));
  return std::string(buf, sizeof buf);
}

Timestamp SystemClock::now() const {
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return Timestamp{ns / 1000000000, static_cast<std::int32_t>(ns % 1000000000)};
}

}  // namespace iamd::common
