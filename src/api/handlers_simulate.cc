// The policy simulator over the API: SimulateCustomPolicy, SimulatePrincipalPolicy and
// GetContextKeysFor{Custom,Principal}Policy. The operations themselves (limits, messages,
// evaluation) are authz::run_simulation and authz::context_keys_for, shared with
// `iamd policy simulate`; this file only converts the request and the result, and supplies
// the stored policies of a user, group or role. Simulation never changes anything.
#include <memory>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "arn/arn.h"
#include "authz/policy_set.h"
#include "authz/simulate.h"
#include "common/strings.h"
#include "policy/compiled.h"
#include "policy/document.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

// The request members SimulateCustomPolicy and SimulatePrincipalPolicy share, as the
// simulator takes them.
template <class R>
authz::SimulationInput input_of(const R& r) {
  authz::SimulationInput in;
  in.policy_inputs = r.policy_input_list;
  in.boundary_inputs = r.permissions_boundary_policy_input_list;
  in.actions = r.action_names;
  in.resources = r.resource_arns;
  in.resource_policy = r.resource_policy;
  in.resource_owner = r.resource_owner;
  in.caller_arn = r.caller_arn;
  for (const pi::ContextEntry& e : r.context_entries) {
    in.context_entries.push_back(
        authz::ContextEntryInput{e.context_key_name, e.context_key_type, e.context_key_values});
  }
  in.max_items = r.max_items;
  in.marker = r.marker;
  return in;
}

pi::SimulatePolicyResult result_of(const authz::SimulationOutput& o) {
  pi::SimulatePolicyResult out;
  for (const authz::SimulationResult& r : o.page.results) {
    pi::EvaluationResult e;
    e.eval_action_name = r.action;
    e.eval_resource_name = r.resource;
    e.eval_decision = std::string(authz::decision_name(r.decision));
    for (const authz::SimulatedStatement& m : r.matched) {
      pi::Statement s;
      s.source_policy_id = m.statement->policy->id;
      s.source_policy_type = m.source_type;
      s.start_position = pi::Position{m.start.line, m.start.column};
      s.end_position = pi::Position{m.end.line, m.end.column};
      e.matched_statements.push_back(std::move(s));
    }
    e.missing_context_values = r.missing_keys;
    if (r.allowed_by_boundary)
      e.permissions_boundary_decision_detail = pi::PermissionsBoundaryDecisionDetail{*r.allowed_by_boundary};
    if (r.allowed_by_organizations)
      e.organizations_decision_detail = pi::OrganizationsDecisionDetail{*r.allowed_by_organizations};
    out.evaluation_results.push_back(std::move(e));
  }
  out.is_truncated = o.marker.has_value();
  out.marker = o.marker;
  return out;
}

// The stored policies of the user, group or role named by PolicySourceArn.
Result<void> compile_stored(iam::IamDomain& domain, const iam::Read& rd, std::string_view source_arn,
                            authz::SimulationInput& in) {
  auto texts = domain.policies_of_arn(rd, source_arn);
  if (!texts) return texts.error();
  for (const iam::PolicyText& t : texts->identity) {
    const bool managed = t.source_type.ends_with("managed");
    auto c = authz::compile_simulation_policy(
        t.document, managed ? policy::PolicyKind::kManaged : policy::PolicyKind::kIdentity, t.name, t.source_type);
    if (!c) return c.error();
    in.stored_identity.push_back(std::move(*c));
  }
  if (texts->boundary) {
    auto c = authz::compile_simulation_policy(texts->boundary->document, policy::PolicyKind::kManaged,
                                              texts->boundary->name, texts->boundary->source_type);
    if (!c) return c.error();
    in.stored_boundary = std::move(*c);
  }
  return {};
}

