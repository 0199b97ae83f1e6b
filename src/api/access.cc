#include "api/access.h"

#include <optional>

#include "arn/arn.h"
#include "authz/authorizer.h"
#include "authz/explain.h"
#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::api {

namespace {

// The decision of an evaluation, for the call's record (api/call_record.h).
void note_decision(DecisionNote* note, const authz::Decision& d) {
  if (note == nullptr) return;
  using Kind = DecisionNote::Kind;
  const Kind kind = d.decision == authz::EvalDecision::kAllowed        ? Kind::kAllowed
                    : d.decision == authz::EvalDecision::kExplicitDeny ? Kind::kExplicitDeny
                                                                       : Kind::kImplicitDeny;
  note->note(kind, d.allowed() || !d.blocked_by ? std::string_view() : authz::policy_type_name(*d.blocked_by));
}

// The compiled-document cache key: where the text comes from and the SHA-256 of the text
// itself, so that a policy deleted and created again with the same ARN and version id (or
// any other reuse of a name) can never find a document compiled from other text. [IMPL] The
// AWS managed catalogue is fixed for the life of the process: its "<arn>#<version>" names
// one text, and its large documents are not hashed on every build.
std::string document_key(const iam::PolicyText& text) {
  if (text.source_type == "aws-managed") return text.cache_key;
  std::string key = text.cache_key;
  key += "#sha256:";
  key += common::to_hex(crypto::sha256(text.document));
  return key;
}

common::Result<std::shared_ptr<const policy::CompiledPolicy>> compile_cached(authz::CompiledPolicyCache& cache,
                                                                             const iam::PolicyText& text,
                                                                             policy::PolicyKind kind) {
  return cache.get(document_key(text), [&]() -> common::Result<std::shared_ptr<const policy::CompiledPolicy>> {
    policy::ValidateOptions o;
    o.kind = kind;
    o.managed_policy_quota = 0;  // stored documents were checked when written
    o.entity = policy::EntityType::kRole;
    // The policy's id and version as an explanation reports them: a managed policy's cache
    // key is "<arn>#<version id>"; any other keeps its cache key (the writer drops a "#...").
    std::string id = text.cache_key, version;
    if (const std::size_t hash = id.rfind('#'); text.source_type.ends_with("managed") && hash != std::string::npos) {
      version = id.substr(hash + 1);
      id.resize(hash);
    }
    return policy::compile_text(text.document, o, std::move(id), std::move(version));
  });
}

constexpr std::string_view kMessagePrefix = ". Encoded authorization failure message: ";

// The decision as DecodeAuthorizationMessage answers it (authz/explain.h, the writer shared
// with `iamd policy explain`), with the conditions that failed: a second pass over the
// bundle, made only here, when a denial is explained. Its message is the AccessDenied
// message the caller got: pass the `with_reason` of denial_message.
std::string decision_json(std::string_view account, const authz::Request& req, const authz::PolicyBundle& bundle,
                          const authz::Decision& d, bool with_reason) {
  return authz::explanation_json(account, req, bundle, d, authz::failed_conditions(bundle, req), with_reason);
}

}  // namespace

namespace {
org::Env org_env(const iam::DomainEnv& env, const org::Env& quotas) {
  org::Env e = quotas;
  e.clock = env.clock;
  e.random = env.random;
  e.partition = env.partition;
  return e;
}
}  // namespace

Access::Access(iam::IamDomain& domain, const org::Env& quotas)
    : domain_(domain),
      orgs_(org_env(domain.env(), quotas)),
      message_keys_(domain.env().master_key.derive("iamd authorization messages v1")),
      principals_(*domain.env().store, kMaxPrincipals),
      controls_(*domain.env().store, kMaxPrincipals),
      roles_(*domain.env().store, kMaxPrincipals) {}

