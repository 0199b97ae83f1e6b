// Authorization of one call: builds the caller's policy sets (cached per principal until a
// record they were built from changes: store/derived_cache.h; each policy document compiled
// once, keyed by its digest), evaluates the request, and turns a denial into AWS's
// AccessDenied error with its message.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/caller.h"
#include "authz/authorizer.h"
#include "authz/policy_cache.h"
#include "condition/context.h"
#include "iam/service.h"
#include "org/organizations.h"
#include "store/derived_cache.h"

namespace iamd::api {

class Access {
 public:
  // `quotas`: the Organizations quotas (clock, randomness and partition come from the domain).
  explicit Access(iam::IamDomain& domain, const org::Env& quotas = {});

  // The Organizations domain, over the same clock, randomness and partition: the handlers of
  // Organizations act through it, and every decision reads its SCP and RCP levels.
  org::Organizations& organizations() { return orgs_; }

  // Allows or denies `action` on `resource` (an ARN, or "*") for the caller. `context`
  // holds the request's keys (environment, principal and operation-specific). `grant`, when
  // not null, is a permission IAM gives at the account level (the password policy's
  // AllowUsersToChangePassword): it takes part as one more identity-based policy of an IAM
  // user, so an explicit Deny and the permissions boundary still decide.
  common::Result<void> authorize(const Caller& caller, std::string_view action, std::string_view resource,
                                 const condition::Context& context,
                                 const std::shared_ptr<const policy::CompiledPolicy>& grant = nullptr);

  // A role assumption (sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity): the caller's
  // identity policies and the role's trust policy as the resource-based policy, with the
  // same-account and cross-account rules (evaluation.md §3.1, §3.2). `role` null: no such
  // role, denied with the same message as an unauthorized caller (never NoSuchEntity).
  common::Result<void> authorize_assume(const Caller& caller, std::string_view action, const store::Role* role,
                                        std::string_view role_arn, const condition::Context& context);

  // The role named `name` (any case) in `account` for AssumeRole, read through a cache until
  // its record changes (a fresh read snapshot on a miss; a missing role is not cached).
  common::Result<std::shared_ptr<const store::Role>> role_by_name(std::string_view account, std::string_view name);

  // A federated role assumption (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): only the
  // role's trust policy decides, for the identity provider `provider_arn` (a Federated
  // principal, `type` kWebIdentity or kSaml) with the claims in `context` (evaluation.md §4.3).
  // AccessDenied "Not authorized to perform <action>" [OBS] otherwise, also for a missing role.
  common::Result<void> authorize_federated(std::string_view action, policy::PrincipalType type,
                                           std::string_view provider_arn, const store::Role* role,
                                           std::string_view role_arn, const condition::Context& context,
                                           DecisionNote* note = nullptr);

  // sts:DecodeAuthorizationMessage: the decision sealed into an AccessDenied message (for a
  // caller allowed that action), as JSON; InvalidAuthorizationMessageException when it does
  // not open or was made for another account's request.
  common::Result<std::string> decode_authorization_message(const Caller& caller, std::string_view encoded) const;

  // For tests and diagnostics: principals' policy sets built so far (first use or stale),
  // those cached now, and compiled documents cached now.
  std::uint64_t policy_set_builds() const { return principals_.builds(); }
  std::size_t cached_policy_sets() const { return principals_.size(); }
  std::size_t cached_documents() const { return compiled_.size(); }
  // The lookups of its caches (policy sets, SCP/RCP levels, roles for AssumeRole, compiled
  // documents), appended to `out`.
  void cache_stats(std::vector<CacheStats>& out) const;

 private:
  static constexpr std::size_t kMaxPrincipals = 100000;
  using Principals = store::DerivedCache<std::shared_ptr<const authz::PrincipalPolicies>>;
  // The compiled SCP and RCP levels of one account (evaluation.md §2); empty when the
  // account is in no organization or manages one.
  struct Controls {
    std::string org_id, org_path;  // aws:PrincipalOrgID / aws:PrincipalOrgPaths; empty: none
    std::vector<authz::PolicySet> scp_sets, rcp_sets;
    std::vector<const authz::PolicySet*> scp, rcp;  // views of the sets, one per level
  };
  using ControlCache = store::DerivedCache<std::shared_ptr<const Controls>>;
  common::Result<std::shared_ptr<const Controls>> controls_of(std::string_view account);
  common::Result<Principals::Built> compile_principal(common::Result<iam::PrincipalPolicyTexts> texts);
  common::Result<std::shared_ptr<const authz::PrincipalPolicies>> policies_of(const store::User& user);
  common::Result<std::shared_ptr<const authz::PrincipalPolicies>> policies_of(const store::Role& role);
  // A session's policies (inline Policy and PolicyArns) as the `identity` set; null when the
  // session has none.
  common::Result<std::shared_ptr<const authz::PrincipalPolicies>> session_policies(const sts::Session& session);
  // The caller's principal facts and identity, boundary and session sets, into `req` and
  // `bundle`; `held` keeps the sets alive. Fails (AccessDenied) when a stored policy cannot be
  // evaluated.
  struct Held {
    std::shared_ptr<const authz::PrincipalPolicies> principal;
    std::shared_ptr<const authz::PrincipalPolicies> session;
    std::shared_ptr<const Controls> scp;  // the caller's account's
    std::shared_ptr<const Controls> rcp;  // the resource's account's
    std::optional<authz::PolicySet> granted;
    authz::PolicySet none;
  };
  // AWS's AccessDenied message for a denied request; for a caller allowed
  // sts:DecodeAuthorizationMessage, followed by the encoded decision (AWS's form:
  // "Encoded authorization failure message: <blob>").
  std::string denial_message(const Caller& caller, const authz::Request& req, const authz::PolicyBundle& bundle,
                             const authz::Decision& d, bool with_reason);
  common::Result<void> prepare(const Caller& caller, authz::Request& req, authz::PolicyBundle& bundle, Held& held,
                               const std::shared_ptr<const policy::CompiledPolicy>& grant);

  iam::IamDomain& domain_;
  org::Organizations orgs_;
  crypto::KeyRing message_keys_;  // seal encoded authorization messages (derived from the master keys)
  Principals principals_;
  ControlCache controls_;
  store::DerivedCache<std::shared_ptr<const store::Role>> roles_;  // by "<account>/<lowercase name>"
  authz::CompiledPolicyCache compiled_;
};

}  // namespace iamd::api
