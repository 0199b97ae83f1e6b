#include <gtest/gtest.h>

#include <set>

#include "condition/clause.h"
#include "condition/operators.h"
#include "condition/values.h"

namespace iamd::condition {
namespace {

TEST(Operators, EveryOperatorRoundTripsByName) {
  std::set<std::string_view> names;
  for (const OperatorInfo& o : all_operators()) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    const OperatorInfo* found = find_operator(o.name);
    ASSERT_NE(found, nullptr) << o.name;
    EXPECT_EQ(found->op, o.op);
    EXPECT_EQ(&info(o.op), found);
    auto spec = parse_operator(std::string(o.name) + "IfExists");
    EXPECT_EQ(spec.has_value(), o.family != Family::kNull) << o.name;
    auto any = parse_operator("ForAnyValue:" + std::string(o.name));
    ASSERT_TRUE(any.has_value());
    EXPECT_EQ(any->qualifier, SetQualifier::kForAnyValue);
  }
  EXPECT_EQ(names.size(), 27u);
}

TEST(Operators, ParseForms) {
  EXPECT_TRUE(parse_operator("stringequals").has_value());
  auto s = parse_operator("ForAllValues:StringLikeIfExists");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->qualifier, SetQualifier::kForAllValues);
  EXPECT_TRUE(s->if_exists);
  EXPECT_EQ(s->info->op, Operator::kStringLike);
  EXPECT_FALSE(parse_operator("ForAnyValue::StringEquals").has_value());
  EXPECT_FALSE(parse_operator("NullIfExists").has_value());
  EXPECT_FALSE(parse_operator("StringEqualsIfExistsIfExists").has_value());
  EXPECT_FALSE(parse_operator("").has_value());
}

TEST(Values, Numbers) {
  EXPECT_EQ(parse_number("10"), 10.0);
  EXPECT_EQ(parse_number("-3"), -3.0);
  EXPECT_EQ(parse_number("+1.5"), 1.5);
  EXPECT_EQ(parse_number("2e3"), 2000.0);
  for (const char* bad : {"", "abc", "0x10", "inf", "nan", "1.2.3", "1e", "-", " 1"})
    EXPECT_FALSE(parse_number(bad)) << bad;
}

TEST(Values, IpRanges) {
  struct Case {
    const char* address;
    const char* range;
    bool inside;
  };
  const Case cases[] = {
      {"10.1.2.3", "10.0.0.0/8", true},
      {"11.1.2.3", "10.0.0.0/8", false},
      {"203.0.113.7", "203.0.113.7", true},
      {"203.0.113.8", "203.0.113.7", false},
      {"192.168.1.1", "0.0.0.0/0", true},
      {"2001:db8:1234:5678::1", "2001:DB8:1234:5678::/64", true},
      {"2001:db8:1234:5679::1", "2001:DB8:1234:5678::/64", false},
      {"::ffff:10.1.2.3", "10.0.0.0/8", true},
      {"10.1.2.3", "::/0", false},
      {"10.1.2.3", "10.1.2.0/25", true},
      {"10.1.2.200", "10.1.2.0/25", false},
  };
  for (const auto& c : cases) {
    auto a = parse_ip_range(c.address);
    auto r = parse_ip_range(c.range);
    ASSERT_TRUE(a && r) << c.address << " " << c.range;
    EXPECT_EQ(ip_in_range(*a, *r), c.inside) << c.address << " in " << c.range;
  }
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.0/33", "::/129", "1.2.3.4/", "zz::1", "1.2.3.4/a"}) {
    EXPECT_FALSE(parse_ip_range(bad)) << bad;
  }
}

