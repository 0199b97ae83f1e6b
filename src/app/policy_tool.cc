#include "app/policy_tool.h"

#include <memory>
#include <vector>

#include "arn/arn.h"
#include "authz/authorizer.h"
#include "authz/policy_set.h"
#include "authz/simulate.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "condition/values.h"
#include "policy/compiled.h"
#include "policy/document.h"
#include "policy/json.h"

namespace iamd::app {

namespace {

using policy::JsonValue;

std::string error_line(std::string_view code, std::string_view message) {
  return "An error occurred (" + std::string(code) +
         ") when calling the SimulateCustomPolicy operation: " + std::string(message) + "\n";
}

ToolOutput fail(std::string_view code, std::string_view message) {
  return ToolOutput{1, "", error_line(code, message)};
}

// Without --type: a document with a Principal and no Resource is a role trust policy, one
// with both is resource-based, one without a Principal is identity-based.
policy::PolicyKind infer_kind(const JsonValue& root) {
  const JsonValue* st = root.find("Statement");
  bool principal = false, resource = false;
  auto look = [&](const JsonValue& s) {
    if (!s.is_object()) return;
    principal = principal || s.find("Principal") != nullptr || s.find("NotPrincipal") != nullptr;
    resource = resource || s.find("Resource") != nullptr || s.find("NotResource") != nullptr;
  };
  if (st != nullptr && st->is_object()) look(*st);
  if (st != nullptr && st->is_array()) {
    for (const JsonValue& s : st->items) look(s);
  }
  if (!principal) return policy::PolicyKind::kIdentity;
  return resource ? policy::PolicyKind::kResource : policy::PolicyKind::kTrust;
}

// Reads a list of strings member; false when present with the wrong shape.
bool string_list(const JsonValue& root, std::string_view key, std::vector<std::string>& out) {
  const JsonValue* v = root.find(key);
  if (v == nullptr) return true;
  if (!v->is_array()) return false;
  for (const JsonValue& e : v->items) {
    if (!e.is_string()) return false;
    out.push_back(e.text);
  }
  return true;
}

bool optional_string(const JsonValue& root, std::string_view key, std::string& out, bool& present) {
  const JsonValue* v = root.find(key);
  present = v != nullptr;
  if (v == nullptr) return true;
  if (!v->is_string()) return false;
  out = v->text;
  return true;
}

void write_position(common::JsonWriter& w, std::string_view key, const authz::TextPosition& p) {
  w.key(key).begin_object();
  w.key("Line").value(static_cast<long long>(p.line));
  w.key("Column").value(static_cast<long long>(p.column));
  w.end_object();
}

}  // namespace

ToolOutput validate_policy(std::string_view text, std::string_view kind, std::string_view entity) {
  policy::ValidateOptions o;
  if (kind.empty()) {
    auto json = policy::parse_json(text);
    o.kind = json ? infer_kind(*json) : policy::PolicyKind::kIdentity;
  } else if (auto k = policy::parse_kind(kind)) {
    o.kind = *k;
  } else {
    return ToolOutput{2, "",
                      "iamd: unknown policy type '" + std::string(kind) +
                          "' (identity, managed, trust, resource, boundary, session, scp, rcp)\n"};
  }
  if (entity.empty() || entity == "user") {
    o.entity = policy::EntityType::kUser;
  } else if (entity == "group") {
    o.entity = policy::EntityType::kGroup;
  } else if (entity == "role") {
    o.entity = policy::EntityType::kRole;
  } else {
    return ToolOutput{2, "", "iamd: unknown entity '" + std::string(entity) + "' (user, group, role)\n"};
  }
  auto doc = policy::parse_policy(text, o);
  if (doc) return ToolOutput{0, "valid\n", ""};
  const common::Error& e = doc.error();
  return ToolOutput{1, e.code + ": " + e.message + "\n  at " + e.path + "\n", ""};
}

ToolOutput simulate_custom_policy(std::string_view request_json) {
  auto json = policy::parse_json(request_json);
  if (!json || !json->is_object()) return fail("InvalidInput", "the --cli-input-json file is not a JSON object");
  const JsonValue& in = *json;
  static constexpr std::string_view kKnown[] = {"PolicyInputList",
                                                "PermissionsBoundaryPolicyInputList",
                                                "ActionNames",
                                                "ResourceArns",
                                                "ResourcePolicy",
                                                "ResourceOwner",
                                                "CallerArn",
                                                "ContextEntries",
                                                "ResourceHandlingOption",
                                                "MaxItems",
                                                "Marker"};
  for (const auto& [k, v] : in.members) {
    bool known = false;
    for (std::string_view name : kKnown) known = known || k == name;
    if (!known) return fail("InvalidInput", "Unknown parameter in input: \"" + k + "\"");
  }
  std::vector<std::string> inputs, boundaries, actions, resources;
  if (!string_list(in, "PolicyInputList", inputs) ||
      !string_list(in, "PermissionsBoundaryPolicyInputList", boundaries) || !string_list(in, "ActionNames", actions) ||
      !string_list(in, "ResourceArns", resources)) {
    return fail(
        "InvalidInput",
        "PolicyInputList, PermissionsBoundaryPolicyInputList, ActionNames and ResourceArns must be lists of strings");
  }
  if (in.find("PolicyInputList") == nullptr)
    return fail("ValidationError", "Missing required parameter in input: \"PolicyInputList\"");
  if (actions.empty()) return fail("ValidationError", "Missing required parameter in input: \"ActionNames\"");
  if (resources.empty()) resources.push_back("*");
  std::string resource_policy_text, owner, caller, marker;
  bool has_rp = false, has_owner = false, has_caller = false, has_marker = false;
  if (!optional_string(in, "ResourcePolicy", resource_policy_text, has_rp) ||
      !optional_string(in, "ResourceOwner", owner, has_owner) ||
      !optional_string(in, "CallerArn", caller, has_caller) || !optional_string(in, "Marker", marker, has_marker)) {
    return fail("InvalidInput", "ResourcePolicy, ResourceOwner, CallerArn and Marker must be strings");
  }
  long long max_items = 1000;
  if (const JsonValue* m = in.find("MaxItems")) {
    auto n = m->kind == JsonValue::Kind::kNumber ? condition::parse_number(m->text) : std::nullopt;
    if (!n || *n < 1 || *n > 1000 || *n != static_cast<long long>(*n)) {
      return fail("ValidationError", "MaxItems must be an integer between 1 and 1000");
    }
    max_items = static_cast<long long>(*n);
  }

  // Policies.
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity, boundary;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    policy::ValidateOptions o;
    o.kind = policy::PolicyKind::kIdentity;
    o.entity = policy::EntityType::kRole;
    auto c = policy::compile_text(inputs[i], o, "PolicyInputList." + std::to_string(i + 1));
    if (!c) return fail(c.error().code, c.error().message);
    identity.push_back(*c);
  }
  for (std::size_t i = 0; i < boundaries.size(); ++i) {
    policy::ValidateOptions o;
    o.kind = policy::PolicyKind::kBoundary;
    auto c = policy::compile_text(boundaries[i], o, "PermissionsBoundaryPolicyInputList." + std::to_string(i + 1));
    if (!c) return fail(c.error().code, c.error().message);
    boundary.push_back(*c);
  }
  std::shared_ptr<const policy::CompiledPolicy> resource_policy;
  if (has_rp) {
    policy::ValidateOptions o;
    o.kind = policy::PolicyKind::kResource;
    auto c = policy::compile_text(resource_policy_text, o, "ResourcePolicy");
    if (!c) return fail(c.error().code, c.error().message);
    resource_policy = *c;
  }

