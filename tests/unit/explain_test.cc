// The explanation of a decision: the statements whose condition failed (a table of
// operators and modifiers), and the JSON and text writers shared by the API and the CLI.
#include "authz/explain.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/policy_tool.h"
#include "policy/compiled.h"
#include "policy/json.h"

namespace iamd::authz {
namespace {

std::shared_ptr<const policy::CompiledPolicy> compile(const std::string& text, policy::PolicyKind kind,
                                                      std::string id = "P", std::string version = "") {
  policy::ValidateOptions o;
  o.kind = kind;
  auto p = policy::compile_text(text, o, std::move(id), std::move(version));
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? *p : nullptr;
}

std::string identity_policy(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

struct Entry {
  const char* key;
  std::vector<std::string> values;
  bool list = false;
};

struct Expected {
  const char* sid;
  const char* effect;
  const char* op;
  const char* key;
  std::vector<std::string> policy_values;
  bool missing;
  std::vector<std::string> request_values;
  const char* note = "";
};

struct Case {
  const char* name;
  const char* statements;  // of one identity-based policy
  const char* action;
  const char* resource;
  std::vector<Entry> context;
  const char* decision;
  std::vector<Expected> failed;
};

const Case kCases[] = {
    {"value differs",
     R"({"Sid":"OnlyAlice","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}})",
     "s3:GetObject",
     "arn:aws:s3:::b/k",
     {{"aws:username", {"bob"}}},
     "implicitDeny",
     {{"OnlyAlice", "ALLOW", "StringEquals", "aws:username", {"alice"}, false, {"bob"}}}},
    {"missing key",
     R"({"Sid":"Mfa","Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})",
     "iam:ListUsers",
     "*",
     {},
     "implicitDeny",
     {{"Mfa", "ALLOW", "Bool", "aws:MultiFactorAuthPresent", {"true"}, true, {}}}},
    {"numeric and only the failing clause of several",
     R"({"Sid":"Small","Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"NumericLessThanEquals":{"ec2:InstanceCount":"4"},"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}})",
     "ec2:RunInstances",
     "*",
     {{"ec2:InstanceCount", {"10"}}, {"aws:RequestedRegion", {"eu-west-1"}}},
     "implicitDeny",
     {{"Small", "ALLOW", "NumericLessThanEquals", "ec2:InstanceCount", {"4"}, false, {"10"}}}},
    {"every failing clause is listed",
     R"({"Sid":"Both","Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}})",
     "s3:PutObject",
     "arn:aws:s3:::b/k",
     {{"aws:SourceIp", {"192.0.2.7"}}, {"aws:CurrentTime", {"2026-12-05T06:00:00Z"}}},
     "implicitDeny",
     {{"Both", "ALLOW", "IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, false, {"192.0.2.7"}},
      {"Both", "ALLOW", "DateLessThan", "aws:CurrentTime", {"2020-01-01T00:00:00Z"}, false, {"2026-12-05T06:00:00Z"}}}},
    {"IfExists with the key present fails",
     R"({"Sid":"Region","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}})",
     "s3:GetObject",
     "*",
     {{"aws:RequestedRegion", {"us-east-1"}}},
     "implicitDeny",
     {{"Region", "ALLOW", "StringEqualsIfExists", "aws:RequestedRegion", {"eu-west-1"}, false, {"us-east-1"}}}},
    {"IfExists with the key missing holds: nothing failed",
     R"({"Sid":"Region","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}})",
     "s3:GetObject",
     "*",
     {},
     "allowed",
     {}},
    {"ForAllValues with a value outside the set",
     R"({"Sid":"Tags","Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["team","cost-*"]}}})",
     "iam:TagUser",
     "*",
     {{"aws:TagKeys", {"team", "owner"}, true}},
     "implicitDeny",
     {{"Tags", "ALLOW", "ForAllValues:StringLike", "aws:TagKeys", {"team", "cost-*"}, false, {"team", "owner"}}}},
    {"ForAnyValue with the key missing",
     R"({"Sid":"AnyTag","Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}})",
     "iam:TagUser",
     "*",
     {},
     "implicitDeny",
     {{"AnyTag", "ALLOW", "ForAnyValue:StringEquals", "aws:TagKeys", {"team"}, true, {}}}},
    {"a Deny whose condition failed does not deny, and is listed",
     R"({"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoMfaNoDelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}})",
     "iam:DeleteUser",
     "*",
     {{"aws:MultiFactorAuthPresent", {"true"}}},
     "allowed",
     {{"NoMfaNoDelete", "DENY", "BoolIfExists", "aws:MultiFactorAuthPresent", {"false"}, false, {"true"}}}},
    {"a NotAction statement whose condition failed",
     R"({"Sid":"NotIam","Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"AIDA*"}}})",
     "s3:ListBucket",
     "*",
     {{"aws:userid", {"AROAEXAMPLE:session"}}},
     "implicitDeny",
     {{"NotIam", "ALLOW", "StringLike", "aws:userid", {"AIDA*"}, false, {"AROAEXAMPLE:session"}}}},
    {"a NotAction statement that excludes the action is not listed",
     R"({"Sid":"NotIam","Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"AIDA*"}}})",
     "iam:ListUsers",
     "*",
     {{"aws:userid", {"AROAEXAMPLE:session"}}},
     "implicitDeny",
     {}},
    {"another resource: not listed",
     R"({"Sid":"Other","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*","Condition":{"StringEquals":{"aws:username":"alice"}}})",
     "s3:GetObject",
     "arn:aws:s3:::b/k",
     {{"aws:username", {"bob"}}},
     "implicitDeny",
     {}},
    {"a negated operator whose value matched",
     R"({"Sid":"NotProd","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceTag/env":"prod"}}})",
     "s3:DeleteObject",
     "*",
     {{"aws:ResourceTag/env", {"prod"}}},
     "implicitDeny",
     {{"NotProd", "ALLOW", "StringNotEquals", "aws:ResourceTag/env", {"prod"}, false, {"prod"}}}},
    {"a policy variable the request lacks",
     R"({"Sid":"Home","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}})",
     "s3:ListBucket",
     "*",
     {{"s3:prefix", {"home/alice/x"}}},
     "implicitDeny",
     {{"Home",
       "ALLOW",
       "StringLike",
       "s3:prefix",
       {"home/${aws:username}/*"},
       false,
       {"home/alice/x"},
       "the policy variable ${aws:username} is not in the request"}}},
    {"a value of the wrong type",
     R"({"Sid":"Count","Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"NumericLessThan":{"ec2:InstanceCount":"5"}}})",
     "ec2:RunInstances",
     "*",
     {{"ec2:InstanceCount", {"many"}}},
     "implicitDeny",
     {{"Count",
       "ALLOW",
       "NumericLessThan",
       "ec2:InstanceCount",
       {"5"},
       false,
       {"many"},
       "context value is not a number"}}},
};