// The Date* grammar of values.h. The first rows and the first rejected ones are what AWS
// answered (aws-recorded-errors.md, LocalStack's create_policy_valid/invalid_document); the
// others pin the Joda-Time dateTimeParser forms the grammar derives from them.
TEST(Values, Dates) {
  const std::int64_t kDay = 86400;
  struct Case {
    const char* text;
    std::int64_t seconds;
    std::int32_t nanos;
  };
  const Case accepted[] = {
      // Recorded as valid by AWS.
      {"01T", common::days_from_civil(1, 1, 1) * kDay, 0},
      {"2016-12-13t2:00:00.593194+23", 1481511600, 593000000},  // 2016-12-12T03:00:00.593Z
      {"-292275054", common::days_from_civil(-292275054, 1, 1) * kDay, 0},
      {"2016-12-13T21:20:37.593194+00:00", 1481664037, 593000000},
      {"2019-07-01T13:20:15Z", 1561987215, 0},
      {"2017-07-01T00:00:00Z", 1498867200, 0},
      // W3C profile forms.
      {"2025", 1735689600, 0},
      {"2025-06", 1748736000, 0},
      {"2025-06-15", 1749945600, 0},
      {"2025-06-15T12:00Z", 1749988800, 0},
      {"2025-06-15T14:00:00+02:00", 1749988800, 0},
      {"2025-06-15T12:00:00.5Z", 1749988800, 500000000},
      {"2025-06-15t12:00:00z", 1749988800, 0},
      // Joda's leniency: one-digit fields, optional parts, hour-only and unseparated offsets.
      {"2025-6-5T2:3:4Z", 1749088984, 0},
      {"2025-06-15T12:00:00", 1749988800, 0},  // no offset: UTC
      {"2025-06-15T12", 1749988800, 0},
      {"2025-06-15T12Z", 1749988800, 0},
      {"2025-06-15T", 1749945600, 0},
      {"2025-06-15TZ", 1749945600, 0},
      {"2025-06-15T+01", 1749945600 - 3600, 0},
      {"2025-06-15T10:00:00-02", 1749988800, 0},
      {"2025-06-15T12:00:00+0200", 1749981600, 0},
      {"2025-06-15T12:00:00+02:00:30", 1749981570, 0},
      {"2025-06-15T12:00:00-00:00:00.500", 1749988800, 500000000},
      {"2025-06-15T12:00:00.123456789Z", 1749988800, 123000000},  // kept to the millisecond
      {"2025-06-15T12:00:00,25Z", 1749988800, 250000000},
      {"+2025", 1735689600, 0},
      {"292278993", common::days_from_civil(292278993, 1, 1) * kDay, 0},
      {"0", common::days_from_civil(0, 1, 1) * kDay, 0},  // the year 0, not the epoch
      // A time alone is on 1970-01-01; a fraction belongs to the last field given.
      {"T10:30Z", 37800, 0},
      {"T10.5", 37800, 0},
      {"T10:30.5", 37830, 0},
      {"t10:30:15,25z", 37815, 250000000},
      // Ordinal and week dates (a week without a weekday: its Thursday).
      {"2016-123", 1462147200, 0},  // 2016-05-02
      {"2016-W05-3", 1454457600, 0},
      {"2016-w05", 1454544000, 0},
      {"2015-W53-7", 1451779200, 0},  // 2015 has 53 ISO weeks
      // Epoch seconds: what the ISO forms refuse.
      {"1749988800", 1749988800, 0},
      {"+1749988800", 1749988800, 0},
      {"292278994", 292278994, 0},  // past Joda's last year: epoch seconds
      {"9223372036854775807", INT64_MAX, 0},
  };
  for (const Case& c : accepted) {
    auto t = parse_date(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(t->seconds, c.seconds) << c.text;
    EXPECT_EQ(t->nanos, c.nanos) << c.text;
  }
  const char* rejected[] = {
      // Recorded as invalid by AWS.
      "sdfdsf", "234-13", "2016-12-13t2:00:00.593194+1", "2016-12-13t2:00:00.1999999999+10:59", "9223372036854775808",
      // Out of range, in the wrong place, or left over.
      "", "T", "-", "+", "2025-02-29", "2025-13", "2025-00-10", "2025-06-31", "2015-366", "2016-1234", "2016-W53",
      "2016-W00", "2016-W01-8", "2025-06-15Z", "2025-06-15 12:00:00Z", "2025-06-15T24:00Z", "2025-06-15T12:60Z",
      "2025-06-15T12:00:60Z", "2025-06-15T12:00:00.Z", "2025-06-15T123:00Z", "2025-06-15T12:00:00+24",
      "2025-06-15T12:00:00+01:60", "2025-06-15T12:00:00+01:0", "2025-06-15T12:00:00+0100:00",
      "2025-06-15T12:00:00+01:00x", "12:00", "-292275055", "-1234567890", "1e9", "0x10", " 2025", "2025 "};
  for (const char* s : rejected) EXPECT_FALSE(parse_date(s).has_value()) << s;
}

TEST(Template, Variables) {
  Context ctx;
  ctx.set("aws:username", "alice");
  ctx.set("aws:PrincipalTag/Team", "x*y");
  ctx.set_list("aws:TagKeys", {"a"});
  struct Case {
    const char* raw;
    bool variables;
    bool ok;
    const char* plain;
  };
  const Case cases[] = {
      {"home/${aws:username}/", true, true, "home/alice/"},
      {"home/${AWS:UserName}/", true, true, "home/alice/"},
      {"home/${aws:username}/", false, true, "home/${aws:username}/"},
      {"${aws:principaltag/team}", true, true, "x*y"},
      {"${missing}", true, false, ""},
      {"${missing, 'dflt'}", true, true, "dflt"},
      {"${missing,'d'}", true, true, "d"},
      {"${*}${?}${$}", true, true, "*?$"},
      {"${aws:TagKeys}", true, false, ""},
      {"${unclosed", true, true, "${unclosed"},
  };
  for (const auto& c : cases) {
    Template t = Template::compile(c.raw, Template::Mode::kPlain, c.variables);
    std::string out;
    EXPECT_EQ(t.expand(ctx, out, nullptr), c.ok) << c.raw;
    if (c.ok) {
      EXPECT_EQ(out, c.plain) << c.raw;
    }
  }
}

bool eval(const char* op, const char* key, std::vector<std::string> values, const Context& ctx) {
  auto spec = parse_operator(op);
  EXPECT_TRUE(spec.has_value()) << op;
  Clause c = Clause::compile(op, *spec, key, values, true);
  EvalSink sink;
  return c.evaluate(ctx, sink);
}

TEST(Clause, MissingKeySemantics) {
  Context empty;
  EXPECT_FALSE(eval("StringEquals", "k", {"v"}, empty));
  EXPECT_TRUE(eval("StringNotEquals", "k", {"v"}, empty));
  EXPECT_TRUE(eval("StringEqualsIfExists", "k", {"v"}, empty));
  EXPECT_TRUE(eval("ForAllValues:StringEquals", "k", {"v"}, empty));
  EXPECT_FALSE(eval("ForAnyValue:StringEquals", "k", {"v"}, empty));
  EXPECT_TRUE(eval("Null", "k", {"true"}, empty));
  EXPECT_FALSE(eval("Null", "k", {"false"}, empty));
}

TEST(Clause, WrongTypeDoesNotMatchAndIsReported) {
  Context ctx;
  ctx.set("n", "abc");
  auto spec = parse_operator("NumericLessThan");
  Clause c = Clause::compile("NumericLessThan", *spec, "n", {"10"}, true);
  std::vector<Diagnostic> diags;
  EvalSink sink;
  sink.diagnostics = &diags;
  EXPECT_FALSE(c.evaluate(ctx, sink));
  EXPECT_EQ(diags.size(), 1u);
  EXPECT_FALSE(eval("NumericNotEquals", "n", {"10"}, ctx));
}

}  // namespace
}  // namespace iamd::condition
