// authz::run_simulation: the one SimulateCustomPolicy / SimulatePrincipalPolicy behind the
// API and `iamd policy simulate`: input limits, the work budget, pagination.
#include "authz/simulate.h"

#include <gtest/gtest.h>

#include "policy/compiled.h"

namespace iamd::authz {
namespace {

const char* kRead =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})";

SimulationInput basic() {
  SimulationInput in;
  in.policy_inputs = {kRead};
  in.actions = {"s3:GetObject"};
  in.resources = {"arn:aws:s3:::b/k"};
  return in;
}

std::string refusal(const SimulationInput& in, const SimulationLimits& limits = {}) {
  auto r = run_simulation(in, limits);
  if (r) return "answered";
  return r.error().code + ": " + r.error().message;
}

// A policy of `n` resource patterns that common::Glob cannot match the fast way.
std::string general_globs(int n) {
  std::string resources;
  for (int i = 0; i < n; ++i) {
    resources += (i ? "," : "");
    resources += "\"arn:aws:s3:::*a*b*" + std::to_string(i) + "*?\"";
  }
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[)" + resources +
         "]}]}";
}

TEST(Simulate, AnswersWithinTheLimits) {
  SimulationInput in = basic();
  in.policy_inputs.assign(100, kRead);
  in.boundary_inputs = {kRead};
  in.actions.assign(1000, "s3:GetObject");
  in.context_entries.push_back(ContextEntryInput{"aws:TagKeys", "stringList", std::vector<std::string>(100, "k")});
  in.context_entries.push_back(ContextEntryInput{"aws:username", "string", {std::string(2048, 'u')}});
  in.max_items = 1000;
  auto r = run_simulation(in);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->page.results.size(), 1000u);
  EXPECT_FALSE(r->marker.has_value());
  EXPECT_EQ(r->page.results[0].decision, EvalDecision::kAllowed);
}

TEST(Simulate, RefusesRequestsOverTheInputLimits) {
  struct Case {
    const char* name;
    void (*change)(SimulationInput&);
    const char* want;
  };
  const Case cases[] = {
      {"policies", [](SimulationInput& in) { in.policy_inputs.assign(101, kRead); },
       "InvalidInput: The number of PolicyInputList entries cannot exceed 100."},
      {"boundaries", [](SimulationInput& in) { in.boundary_inputs.assign(2, kRead); },
       "InvalidInput: Only one permissions boundary policy can be simulated; PermissionsBoundaryPolicyInputList has "
       "2."},
      {"actions", [](SimulationInput& in) { in.actions.assign(1001, "s3:GetObject"); },
       "InvalidInput: The number of ActionNames cannot exceed 1000."},
      {"resources", [](SimulationInput& in) { in.resources.assign(1001, "arn:aws:s3:::b/k"); },
       "InvalidInput: The number of ResourceArns cannot exceed 1000."},
      {"entries",
       [](SimulationInput& in) {
         in.context_entries.assign(101, ContextEntryInput{"ctx:key", "string", {"v"}});
       },
       "InvalidInput: The number of ContextEntries cannot exceed 100."},
      {"values",
       [](SimulationInput& in) {
         in.context_entries.push_back(
             ContextEntryInput{"aws:TagKeys", "stringList", std::vector<std::string>(101, "k")});
       },
       "InvalidInput: The number of ContextKeyValues of context key 'aws:TagKeys' cannot exceed 100."},
      {"value length",
       [](SimulationInput& in) {
         in.context_entries.push_back(ContextEntryInput{"aws:username", "string", {std::string(2049, 'u')}});
       },
       "InvalidInput: A value of context key 'aws:username' cannot be longer than 2048 characters."},
      {"policy length", [](SimulationInput& in) { in.policy_inputs = {std::string(131073, ' ')}; },
       "InvalidInput: A policy of PolicyInputList cannot be longer than 131072 characters."},
      {"resource policy length", [](SimulationInput& in) { in.resource_policy = std::string(131073, ' '); },
       "InvalidInput: ResourcePolicy cannot be longer than 131072 characters."},
      {"max items", [](SimulationInput& in) { in.max_items = 1001; },
       "ValidationError: 1 validation error detected: Value at 'maxItems' failed to satisfy constraint: "
       "Member must have value less than or equal to 1000"},
  };
  for (const Case& c : cases) {
    SimulationInput in = basic();
    c.change(in);
    EXPECT_EQ(refusal(in), c.want) << c.name;
  }
}

