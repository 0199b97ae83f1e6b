#include "authz/authorizer.h"

#include "common/strings.h"

namespace iamd::authz {

using policy::Effect;
using policy::PrincipalMatch;
using policy::PrincipalType;

void Request::set_action(std::string_view a) {
  action = std::string(a);
  action_lower = common::to_lower(a);
}

std::string_view policy_type_name(PolicyType t) {
  switch (t) {
    case PolicyType::kIdentityBased:
      return "identity-based";
    case PolicyType::kResourceBased:
      return "resource-based";
    case PolicyType::kRoleTrust:
      return "role trust";
    case PolicyType::kPermissionsBoundary:
      return "permissions boundary";
    case PolicyType::kSession:
      return "session";
    case PolicyType::kServiceControl:
      return "service control";
    case PolicyType::kResourceControl:
      return "resource control";
  }
  return "identity-based";
}

std::string_view decision_name(EvalDecision d) {
  switch (d) {
    case EvalDecision::kAllowed:
      return "allowed";
    case EvalDecision::kExplicitDeny:
      return "explicitDeny";
    case EvalDecision::kImplicitDeny:
      return "implicitDeny";
  }
  return "implicitDeny";
}

void Decision::clear() {
  decision = EvalDecision::kImplicitDeny;
  blocked_by.reset();
  deciding.clear();
  matched.clear();
  missing_keys.clear();
  diagnostics.clear();
  allowed_by_boundary = true;
  allowed_by_session = true;
  allowed_by_organizations = true;
}

namespace {

struct SetResult {
  bool allow = false;
  bool deny = false;
  PrincipalMatch best = PrincipalMatch::kNone;  // resource policies: strongest principal match of an Allow
};

SetResult eval_set(const PolicySet& set, PolicyType type, const Request& req, const policy::ResourceView& resource,
                   Decision& out, condition::EvalSink& sink) {
  SetResult r;
  const bool resource_based = type == PolicyType::kResourceBased || type == PolicyType::kRoleTrust;
  set.for_each_candidate(req.action_lower, [&](const policy::CompiledStatement& st) {
    if (!st.matches_action(req.action_lower)) return;
    if (!st.matches_resource(resource, req.context, sink)) return;
    PrincipalMatch pm = PrincipalMatch::kExact;
    if (resource_based || st.has_principal) {
      pm = st.match_principal(req.principal);
      if (pm == PrincipalMatch::kNone) return;
    }
    if (!st.matches_conditions(req.context, sink)) return;
    out.matched.push_back(MatchedStatement{&st, type});
    if (st.effect == Effect::kDeny) {
      r.deny = true;
    } else {
      r.allow = true;
      if (pm > r.best) r.best = pm;
    }
  });
  return r;
}

void dedupe_missing(std::vector<std::string_view>& keys) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    bool seen = false;
    for (std::size_t j = 0; j < n && !seen; ++j) seen = common::iequals(keys[j], keys[i]);
    if (!seen) keys[n++] = keys[i];
  }
  keys.resize(n);
}

// Priority for reporting (evaluation.md §3.3 [IMPL]).
int priority(PolicyType t) {
  switch (t) {
    case PolicyType::kServiceControl:
      return 0;
    case PolicyType::kResourceControl:
      return 1;
    case PolicyType::kResourceBased:
    case PolicyType::kRoleTrust:
      return 2;
    case PolicyType::kPermissionsBoundary:
      return 3;
    case PolicyType::kSession:
      return 4;
    case PolicyType::kIdentityBased:
      return 5;
  }
  return 5;
}

}  // namespace

