#include "app/policy_tool.h"

#include <optional>
#include <vector>

#include "authz/authorizer.h"
#include "authz/simulate.h"
#include "common/json_writer.h"
#include "condition/values.h"
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
  // Only the JSON is read here; the operation is authz::run_simulation, as over the API.
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
  authz::SimulationInput request;
  if (!string_list(in, "PolicyInputList", request.policy_inputs) ||
      !string_list(in, "PermissionsBoundaryPolicyInputList", request.boundary_inputs) ||
      !string_list(in, "ActionNames", request.actions) || !string_list(in, "ResourceArns", request.resources)) {
    return fail(
        "InvalidInput",
        "PolicyInputList, PermissionsBoundaryPolicyInputList, ActionNames and ResourceArns must be lists of strings");
  }
  // The required members, with the API's ValidationError text (its model validation).
  std::vector<std::string> missing;
  for (std::string_view member : {"policyInputList", "actionNames"}) {
    std::string key(member);
    key[0] = static_cast<char>(key[0] - 'a' + 'A');
    if (in.find(key) == nullptr) {
      missing.push_back("Value null at '" + std::string(member) +
                        "' failed to satisfy constraint: Member must not be null");
    }
  }
  if (!missing.empty()) {
    std::string message = std::to_string(missing.size()) +
                          (missing.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (std::size_t i = 0; i < missing.size(); ++i) message += (i > 0 ? "; " : "") + missing[i];
    return fail("ValidationError", message);
  }
  std::string text;
  bool present = false;
  auto optional = [&](std::string_view key, std::optional<std::string>& out) {
    if (!optional_string(in, key, text, present)) return false;
    if (present) out = text;
    return true;
  };
  if (!optional("ResourcePolicy", request.resource_policy) || !optional("ResourceOwner", request.resource_owner) ||
      !optional("CallerArn", request.caller_arn) || !optional("Marker", request.marker)) {
    return fail("InvalidInput", "ResourcePolicy, ResourceOwner, CallerArn and Marker must be strings");
  }
  if (const JsonValue* m = in.find("MaxItems")) {
    auto n = m->kind == JsonValue::Kind::kNumber ? condition::parse_number(m->text) : std::nullopt;
    if (!n || *n != static_cast<double>(static_cast<long long>(*n))) {
      return fail("InvalidInput", "MaxItems must be an integer");
    }
    request.max_items = static_cast<std::int64_t>(*n);
  }
  if (const JsonValue* entries = in.find("ContextEntries")) {
    if (!entries->is_array()) return fail("InvalidInput", "ContextEntries must be a list");
    for (const JsonValue& e : entries->items) {
      if (!e.is_object()) return fail("InvalidInput", "each context entry must be an object");
      authz::ContextEntryInput entry;
      const JsonValue* name = e.find("ContextKeyName");
      const JsonValue* type = e.find("ContextKeyType");
      if ((name != nullptr && !name->is_string()) || (type != nullptr && !type->is_string())) {
        return fail("InvalidInput", "ContextKeyName and ContextKeyType must be strings");
      }
      if (name != nullptr) entry.name = name->text;
      if (type != nullptr) entry.type = type->text;
      if (!string_list(e, "ContextKeyValues", entry.values)) {
        return fail("InvalidInput", "ContextKeyValues must be a list of strings");
      }
      request.context_entries.push_back(std::move(entry));
    }
  }

  auto out = authz::run_simulation(request);
  if (!out) return fail(out.error().code, out.error().message);
  common::JsonWriter w;
  w.begin_object().key("EvaluationResults").begin_array();
  for (const authz::SimulationResult& r : out->page.results) {
    w.begin_object();
    w.key("EvalActionName").value(r.action);
    w.key("EvalResourceName").value(r.resource);
    w.key("EvalDecision").value(authz::decision_name(r.decision));
    w.key("MatchedStatements").begin_array();
    for (const authz::SimulatedStatement& m : r.matched) {
      w.begin_object();
      w.key("SourcePolicyId").value(m.statement->policy->id);
      w.key("SourcePolicyType").value(m.source_type);
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
  w.key("IsTruncated").value(out->marker.has_value());
  if (out->marker) w.key("Marker").value(*out->marker);
  w.end_object();
  return ToolOutput{0, w.str() + "\n", ""};
}

}  // namespace iamd::app