// The principal a PolicySourceArn stands for [IMPL]: a user as itself; a role as a session
// of it; a group as a member user.
std::optional<policy::PrincipalFacts> principal_of_source(std::string_view source_arn) {
  auto a = arn::Arn::parse(source_arn);
  if (!a) return std::nullopt;
  policy::PrincipalFacts f;
  f.account = a->account();
  f.arn = std::string(source_arn);
  if (a->resource().starts_with("role/")) {
    const std::string name = a->resource().substr(a->resource().rfind('/') + 1);
    f.type = policy::PrincipalType::kAssumedRole;
    f.role_arn = std::string(source_arn);
    f.arn = arn::sts_arn(a->partition(), a->account(), "assumed-role/" + name + "/SimulatePrincipalPolicy");
  }
  return f;
}

}  // namespace

Result<pi::SimulateCustomPolicyResult> IamHandlers::simulate_custom_policy(const pi::SimulateCustomPolicyRequest& r) {
  auto out = authz::run_simulation(input_of(r));
  if (!out) return out.error();
  return result_of(*out);
}

Result<pi::SimulatePrincipalPolicyResult> IamHandlers::simulate_principal_policy(
    const pi::SimulatePrincipalPolicyRequest& r) {
  authz::SimulationInput in = input_of(r);
  if (auto c = compile_stored(ctx_.domain, pipe_.read(), r.policy_source_arn, in); !c) return c.error();
  // [AWS] The simulation of a principal of a member account includes its SCPs
  // (OrganizationsDecisionDetail); [IMPL] not for a service-linked role, which they never limit.
  if (r.policy_source_arn.find(":role/aws-service-role/") == std::string::npos) {
    auto levels = ctx_.access.organizations().control_levels(pipe_.read().tx, pipe_.account_id());
    if (!levels) return levels.error();
    for (const std::vector<org::ControlPolicy>& level : levels->scp) {
      std::vector<authz::SimulationPolicy> compiled;
      for (const org::ControlPolicy& p : level) {
        auto c = authz::compile_simulation_policy(p.content, policy::PolicyKind::kScp, p.id, "none");
        if (!c) return c.error();
        compiled.push_back(std::move(*c));
      }
      in.stored_scp.push_back(std::move(compiled));
    }
  }
  // The principal as the request's partition names it (PolicySourceArn was taken into the
  // server's partition by the gateway), like the ResourceArns it is simulated against.
  const std::string& stored = ctx_.domain.env().partition;
  const std::string_view partition = ctx_.caller.partition.empty() ? std::string_view(stored) : ctx_.caller.partition;
  in.source_principal = principal_of_source(arn::in_partition(r.policy_source_arn, stored, partition));
  auto out = authz::run_simulation(in);
  if (!out) return out.error();
  return result_of(*out);
}

Result<pi::GetContextKeysForCustomPolicyResult> IamHandlers::get_context_keys_for_custom_policy(
    const pi::GetContextKeysForCustomPolicyRequest& r) {
  auto keys = authz::context_keys_for(r.policy_input_list, r.policy_input_list.size());
  if (!keys) return keys.error();
  pi::GetContextKeysForCustomPolicyResult out;
  out.context_key_names = std::move(*keys);
  return out;
}

Result<pi::GetContextKeysForPrincipalPolicyResult> IamHandlers::get_context_keys_for_principal_policy(
    const pi::GetContextKeysForPrincipalPolicyRequest& r) {
  auto texts = ctx_.domain.policies_of_arn(pipe_.read(), r.policy_source_arn);
  if (!texts) return texts.error();
  std::vector<std::string> documents;
  for (const iam::PolicyText& t : texts->identity) documents.push_back(t.document);
  for (const std::string& d : r.policy_input_list) documents.push_back(d);
  auto keys = authz::context_keys_for(documents, r.policy_input_list.size());
  if (!keys) return keys.error();
  pi::GetContextKeysForPrincipalPolicyResult out;
  out.context_key_names = std::move(*keys);
  return out;
}

}  // namespace iamd::api