TEST(Simulate, CostIsLinearForSimplePatternsAndScalesWithTextForGeneralOnes) {
  auto simple = compile_simulation_policy(kRead, policy::PolicyKind::kIdentity, "S", "none");
  auto general = compile_simulation_policy(general_globs(10), policy::PolicyKind::kIdentity, "G", "none");
  ASSERT_TRUE(simple && general);
  const policy::CompiledPolicy* s = simple->compiled.get();
  const policy::CompiledPolicy* g = general->compiled.get();
  EXPECT_EQ(estimate_cost({s}, 128, 1), estimate_cost({s}, 2048, 1));
  EXPECT_GT(estimate_cost({g}, 2048, 1), 10 * estimate_cost({g}, 128, 1));
  EXPECT_GT(estimate_cost({g}, 2048, 1), 10u * 10 * 2048);  // ten patterns of > 10 characters x the text
  EXPECT_EQ(estimate_cost({s, g}, 2048, 1), estimate_cost({s}, 2048, 1) + estimate_cost({g}, 2048, 1));
  EXPECT_EQ(estimate_cost({}, 2048, 1), 0u);
}

TEST(Simulate, WorkBeyondTheBudgetIsRefusedBeforeEvaluating) {
  SimulationInput in = basic();
  in.policy_inputs = {general_globs(4000)};
  in.resources = {"arn:aws:s3:::" + std::string(2000, 'a')};
  EXPECT_EQ(refusal(in).substr(0, 56), "InvalidInput: The simulation is too large to evaluate: t");
}

TEST(Simulate, APageIsCutToTheBudgetAndTheMarkerGoesOn) {
  SimulationInput in = basic();
  in.policy_inputs = {general_globs(5)};
  for (int i = 0; i < 10; ++i) in.actions.push_back("s3:Action" + std::to_string(i));
  in.max_items = 1000;
  auto p = compile_simulation_policy(in.policy_inputs[0], policy::PolicyKind::kIdentity, "P", "none");
  ASSERT_TRUE(p);
  SimulationLimits limits;
  limits.work_budget = 3 * estimate_cost({p->compiled.get()}, 128, 1);  // three evaluations a page
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto r = run_simulation(in, limits);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_LE(r->page.results.size(), 3u);
    for (const SimulationResult& x : r->page.results) seen.push_back(x.action);
    if (!r->marker) break;
    in.marker = r->marker;
  }
  EXPECT_EQ(seen, in.actions);
  limits.work_budget /= 4;  // not even one evaluation
  in.marker.reset();
  EXPECT_EQ(refusal(in, limits).substr(0, 56), "InvalidInput: The simulation is too large to evaluate: t");
}

// Every statement that decides is reported with its position: thousands of "Allow *"
// statements in each of many policies count against the budget as well.
TEST(Simulate, ManyDecidingStatementsAreBoundedToo) {
  std::string statements;
  for (int i = 0; i < 2500; ++i)
    statements += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"*","Resource":"*"})";
  const std::string wide = R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
  ASSERT_LT(wide.size(), 131072u);
  SimulationInput in = basic();
  in.actions.assign(100, "s3:GetObject");
  in.max_items = 1000;
  in.policy_inputs.assign(100, wide);
  EXPECT_EQ(refusal(in).substr(0, 56), "InvalidInput: The simulation is too large to evaluate: t");
  in.policy_inputs.assign(20, wide);
  auto r = run_simulation(in);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_FALSE(r->page.results.empty());
  EXPECT_LT(r->page.results.size(), 10u);
  EXPECT_TRUE(r->marker.has_value());
  EXPECT_EQ(r->page.results[0].matched.size(), 20u * 2500);
  EXPECT_EQ(r->page.results[0].matched.back().start.line, 1);
}

TEST(Simulate, AMarkerFarBeyondTheGridIsAnEmptyLastPage) {
  SimulationInput in = basic();
  in.actions.assign(1000, "s3:GetObject");
  in.resources.assign(1000, "arn:aws:s3:::b/k");
  in.marker = "999999999";
  auto r = run_simulation(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->page.results.empty());
  EXPECT_FALSE(r->marker.has_value());
  in.marker = "999999";  // the last cell of the grid
  r = run_simulation(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->page.results.size(), 1u);
  in.marker = "x1";
  EXPECT_EQ(refusal(in), "ValidationError: Invalid Marker.");
}

