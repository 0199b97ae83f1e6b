#include "condition/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdint>
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

// The date grammar of values.h, as a recursive descent that mirrors Joda-Time's parsers:
// every optional part either parses completely or consumes nothing, alternatives are
// compared by how far they get (the first wins a tie), nothing backtracks, and field ranges
// are checked only once the whole text is read.
class DateParser {
 public:
  explicit DateParser(std::string_view s) : s_(s) {}

  std::optional<common::Timestamp> parse() {
    if (auto t = iso()) return t;
    return epoch();
  }

 private:
  enum class Form { kCalendar, kOrdinal, kWeek };
  struct Date {
    Form form = Form::kCalendar;
    std::int64_t year = 1970;
    std::int64_t month = 1, day = 1, yday = 1, week = 1;
    std::int64_t wday = 4;  // 1970-01-01, where Joda starts, was a Thursday
    std::size_t end = 0;
  };
  struct Time {
    std::int64_t hour = 0, minute = 0, second = 0;
    std::int64_t fraction_ms = 0;  // of the last field given
    std::int64_t offset_ms = 0;
    std::int64_t offset_hour = 0, offset_minute = 0, offset_second = 0;
  };

  static constexpr std::int64_t kMinYear = -292275054;
  static constexpr std::int64_t kMaxYear = 292278993;