Request request_of(const Case& c) {
  Request r;
  r.principal.type = policy::PrincipalType::kUser;
  r.principal.arn = "arn:aws:iam::111122223333:user/alice";
  r.principal.account = "111122223333";
  r.set_action(c.action);
  r.resource = c.resource;
  for (const Entry& e : c.context) {
    if (e.list) {
      r.context.set_list(e.key, e.values);
    } else {
      r.context.set(e.key, e.values.at(0));
    }
  }
  return r;
}

TEST(FailedConditions, Table) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    PolicySet identity({compile(identity_policy(c.statements), policy::PolicyKind::kIdentity)});
    PolicyBundle b;
    b.identity = &identity;
    const Request r = request_of(c);
    const Decision d = evaluate(b, r);
    EXPECT_EQ(decision_name(d.decision), c.decision);
    const std::vector<FailedCondition> failed = failed_conditions(b, r);
    ASSERT_EQ(failed.size(), c.failed.size());
    for (std::size_t i = 0; i < failed.size(); ++i) {
      const FailedCondition& f = failed[i];
      const Expected& e = c.failed[i];
      EXPECT_EQ(f.statement->sid, e.sid);
      EXPECT_EQ(f.statement->effect == policy::Effect::kAllow ? "ALLOW" : "DENY", std::string(e.effect));
      EXPECT_EQ(f.type, PolicyType::kIdentityBased);
      EXPECT_EQ(f.clause->op_text(), e.op);
      EXPECT_EQ(f.clause->key(), e.key);
      std::vector<std::string> values;
      for (const condition::PolicyValue& v : f.clause->values()) values.push_back(v.raw);
      EXPECT_EQ(values, e.policy_values);
      EXPECT_EQ(f.key_missing, e.missing);
      EXPECT_EQ(f.request_values, e.request_values);
      EXPECT_EQ(f.note, e.note);
    }
  }
}

