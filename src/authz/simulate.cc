#include "authz/simulate.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "arn/arn.h"
#include "authz/policy_set.h"
#include "common/strings.h"
#include "condition/values.h"
#include "policy/compiled.h"
#include "policy/json.h"

namespace iamd::authz {

namespace {

using common::Error;

// Line and column of byte offsets in one policy text (as policy::line_column counts them),
// from an index of line starts built once per policy: a statement reported for every
// result of a page costs a binary search, not a scan of its policy.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : size_(text.size()) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  TextPosition position(std::size_t offset, int column_shift) const {
    offset = std::min(offset, size_);
    auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
    const std::size_t line = static_cast<std::size_t>(after - starts_.begin());
    return TextPosition{static_cast<int>(line), static_cast<int>(offset - *(after - 1)) + 1 + column_shift};
  }

 private:
  std::size_t size_;
  std::vector<std::size_t> starts_;
};

Error invalid_input(std::string message) {
  return Error{"InvalidInput", std::move(message), ""};
}

// The cost of matching one pattern written as `raw` against text of `text_length`
// characters: linear for exact text and a single leading or trailing `*` (common::Glob's
// fast shapes); otherwise pattern x text. A policy variable can expand to a context value
// of up to `variable_length` characters, and makes the pattern general.
std::uint64_t pattern_cost(std::string_view raw, std::uint64_t text_length, std::uint64_t variable_length) {
  std::uint64_t length = raw.size() + 1;
  std::size_t stars = 0;
  bool any_char = false, inner_star = false, variable = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '*') {
      ++stars;
      inner_star = inner_star || (i != 0 && i + 1 != raw.size());
    } else if (c == '?') {
      any_char = true;
    } else if (c == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
      variable = true;
      length += variable_length;
    }
  }
  const bool general = any_char || inner_star || stars > 1 || variable;
  return general ? length * text_length : length;
}

}  // namespace

std::optional<policy::PrincipalFacts> principal_from_arn(std::string_view caller) {
  auto parsed = arn::Arn::parse(caller);
  if (!parsed) return std::nullopt;
  policy::PrincipalFacts f;
  f.arn = std::string(caller);
  f.account = parsed->account();
  const std::string& res = parsed->resource();
  if (parsed->service() == "iam" && res == "root") {
    f.type = policy::PrincipalType::kRoot;
  } else if (parsed->service() == "iam" && res.starts_with("user/")) {
    f.type = policy::PrincipalType::kUser;
  } else if (parsed->service() == "sts" && res.starts_with("assumed-role/")) {
    auto parts = common::split(res, '/');
    if (parts.size() != 3) return std::nullopt;
    f.type = policy::PrincipalType::kAssumedRole;
    f.role_arn = arn::iam_arn(parsed->partition(), parsed->account(), "role/" + std::string(parts[1]));
  } else if (parsed->service() == "sts" && res.starts_with("federated-user/")) {
    f.type = policy::PrincipalType::kFederatedUser;
  } else {
    return std::nullopt;
  }
  return f;
}

bool valid_context_value(std::string_view type, std::string_view v) {
  std::string_view base = type.ends_with("List") ? type.substr(0, type.size() - 4) : type;
  if (base == "string") return true;
  if (base == "numeric") return condition::parse_number(v).has_value();
  if (base == "boolean") return common::iequals(v, "true") || common::iequals(v, "false");
  if (base == "ip") return condition::parse_ip_range(v).has_value();
  if (base == "date") return condition::parse_date(v).has_value();
  if (base == "binary") {
    std::string bytes;
    return common::base64_decode(v, bytes);
  }
  return false;
}

