// The IAM and STS operations, built per request around the authenticated caller (the
// generated service interfaces take no caller context). Each operation authorizes first,
// with AWS's action, resource ARN and condition keys, then calls the domain service.
// Operations not overridden here answer InvalidAction "not supported by iamd".
#pragma once

#include <string>

#include "api/access.h"
#include "api/caller.h"
#include "condition/context.h"
#include "iam/service.h"
#include "protocol/iam.h"
#include "protocol/sts.h"

namespace iamd::api {

struct CallContext {
  iam::IamDomain& domain;
  Access& access;
  const Caller& caller;
  const condition::Context& base_context;  // environment and principal keys
};

class IamHandlers final : public protocol::iam::IamService {
 public:
  explicit IamHandlers(CallContext ctx) : ctx_(ctx) {}

  common::Result<protocol::iam::CreateUserResult> create_user(const protocol::iam::CreateUserRequest& r) override;
  common::Result<protocol::iam::GetUserResult> get_user(const protocol::iam::GetUserRequest& r) override;
  common::Result<protocol::iam::ListUsersResult> list_users(const protocol::iam::ListUsersRequest& r) override;
  common::Result<void> delete_user(const protocol::iam::DeleteUserRequest& r) override;
  common::Result<protocol::iam::CreateAccessKeyResult> create_access_key(
      const protocol::iam::CreateAccessKeyRequest& r) override;
  common::Result<protocol::iam::ListAccessKeysResult> list_access_keys(
      const protocol::iam::ListAccessKeysRequest& r) override;
  common::Result<void> update_access_key(const protocol::iam::UpdateAccessKeyRequest& r) override;
  common::Result<void> delete_access_key(const protocol::iam::DeleteAccessKeyRequest& r) override;
  common::Result<void> put_user_policy(const protocol::iam::PutUserPolicyRequest& r) override;
  common::Result<protocol::iam::GetUserPolicyResult> get_user_policy(
      const protocol::iam::GetUserPolicyRequest& r) override;
  common::Result<void> delete_user_policy(const protocol::iam::DeleteUserPolicyRequest& r) override;
  common::Result<protocol::iam::ListUserPoliciesResult> list_user_policies(
      const protocol::iam::ListUserPoliciesRequest& r) override;
  common::Result<void> attach_user_policy(const protocol::iam::AttachUserPolicyRequest& r) override;
  common::Result<void> detach_user_policy(const protocol::iam::DetachUserPolicyRequest& r) override;
  common::Result<protocol::iam::ListAttachedUserPoliciesResult> list_attached_user_policies(
      const protocol::iam::ListAttachedUserPoliciesRequest& r) override;

 private:
  // The target user's name (the caller when omitted) and ARN (path from the store when the
  // user exists, "/" otherwise, so a denial never reveals whether the user exists).
  struct Target {
    std::string name;
    std::string arn;
    std::string boundary;
  };
  Target target_user(const std::optional<std::string>& name);
  common::Result<void> authorize(std::string_view action, std::string_view resource,
                                 const condition::Context* extra = nullptr);

  CallContext ctx_;
};

class StsHandlers final : public protocol::sts::StsService {
 public:
  explicit StsHandlers(CallContext ctx) : ctx_(ctx) {}
  common::Result<protocol::sts::GetCallerIdentityResult> get_caller_identity(
      const protocol::sts::GetCallerIdentityRequest& r) override;

 private:
  CallContext ctx_;
};

}  // namespace iamd::api
