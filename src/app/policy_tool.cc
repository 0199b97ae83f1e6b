#include "app/policy_tool.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "authz/authorizer.h"
#include "authz/explain.h"
#include "authz/simulate.h"
#include "common/json_writer.h"
#include "common/result.h"
#include "common/strings.h"
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

// ---- The model's constraints on SimulateCustomPolicyRequest ---------------------------------
// Over the API the protocol layer checks them (generated from models/iam.json) before the
// operation runs; the offline tool has no protocol layer (it is built without the server
// modules too), so it applies the same constraints here, with the same ValidationError text
// and in the same order (AWS's, see protocol::detail::order_like_aws).

// Code points of UTF-8 text (JSON strings are valid UTF-8).
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t n = std::min(common::utf8_sequence_length(lead), s.size() - i);
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += n;
  }
  return out;
}

// java.util.HashMap's bucket of a member name among 16 (String.hashCode, spread): the order
// AWS lists failures in, as the protocol layer does (protocol/codec.h, order_like_aws).
std::uint32_t bucket(std::string_view member) {
  std::uint32_t h = 0;
  for (char c : member) h = 31 * h + static_cast<unsigned char>(c);
  return (h ^ (h >> 16)) & 15;
}

struct ModelCheck {
  // IAM messages do not show the value [OBS]; each failure is sorted by `key`: the bucket of
  // its top-level member, then (context entries) the element and the nested member's bucket.
  std::vector<std::pair<std::vector<std::uint32_t>, std::string>> failures;
  std::vector<std::uint32_t> key;