  bool at(std::size_t p, char c) const { return p < s_.size() && s_[p] == c; }
  bool at_ci(std::size_t p, char upper) const {
    return p < s_.size() && (s_[p] == upper || s_[p] == static_cast<char>(upper - 'A' + 'a'));
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // 1..max digits at p (after an optional sign when `sign`); advances p.
  bool number(std::size_t& p, int max, std::int64_t& out, bool sign = false) const {
    std::size_t q = p;
    bool negative = false;
    if (sign && q + 1 < s_.size() && (s_[q] == '-' || s_[q] == '+') && digit(s_[q + 1])) {
      negative = s_[q] == '-';
      ++q;
    }
    std::int64_t v = 0;
    int n = 0;
    while (n < max && q < s_.size() && digit(s_[q])) v = v * 10 + (s_[q++] - '0'), ++n;
    if (n == 0) return false;
    out = negative ? -v : v;
    p = q;
    return true;
  }

  // ("." | ",") 1..9 digits as a fraction of `unit_ms`, truncated to the millisecond the way
  // Joda's Fraction parser does it.
  bool fraction(std::size_t& p, std::int64_t unit_ms, std::int64_t& out) const {
    if (!at(p, '.') && !at(p, ',')) return false;
    std::size_t q = p + 1;
    std::int64_t weight = unit_ms * 10, value = 0;
    int n = 0;
    while (n < 9 && q < s_.size() && digit(s_[q])) {
      weight /= 10;
      value += (s_[q++] - '0') * weight;
      ++n;
    }
    if (n == 0) return false;
    out = value / 10;
    p = q;
    return true;
  }

  // year ["-" month ["-" day]] | year "-W" week ["-" wday] | year "-" yday: the longest.
  bool date(std::size_t p, Date& best) const {
    bool found = false;
    auto consider = [&](const Date& d) {
      if (!found || d.end > best.end) best = d;
      found = true;
    };
    {
      Date d;
      std::size_t q = p;
      if (number(q, 9, d.year, true)) {
        std::size_t r = q + 1;
        if (at(q, '-') && number(r, 2, d.month)) {
          q = r;
          std::size_t t = q + 1;
          if (at(q, '-') && number(t, 2, d.day)) q = t;
        }
        d.end = q;
        consider(d);
      }
    }
    {
      Date d;
      d.form = Form::kWeek;
      std::size_t q = p;
      if (number(q, 9, d.year, true) && at(q, '-') && at_ci(q + 1, 'W')) {
        q += 2;
        if (number(q, 2, d.week)) {
          std::size_t r = q + 1;
          if (at(q, '-') && number(r, 1, d.wday)) q = r;
          d.end = q;
          consider(d);
        }
      }
    }
    {
      Date d;
      d.form = Form::kOrdinal;
      std::size_t q = p;
      if (number(q, 9, d.year, true) && at(q, '-')) {
        ++q;
        if (number(q, 3, d.yday)) {
          d.end = q;
          consider(d);
        }
      }
    }
    return found;
  }

  // hh [":" mm [":" ss [frac] | frac] | frac]
  bool time(std::size_t& p, Time& t) const {
    std::size_t q = p;
    if (!number(q, 2, t.hour)) return false;
    // After the hour: the minute branch or an hour fraction, whichever reads further.
    Time by_minute = t, by_fraction = t;
    std::size_t m = q + 1, f = q;
    bool has_minute = at(q, ':') && number(m, 2, by_minute.minute);
    if (has_minute) {
      std::size_t sec = m + 1, mf = m;
      Time with_second = by_minute, with_fraction = by_minute;
      bool has_second = at(m, ':') && number(sec, 2, with_second.second);
      if (has_second) fraction(sec, 1000, with_second.fraction_ms);
      bool has_minute_fraction = fraction(mf, 60000, with_fraction.fraction_ms);
      if (has_second && (!has_minute_fraction || sec >= mf)) {
        by_minute = with_second;
        m = sec;
      } else if (has_minute_fraction) {
        by_minute = with_fraction;
        m = mf;
      }
    }
    bool has_fraction = fraction(f, 3600000, by_fraction.fraction_ms);
    if (has_minute && (!has_fraction || m >= f)) {
      t = by_minute;
      p = m;
    } else if (has_fraction) {
      t = by_fraction;
      p = f;
    } else {
      p = q;
    }
    return true;
  }

  // "Z" | sign hh [[":"] mm [[":"] ss [["." | ","] SSS]]] (separators all or none).
  bool offset(std::size_t& p, Time& t) const {
    if (at_ci(p, 'Z')) {
      ++p;
      return true;
    }
    if (!at(p, '+') && !at(p, '-')) return false;
    const bool negative = s_[p] == '-';
    std::size_t q = p + 1;
    auto two = [&](std::size_t at_pos, std::int64_t& out) {
      if (at_pos + 2 > s_.size() || !digit(s_[at_pos]) || !digit(s_[at_pos + 1])) return false;
      out = (s_[at_pos] - '0') * 10 + (s_[at_pos + 1] - '0');
      return true;
    };
    if (!two(q, t.offset_hour)) return false;
    q += 2;
    std::int64_t millis = 0;
    const bool separators = at(q, ':');
    std::size_t r = q + (separators ? 1 : 0);
    if (two(r, t.offset_minute)) {
      q = r + 2;
      r = q + (separators ? 1 : 0);
      if ((!separators || at(q, ':')) && two(r, t.offset_second)) {
        q = r + 2;
        r = q + (separators ? 1 : 0);
        bool point = !separators || at(q, '.') || at(q, ',');
        if (point && r + 3 <= s_.size() && digit(s_[r]) && digit(s_[r + 1]) && digit(s_[r + 2])) {
          millis = (s_[r] - '0') * 100 + (s_[r + 1] - '0') * 10 + (s_[r + 2] - '0');
          q = r + 3;
        }
      }
    }
    t.offset_ms = (t.offset_hour * 3600 + t.offset_minute * 60 + t.offset_second) * 1000 + millis;
    if (negative) t.offset_ms = -t.offset_ms;
    p = q;
    return true;
  }

  static bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
  static std::int64_t days_in_month(std::int64_t y, std::int64_t m) {
    static constexpr std::int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : kDays[m - 1];
  }
  // The day (since the epoch) of the Monday of ISO week 1 of `year`: the week of January 4th.
  static std::int64_t week_one(std::int64_t year) {
    std::int64_t jan4 = common::days_from_civil(year, 1, 4);
    std::int64_t weekday = ((jan4 + 3) % 7 + 7) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
    return jan4 - weekday;
  }

  // The day since the epoch, or nullopt when a field is out of range.
  static std::optional<std::int64_t> day_of(const Date& d) {
    if (d.year < kMinYear || d.year > kMaxYear) return std::nullopt;
    switch (d.form) {
      case Form::kCalendar:
        if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
        return common::days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
      case Form::kOrdinal:
        if (d.yday < 1 || d.yday > (leap(d.year) ? 366 : 365)) return std::nullopt;
        return common::days_from_civil(d.year, 1, 1) + d.yday - 1;
      case Form::kWeek: {
        std::int64_t weeks = (week_one(d.year + 1) - week_one(d.year)) / 7;
        if (d.week < 1 || d.week > weeks || d.wday < 1 || d.wday > 7) return std::nullopt;
        return week_one(d.year) + (d.week - 1) * 7 + d.wday - 1;
      }
    }
    return std::nullopt;
  }

  std::optional<common::Timestamp> iso() const {
    Date d;
    Time t;
    std::size_t p = 0;
    if (at_ci(0, 'T')) {
      p = 1;
      if (!time(p, t)) return std::nullopt;
      offset(p, t);
    } else {
      if (!date(0, d)) return std::nullopt;
      p = d.end;
      if (at_ci(p, 'T')) {
        ++p;
        time(p, t);
        offset(p, t);
      }
    }
    if (p != s_.size()) return std::nullopt;
    if (t.hour > 23 || t.minute > 59 || t.second > 59) return std::nullopt;
    if (t.offset_hour > 23 || t.offset_minute > 59 || t.offset_second > 59) return std::nullopt;
    auto day = day_of(d);
    if (!day) return std::nullopt;
    std::int64_t ms = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.fraction_ms - t.offset_ms;
    std::int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    std::int64_t rest = ms - seconds * 1000;
    return common::Timestamp{*day * 86400 + seconds, static_cast<std::int32_t>(rest * 1000000)};
  }

  // ["+"] digits: non-negative epoch seconds up to 2^63-1.
  std::optional<common::Timestamp> epoch() const {
    std::string_view v = s_;
    if (!v.empty() && v[0] == '+') v.remove_prefix(1);
    if (v.empty()) return std::nullopt;
    std::uint64_t n = 0;
    constexpr std::uint64_t kMax = static_cast<std::uint64_t>(INT64_MAX);
    for (char c : v) {
      if (!digit(c)) return std::nullopt;
      auto d = static_cast<std::uint64_t>(c - '0');
      if (n > (kMax - d) / 10) return std::nullopt;
      n = n * 10 + d;
    }
    return common::Timestamp{static_cast<std::int64_t>(n), 0};
  }

  std::string_view s_;
};

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

std::optional<common::Timestamp> parse_date(std::string_view text) {
  return DateParser(text).parse();
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