SimulationPage simulate(const PolicyBundle& bundle, Request request, const std::vector<std::string>& actions,
                        const std::vector<std::string>& resources, std::size_t start, std::size_t max_items) {
  SimulationPage page;
  const std::size_t total = actions.size() * resources.size();
  if (resources.empty() || start >= total) return page;
  Decision d;
  std::unordered_map<const policy::CompiledPolicy*, LineIndex> lines;
  // The grid position is computed, not counted up to: a Marker far into a large grid costs
  // nothing.
  for (std::size_t index = start; index < total; ++index) {
    if (page.results.size() == max_items) {
      page.next = index;
      return page;
    }
    const std::string& action = actions[index / resources.size()];
    const std::string& resource = resources[index % resources.size()];
    request.set_action(action);
    request.resource = resource;
    evaluate(bundle, request, d);
    SimulationResult r;
    r.action = action;
    r.resource = resource;
    r.decision = d.decision;
    for (const MatchedStatement& m : d.deciding) {
      const policy::CompiledPolicy* p = m.statement->policy;
      const LineIndex& lines_of = lines.try_emplace(p, p->text).first->second;
      r.matched.push_back(
          SimulatedStatement{m.statement, m.type, m.type == PolicyType::kResourceBased ? "resource" : "none",
                             lines_of.position(m.statement->begin, 0), lines_of.position(m.statement->end, 1)});
    }
    for (std::string_view k : d.missing_keys) r.missing_keys.emplace_back(k);
    if (bundle.boundary != nullptr) r.allowed_by_boundary = d.allowed_by_boundary;
    if (!bundle.scp.empty()) r.allowed_by_organizations = d.allowed_by_organizations;
    page.results.push_back(std::move(r));
  }
  return page;
}

bool is_trust_policy_text(std::string_view text) {
  auto root = policy::parse_json(text);
  if (!root || !root->is_object()) return false;
  const policy::JsonValue* statement = root->find("Statement");
  if (statement == nullptr) return false;
  std::vector<const policy::JsonValue*> statements;
  if (statement->is_object()) statements.push_back(statement);
  if (statement->is_array()) {
    for (const policy::JsonValue& s : statement->items) statements.push_back(&s);
  }
  if (statements.empty()) return false;
  for (const policy::JsonValue* s : statements) {
    if (!s->is_object() || s->find("Resource") != nullptr || s->find("NotResource") != nullptr) return false;
  }
  return true;
}

common::Result<SimulationPolicy> compile_simulation_policy(std::string_view text, policy::PolicyKind kind,
                                                           std::string id, std::string source_type) {
  policy::ValidateOptions o;
  o.kind = kind;
  o.entity = policy::EntityType::kRole;
  // The simulator takes documents of any size the API accepts (131,072 characters), not
  // only those within the quota of a stored policy of the kind [AWS: the API reference
  // gives the request limit only].
  o.size_quota = false;
  auto c = policy::compile_text(text, o, std::move(id));
  if (!c) return invalid_input(c.error().message);
  return SimulationPolicy{*c, std::move(source_type)};
}

std::uint64_t estimate_cost(const std::vector<const policy::CompiledPolicy*>& policies, std::size_t text_length,
                            std::size_t values_per_key, std::size_t action_length) {
  const std::uint64_t n = std::max<std::size_t>(text_length, 1);
  const std::uint64_t v = std::max<std::size_t>(values_per_key, 1);
  std::uint64_t cost = 0;
  for (const policy::CompiledPolicy* p : policies) {
    for (const policy::CompiledStatement& st : p->statements) {
      // Visiting the statement and, when it decides, reporting it (a MatchedStatements
      // entry of a few hundred bytes in the response).
      cost += 512;
      for (const common::Glob& a : st.actions) cost += pattern_cost(common::decode_glob(a.encoded()), action_length, 0);
      for (const policy::ResourcePattern& r : st.resources) cost += pattern_cost(r.raw, n, n);
      for (const policy::CompiledPrincipal& pr : st.principals) cost += pr.value.size() + 1;
      for (const condition::Clause& c : st.conditions) {
        std::uint64_t clause = c.key().size() + 1;
        for (const condition::PolicyValue& pv : c.values()) clause += pattern_cost(pv.raw, n, n);
        cost += clause * v;  // ForAnyValue/ForAllValues: every context value against every policy value
      }
    }
  }
  return cost;
}

