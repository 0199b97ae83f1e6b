// The policy simulator over the API: SimulateCustomPolicy, SimulatePrincipalPolicy and
// GetContextKeysFor{Custom,Principal}Policy. The same engine as every authorization
// decision (authz::simulate), fed with the caller's documents or with the stored policies
// of a user, group or role. Simulation never changes anything.
#include <map>
#include <memory>
#include <set>

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

using internal::fail;

// A policy of the simulation, with the SourcePolicyType AWS reports for it.
struct SimPolicy {
  std::shared_ptr<const policy::CompiledPolicy> compiled;
  std::string source_type;
};

// Compiles one input document; a bad one is InvalidInput with the engine's message.
Result<SimPolicy> compile_input(std::string_view text, policy::PolicyKind kind, std::string id,
                                std::string source_type) {
  policy::ValidateOptions o;
  o.kind = kind;
  o.entity = policy::EntityType::kRole;
  o.managed_policy_quota = 0;  // the simulator takes any size [IMPL]
  auto c = policy::compile_text(text, o, std::move(id));
  if (!c) return Error{"InvalidInput", c.error().message, ""};
  return SimPolicy{*c, std::move(source_type)};
}

// The parameters SimulateCustomPolicy and SimulatePrincipalPolicy share.
struct SimParams {
  const std::vector<std::string>& actions;
  const std::vector<std::string>& resource_arns;
  const std::optional<std::string>& resource_policy;
  const std::optional<std::string>& resource_owner;
  const std::optional<std::string>& caller_arn;
  const std::vector<pi::ContextEntry>& context_entries;
  const std::optional<std::int64_t>& max_items;
  const std::optional<std::string>& marker;
};

Result<void> add_context(condition::Context& context, const std::vector<pi::ContextEntry>& entries) {
  for (const pi::ContextEntry& e : entries) {
    const std::string name = e.context_key_name.value_or("");
    const std::string type = e.context_key_type.value_or("string");
    if (name.empty()) return Error{"InvalidInput", "ContextKeyName is required in each context entry.", ""};
    for (const std::string& v : e.context_key_values) {
      if (!authz::valid_context_value(type, v)) {
        return Error{"InvalidInput", "Invalid value '" + v + "' for context key '" + name + "' of type " + type + ".",
                     ""};
      }
    }
    if (type.ends_with("List")) {
      context.set_list(name, e.context_key_values);
    } else if (e.context_key_values.size() == 1) {
      context.set(name, e.context_key_values[0]);
    } else {
      return Error{"InvalidInput", "Context key '" + name + "' of type " + type + " takes exactly one value.", ""};
    }
  }
  return {};
}

