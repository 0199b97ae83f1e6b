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