// The policy type of each set, and a principal that does not match keeps a resource
// policy's statement out.
TEST(FailedConditions, PolicyTypesAndPrincipals) {
  const std::string cond = R"("Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}})";
  PolicySet identity({compile(identity_policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
                              policy::PolicyKind::kIdentity)});
  PolicySet boundary(
      {compile(identity_policy(R"({"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*",)" + cond + "}"),
               policy::PolicyKind::kBoundary, "arn:aws:iam::111122223333:policy/Boundary", "v3")});
  PolicySet scp({compile(identity_policy(R"({"Sid":"S","Effect":"Allow","Action":"*","Resource":"*",)" + cond + "}"),
                         policy::PolicyKind::kScp, "p-examplescp")});
  PolicySet resource({compile(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:*","Resource":"*",)" +
          cond +
          R"(},{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*",)" +
          cond + "}]}",
      policy::PolicyKind::kResource, "bucket-policy")});
  const PolicySet* levels[] = {&scp};
  PolicyBundle b;
  b.identity = &identity;
  b.boundary = &boundary;
  b.resource = &resource;
  b.scp = levels;
  Case c{"", "", "s3:GetObject", "arn:aws:s3:::b/k", {{"aws:RequestedRegion", {"us-east-1"}}}, "", {}};
  const Request r = request_of(c);
  const Decision d = evaluate(b, r);
  EXPECT_EQ(d.decision, EvalDecision::kImplicitDeny);
  EXPECT_EQ(d.blocked_by, PolicyType::kServiceControl);
  const std::vector<FailedCondition> failed = failed_conditions(b, r);
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].type, PolicyType::kPermissionsBoundary);
  EXPECT_EQ(failed[0].statement->sid, "B");
  EXPECT_EQ(failed[1].type, PolicyType::kResourceBased);
  EXPECT_EQ(failed[1].statement->sid, "Alice");
  EXPECT_EQ(failed[2].type, PolicyType::kServiceControl);
  EXPECT_EQ(failed[2].statement->sid, "S");

  // The JSON: failedConditions with policy, version, Sid, effect, type and the clause.
  const std::string json = explanation_json("111122223333", r, b, d, failed);
  auto root = policy::parse_json(json);
  ASSERT_TRUE(root.has_value()) << json;
  const policy::JsonValue* iamd = root->find("iamd");
  ASSERT_NE(iamd, nullptr);
  EXPECT_EQ(iamd->find("decision")->text, "implicitDeny");
  EXPECT_EQ(iamd->find("blockedBy")->text, "service control");
  const policy::JsonValue* list = iamd->find("failedConditions");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->items.size(), 3u);
  const policy::JsonValue& first = list->items[0];
  EXPECT_EQ(first.find("policy")->text, "arn:aws:iam::111122223333:policy/Boundary");
  EXPECT_EQ(first.find("policyVersion")->text, "v3");
  EXPECT_EQ(first.find("statementId")->text, "B");
  EXPECT_EQ(first.find("effect")->text, "ALLOW");
  EXPECT_EQ(first.find("policyType")->text, "permissions boundary");
  EXPECT_EQ(first.find("operator")->text, "StringEquals");
  EXPECT_EQ(first.find("key")->text, "aws:RequestedRegion");
  ASSERT_EQ(first.find("values")->items.size(), 1u);
  EXPECT_EQ(first.find("values")->items[0].text, "eu-west-1");
  ASSERT_EQ(first.find("requestValues")->items.size(), 1u);
  EXPECT_EQ(first.find("requestValues")->items[0].text, "us-east-1");
  EXPECT_FALSE(first.find("keyMissing")->boolean);
  std::vector<std::string> types;
  for (const policy::JsonValue& t : iamd->find("evaluatedPolicyTypes")->items) types.push_back(t.text);
  EXPECT_EQ(types,
            (std::vector<std::string>{"identity-based", "resource-based", "permissions boundary", "service control"}));
  EXPECT_EQ(root->find("context")->find("principal")->find("id")->text, "111122223333");

  // The text names each statement once, with its failing clause.
  const std::string text = explanation_text(r, b, d, failed);
  EXPECT_NE(text.find("Decision: implicitDeny\n"), std::string::npos) << text;
  EXPECT_NE(text.find("AccessDenied: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
                      "s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a service control policy\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Blocked by: service control\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          "  permissions boundary policy \"arn:aws:iam::111122223333:policy/Boundary\" v3 $.Statement[0], Sid \"B\" "
          "(Allow)\n    StringEquals aws:RequestedRegion: policy [\"eu-west-1\"], request [\"us-east-1\"]\n"),
      std::string::npos)
      << text;
}