common::Result<std::shared_ptr<const Access::Controls>> Access::controls_of(std::string_view account) {
  using Built = ControlCache::Built;
  return controls_.get(std::string(account), [&]() -> common::Result<Built> {
    auto tx = domain_.env().store->begin_read();
    if (!tx) return tx.error();
    auto levels = orgs_.control_levels(**tx, account);
    if (!levels) return levels.error();
    auto c = std::make_shared<Controls>();
    c->org_id = levels->org_id;
    c->org_path = levels->org_path;
    auto compile_levels = [&](const std::vector<std::vector<org::ControlPolicy>>& in, policy::PolicyKind kind,
                              std::vector<authz::PolicySet>& out) -> common::Result<void> {
      for (const std::vector<org::ControlPolicy>& level : in) {
        std::vector<std::shared_ptr<const policy::CompiledPolicy>> set;
        for (const org::ControlPolicy& p : level) {
          const iam::PolicyText text{"org/" + p.id, p.content, p.name,
                                     kind == policy::PolicyKind::kScp ? "scp" : "rcp"};
          auto compiled = compile_cached(compiled_, text, kind);
          if (!compiled) return compiled.error();
          set.push_back(*compiled);
        }
        out.emplace_back(std::move(set));
      }
      return {};
    };
    if (auto r = compile_levels(levels->scp, policy::PolicyKind::kScp, c->scp_sets); !r) return r.error();
    if (auto r = compile_levels(levels->rcp, policy::PolicyKind::kRcp, c->rcp_sets); !r) return r.error();
    for (const authz::PolicySet& s : c->scp_sets) c->scp.push_back(&s);
    for (const authz::PolicySet& s : c->rcp_sets) c->rcp.push_back(&s);
    return Built{std::shared_ptr<const Controls>(std::move(c)), std::move(levels->depends_on)};
  });
}

common::Result<std::shared_ptr<const store::Role>> Access::role_by_name(std::string_view account,
                                                                        std::string_view name) {
  using Built = store::DerivedCache<std::shared_ptr<const store::Role>>::Built;
  // Role names are unique in an account without regard to case, and a role is never renamed:
  // the entry depends on the role's record only (a deleted role's change invalidates it).
  return roles_.get(std::string(account) + "/" + common::to_lower(name), [&]() -> common::Result<Built> {
    auto tx = domain_.env().store->begin_read();
    if (!tx) return tx.error();
    auto role = (*tx)->get_role(account, name);
    if (!role) return role.error();
    Built built;
    built.depends_on.push_back(store::change_key(store::Topic::kRole, role->id));
    built.value = std::make_shared<const store::Role>(std::move(role).value());
    return built;
  });
}

std::string Access::denial_message(const Caller& caller, const authz::Request& req, const authz::PolicyBundle& bundle,
                                   const authz::Decision& d, bool with_reason) {
  std::string message = authz::access_denied_message(req, d, with_reason);
  // The console's caller sees why (its own request's decision), whatever it may decode, beside
  // IAM's message as IAM writes it (no encoded copy: the page has the explanation).
  if (caller.explanation != nullptr) {
    *caller.explanation = decision_json(caller.account_id, req, bundle, d, with_reason);
    return message;
  }
  // Only a caller allowed to decode it gets the encoded decision.
  authz::Request decode = req;
  decode.set_action("sts:DecodeAuthorizationMessage");
  decode.resource = "*";
  decode.resource_account = caller.account_id;
  authz::PolicyBundle own = bundle;
  own.resource = nullptr;
  own.resource_is_trust = false;
  if (!authz::evaluate(own, decode).allowed()) return message;
  const std::string json = decision_json(caller.account_id, req, bundle, d, with_reason);
  auto sealed = message_keys_.seal(json, caller.account_id, *domain_.env().random);
  if (!sealed) return message;
  std::string blob = common::base64_encode(*sealed);
  return message + std::string(kMessagePrefix) + blob;
}