TEST(Simulate, ABoundaryInputReplacesTheStoredOneAndStoredPoliciesKeepTheirType) {
  const char* all = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  const char* iam_only = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]})";
  auto stored = compile_simulation_policy(all, policy::PolicyKind::kManaged, "inline", "user");
  auto stored_boundary = compile_simulation_policy(iam_only, policy::PolicyKind::kManaged, "B", "user-managed");
  ASSERT_TRUE(stored && stored_boundary);
  SimulationInput in;
  in.stored_identity = {*stored};
  in.stored_boundary = *stored_boundary;
  in.actions = {"s3:GetObject"};
  auto r = run_simulation(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->page.results[0].decision, EvalDecision::kImplicitDeny);
  in.boundary_inputs = {all};
  r = run_simulation(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->page.results[0].decision, EvalDecision::kAllowed);
  ASSERT_EQ(r->page.results[0].matched.size(), 1u);
  EXPECT_EQ(r->page.results[0].matched[0].source_type, "user");
}

TEST(Simulate, InputPoliciesAreCheckedForTheirKindButNotForAStoredPolicysQuota) {
  SimulationInput in = basic();
  std::string statements;
  for (int i = 0; i < 200; ++i) {
    statements += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"s3:Get)" + std::to_string(i) +
                  R"(","Resource":"arn:aws:s3:::bucket/k"})";
  }
  in.policy_inputs = {R"({"Version":"2012-10-17","Statement":[)" + statements + "]}"};
  ASSERT_GT(in.policy_inputs[0].size(), 10240u);
  EXPECT_EQ(refusal(in), "answered");
  in.policy_inputs = {
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})"};
  EXPECT_EQ(refusal(in), "InvalidInput: Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
}

// A role trust policy as ResourcePolicy: validated as a trust policy and evaluated as
// AssumeRole evaluates it (AWS's simulator discards it for sts:AssumeRole*; iamd answers
// what enforcement will do).
TEST(Simulate, ATrustPolicyAsResourcePolicyDecidesAssumeRole) {
  auto trust = [](const std::string& principal) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + principal +
           R"("},"Action":"sts:AssumeRole"}]})";
  };
  const char* assume =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]})";
  const std::string role = "arn:aws:iam::111122223333:role/R";
  auto decide = [&](const std::string& resource_policy, std::vector<std::string> identity) -> std::string {
    SimulationInput in;
    in.policy_inputs = std::move(identity);
    in.actions = {"sts:AssumeRole"};
    in.resources = {role};
    in.resource_policy = resource_policy;
    in.caller_arn = "arn:aws:iam::111122223333:user/ann";
    auto r = run_simulation(in);
    if (!r) return r.error().code + ": " + r.error().message;
    const SimulationResult& res = r->page.results.at(0);
    std::string out(decision_name(res.decision));
    for (const SimulatedStatement& m : res.matched) out += " " + std::string(policy_type_name(m.type));
    return out;
  };
  EXPECT_TRUE(is_trust_policy_text(trust("*")));
  EXPECT_FALSE(is_trust_policy_text(kRead));
  // Naming the user: the trust policy alone allows, in the same account.
  EXPECT_EQ(decide(trust("arn:aws:iam::111122223333:user/ann"), {}), "allowed role trust");
  // Naming the account: the caller's own policies must allow too.
  EXPECT_EQ(decide(trust("arn:aws:iam::111122223333:root"), {}), "implicitDeny");
  EXPECT_EQ(decide(trust("111122223333"), {assume}), "allowed identity-based role trust");
  // Naming someone else: the role trust policy does not allow, whatever the identity says.
  EXPECT_EQ(decide(trust("arn:aws:iam::111122223333:user/bob"), {assume}), "implicitDeny");
  // Validated as a trust policy, not as a resource-based one.
  EXPECT_EQ(decide(trust("ann"), {}), R"(InvalidInput: Invalid principal in policy: "AWS":"ann")");
  EXPECT_EQ(decide(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*"}]})", {}),
            "InvalidInput: AssumeRole policy may only specify STS AssumeRole actions.");
  // A resource-based policy stays one: a statement without Resource is refused.
  EXPECT_EQ(decide(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*",)"
                   R"("Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]})",
                   {}),
            "InvalidInput: Policy statement must contain resources.");
}

TEST(Simulate, ContextKeysForCountsOnlyTheCallersInputs) {
  std::vector<std::string> docs(150, kRead);
  EXPECT_TRUE(context_keys_for(docs, 50).has_value());
  auto r = context_keys_for(docs, 101);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "The number of PolicyInputList entries cannot exceed 100.");
}

}  // namespace
}  // namespace iamd::authz
