#include "authz/request_context.h"

#include <gtest/gtest.h>

namespace iamd::authz {
namespace {

std::string value(const condition::Context& c, const char* key) {
  const auto* e = c.find(key);
  return e == nullptr ? "(absent)" : e->values.at(0);
}

TEST(RequestContext, PrincipalKeysByType) {
  struct Case {
    policy::PrincipalType type;
    const char* username;
    const char* userid;
    const char* principal_type;
    const char* principal_arn;
  };
  const Case cases[] = {
      {policy::PrincipalType::kRoot, "(absent)", "111122223333", "Account", "arn:aws:iam::111122223333:root"},
      {policy::PrincipalType::kUser, "alice", "AIDAEXAMPLE", "User", "arn:aws:iam::111122223333:user/dev/alice"},
      {policy::PrincipalType::kAssumedRole, "(absent)", "AROAEXAMPLE:s1", "AssumedRole",
       "arn:aws:iam::111122223333:role/R"},
  };
  for (const auto& tc : cases) {
    CallerKeys k;
    k.facts.type = tc.type;
    k.facts.account = "111122223333";
    k.facts.arn = tc.type == policy::PrincipalType::kRoot   ? "arn:aws:iam::111122223333:root"
                  : tc.type == policy::PrincipalType::kUser ? "arn:aws:iam::111122223333:user/dev/alice"
                                                            : "arn:aws:sts::111122223333:assumed-role/R/s1";
    k.facts.unique_id = tc.type == policy::PrincipalType::kUser ? "AIDAEXAMPLE" : "AROAEXAMPLE:s1";
    k.facts.role_arn = "arn:aws:iam::111122223333:role/R";
    k.user_name = "alice";
    k.tags = {{"team", "blue"}};
    condition::Context c;
    add_principal_keys(c, k);
    EXPECT_EQ(value(c, "aws:username"), tc.username);
    EXPECT_EQ(value(c, "aws:userid"), tc.userid);
    EXPECT_EQ(value(c, "aws:PrincipalType"), tc.principal_type);
    EXPECT_EQ(value(c, "aws:PrincipalArn"), tc.principal_arn);
    EXPECT_EQ(value(c, "aws:PrincipalAccount"), "111122223333");
    EXPECT_EQ(value(c, "aws:principaltag/TEAM"), tc.type == policy::PrincipalType::kRoot ? "(absent)" : "blue");
    EXPECT_EQ(value(c, "aws:MultiFactorAuthPresent"), "(absent)");  // long-term keys
  }
}

TEST(RequestContext, EnvironmentKeys) {
  EnvironmentKeys env;
  env.now = common::Timestamp{1749988800, 0};
  env.source_ip = "10.1.2.3";
  env.user_agent = "aws-cli/2.9.19";
  condition::Context c;
  add_environment_keys(c, env);
  EXPECT_EQ(value(c, "aws:CurrentTime"), "2025-06-15T12:00:00Z");
  EXPECT_EQ(value(c, "aws:EpochTime"), "1749988800");
  EXPECT_EQ(value(c, "aws:SecureTransport"), "false");
  EXPECT_EQ(value(c, "aws:SourceIp"), "10.1.2.3");
  EXPECT_EQ(value(c, "aws:UserAgent"), "aws-cli/2.9.19");
  EXPECT_EQ(value(c, "aws:RequestedRegion"), "us-east-1");
  EXPECT_EQ(value(c, "aws:referer"), "(absent)");
}

}  // namespace
}  // namespace iamd::authz
