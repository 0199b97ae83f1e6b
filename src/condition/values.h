// Typed values that condition operators compare: numbers, dates and IP ranges. Parsers
// return nullopt rather than guessing; each accepts exactly what IAM accepts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/time.h"

namespace iamd::condition {

// Integer or decimal, optional sign and exponent ("10", "-3", "1.5", "2e3"). No hex, inf, nan.
std::optional<double> parse_number(std::string_view text);

// A value of the Date* operators, in policies and in request context values alike: the one
// grammar that policy validation ("The policy failed legacy parsing"), the evaluator and the
// simulator's context entries share. An ISO 8601 date in the lenient form of Joda-Time's
// ISODateTimeFormat.dateTimeParser(), or else epoch seconds:
//
//   value        = iso | epoch                     ; iso is tried first
//   epoch        = ["+"] 1*DIGIT                   ; 0 .. 9223372036854775807 seconds
//   iso          = T time [offset]                 ; a time alone: on 1970-01-01
//                | date [T [time] [offset]]
//   date         = year ["-" month ["-" day]]      ; the longest of the three forms wins,
//                | year "-" yday                   ; the first on a tie: "2016-123" is day
//                | year "-W" week ["-" wday]       ; 123, "234-13" month 13 (invalid)
//   year         = [sign] 1*9DIGIT                 ; -292275054 .. 292278993
//   month, day, week = 1*2DIGIT; yday = 1*3DIGIT; wday = DIGIT (1 = Monday .. 7); each in range
//   time         = hh [":" mm [":" ss [frac] | frac] | frac]   ; hh 0..23, mm/ss 0..59, 1*2DIGIT
//   frac         = ("." | ",") 1*9DIGIT            ; of the last field; kept to the millisecond
//   offset       = "Z" | sign hh2 [[":"] mm2 [[":"] ss2 [["." | ","] 3DIGIT]]]  ; exactly two
//                                                  ; digits each, separators all or none
//   T = "T" | "t", Z = "Z" | "z", "-W" in either case; a missing offset is UTC; missing date
//   fields are the first month / day (a week date without a weekday: its Thursday, as Joda
//   fills it from 1970-01-01).
//
// Sources: AWS documents "the W3C implementations of the ISO 8601 date formats" or epoch
// (UNIX) time (IAM User Guide, Date condition operators). What IAM really accepts is recorded
// in aws-recorded-errors.md / LocalStack's test_iam_policies.py (valid: "01T",
// "2016-12-13t2:00:00.593194+23", "-292275054"; invalid: "sdfdsf", "234-13", "...593194+1",
// "...1999999999+10:59", "9223372036854775808") and in moto's _validate_iso_8601_datetime,
// whose year bounds are Joda-Time's ISOChronology limits: IAM's legacy parser is Java, and
// single-digit hours, a bare "01T", an hour-only offset and the 9-digit fraction limit are
// Joda's dateTimeParser exactly. [UNCERTAIN] Which of iso and epoch IAM tries first shows
// only in evaluation, for unsigned numbers of at most 9 digits ("2016" is the year 2016
// here, as the W3C profile's YYYY; as epoch seconds it would be 1970-01-01T00:33:36Z);
// a negative epoch is refused (moto, the spec: 0 .. 2^63-1).
std::optional<common::Timestamp> parse_date(std::string_view text);

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
