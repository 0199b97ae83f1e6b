#include <gtest/gtest.h>

#include "authz/authorizer.h"
#include "policy/compiled.h"
#include "scenario.h"

namespace iamd::authz {
namespace {

// Every benchmark scenario's expected decisions hold (the same files the peers run).
TEST(Scenarios, ExpectedDecisions) {
  for (const char* name : {"S1", "S2", "S3"}) {
    auto sc = bench::load_scenario(std::string(IAMD_SCENARIOS_DIR) + "/" + name + ".json");
    ASSERT_TRUE(sc.has_value()) << name << ": " << sc.error().message;
    PolicyBundle b = (*sc)->bundle();
    ASSERT_FALSE((*sc)->cases.empty());
    for (const auto& c : (*sc)->cases) {
      Decision d = evaluate(b, c.request);
      EXPECT_EQ(decision_name(d.decision), c.expected) << c.id;
    }
  }
}

std::shared_ptr<const policy::CompiledPolicy> compile(const char* text,
                                                      policy::PolicyKind kind = policy::PolicyKind::kIdentity) {
  policy::ValidateOptions o;
  o.kind = kind;
  auto p = policy::compile_text(text, o, "P");
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return *p;
}

Request user_request(const char* action, const char* resource) {
  Request r;
  r.principal.type = policy::PrincipalType::kUser;
  r.principal.arn = "arn:aws:iam::111122223333:user/alice";
  r.principal.account = "111122223333";
  r.set_action(action);
  r.resource = resource;
  return r;
}

TEST(AccessDenied, Messages) {
  PolicySet identity({compile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]})")});
  PolicySet boundary(
      {compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]})",
               policy::PolicyKind::kBoundary)});
  PolicyBundle b;
  b.identity = &identity;
  Request r = user_request("iam:CreateUser", "arn:aws:iam::111122223333:user/bob");
  Decision d = evaluate(b, r);
  EXPECT_TRUE(d.allowed());
  b.boundary = &boundary;
  d = evaluate(b, r);
  EXPECT_EQ(access_denied_message(r, d),
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateUser on resource: "
            "arn:aws:iam::111122223333:user/bob because no permissions boundary allows the iam:CreateUser action");
  r.set_action("iam:DeleteUser");
  d = evaluate(b, r);
  EXPECT_EQ(access_denied_message(r, d),
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:DeleteUser on resource: "
            "arn:aws:iam::111122223333:user/bob with an explicit deny in an identity-based policy");
  PolicySet empty;
  b = PolicyBundle{};
  b.identity = &empty;
  r = user_request("iam:GetAccountSummary", "*");
  d = evaluate(b, r);
  EXPECT_EQ(access_denied_message(r, d),
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:GetAccountSummary because no "
            "identity-based policy allows the iam:GetAccountSummary action");
}

TEST(Decision, ReusedDecisionIsCleared) {
  PolicySet identity({compile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}}]})")});
  PolicyBundle b;
  b.identity = &identity;
  Decision d;
  Request r = user_request("s3:GetObject", "arn:aws:s3:::b/k");
  evaluate(b, r, d);
  EXPECT_FALSE(d.allowed());
  ASSERT_EQ(d.missing_keys.size(), 1u);
  EXPECT_EQ(d.missing_keys[0], "aws:username");
  r.context.set("aws:username", "alice");
  evaluate(b, r, d);
  EXPECT_TRUE(d.allowed());
  EXPECT_TRUE(d.missing_keys.empty());
  EXPECT_EQ(d.deciding.size(), 1u);
}

}  // namespace
}  // namespace iamd::authz