  // Principal and resource owner.
  authz::Request req;
  if (has_caller) {
    auto p = authz::principal_from_arn(caller);
    if (!p) return fail("InvalidInput", "Invalid CallerArn: " + caller);
    req.principal = *p;
  } else if (has_rp) {
    return fail("InvalidInput", "CallerArn is required when a ResourcePolicy is given");
  }
  if (has_owner) {
    std::string account = owner;
    if (!arn::is_account_id(owner)) {
      auto a = arn::Arn::parse(owner);
      if (!a || !arn::is_account_id(a->account())) return fail("InvalidInput", "Invalid ResourceOwner: " + owner);
      account = a->account();
    }
    req.resource_account = account;
  }
  req.principal.has_boundary = !boundary.empty();

  // Context.
  if (const JsonValue* entries = in.find("ContextEntries")) {
    if (!entries->is_array()) return fail("InvalidInput", "ContextEntries must be a list");
    for (const JsonValue& e : entries->items) {
      const JsonValue* name = e.is_object() ? e.find("ContextKeyName") : nullptr;
      const JsonValue* values = e.is_object() ? e.find("ContextKeyValues") : nullptr;
      const JsonValue* type = e.is_object() ? e.find("ContextKeyType") : nullptr;
      if (name == nullptr || !name->is_string() || values == nullptr || !values->is_array() || type == nullptr ||
          !type->is_string()) {
        return fail("InvalidInput", "each context entry needs ContextKeyName, ContextKeyValues and ContextKeyType");
      }
      std::vector<std::string> vals;
      for (const JsonValue& v : values->items) {
        if (!v.is_string()) return fail("InvalidInput", "ContextKeyValues must be strings");
        if (!authz::valid_context_value(type->text, v.text)) {
          return fail("InvalidInput",
                      "Invalid value '" + v.text + "' for context key '" + name->text + "' of type " + type->text);
        }
        vals.push_back(v.text);
      }
      if (type->text.ends_with("List")) {
        req.context.set_list(name->text, std::move(vals));
      } else if (vals.size() == 1) {
        req.context.set(name->text, std::move(vals[0]));
      } else {
        return fail("InvalidInput",
                    "context key '" + name->text + "' of type " + type->text + " takes exactly one value");
      }
    }
  }