void evaluate(const PolicyBundle& b, const Request& req, Decision& out) {
  out.clear();
  condition::EvalSink sink;
  sink.missing_keys = &out.missing_keys;
  sink.diagnostics = &out.diagnostics;

  const policy::ResourceView view(req.resource);
  const PolicyType resource_type = b.resource_is_trust ? PolicyType::kRoleTrust : PolicyType::kResourceBased;
  SetResult identity, boundary, session, resource;
  if (b.identity) identity = eval_set(*b.identity, PolicyType::kIdentityBased, req, view, out, sink);
  if (b.boundary) boundary = eval_set(*b.boundary, PolicyType::kPermissionsBoundary, req, view, out, sink);
  if (b.session) session = eval_set(*b.session, PolicyType::kSession, req, view, out, sink);
  if (b.resource) resource = eval_set(*b.resource, resource_type, req, view, out, sink);
  bool scp_deny = false, scp_ok = true, rcp_deny = false, rcp_ok = true;
  for (const PolicySet* level : b.scp) {
    SetResult r = eval_set(*level, PolicyType::kServiceControl, req, view, out, sink);
    scp_deny = scp_deny || r.deny;
    scp_ok = scp_ok && r.allow;
  }
  for (const PolicySet* level : b.rcp) {
    SetResult r = eval_set(*level, PolicyType::kResourceControl, req, view, out, sink);
    rcp_deny = rcp_deny || r.deny;
    rcp_ok = rcp_ok && r.allow;
  }
  dedupe_missing(out.missing_keys);
  out.allowed_by_boundary = b.boundary == nullptr || (boundary.allow && !boundary.deny);
  out.allowed_by_session = b.session == nullptr || (session.allow && !session.deny);
  out.allowed_by_organizations = !scp_deny && !rcp_deny && scp_ok && rcp_ok;

  // 1. Explicit deny anywhere.
  std::optional<PolicyType> deny_from;
  auto consider = [](std::optional<PolicyType>& slot, bool cond, PolicyType t) {
    if (cond && (!slot || priority(t) < priority(*slot))) slot = t;
  };
  consider(deny_from, scp_deny, PolicyType::kServiceControl);
  consider(deny_from, rcp_deny, PolicyType::kResourceControl);
  consider(deny_from, resource.deny, resource_type);
  consider(deny_from, boundary.deny, PolicyType::kPermissionsBoundary);
  consider(deny_from, session.deny, PolicyType::kSession);
  consider(deny_from, identity.deny, PolicyType::kIdentityBased);
  if (deny_from) {
    out.decision = EvalDecision::kExplicitDeny;
    out.blocked_by = deny_from;
    for (const MatchedStatement& m : out.matched) {
      if (m.statement->effect == Effect::kDeny) out.deciding.push_back(m);
    }
    return;
  }

  // 2-8. Implicit denies, reported by priority.
  const policy::PrincipalFacts& p = req.principal;
  const bool same_account = req.resource_account.empty() || p.account.empty() || req.resource_account == p.account;
  const bool is_root = p.type == PrincipalType::kRoot;
  // A GetFederationToken session without session policies has no identity-based permissions.
  const bool identity_allow =
      is_root || (identity.allow && !(p.type == PrincipalType::kFederatedUser && b.session == nullptr));
  const bool boundary_ok = b.boundary == nullptr || boundary.allow;
  const bool session_ok = b.session == nullptr || session.allow;
  const PrincipalMatch rbp = b.resource ? resource.best : PrincipalMatch::kNone;
  const bool bypass = rbp == PrincipalMatch::kExact;

  std::optional<PolicyType> fail;
  consider(fail, !scp_ok, PolicyType::kServiceControl);
  consider(fail, !rcp_ok, PolicyType::kResourceControl);
  if (same_account) {
    if (b.resource_is_trust) {
      consider(fail, rbp == PrincipalMatch::kNone, PolicyType::kRoleTrust);
      consider(fail, rbp == PrincipalMatch::kAccount && !identity_allow, PolicyType::kIdentityBased);
    } else if (!is_root) {
      consider(fail, !(identity_allow || rbp >= PrincipalMatch::kRoleOfSession), PolicyType::kIdentityBased);
    }
    if (!is_root) {
      consider(fail, !boundary_ok && !bypass, PolicyType::kPermissionsBoundary);
      consider(fail, !session_ok && !bypass, PolicyType::kSession);
    }
  } else {
    consider(fail, rbp == PrincipalMatch::kNone, resource_type);
    consider(fail, !identity_allow, PolicyType::kIdentityBased);
    if (!is_root) {
      consider(fail, !boundary_ok, PolicyType::kPermissionsBoundary);
      consider(fail, !session_ok, PolicyType::kSession);
    }
  }
  if (fail) {
    out.decision = EvalDecision::kImplicitDeny;
    out.blocked_by = fail;
    return;
  }
  out.decision = EvalDecision::kAllowed;
  for (const MatchedStatement& m : out.matched) {
    bool granting = (m.type == PolicyType::kIdentityBased && identity_allow) || m.type == PolicyType::kResourceBased ||
                    m.type == PolicyType::kRoleTrust;
    if (granting && m.statement->effect == Effect::kAllow) out.deciding.push_back(m);
  }
}

Decision evaluate(const PolicyBundle& bundle, const Request& request) {
  Decision d;
  evaluate(bundle, request, d);
  return d;
}

std::string access_denied_message(const Request& request, const Decision& decision, bool with_reason) {
  std::string msg = "User: " + request.principal.arn + " is not authorized to perform: " + request.action;
  if (request.resource != "*") msg += " on resource: " + request.resource;
  if (!with_reason || !decision.blocked_by) return msg;
  std::string_view type = policy_type_name(*decision.blocked_by);
  if (decision.decision == EvalDecision::kExplicitDeny) {
    if (*decision.blocked_by == PolicyType::kPermissionsBoundary) {
      msg += " with an explicit deny in a permissions boundary";
    } else if (*decision.blocked_by == PolicyType::kRoleTrust) {
      msg += " with an explicit deny in the role trust policy";
    } else if (*decision.blocked_by == PolicyType::kSession) {
      msg += " with an explicit deny in a sessions policy";  // sic, as AWS documents it
    } else {
      msg += std::string(" with an explicit deny in ") + (type.front() == 'i' ? "an " : "a ") + std::string(type) +
             " policy";
    }
  } else if (*decision.blocked_by == PolicyType::kServiceControl) {
    // AWS reports SCP failures as explicit denies (evaluation.md §3 step 3).
    msg += " with an explicit deny in a service control policy";
  } else if (*decision.blocked_by == PolicyType::kPermissionsBoundary) {
    msg += " because no permissions boundary allows the " + request.action + " action";
  } else {
    msg += " because no " + std::string(type) + " policy allows the " + request.action + " action";
  }
  return msg;
}

}  // namespace iamd::authz
