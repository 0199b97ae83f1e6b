#include "common/time.h"

#include <gtest/gtest.h>

namespace iamd::common {
namespace {

TEST(AwsDate, AcceptedForms) {
  struct Case {
    const char* text;
    std::int64_t seconds;
  };
  const Case cases[] = {
      {"2025-06-15T12:00:00Z", 1749988800},
      {"2025-06-15", 1749945600},
      {"2025-06", 1748736000},
      {"2025", 1735689600},
      {"2025-06-15T12:00Z", 1749988800},
      {"2025-06-15T14:00:00+02:00", 1749988800},
      {"2025-06-15T10:00:00-02", 1749988800},
      {"2025-06-15t12:00:00z", 1749988800},
      {"2025-06-15T12:00:00.123456789Z", 1749988800},
      {"1749988800", 1749988800},
      {"0", 0},
      {"9223372036854775807", INT64_MAX},
  };
  for (const auto& c : cases) {
    auto t = parse_aws_date(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(t->seconds, c.seconds) << c.text;
  }
  EXPECT_EQ(parse_aws_date("2025-06-15T12:00:00.5Z")->nanos, 500000000);
}

TEST(AwsDate, RejectedForms) {
  for (const char* s : {"", "abc", "2025-13-01", "2025-02-30", "2025-06-15T12:00:00", "2025-06-15 12:00:00Z",
                        "2025-06-15T25:00:00Z", "-1", "9223372036854775808", "2025-6-15", "2025-06-15T12:00:00.Z",
                        "2025-06-15T12:00:00.1234567890Z", "2025-06-15T12Z"}) {
    EXPECT_FALSE(parse_aws_date(s).has_value()) << s;
  }
}

TEST(AwsDate, FormatRoundTrip) {
  EXPECT_EQ(format_iso8601(Timestamp{1749988800, 0}), "2025-06-15T12:00:00Z");
  EXPECT_EQ(format_iso8601(Timestamp{0, 0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_aws_date(format_iso8601(Timestamp{951782400, 0}))->seconds, 951782400);  // 2000-02-29
  // Every field's width and both sides of the four-digit years (formatted without printf).
  const struct {
    std::int64_t seconds;
    const char* text;
  } cases[] = {
      {-1, "1969-12-31T23:59:59Z"},
      {1234567890, "2009-02-13T23:31:30Z"},
      {1709164805, "2024-02-29T00:00:05Z"},
      {253402300799, "9999-12-31T23:59:59Z"},
      {253402300800, "10000-01-01T00:00:00Z"},
      {-62167219200, "0000-01-01T00:00:00Z"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_iso8601(Timestamp{c.seconds, 0}), c.text) << c.seconds;
}

TEST(Clock, FixedClockIsInjectable) {
  FixedClock c(Timestamp{42, 0});
  EXPECT_EQ(c.now().seconds, 42);
  c.set(Timestamp{43, 0});
  EXPECT_EQ(c.now().seconds, 43);
}

}  // namespace
}  // namespace iamd::common