  authz::PolicySet identity_set(identity);
  authz::PolicySet boundary_set(boundary);
  authz::PolicySet resource_set(resource_policy ? std::vector{resource_policy}
                                                : std::vector<std::shared_ptr<const policy::CompiledPolicy>>{});
  authz::PolicyBundle bundle;
  bundle.identity = &identity_set;
  bundle.boundary = boundary.empty() ? nullptr : &boundary_set;
  bundle.resource = resource_policy ? &resource_set : nullptr;

  long long start = 0;
  if (has_marker) {
    auto n = condition::parse_number(marker);
    if (!n || *n < 0) return fail("InvalidInput", "Invalid Marker");
    start = static_cast<long long>(*n);
  }
  auto page = authz::simulate(bundle, req, actions, resources, static_cast<std::size_t>(start),
                              static_cast<std::size_t>(max_items));
  common::JsonWriter w;
  w.begin_object().key("EvaluationResults").begin_array();
  for (const authz::SimulationResult& r : page.results) {
    w.begin_object();
    w.key("EvalActionName").value(r.action);
    w.key("EvalResourceName").value(r.resource);
    w.key("EvalDecision").value(authz::decision_name(r.decision));
    w.key("MatchedStatements").begin_array();
    for (const authz::SimulatedStatement& m : r.matched) {
      w.begin_object();
      w.key("SourcePolicyId").value(m.statement->policy->id);
      w.key("SourcePolicyType").value(m.type == authz::PolicyType::kResourceBased ? "resource" : "none");
      write_position(w, "StartPosition", m.start);
      write_position(w, "EndPosition", m.end);
      w.end_object();
    }
    w.end_array();
    w.key("MissingContextValues").begin_array();
    for (const std::string& k : r.missing_keys) w.value(k);
    w.end_array();
    if (r.allowed_by_boundary) {
      w.key("PermissionsBoundaryDecisionDetail").begin_object();
      w.key("AllowedByPermissionsBoundary").value(*r.allowed_by_boundary);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.key("IsTruncated").value(page.next.has_value());
  if (page.next) w.key("Marker").value(std::to_string(*page.next));
  w.end_object();
  return ToolOutput{0, w.str() + "\n", ""};
}

}  // namespace iamd::app