common::Result<void> Access::authorize_federated(std::string_view action, policy::PrincipalType type,
                                                 std::string_view provider_arn, const store::Role* role,
                                                 std::string_view role_arn, const condition::Context& context,
                                                 DecisionNote* note) {
  const common::Error denied{"AccessDenied", "Not authorized to perform " + std::string(action), ""};
  if (role == nullptr) {
    note_decision(note, authz::Decision{});
    return denied;
  }
  authz::Request req;
  req.set_action(action);
  req.resource = std::string(role_arn);
  req.resource_account = role->account_id;
  req.context = context;
  req.principal.type = type;
  req.principal.arn = std::string(provider_arn);
  // Identity providers are always in the role's account (evaluation.md §3.2).
  req.principal.account = role->account_id;
  const iam::PolicyText trust{"trust/" + role->id, role->trust_policy, role->name, "trust"};
  auto compiled = compile_cached(compiled_, trust, policy::PolicyKind::kTrust);
  if (!compiled) return denied;
  const authz::PolicySet trust_set(std::vector{*compiled});
  const authz::PolicySet none;
  authz::PolicyBundle bundle;
  bundle.identity = &none;
  bundle.resource = &trust_set;
  bundle.resource_is_trust = true;
  auto rcp = controls_of(role->account_id);
  if (!rcp) return denied;
  bundle.rcp = (*rcp)->rcp;
  if (!(*rcp)->org_id.empty()) {
    req.context.set("aws:ResourceOrgID", (*rcp)->org_id);
    req.context.set_list("aws:ResourceOrgPaths", {(*rcp)->org_path});
  }
  authz::Decision d;
  authz::evaluate(bundle, req, d);
  note_decision(note, d);
  if (d.allowed()) return {};
  return denied;
}

common::Result<std::string> Access::decode_authorization_message(const Caller& caller, std::string_view encoded) const {
  // [UNCERTAIN] AWS's message for a message that does not decode.
  const common::Error invalid{"InvalidAuthorizationMessageException", "The encoded authorization message is invalid.",
                              ""};
  std::string sealed;
  if (encoded.size() > 65536 || !common::base64_decode(encoded, sealed)) return invalid;
  auto json = message_keys_.open(sealed, caller.account_id);
  if (!json) return invalid;
  return std::move(json).value();
}

// A principal's texts compiled into its identity set and boundary, as cached by principals_.
common::Result<Access::Principals::Built> Access::compile_principal(common::Result<iam::PrincipalPolicyTexts> texts) {
  if (!texts) return texts.error();
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
  for (const iam::PolicyText& t : texts->identity) {
    // Inline policies may be 2008-10-17 and are not managed: validate them as inline.
    auto c = compile_cached(
        compiled_, t,
        t.source_type.ends_with("managed") ? policy::PolicyKind::kManaged : policy::PolicyKind::kIdentity);
    if (!c) return c.error();
    identity.push_back(*c);
  }
  auto p = std::make_shared<authz::PrincipalPolicies>();
  p->identity = authz::PolicySet(std::move(identity));
  if (texts->boundary) {
    auto c = compile_cached(compiled_, *texts->boundary, policy::PolicyKind::kManaged);
    if (!c) return c.error();
    p->boundary = std::make_unique<authz::PolicySet>(std::vector{*c});
  }
  return Principals::Built{std::shared_ptr<const authz::PrincipalPolicies>(std::move(p)), std::move(texts->depends_on)};
}

common::Result<std::shared_ptr<const authz::PrincipalPolicies>> Access::policies_of(const store::User& user) {
  return principals_.get("user/" + user.id, [&] { return compile_principal(domain_.user_policies(user.id)); });
}

common::Result<std::shared_ptr<const authz::PrincipalPolicies>> Access::policies_of(const store::Role& role) {
  return principals_.get("role/" + role.id, [&] { return compile_principal(domain_.role_policies(role.id)); });
}