Result<pi::SimulatePolicyResult> run_simulation(const std::vector<SimPolicy>& identity,
                                                const std::vector<SimPolicy>& boundary,
                                                std::optional<policy::PrincipalFacts> principal, const SimParams& p) {
  authz::Request req;
  std::optional<SimPolicy> resource_policy;
  if (p.resource_policy) {
    auto c = compile_input(*p.resource_policy, policy::PolicyKind::kResource, "ResourcePolicy", "resource");
    if (!c) return c.error();
    resource_policy = std::move(*c);
  }
  if (p.caller_arn) {
    auto facts = authz::principal_from_arn(*p.caller_arn);
    if (!facts) return Error{"InvalidInput", "Invalid CallerArn: " + *p.caller_arn, ""};
    principal = std::move(*facts);
  }
  if (!principal) {
    if (resource_policy) {
      return Error{"InvalidInput", "CallerArn must be specified when a ResourcePolicy is given.", ""};
    }
    principal = policy::PrincipalFacts{};
  }
  req.principal = *principal;
  req.principal.has_boundary = !boundary.empty();
  if (p.resource_owner) {
    std::string account = *p.resource_owner;
    if (!arn::is_account_id(account)) {
      auto a = arn::Arn::parse(*p.resource_owner);
      if (!a || !arn::is_account_id(a->account())) {
        return Error{"InvalidInput", "Invalid ResourceOwner: " + *p.resource_owner, ""};
      }
      account = a->account();
    }
    req.resource_account = account;
  }
  if (auto c = add_context(req.context, p.context_entries); !c) return c.error();

  std::map<const policy::CompiledPolicy*, std::string> types;
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> id_set, b_set, r_set;
  for (const SimPolicy& s : identity) {
    id_set.push_back(s.compiled);
    types[s.compiled.get()] = s.source_type;
  }
  for (const SimPolicy& s : boundary) {
    b_set.push_back(s.compiled);
    types[s.compiled.get()] = s.source_type;
  }
  if (resource_policy) {
    r_set.push_back(resource_policy->compiled);
    types[resource_policy->compiled.get()] = resource_policy->source_type;
  }
  authz::PolicySet identity_set(std::move(id_set)), boundary_set(std::move(b_set)), resource_set(std::move(r_set));
  authz::PolicyBundle bundle;
  bundle.identity = &identity_set;
  bundle.boundary = boundary.empty() ? nullptr : &boundary_set;
  bundle.resource = resource_policy ? &resource_set : nullptr;

  std::size_t start = 0;
  if (p.marker) {
    // The marker is the position in the action x resource grid, as this server issued it.
    if (p.marker->empty() || p.marker->size() > 9 || p.marker->find_first_not_of("0123456789") != std::string::npos) {
      return Error{"InvalidInput", "Invalid Marker.", ""};
    }
    start = static_cast<std::size_t>(std::stoul(*p.marker));
  }
  std::vector<std::string> resources = p.resource_arns;
  if (resources.empty()) resources.push_back("*");
  auto page =
      authz::simulate(bundle, req, p.actions, resources, start, static_cast<std::size_t>(p.max_items.value_or(100)));
  pi::SimulatePolicyResult out;
  for (const authz::SimulationResult& r : page.results) {
    pi::EvaluationResult e;
    e.eval_action_name = r.action;
    e.eval_resource_name = r.resource;
    e.eval_decision = std::string(authz::decision_name(r.decision));
    for (const authz::SimulatedStatement& m : r.matched) {
      pi::Statement s;
      s.source_policy_id = m.statement->policy->id;
      auto t = types.find(m.statement->policy);
      s.source_policy_type = t != types.end() ? t->second : "none";
      s.start_position = pi::Position{m.start.line, m.start.column};
      s.end_position = pi::Position{m.end.line, m.end.column};
      e.matched_statements.push_back(std::move(s));
    }
    e.missing_context_values = r.missing_keys;
    if (r.allowed_by_boundary)
      e.permissions_boundary_decision_detail = pi::PermissionsBoundaryDecisionDetail{*r.allowed_by_boundary};
    out.evaluation_results.push_back(std::move(e));
  }
  out.is_truncated = page.next.has_value();
  if (page.next) out.marker = std::to_string(*page.next);
  return out;
}

// The caller's PolicyInputList and PermissionsBoundaryPolicyInputList.
Result<void> compile_inputs(const std::vector<std::string>& inputs, const std::vector<std::string>& boundaries,
                            std::vector<SimPolicy>& identity, std::vector<SimPolicy>& boundary) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto c =
        compile_input(inputs[i], policy::PolicyKind::kIdentity, "PolicyInputList." + std::to_string(i + 1), "none");
    if (!c) return c.error();
    identity.push_back(std::move(*c));
  }
  for (std::size_t i = 0; i < boundaries.size(); ++i) {
    auto c = compile_input(boundaries[i], policy::PolicyKind::kBoundary,
                           "PermissionsBoundaryPolicyInputList." + std::to_string(i + 1), "none");
    if (!c) return c.error();
    boundary.push_back(std::move(*c));
  }
  return {};
}

// The stored policies of the user, group or role named by PolicySourceArn.
Result<void> compile_stored(iam::IamDomain& domain, std::string_view account_id, std::string_view source_arn,
                            std::vector<SimPolicy>& identity, std::vector<SimPolicy>& boundary) {
  auto texts = domain.policies_of_arn(account_id, source_arn);
  if (!texts) return to_aws_error(texts.error());
  for (const iam::PolicyText& t : texts->identity) {
    const bool managed = t.source_type.ends_with("managed");
    auto c = compile_input(t.document, managed ? policy::PolicyKind::kManaged : policy::PolicyKind::kIdentity, t.name,
                           t.source_type);
    if (!c) return c.error();
    identity.push_back(std::move(*c));
  }
  if (texts->boundary) {
    auto c = compile_input(texts->boundary->document, policy::PolicyKind::kManaged, texts->boundary->name,
                           texts->boundary->source_type);
    if (!c) return c.error();
    boundary.push_back(std::move(*c));
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
    f.arn = "arn:" + a->partition() + ":sts::" + a->account() + ":assumed-role/" + name + "/SimulatePrincipalPolicy";
  }
  return f;
}

