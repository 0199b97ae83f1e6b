// Time values as AWS policies compare them, and the injectable clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iamd::common {

// A point in time: seconds since the Unix epoch (UTC) plus nanoseconds. Ordered.
struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Parses the timestamps of the wire and of stored records (W3C ISO 8601 profile: YYYY,
// YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s{1,9}]]TZD with TZD = Z | ±hh:mm | ±hh,
// `t`/`z` in either case) or a non-negative integer of epoch seconds up to INT64_MAX.
// Date-only values mean midnight UTC. Returns nullopt for anything else. The values of
// Date* policy conditions follow IAM's more lenient grammar: condition::parse_date.
std::optional<Timestamp> parse_aws_date(std::string_view text);

// Formats as ISO 8601 UTC with second precision: 2025-01-31T12:00:00Z.
std::string format_iso8601(Timestamp t);

// Days from civil date (proleptic Gregorian), the algorithm of H. Hinnant.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

// The clock is injected so that expiry, skew and CurrentTime test deterministically.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp t) : t_(t) {}
  Timestamp now() const override { return t_; }
  void set(Timestamp t) { t_ = t; }

 private:
  Timestamp t_;
};

}  // namespace iamd::common