common::Result<std::shared_ptr<const authz::PrincipalPolicies>> Access::session_policies(const sts::Session& session) {
  if (session.policy.empty() && session.policy_arns.empty()) return std::shared_ptr<const authz::PrincipalPolicies>();
  using Built = Principals::Built;
  return principals_.get("session/" + session.access_key_id, [&]() -> common::Result<Built> {
    iam::PrincipalPolicyTexts texts;
    if (!session.policy_arns.empty()) {
      auto managed = domain_.managed_policy_texts(session.policy_arns);
      if (!managed) return managed.error();
      texts = std::move(managed).value();
    }
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> set;
    for (const iam::PolicyText& t : texts.identity) {
      auto c = compile_cached(compiled_, t, policy::PolicyKind::kManaged);
      if (!c) return c.error();
      set.push_back(*c);
    }
    if (!session.policy.empty()) {
      const iam::PolicyText inline_text{"session", session.policy, "session", "session"};
      auto c = compile_cached(compiled_, inline_text, policy::PolicyKind::kSession);
      if (!c) return c.error();
      set.push_back(*c);
    }
    auto p = std::make_shared<authz::PrincipalPolicies>();
    p->identity = authz::PolicySet(std::move(set));
    return Built{std::shared_ptr<const authz::PrincipalPolicies>(std::move(p)), std::move(texts.depends_on)};
  });
}

common::Result<void> Access::prepare(const Caller& caller, authz::Request& req, authz::PolicyBundle& bundle, Held& held,
                                     const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  req.principal.account = caller.account_id;
  req.principal.arn = caller.arn;
  // A stored policy that cannot be evaluated denies (evaluation.md §3, last line).
  auto broken = [&] {
    return common::Error{"AccessDenied", authz::access_denied_message(req, authz::Decision{}, false), ""};
  };
  bundle.identity = &held.none;
  // The SCPs of the caller's account, for every principal of a member account, its root
  // included, but not for service-linked roles [AWS] (evaluation.md §3 step 3).
  auto controls = controls_of(caller.account_id);
  if (!controls) return broken();
  held.scp = std::move(controls).value();
  const bool service_linked = caller.role && caller.role->path.starts_with("/aws-service-role/");
  if (!service_linked) bundle.scp = held.scp->scp;
  // The organization keys of the principal, and of the resource when it is in the caller's
  // account (every IAM resource; evaluation.md §5).
  if (!held.scp->org_id.empty()) {
    req.context.set("aws:PrincipalOrgID", held.scp->org_id);
    req.context.set_list("aws:PrincipalOrgPaths", {held.scp->org_path});
    if (req.resource_account == caller.account_id) {
      req.context.set("aws:ResourceOrgID", held.scp->org_id);
      req.context.set_list("aws:ResourceOrgPaths", {held.scp->org_path});
    }
  }
  if (caller.is_root()) {
    req.principal.type = policy::PrincipalType::kRoot;
    return {};
  }
  std::shared_ptr<const authz::PrincipalPolicies> p;
  if (caller.is_role_session()) {
    req.principal.type = policy::PrincipalType::kAssumedRole;
    req.principal.unique_id = caller.session->principal_id + ":" + caller.session->session_name;
    req.principal.role_arn = caller.partition.empty() ? caller.session->principal_arn
                                                      : arn::in_partition(caller.session->principal_arn,
                                                                          domain_.env().partition, caller.partition);
    if (caller.role) {  // a deleted role's session keeps no permission
      auto r = policies_of(*caller.role);
      if (!r) return broken();
      p = std::move(r).value();
    }
  } else if (caller.is_federated()) {
    // The calling user's policies, intersected with the session policies (evaluation.md §4.4).
    // [IMPL] A federated user of the root user gets only what its session policies allow.
    req.principal.type = policy::PrincipalType::kFederatedUser;
    req.principal.unique_id = caller.account_id + ":" + caller.session->principal_name;
    req.principal.parent_user_arn = caller.session->principal_arn;
    if (caller.user) {
      auto u = policies_of(*caller.user);
      if (!u) return broken();
      p = std::move(u).value();
    }
  } else {
    req.principal.type = policy::PrincipalType::kUser;
    req.principal.unique_id = caller.user->id;
    auto u = policies_of(*caller.user);
    if (!u) return broken();
    p = std::move(u).value();
  }
  if (p) {
    held.principal = p;
    bundle.identity = &p->identity;
    if (grant != nullptr) {
      auto identity = p->identity.policies();
      identity.push_back(grant);
      held.granted.emplace(std::move(identity));
      bundle.identity = &*held.granted;
    }
    bundle.boundary = p->boundary.get();
    req.principal.has_boundary = p->boundary != nullptr;
  }
  if (caller.session) {
    auto sp = session_policies(*caller.session);
    if (!sp) return broken();
    held.session = std::move(sp).value();
    if (held.session) bundle.session = &held.session->identity;
    // A federated user without session policies has no permission at all [AWS].
    if (!held.session && caller.is_federated()) bundle.session = &held.none;
  }
  return {};
}