Result<std::vector<std::string>> context_keys_of(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& text : texts) {
    policy::ValidateOptions o;
    o.kind = policy::PolicyKind::kIdentity;
    o.entity = policy::EntityType::kRole;
    o.managed_policy_quota = 0;
    auto doc = policy::parse_policy(text, o);
    if (!doc) return Error{"InvalidInput", doc.error().message, ""};
    for (std::string& k : policy::context_keys(*doc)) {
      if (seen.insert(common::to_lower(k)).second) out.push_back(std::move(k));
    }
  }
  return out;
}

}  // namespace

Result<pi::SimulateCustomPolicyResult> IamHandlers::simulate_custom_policy(const pi::SimulateCustomPolicyRequest& r) {
  if (auto a = authorize("iam:SimulateCustomPolicy", "*"); !a) return a.error();
  std::vector<SimPolicy> identity, boundary;
  if (auto c = compile_inputs(r.policy_input_list, r.permissions_boundary_policy_input_list, identity, boundary); !c) {
    return c.error();
  }
  return run_simulation(identity, boundary, std::nullopt,
                        SimParams{r.action_names, r.resource_arns, r.resource_policy, r.resource_owner, r.caller_arn,
                                  r.context_entries, r.max_items, r.marker});
}

Result<pi::SimulatePrincipalPolicyResult> IamHandlers::simulate_principal_policy(
    const pi::SimulatePrincipalPolicyRequest& r) {
  if (auto a = authorize("iam:SimulatePrincipalPolicy", r.policy_source_arn); !a) return a.error();
  std::vector<SimPolicy> identity, boundary;
  if (auto c = compile_stored(ctx_.domain, ctx_.caller.account_id, r.policy_source_arn, identity, boundary); !c) {
    return c.error();
  }
  if (auto c = compile_inputs(r.policy_input_list, r.permissions_boundary_policy_input_list, identity, boundary); !c) {
    return c.error();
  }
  return run_simulation(identity, boundary, principal_of_source(r.policy_source_arn),
                        SimParams{r.action_names, r.resource_arns, r.resource_policy, r.resource_owner, r.caller_arn,
                                  r.context_entries, r.max_items, r.marker});
}

Result<pi::GetContextKeysForCustomPolicyResult> IamHandlers::get_context_keys_for_custom_policy(
    const pi::GetContextKeysForCustomPolicyRequest& r) {
  if (auto a = authorize("iam:GetContextKeysForCustomPolicy", "*"); !a) return a.error();
  auto keys = context_keys_of(r.policy_input_list);
  if (!keys) return keys.error();
  pi::GetContextKeysForCustomPolicyResult out;
  out.context_key_names = std::move(*keys);
  return out;
}

Result<pi::GetContextKeysForPrincipalPolicyResult> IamHandlers::get_context_keys_for_principal_policy(
    const pi::GetContextKeysForPrincipalPolicyRequest& r) {
  if (auto a = authorize("iam:GetContextKeysForPrincipalPolicy", r.policy_source_arn); !a) return a.error();
  auto texts = ctx_.domain.policies_of_arn(ctx_.caller.account_id, r.policy_source_arn);
  if (!texts) return fail<pi::GetContextKeysForPrincipalPolicyResult>(texts.error());
  std::vector<std::string> documents;
  for (const iam::PolicyText& t : texts->identity) documents.push_back(t.document);
  for (const std::string& d : r.policy_input_list) documents.push_back(d);
  auto keys = context_keys_of(documents);
  if (!keys) return keys.error();
  pi::GetContextKeysForPrincipalPolicyResult out;
  out.context_key_names = std::move(*keys);
  return out;
}

}  // namespace iamd::api
