// Authorization of one call: builds the caller's policy sets (cached per principal and
// invalidated by the store generation; each policy version compiled once), evaluates the
// request, and turns a denial into AWS's AccessDenied error with its message.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/caller.h"
#include "authz/policy_cache.h"
#include "condition/context.h"
#include "iam/service.h"

namespace iamd::api {

class Access {
 public:
  explicit Access(iam::IamDomain& domain) : domain_(domain) {}

  // Allows or denies `action` on `resource` (an ARN, or "*") for the caller. `context`
  // holds the request's keys (environment, principal and operation-specific). `grant`, when
  // not null, is a permission IAM gives at the account level (the password policy's
  // AllowUsersToChangePassword): it takes part as one more identity-based policy of an IAM
  // user, so an explicit Deny and the permissions boundary still decide.
  common::Result<void> authorize(const Caller& caller, std::string_view action, std::string_view resource,
                                 const condition::Context& context,
                                 const std::shared_ptr<const policy::CompiledPolicy>& grant = nullptr);

 private:
  common::Result<std::shared_ptr<const authz::PrincipalPolicies>> policies_of(const store::User& user);

  iam::IamDomain& domain_;
  authz::PrincipalPolicyCache principals_;
  authz::CompiledPolicyCache compiled_;
};

}  // namespace iamd::api
