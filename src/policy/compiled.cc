#include "policy/compiled.h"

#include "arn/arn.h"
#include "common/strings.h"
#include "common/wildcard.h"
#include "condition/operators.h"

namespace iamd::policy {

namespace {

std::array<std::string, 6>& segment_scratch() {
  thread_local std::array<std::string, 6> buffers;
  return buffers;
}

ResourcePattern compile_resource(const std::string& raw, bool variables) {
  ResourcePattern p;
  p.raw = raw;
  if (raw == "*") {
    p.any = true;
    return p;
  }
  std::array<std::string_view, 6> parts;
  if (!arn::split6(raw, parts)) return p;
  p.arn_shaped = true;
  for (std::size_t i = 0; i < 6; ++i) {
    // Variables only in the resource segment (policy-language.md §1.4); elsewhere `${` is text.
    p.parts[i] = condition::Template::compile(parts[i], condition::Template::Mode::kGlob, variables && i == 5);
  }
  return p;
}

CompiledPrincipal compile_principal(const PrincipalEntry& e) {
  CompiledPrincipal p;
  p.value = e.value;
  if (e.type == "*" || (e.type == "AWS" && e.value == "*")) {
    p.kind = CompiledPrincipal::Kind::kAny;
  } else if (e.type == "AWS") {
    std::array<std::string_view, 6> parts;
    if (arn::is_account_id(e.value)) {
      p.kind = CompiledPrincipal::Kind::kAccount;
    } else if (arn::split6(e.value, parts)) {
      if (parts[2] == "iam" && parts[5] == "root") {
        p.kind = CompiledPrincipal::Kind::kAccount;
        p.value = std::string(parts[4]);
      } else {
        p.kind = CompiledPrincipal::Kind::kArn;
      }
    } else {
      p.kind = CompiledPrincipal::Kind::kUniqueId;
    }
  } else if (e.type == "Service") {
    p.kind = CompiledPrincipal::Kind::kService;
  } else if (e.type == "Federated") {
    p.kind = CompiledPrincipal::Kind::kFederated;
  } else {
    p.kind = CompiledPrincipal::Kind::kCanonicalUser;
  }
  return p;
}

// How one principal value matches; kNone when it does not.
PrincipalMatch match_one(const CompiledPrincipal& p, const PrincipalFacts& f) {
  using Kind = CompiledPrincipal::Kind;
  switch (p.kind) {
    case Kind::kAny:
      return PrincipalMatch::kExact;
    case Kind::kAccount:
      return !f.account.empty() && f.account == p.value ? PrincipalMatch::kAccount : PrincipalMatch::kNone;
    case Kind::kArn:
      if (p.value == f.arn && f.type != PrincipalType::kService && f.type != PrincipalType::kWebIdentity &&
          f.type != PrincipalType::kSaml) {
        return PrincipalMatch::kExact;
      }
      if (f.type == PrincipalType::kAssumedRole && p.value == f.role_arn) return PrincipalMatch::kRoleOfSession;
      if (f.type == PrincipalType::kFederatedUser && p.value == f.parent_user_arn) return PrincipalMatch::kParentUser;
      return PrincipalMatch::kNone;
    case Kind::kUniqueId: {
      if (f.unique_id.empty()) return PrincipalMatch::kNone;
      std::string_view id = f.unique_id;
      if (p.value == id) return PrincipalMatch::kExact;
      // A role's id (AROA...) matches its sessions (AROA...:session).
      if (f.type == PrincipalType::kAssumedRole && id.substr(0, id.find(':')) == p.value) {
        return PrincipalMatch::kRoleOfSession;
      }
      return PrincipalMatch::kNone;
    }
    case Kind::kService:
      return f.type == PrincipalType::kService && f.arn == p.value ? PrincipalMatch::kExact : PrincipalMatch::kNone;
    case Kind::kFederated:
      return (f.type == PrincipalType::kWebIdentity || f.type == PrincipalType::kSaml) && f.arn == p.value
                 ? PrincipalMatch::kExact
                 : PrincipalMatch::kNone;
    case Kind::kCanonicalUser:
      return PrincipalMatch::kNone;
  }
  return PrincipalMatch::kNone;
}

}  // namespace

ResourceView::ResourceView(std::string_view resource) : text(resource) {
  arn_shaped = arn::split6(resource, parts);
}

bool CompiledStatement::matches_action(std::string_view action_lower) const {
  bool any = false;
  for (const common::Glob& a : actions) {
    if (a.match(action_lower)) {
      any = true;
      break;
    }
  }
  return any != not_action;
}

bool CompiledStatement::matches_resource(const ResourceView& resource, const condition::Context& context,
                                         condition::EvalSink& sink) const {
  // A trust policy has no Resource: it applies to the role it is attached to.
  if (!has_resource) return true;
  bool any = false;
  for (const ResourcePattern& p : resources) {
    if (p.any) {
      any = true;
      break;
    }
    if (!p.arn_shaped || !resource.arn_shaped) continue;
    bool ok = true;
    // The resource segment (most specific) first: it rejects most candidates.
    for (std::size_t k = 0; k < 6 && ok; ++k) {
      std::size_t i = 5 - k;
      const condition::Template& t = p.parts[i];
      if (!t.has_variables()) {
        ok = t.glob().match(resource.parts[i]);
        continue;
      }
      std::string& buf = segment_scratch()[i];
      buf.clear();
      if (!t.expand(context, buf, &sink)) {
        ok = false;  // a missing variable: this entry matches nothing
        break;
      }
      ok = common::glob_match(buf, resource.parts[i]);
    }
    if (ok) {
      any = true;
      break;
    }
  }
  return any != not_resource;
}

PrincipalMatch CompiledStatement::match_principal(const PrincipalFacts& f) const {
  if (!has_principal) return PrincipalMatch::kNone;
  if (!not_principal) {
    PrincipalMatch best = PrincipalMatch::kNone;
    for (const CompiledPrincipal& p : principals) best = std::max(best, match_one(p, f));
    return best;
  }
  // NotPrincipal: the statement applies to everyone not exempted. A principal with a
  // permissions boundary is never exempted [AWS]. A role session is exempted only when
  // the account, the role and the session are all listed [AWS: account -> role -> session].
  if (f.has_boundary) return PrincipalMatch::kExact;
  bool exact = false, role = false, account = false;
  for (const CompiledPrincipal& p : principals) {
    PrincipalMatch m = match_one(p, f);
    if (p.kind == CompiledPrincipal::Kind::kAny) return PrincipalMatch::kNone;
    exact = exact || m == PrincipalMatch::kExact;
    role = role || m == PrincipalMatch::kRoleOfSession;
    account = account || m == PrincipalMatch::kAccount;
  }
  bool exempt = f.type == PrincipalType::kAssumedRole ? (exact && role && account) : exact;
  return exempt ? PrincipalMatch::kNone : PrincipalMatch::kExact;
}

bool CompiledStatement::matches_conditions(const condition::Context& context, condition::EvalSink& sink) const {
  bool all = true;
  for (const condition::Clause& c : conditions) {
    if (!all) {
      c.note_missing(context, sink);
    } else if (!c.evaluate(context, sink)) {
      all = false;
    }
  }
  return all;
}

std::string CompiledStatement::display_name() const {
  std::string name = policy != nullptr ? policy->id : std::string();
  name += ':';
  if (!sid.empty()) {
    name += sid;
  } else {
    name += '#';
    name += std::to_string(index);
  }
  return name;
}

std::shared_ptr<const CompiledPolicy> compile(const PolicyDocument& doc, PolicyKind kind, std::string id,
                                              std::string version_id) {
  auto policy = std::make_shared<CompiledPolicy>();
  policy->id = std::move(id);
  policy->version_id = std::move(version_id);
  policy->kind = kind;
  policy->text = doc.text;
  const bool variables = doc.variables_enabled();
  policy->statements.reserve(doc.statements.size());
  for (const StatementDoc& sd : doc.statements) {
    CompiledStatement& st = policy->statements.emplace_back();
    st.policy = policy.get();
    st.index = sd.index;
    st.sid = sd.sid;
    st.effect = sd.effect == "Deny" ? Effect::kDeny : Effect::kAllow;
    st.not_action = sd.not_action;
    for (const std::string& a : sd.action.values) st.actions.emplace_back(common::encode_glob(common::to_lower(a)));
    st.has_resource = sd.resource.present;
    st.not_resource = sd.not_resource;
    for (const std::string& r : sd.resource.values) st.resources.push_back(compile_resource(r, variables));
    st.has_principal = sd.has_principal;
    st.not_principal = sd.not_principal;
    for (const PrincipalEntry& p : sd.principals) st.principals.push_back(compile_principal(p));
    for (const ConditionEntry& c : sd.conditions) {
      auto spec = condition::parse_operator(c.op);
      if (!spec) continue;  // an unknown operator with an empty body: nothing to test
      st.conditions.push_back(condition::Clause::compile(c.op, *spec, c.key, c.values, variables));
    }
    st.begin = sd.begin;
    st.end = sd.end;
  }
  return policy;
}

common::Result<std::shared_ptr<const CompiledPolicy>> compile_text(std::string_view text,
                                                                   const ValidateOptions& options, std::string id,
                                                                   std::string version_id) {
  auto doc = parse_policy(text, options);
  if (!doc) return doc.error();
  return compile(*doc, options.kind, std::move(id), std::move(version_id));
}

}  // namespace iamd::policy
