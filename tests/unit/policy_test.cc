#include <gtest/gtest.h>

#include "policy/compiled.h"
#include "policy/document.h"
#include "policy/json.h"

namespace iamd::policy {
namespace {

TEST(Json, KeepsDuplicatesNumbersAndOffsets) {
  auto v = parse_json(R"({"a": 10, "a": 1.50, "b": [true, null]})");
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(v->members.size(), 3u);
  EXPECT_EQ(v->members[0].value.text, "10");
  EXPECT_EQ(v->members[1].value.text, "1.50");
  EXPECT_EQ(v->begin, 0u);
  EXPECT_EQ(v->members[2].value.begin, 26u);
  EXPECT_EQ(v->members[2].value.end, 37u);
  EXPECT_EQ(v->end, 38u);
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{} x", "\"\\ud800\"", "{\"a\":1}}"}) {
    EXPECT_FALSE(parse_json(bad).has_value()) << bad;
  }
  std::string deep(200, '[');
  EXPECT_FALSE(parse_json(deep + std::string(200, ']')).has_value());
  EXPECT_EQ(line_column("a\nbc", 3), (std::pair<int, int>{2, 2}));
}

TEST(PolicySize, WhitespaceOutsideStringsDoesNotCount) {
  EXPECT_EQ(policy_size(R"({ "a" : "b c" })"), 11u);
  EXPECT_EQ(policy_size("{\n\t\"\\\"x\"\r\n}"), 7u);
  EXPECT_EQ(policy_size("\"\xc3\xa9\""), 3u);
}

struct ValidationCase {
  PolicyKind kind;
  const char* text;
  const char* message;  // empty: valid
  const char* path;
};

TEST(Validate, Table) {
  const ValidationCase cases[] = {
      {PolicyKind::kManaged, R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
       "", ""},
      {PolicyKind::kManaged, R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
       "Policy document must be version 2012-10-17 or greater.", "$"},
      {PolicyKind::kIdentity, R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", "", ""},
      {PolicyKind::kIdentity, R"({"Version":"2012-10-17","Statement":[]})", "Syntax errors in policy.", "$.Statement"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]})",
       "The policy failed legacy parsing", "$.Statement[0].Effect"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3","Resource":"*"}]})",
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", "$.Statement[0].Action"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:a","a a:b"],"Resource":"*"}]})",
       "Vendor a a is not valid", "$.Statement[0].Action[1]"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:foo"}]})",
       "Partition \"foo\" is not valid for resource \"arn:foo:*:*:*:*\".", "$.Statement[0].Resource"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}]})",
       "Resource vendor must be fully qualified and cannot contain regexes.", "$.Statement[0].Resource"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:1:user/x"}]})",
       "IAM resource arn:aws:iam:us-east-1:1:user/x cannot contain region information.", "$.Statement[0].Resource"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Principal":"*","Resource":"*"}]})",
       "Policy document should not specify a principal.", "$.Statement[0].Principal"},
      {PolicyKind::kTrust, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})",
       "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a "
       "statement with no principals!",
       "$.Statement[0]"},
      {PolicyKind::kTrust, "{", "This policy contains invalid Json", "$"},
      {PolicyKind::kIdentity, "{", "Syntax errors in policy.", "$"},
      {PolicyKind::kIdentity,
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
       "Statement IDs (SID) in a single policy must be unique.", "$.Statement[1].Sid"},
  };
  for (const auto& c : cases) {
    ValidateOptions o;
    o.kind = c.kind;
    auto r = parse_policy(c.text, o);
    if (*c.message == '\0') {
      EXPECT_TRUE(r.has_value()) << c.text << ": " << (r ? "" : r.error().message);
    } else {
      ASSERT_FALSE(r.has_value()) << c.text;
      EXPECT_EQ(r.error().message, c.message) << c.text;
      EXPECT_EQ(r.error().path, c.path) << c.text;
    }
  }
}

TEST(Compile, StatementNamesAndMatchers) {
  ValidateOptions o;
  auto p = compile_text(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"S3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*"},{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}]})",
      o, "P1");
  ASSERT_TRUE(p.has_value());
  const auto& s = (*p)->statements;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].display_name(), "P1:A");
  EXPECT_EQ(s[1].display_name(), "P1:#1");
  EXPECT_TRUE(s[0].matches_action("s3:getobject"));
  EXPECT_FALSE(s[0].matches_action("s3:putobject"));
  EXPECT_TRUE(s[1].matches_action("s3:putobject"));
  EXPECT_FALSE(s[1].matches_action("iam:getuser"));
  condition::Context ctx;
  ctx.set("aws:username", "alice");
  condition::EvalSink sink;
  EXPECT_TRUE(s[0].matches_resource(ResourceView("arn:aws:s3:::b/alice/k"), ctx, sink));
  EXPECT_FALSE(s[0].matches_resource(ResourceView("arn:aws:s3:::b/bob/k"), ctx, sink));
  EXPECT_TRUE(s[1].matches_resource(ResourceView("arn:aws:s3:::y"), ctx, sink));
  EXPECT_FALSE(s[1].matches_resource(ResourceView("arn:aws:s3:::x"), ctx, sink));
}

}  // namespace
}  // namespace iamd::policy