common::Result<std::string> resource_owner_account(std::string_view owner) {
  if (arn::is_account_id(owner)) return std::string(owner);
  auto a = arn::Arn::parse(owner);
  if (!a || !arn::is_account_id(a->account())) return invalid_input("Invalid ResourceOwner: " + std::string(owner));
  return std::string(a->account());
}

common::Result<void> set_context_entries(const std::vector<ContextEntryInput>& entries, condition::Context& context) {
  for (const ContextEntryInput& e : entries) {
    const std::string name = e.name.value_or("");
    const std::string type = e.type.value_or("string");
    if (name.empty()) return invalid_input("ContextKeyName is required in each context entry.");
    for (const std::string& v : e.values) {
      if (!valid_context_value(type, v)) {
        return invalid_input("Invalid value '" + v + "' for context key '" + name + "' of type " + type + ".");
      }
    }
    if (type.ends_with("List")) {
      context.set_list(name, e.values);
    } else if (e.values.size() == 1) {
      context.set(name, e.values[0]);
    } else {
      return invalid_input("Context key '" + name + "' of type " + type + " takes exactly one value.");
    }
  }
  return {};
}

common::Result<SimulationOutput> run_simulation(const SimulationInput& in, const SimulationLimits& limits) {
  // Input limits first: nothing is parsed or compiled for a request over them.
  auto too_many = [](std::string_view member, std::size_t limit) {
    return invalid_input("The number of " + std::string(member) + " cannot exceed " + std::to_string(limit) + ".");
  };
  if (in.policy_inputs.size() > limits.policy_inputs) return too_many("PolicyInputList entries", limits.policy_inputs);
  if (in.boundary_inputs.size() > limits.boundary_inputs) {
    return invalid_input(
        "Only one permissions boundary policy can be simulated; PermissionsBoundaryPolicyInputList has " +
        std::to_string(in.boundary_inputs.size()) + ".");
  }
  if (in.actions.size() > limits.actions) return too_many("ActionNames", limits.actions);
  if (in.resources.size() > limits.resources) return too_many("ResourceArns", limits.resources);
  if (in.context_entries.size() > limits.context_entries) return too_many("ContextEntries", limits.context_entries);
  auto too_long = [&](std::string_view member, const std::string& text) -> std::optional<Error> {
    if (common::utf8_length(text) <= limits.policy_length) return std::nullopt;
    return invalid_input(std::string(member) + " cannot be longer than " + std::to_string(limits.policy_length) +
                         " characters.");
  };
  for (const std::string& p : in.policy_inputs) {
    if (auto e = too_long("A policy of PolicyInputList", p)) return *e;
  }
  for (const std::string& p : in.boundary_inputs) {
    if (auto e = too_long("A policy of PermissionsBoundaryPolicyInputList", p)) return *e;
  }
  if (in.resource_policy) {
    if (auto e = too_long("ResourcePolicy", *in.resource_policy)) return *e;
  }
  std::size_t longest_value = 0, most_values = 1;
  for (const ContextEntryInput& e : in.context_entries) {
    const std::string name = e.name.value_or("");
    if (e.values.size() > limits.context_values) {
      return invalid_input("The number of ContextKeyValues of context key '" + name + "' cannot exceed " +
                           std::to_string(limits.context_values) + ".");
    }
    for (const std::string& v : e.values) {
      const std::size_t length = common::utf8_length(v);
      if (length > limits.context_value_length) {
        return invalid_input("A value of context key '" + name + "' cannot be longer than " +
                             std::to_string(limits.context_value_length) + " characters.");
      }
      longest_value = std::max(longest_value, v.size());
    }
    most_values = std::max(most_values, e.values.size());
  }
  std::size_t max_items = limits.default_max_items;
  if (in.max_items) {
    if (*in.max_items < 1 || static_cast<std::uint64_t>(*in.max_items) > limits.max_items) {
      return Error{"ValidationError",
                   // IAM's text, which no longer shows the value [OBS].
                   std::string("1 validation error detected: Value at 'maxItems' failed to satisfy constraint: "
                               "Member must have value ") +
                       (*in.max_items < 1 ? "greater than or equal to 1"
                                          : "less than or equal to " + std::to_string(limits.max_items)),
                   ""};
    }
    max_items = static_cast<std::size_t>(*in.max_items);
  }

  // The documents, in AWS's parameter order.
  SimulationOutput out;
  std::vector<SimulationPolicy> identity = in.stored_identity, boundary;
  if (in.stored_boundary) boundary.push_back(*in.stored_boundary);
  for (std::size_t i = 0; i < in.policy_inputs.size(); ++i) {
    auto c = compile_simulation_policy(in.policy_inputs[i], policy::PolicyKind::kIdentity,
                                       "PolicyInputList." + std::to_string(i + 1), "none");
    if (!c) return c.error();
    identity.push_back(std::move(*c));
  }
  for (std::size_t i = 0; i < in.boundary_inputs.size(); ++i) {
    auto c = compile_simulation_policy(in.boundary_inputs[i], policy::PolicyKind::kBoundary,
                                       "PermissionsBoundaryPolicyInputList." + std::to_string(i + 1), "none");
    if (!c) return c.error();
    // A boundary given as input replaces the entity's own (the entity has one at a time).
    boundary.assign(1, std::move(*c));
  }
  std::optional<SimulationPolicy> resource_policy;
  bool resource_is_trust = false;
  if (in.resource_policy) {
    // A role trust policy is validated as one and evaluated as AssumeRole evaluates it (the
    // role trust rules of authorizer.cc): what enforcement will do. AWS's own simulator
    // accepts it but ignores it for sts:AssumeRole* actions, a gap reported against AWS.
    resource_is_trust = is_trust_policy_text(*in.resource_policy);
    auto c = compile_simulation_policy(*in.resource_policy,
                                       resource_is_trust ? policy::PolicyKind::kTrust : policy::PolicyKind::kResource,
                                       "ResourcePolicy", "resource");
    if (!c) return c.error();
    resource_policy = std::move(*c);
  }

  // The caller and the resource owner.
  Request req;
  std::optional<policy::PrincipalFacts> principal = in.source_principal;
  if (in.caller_arn) {
    auto facts = principal_from_arn(*in.caller_arn);
    if (!facts) return invalid_input("Invalid CallerArn: " + *in.caller_arn);
    principal = std::move(*facts);
  }
  if (!principal) {
    if (resource_policy) return invalid_input("CallerArn must be specified when a ResourcePolicy is given.");
    principal = policy::PrincipalFacts{};
  }
  req.principal = *principal;
  req.principal.has_boundary = !boundary.empty();
  if (in.resource_owner) {
    auto account = resource_owner_account(*in.resource_owner);
    if (!account) return account.error();
    req.resource_account = std::move(account).value();
  }

  // The context.
  if (auto r = set_context_entries(in.context_entries, req.context); !r) return r.error();

  // Where this page starts.
  std::size_t start = 0;
  if (in.marker) {
    // The marker is the position in the action x resource grid, as this server issued it.
    const std::string& m = *in.marker;
    if (m.empty() || m.size() > 9 || m.find_first_not_of("0123456789") != std::string::npos) {
      // As every paginated IAM operation (store::invalid_marker(), which authz cannot include).
      return Error{"ValidationError", "Invalid Marker.", ""};
    }
    start = static_cast<std::size_t>(std::stoul(m));
  }
  std::vector<std::string> resources = in.resources;
  if (resources.empty()) resources.push_back("*");

  // The work budget: the page is cut short to fit it; one evaluation beyond it is refused.
  std::vector<const policy::CompiledPolicy*> all;
  for (const SimulationPolicy& s : identity) all.push_back(s.compiled.get());
  for (const SimulationPolicy& s : boundary) all.push_back(s.compiled.get());
  if (resource_policy) all.push_back(resource_policy->compiled.get());
  std::size_t text_length = std::max<std::size_t>({128, longest_value, principal->arn.size()});
  for (const std::string& r : resources) text_length = std::max(text_length, r.size());
  std::size_t action_length = 128;  // ActionNameType's max; the offline CLI does not check it
  for (const std::string& a : in.actions) action_length = std::max(action_length, a.size());
  const std::uint64_t per_evaluation = estimate_cost(all, text_length, most_values, action_length);
  if (per_evaluation > limits.work_budget) {
    return invalid_input(
        "The simulation is too large to evaluate: the policies' patterns would take too long to match. Use fewer "
        "or simpler wildcard patterns, or shorter ResourceArns and context values.");
  }
  max_items = std::min<std::uint64_t>(
      max_items, std::max<std::uint64_t>(1, limits.work_budget / std::max<std::uint64_t>(per_evaluation, 1)));

  std::map<const policy::CompiledPolicy*, std::string> type_of;
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> id_set, b_set, r_set;
  auto note = [&](const SimulationPolicy& s) {
    type_of[s.compiled.get()] = s.source_type;
    out.policies.push_back(s.compiled);
  };
  for (const SimulationPolicy& s : identity) {
    id_set.push_back(s.compiled);
    note(s);
  }
  for (const SimulationPolicy& s : boundary) {
    b_set.push_back(s.compiled);
    note(s);
  }
  if (resource_policy) {
    r_set.push_back(resource_policy->compiled);
    note(*resource_policy);
  }
  PolicySet identity_set(std::move(id_set)), boundary_set(std::move(b_set)), resource_set(std::move(r_set));
  std::vector<PolicySet> scp_sets;
  for (const std::vector<SimulationPolicy>& level : in.stored_scp) {
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> set;
    for (const SimulationPolicy& s : level) {
      set.push_back(s.compiled);
      note(s);
    }
    scp_sets.emplace_back(std::move(set));
  }
  std::vector<const PolicySet*> scp;
  for (const PolicySet& s : scp_sets) scp.push_back(&s);
  PolicyBundle bundle;
  bundle.scp = scp;
  bundle.identity = &identity_set;
  bundle.boundary = boundary.empty() ? nullptr : &boundary_set;
  bundle.resource = resource_policy ? &resource_set : nullptr;
  bundle.resource_is_trust = resource_is_trust;

  out.page = simulate(bundle, req, in.actions, resources, start, max_items);
  for (SimulationResult& r : out.page.results) {
    for (SimulatedStatement& m : r.matched) {
      auto t = type_of.find(m.statement->policy);
      if (t != type_of.end()) m.source_type = t->second;
    }
  }
  if (out.page.next) out.marker = std::to_string(*out.page.next);
  return out;
}

common::Result<std::vector<std::string>> context_keys_for(const std::vector<std::string>& documents,
                                                          std::size_t caller_inputs, const SimulationLimits& limits) {
  if (caller_inputs > limits.policy_inputs) {
    return invalid_input("The number of PolicyInputList entries cannot exceed " + std::to_string(limits.policy_inputs) +
                         ".");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& text : documents) {
    if (common::utf8_length(text) > limits.policy_length) {
      return invalid_input("A policy of PolicyInputList cannot be longer than " + std::to_string(limits.policy_length) +
                           " characters.");
    }
    policy::ValidateOptions o;
    o.kind = policy::PolicyKind::kIdentity;
    o.entity = policy::EntityType::kRole;
    o.size_quota = false;
    auto doc = policy::parse_policy(text, o);
    if (!doc) return invalid_input(doc.error().message);
    for (std::string& k : policy::context_keys(*doc)) {
      if (seen.insert(common::to_lower(k)).second) out.push_back(std::move(k));
    }
  }
  return out;
}

}  // namespace iamd::authz