  void member(std::string_view name) { key = {bucket(name)}; }
  void fail(std::string_view /*value*/, std::string_view path, std::string_view constraint) {
    failures.emplace_back(
        key, "Value at '" + std::string(path) + "' failed to satisfy constraint: " + std::string(constraint));
  }
  void null(std::string_view path) {
    failures.emplace_back(key,
                          "Value at '" + std::string(path) + "' failed to satisfy constraint: Member must not be null");
  }
  // Length in code points, then the pattern: policyDocumentType's (tab, LF, CR, U+0020-U+00FF)
  // or markerType's (U+0020-U+00FF).
  enum class Pattern { kNone, kPolicy, kMarker };
  void string(std::string_view value, std::string_view path, std::size_t min, std::size_t max,
              Pattern pattern = Pattern::kNone) {
    const std::vector<char32_t> cps = code_points(value);
    if (cps.size() < min) fail(value, path, "Member must have length greater than or equal to " + std::to_string(min));
    if (cps.size() > max) fail(value, path, "Member must have length less than or equal to " + std::to_string(max));
    if (pattern == Pattern::kNone) return;
    bool ok = !cps.empty();
    for (char32_t c : cps) {
      const bool control = pattern == Pattern::kPolicy && (c == 0x09 || c == 0x0A || c == 0x0D);
      ok = ok && (control || (c >= 0x20 && c <= 0xFF));
    }
    if (!ok) {
      fail(value, path,
           pattern == Pattern::kPolicy
               ? "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
               : "Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+");
    }
  }
  // A list of strings with a member that fails is one failure naming the whole list and its
  // members' constraints [OBS]: maximum, minimum, pattern.
  void strings(const std::vector<std::string>& values, std::string_view member, std::size_t min, std::size_t max,
               Pattern pattern = Pattern::kNone) {
    const std::size_t before = failures.size();
    for (std::size_t i = 0; i < values.size(); ++i) string(values[i], member, min, max, pattern);
    if (failures.size() == before) return;
    failures.resize(before);
    std::string c = "Member must satisfy constraint: [Member must have length less than or equal to " +
                    std::to_string(max) + ", Member must have length greater than or equal to " + std::to_string(min);
    if (pattern == Pattern::kPolicy) {
      c += ", Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
    } else if (pattern == Pattern::kMarker) {
      c += ", Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+";
    }
    c += ']';
    fail("", member, c);
  }
  std::optional<common::Error> error() {
    if (failures.empty()) return std::nullopt;
    std::stable_sort(failures.begin(), failures.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string message = std::to_string(failures.size()) +
                          (failures.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (std::size_t i = 0; i < failures.size(); ++i) message += (i > 0 ? "; " : "") + failures[i].second;
    return common::Error{"ValidationError", message, ""};
  }
};

// SimulateCustomPolicyRequest's member constraints (models/iam.json), in model order.
std::optional<common::Error> check_model(const JsonValue& in, const authz::SimulationInput& r,
                                         const std::optional<std::string>& handling) {
  using P = ModelCheck::Pattern;
  ModelCheck m;
  m.member("policyInputList");
  if (in.find("PolicyInputList") == nullptr) m.null("policyInputList");
  m.strings(r.policy_inputs, "policyInputList", 1, 131072, P::kPolicy);
  m.member("permissionsBoundaryPolicyInputList");
  m.strings(r.boundary_inputs, "permissionsBoundaryPolicyInputList", 1, 131072, P::kPolicy);
  m.member("actionNames");
  if (in.find("ActionNames") == nullptr) m.null("actionNames");
  m.strings(r.actions, "actionNames", 3, 128);
  m.member("resourceArns");
  m.strings(r.resources, "resourceArns", 1, 2048);
  m.member("resourcePolicy");
  if (r.resource_policy) m.string(*r.resource_policy, "resourcePolicy", 1, 131072, P::kPolicy);
  m.member("resourceOwner");
  if (r.resource_owner) m.string(*r.resource_owner, "resourceOwner", 1, 2048);
  m.member("callerArn");
  if (r.caller_arn) m.string(*r.caller_arn, "callerArn", 1, 2048);
  static constexpr std::string_view kTypes[] = {"string",  "stringList",  "numeric", "numericList",
                                                "boolean", "booleanList", "ip",      "ipList",
                                                "binary",  "binaryList",  "date",    "dateList"};
  for (std::size_t i = 0; i < r.context_entries.size(); ++i) {
    const authz::ContextEntryInput& e = r.context_entries[i];
    const std::string path = "contextEntries." + std::to_string(i + 1) + ".member.";
    m.key = {bucket("contextEntries"), static_cast<std::uint32_t>(i), bucket("contextKeyName")};
    if (e.name) m.string(*e.name, path + "contextKeyName", 5, 256);
    m.key.back() = bucket("contextKeyType");
    if (e.type && std::find(std::begin(kTypes), std::end(kTypes), *e.type) == std::end(kTypes)) {
      m.fail(*e.type, path + "contextKeyType", "Member must satisfy enum value set");
    }
  }
  m.member("resourceHandlingOption");
  if (handling) m.string(*handling, "resourceHandlingOption", 1, 64);
  m.member("maxItems");
  if (r.max_items && *r.max_items < 1) {
    m.fail(std::to_string(*r.max_items), "maxItems", "Member must have value greater than or equal to 1");
  }
  if (r.max_items && *r.max_items > 1000) {
    m.fail(std::to_string(*r.max_items), "maxItems", "Member must have value less than or equal to 1000");
  }
  m.member("marker");
  if (r.marker) m.string(*r.marker, "marker", 1, 320, P::kMarker);
  return m.error();
}

// Reads the JSON of a SimulateCustomPolicy request (the --cli-input-json form) into
// `request`, with the model's constraints; the error as the CLI reports it otherwise.
std::optional<common::Error> read_simulation_request(std::string_view request_json, authz::SimulationInput& request) {
  auto fail = [](std::string_view code, std::string_view message) {
    return std::optional<common::Error>(common::Error{std::string(code), std::string(message), ""});
  };
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
  if (!string_list(in, "PolicyInputList", request.policy_inputs) ||
      !string_list(in, "PermissionsBoundaryPolicyInputList", request.boundary_inputs) ||
      !string_list(in, "ActionNames", request.actions) || !string_list(in, "ResourceArns", request.resources)) {
    return fail(
        "InvalidInput",
        "PolicyInputList, PermissionsBoundaryPolicyInputList, ActionNames and ResourceArns must be lists of strings");
  }
  std::string text;
  bool present = false;
  auto optional = [&](std::string_view key, std::optional<std::string>& out) {
    if (!optional_string(in, key, text, present)) return false;
    if (present) out = text;
    return true;
  };
  std::optional<std::string> handling;
  if (!optional("ResourcePolicy", request.resource_policy) || !optional("ResourceOwner", request.resource_owner) ||
      !optional("CallerArn", request.caller_arn) || !optional("Marker", request.marker) ||
      !optional("ResourceHandlingOption", handling)) {
    return fail("InvalidInput",
                "ResourcePolicy, ResourceOwner, CallerArn, ResourceHandlingOption and Marker must be strings");
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

  return check_model(in, request, handling);
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
  authz::SimulationInput request;
  if (auto e = read_simulation_request(request_json, request)) return fail(e->code, e->message);
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

namespace iamd::app {

namespace {

ToolOutput bad_input(std::string_view message) {
  return ToolOutput{2, "", "iamd: " + std::string(message) + "\n"};
}

// One pair of --cli-input-json's list (ActionNames, ResourceArns) and the flag that picks it.
std::optional<std::string> pick(const std::optional<std::string>& flag, const std::vector<std::string>& listed,
                                std::string_view member, std::string_view option, bool case_insensitive,
                                std::string& error) {
  if (listed.empty()) return flag;
  if (!flag) {
    if (listed.size() == 1) return listed.front();
    error = "the --cli-input-json request has " + std::to_string(listed.size()) + " " + std::string(member) +
            ": choose one with " + std::string(option);
    return std::nullopt;
  }
  for (const std::string& v : listed) {
    if (case_insensitive ? common::iequals(v, *flag) : v == *flag) return v;
  }
  error = std::string(option) + " " + *flag + " is not one of the --cli-input-json request's " + std::string(member);
  return std::nullopt;
}

}  // namespace

ToolOutput explain_request(const ExplainInput& in) {
  authz::SimulationInput sim;
  if (in.cli_input_json) {
    if (auto e = read_simulation_request(*in.cli_input_json, sim)) {
      return bad_input("--cli-input-json: " + e->code + ": " + e->message);
    }
  }
  if (!sim.boundary_inputs.empty() && in.boundary) {
    return bad_input("a permissions boundary is given twice (--boundary and PermissionsBoundaryPolicyInputList)");
  }
  if (sim.boundary_inputs.size() > 1) {
    return bad_input("only one permissions boundary can be given; PermissionsBoundaryPolicyInputList has " +
                     std::to_string(sim.boundary_inputs.size()));
  }
  if (sim.resource_policy && in.resource_policy) {
    return bad_input("a resource policy is given twice (--resource-policy and ResourcePolicy)");
  }

  // The policies, validated as the server validates each kind; an invalid one is named by
  // its file with the engine's code, message and JSON path.
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> keep;
  std::optional<ToolOutput> failure;
  auto compile = [&](const PolicyFile& f, policy::PolicyKind kind) -> std::shared_ptr<const policy::CompiledPolicy> {
    if (failure) return nullptr;
    policy::ValidateOptions o;
    o.kind = kind;
    o.entity = policy::EntityType::kRole;
    o.size_quota = false;  // as the simulator: any document the API accepts
    auto c = policy::compile_text(f.text, o, f.name);
    if (!c) {
      const common::Error& e = c.error();
      failure = bad_input(f.name + ": invalid " + std::string(policy::kind_name(kind)) + " policy: " + e.code + ": " +
                          e.message + (e.path.empty() ? "" : " (at " + e.path + ")"));
      return nullptr;
    }
    keep.push_back(*c);
    return *c;
  };
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity, boundary, session, resource;
  for (std::size_t i = 0; i < sim.policy_inputs.size(); ++i) {
    identity.push_back(
        compile({"PolicyInputList." + std::to_string(i + 1), sim.policy_inputs[i]}, policy::PolicyKind::kIdentity));
  }
  for (const PolicyFile& f : in.identity) identity.push_back(compile(f, policy::PolicyKind::kIdentity));
  if (!sim.boundary_inputs.empty()) {
    boundary.push_back(
        compile({"PermissionsBoundaryPolicyInputList.1", sim.boundary_inputs[0]}, policy::PolicyKind::kBoundary));
  }
  if (in.boundary) boundary.push_back(compile(*in.boundary, policy::PolicyKind::kBoundary));
  for (const PolicyFile& f : in.session) session.push_back(compile(f, policy::PolicyKind::kSession));
  std::optional<PolicyFile> resource_file = in.resource_policy;
  if (sim.resource_policy) resource_file = PolicyFile{"ResourcePolicy", *sim.resource_policy};
  const bool trust = resource_file && authz::is_trust_policy_text(resource_file->text);
  if (resource_file) {
    resource.push_back(compile(*resource_file, trust ? policy::PolicyKind::kTrust : policy::PolicyKind::kResource));
  }
  std::vector<authz::PolicySet> scp_sets, rcp_sets;
  for (const auto& level : in.scp) {
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> set;
    for (const PolicyFile& f : level) set.push_back(compile(f, policy::PolicyKind::kScp));
    scp_sets.emplace_back(failure ? decltype(set){} : std::move(set));
  }
  for (const auto& level : in.rcp) {
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> set;
    for (const PolicyFile& f : level) set.push_back(compile(f, policy::PolicyKind::kRcp));
    rcp_sets.emplace_back(failure ? decltype(set){} : std::move(set));
  }
  if (failure) return *failure;

  // The request.
  std::string error;
  const std::optional<std::string> action = pick(in.action, sim.actions, "ActionNames", "--action", true, error);
  if (!error.empty()) return bad_input(error);
  if (!action || action->empty()) return bad_input("--action is required (e.g. --action s3:GetObject)");
  if (action->find(':') == std::string::npos) {
    return bad_input("--action " + *action + " is not of the form service:Action");
  }
  const std::optional<std::string> resource_arn =
      pick(in.resource, sim.resources, "ResourceArns", "--resource", false, error);
  if (!error.empty()) return bad_input(error);
  authz::Request req;
  req.set_action(*action);
  req.resource = resource_arn.value_or("*");
  if (req.resource.empty()) return bad_input("--resource must be an ARN or *");
  const std::string caller = in.principal.value_or(sim.caller_arn.value_or(std::string(kDefaultExplainPrincipal)));
  auto facts = authz::principal_from_arn(caller);
  if (!facts) {
    return bad_input("--principal " + caller +
                     " is not the ARN of a root user, IAM user, assumed-role session or federated user");
  }
  req.principal = std::move(*facts);
  req.principal.has_boundary = !boundary.empty();
  if (std::optional<std::string> owner = in.resource_owner ? in.resource_owner : sim.resource_owner) {
    auto account = authz::resource_owner_account(*owner);
    if (!account) return bad_input("--resource-owner: " + account.error().message);
    req.resource_account = std::move(account).value();
  }
  if (auto r = authz::set_context_entries(sim.context_entries, req.context); !r) {
    return bad_input("--cli-input-json: " + r.error().code + ": " + r.error().message);
  }
  // --context key=value: a key given once is single-valued, a key given again is multivalued
  // (in the order given); either replaces the --cli-input-json request's entry of that key.
  std::vector<std::pair<std::string, std::vector<std::string>>> entries;
  for (const std::string& kv : in.context) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return bad_input("--context " + kv + ": expected KEY=VALUE");
    const std::string key = kv.substr(0, eq);
    auto it =
        std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return common::iequals(e.first, key); });
    if (it == entries.end()) {
      entries.emplace_back(key, std::vector<std::string>{kv.substr(eq + 1)});
    } else {
      it->second.push_back(kv.substr(eq + 1));
    }
  }
  for (auto& [key, values] : entries) {
    if (values.size() == 1) {
      req.context.set(key, std::move(values.front()));
    } else {
      req.context.set_list(key, std::move(values));
    }
  }

  // The decision and its explanation, by the server's engine and writer.
  authz::PolicySet identity_set(std::move(identity)), boundary_set(std::move(boundary)),
      session_set(std::move(session)), resource_set(std::move(resource));
  std::vector<const authz::PolicySet*> scp, rcp;
  for (const authz::PolicySet& s : scp_sets) scp.push_back(&s);
  for (const authz::PolicySet& s : rcp_sets) rcp.push_back(&s);
  authz::PolicyBundle bundle;
  bundle.identity = &identity_set;
  bundle.boundary = boundary_set.policies().empty() ? nullptr : &boundary_set;
  bundle.session = in.session.empty() ? nullptr : &session_set;
  bundle.resource = resource_file ? &resource_set : nullptr;
  bundle.resource_is_trust = trust;
  bundle.scp = scp;
  bundle.rcp = rcp;
  authz::Decision d;
  authz::evaluate(bundle, req, d);
  const std::vector<authz::FailedCondition> failed = authz::failed_conditions(bundle, req);
  // A role assumption's denial gives no reason [OBS], as the API answers it.
  const bool with_reason = !trust;
  ToolOutput out;
  out.status = d.allowed() ? 0 : 1;
  if (in.json) {
    out.out = authz::explanation_json(req.principal.account, req, bundle, d, failed, with_reason) + "\n";
  } else {
    out.out = authz::explanation_text(req, bundle, d, failed, with_reason);
  }
  return out;
}

}  // namespace iamd::app