// An explicit deny: the deciding statement with its text; a clause on a missing key.
TEST(Explanation, ExplicitDenyText) {
  PolicySet identity({compile(
      identity_policy(
          R"({"Sid":"All","Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
{"Sid":"NoDelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"})"),
      policy::PolicyKind::kIdentity, "admin.json")});
  PolicyBundle b;
  b.identity = &identity;
  Case c{"", "", "iam:DeleteUser", "arn:aws:iam::111122223333:user/bob", {}, "", {}};
  const Request r = request_of(c);
  const Decision d = evaluate(b, r);
  const std::vector<FailedCondition> failed = failed_conditions(b, r);
  const std::string text = explanation_text(r, b, d, failed);
  EXPECT_NE(text.find("Denied by: identity-based\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          "Denying statements:\n  identity-based policy \"admin.json\" $.Statement[1], Sid \"NoDelete\" (Deny)\n    "
          "{\"Sid\":\"NoDelete\",\"Effect\":\"Deny\",\"Action\":\"iam:DeleteUser\",\"Resource\":\"*\"}\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("    Bool aws:SecureTransport: policy [\"true\"], request missing\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Missing context keys: aws:SecureTransport\n"), std::string::npos) << text;
  const std::string json = explanation_json("111122223333", r, b, d, failed);
  auto root = policy::parse_json(json);
  ASSERT_TRUE(root.has_value());
  EXPECT_TRUE(root->find("explicitDeny")->boolean);
  ASSERT_EQ(root->find("matchedStatements")->find("items")->items.size(), 1u);
  const policy::JsonValue& f = root->find("iamd")->find("failedConditions")->items.at(0);
  EXPECT_TRUE(f.find("keyMissing")->boolean);
  EXPECT_TRUE(f.find("requestValues")->items.empty());
}

// `iamd policy explain` without a process: exit status, input merging and errors.
TEST(ExplainTool, StatusInputsAndErrors) {
  const std::string allow_tags = identity_policy(
      R"({"Sid":"Tags","Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}})");
  app::ExplainInput in;
  in.identity.push_back({"tags.json", allow_tags});
  in.action = "iam:TagUser";
  in.context = {"aws:TagKeys=a", "aws:TagKeys=b"};  // a key given twice is multivalued
  app::ToolOutput out = app::explain_request(in);
  EXPECT_EQ(out.status, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("Decision: allowed\n"), std::string::npos) << out.out;
  in.context = {"aws:TagKeys=a", "aws:TagKeys=c"};
  out = app::explain_request(in);
  EXPECT_EQ(out.status, 1);
  EXPECT_NE(out.out.find("    ForAllValues:StringEquals aws:TagKeys: policy [\"a\", \"b\"], request [\"a\", \"c\"]\n"),
            std::string::npos)
      << out.out;
  in.json = true;
  out = app::explain_request(in);
  EXPECT_EQ(out.status, 1);
  auto root = policy::parse_json(out.out);
  ASSERT_TRUE(root.has_value()) << out.out;
  EXPECT_EQ(root->find("iamd")->find("failedConditions")->items.at(0).find("policy")->text, "tags.json");
  EXPECT_EQ(root->find("context")->find("principal")->find("arn")->text, app::kDefaultExplainPrincipal);

  // A SimulateCustomPolicy request with several actions: --action picks one (any case).
  app::ExplainInput sim;
  sim.cli_input_json =
      R"({"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}"],)"
      R"("ActionNames":["s3:GetObject","s3:PutObject"],"CallerArn":"arn:aws:iam::111122223333:user/carol"})";
  out = app::explain_request(sim);
  EXPECT_EQ(out.status, 2);
  EXPECT_EQ(out.err, "iamd: the --cli-input-json request has 2 ActionNames: choose one with --action\n");
  sim.action = "S3:getobject";
  out = app::explain_request(sim);
  EXPECT_EQ(out.status, 0) << out.err;
  EXPECT_NE(out.out.find("Principal: arn:aws:iam::111122223333:user/carol\n"), std::string::npos) << out.out;
  sim.action = "s3:PutObject";
  EXPECT_EQ(app::explain_request(sim).status, 1);
  sim.action = "s3:DeleteObject";
  out = app::explain_request(sim);
  EXPECT_EQ(out.status, 2);
  EXPECT_EQ(out.err, "iamd: --action s3:DeleteObject is not one of the --cli-input-json request's ActionNames\n");

  // An invalid policy: its file, the engine's code, message and JSON path.
  app::ExplainInput bad;
  bad.identity.push_back(
      {"bad.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})"});
  bad.action = "s3:GetObject";
  out = app::explain_request(bad);
  EXPECT_EQ(out.status, 2);
  EXPECT_EQ(out.err.rfind("iamd: bad.json: invalid identity policy: MalformedPolicyDocument: ", 0), 0u) << out.err;
  bad.identity.clear();
  bad.boundary = app::PolicyFile{"b.json", allow_tags};
  bad.resource_policy = app::PolicyFile{"r.json", "{"};
  out = app::explain_request(bad);
  EXPECT_EQ(out.status, 2);
  EXPECT_NE(out.err.find("r.json: invalid resource"), std::string::npos) << out.err;
}

}  // namespace
}  // namespace iamd::authz