common::Result<void> Access::authorize(const Caller& caller, std::string_view action, std::string_view resource,
                                       const condition::Context& context,
                                       const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  authz::Request req;
  req.set_action(action);
  // The ARNs iamd builds and stores are in its own partition; the request is authorized in
  // the partition of its Region, so that policies naming arn:aws-cn:... apply to it.
  req.resource = caller.partition.empty() ? std::string(resource)
                                          : arn::in_partition(resource, domain_.env().partition, caller.partition);
  req.resource_account = caller.account_id;
  req.context = context;
  authz::PolicyBundle bundle;
  Held held;
  if (auto r = prepare(caller, req, bundle, held, grant); !r) return r;
  authz::Decision d;
  authz::evaluate(bundle, req, d);
  note_decision(caller.decision, d);
  if (caller.audit_decision != nullptr) *caller.audit_decision = authz::decision_json(d);
  if (d.allowed()) return {};
  return common::Error{"AccessDenied", denial_message(caller, req, bundle, d, true), ""};
}

common::Result<void> Access::authorize_assume(const Caller& caller, std::string_view action, const store::Role* role,
                                              std::string_view role_arn, const condition::Context& context) {
  authz::Request req;
  req.set_action(action);
  req.resource = caller.partition.empty() ? std::string(role_arn)
                                          : arn::in_partition(role_arn, domain_.env().partition, caller.partition);
  req.resource_account = role != nullptr ? role->account_id : caller.account_id;
  req.context = context;
  authz::PolicyBundle bundle;
  Held held;
  if (auto r = prepare(caller, req, bundle, held, nullptr); !r) return r;
  // [OBS] AWS's denial of a role assumption gives no reason ("... on resource: <RoleArn>").
  auto denied = [&](const authz::Decision& d) {
    return common::Error{"AccessDenied", authz::access_denied_message(req, d, false), ""};
  };
  if (role == nullptr) {
    note_decision(caller.decision, authz::Decision{});
    return denied(authz::Decision{});
  }
  const iam::PolicyText trust{"trust/" + role->id, role->trust_policy, role->name, "trust"};
  auto compiled = compile_cached(compiled_, trust, policy::PolicyKind::kTrust);
  if (!compiled) return denied(authz::Decision{});
  const authz::PolicySet trust_set(std::vector{*compiled});
  bundle.resource = &trust_set;
  bundle.resource_is_trust = true;
  // The RCPs of the role's account (STS role assumption is a service RCPs apply to).
  auto rcp = controls_of(role->account_id);
  if (!rcp) return denied(authz::Decision{});
  held.rcp = std::move(rcp).value();
  bundle.rcp = held.rcp->rcp;
  if (!held.rcp->org_id.empty()) {
    req.context.set("aws:ResourceOrgID", held.rcp->org_id);
    req.context.set_list("aws:ResourceOrgPaths", {held.rcp->org_path});
  }
  authz::Decision d;
  authz::evaluate(bundle, req, d);
  note_decision(caller.decision, d);
  if (caller.audit_decision != nullptr) *caller.audit_decision = authz::decision_json(d);
  if (d.allowed()) return {};
  return common::Error{"AccessDenied", denial_message(caller, req, bundle, d, false), ""};
}

void Access::cache_stats(std::vector<CacheStats>& out) const {
  out.push_back({"policy_sets", principals_.hits(), principals_.builds()});
  out.push_back({"org_controls", controls_.hits(), controls_.builds()});
  out.push_back({"assume_roles", roles_.hits(), roles_.builds()});
  out.push_back({"policy_compile", compiled_.hits(), compiled_.misses()});
}

}  // namespace iamd::api
