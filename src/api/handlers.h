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

  // ---- Groups (handlers_groups.cc) ----
  common::Result<protocol::iam::CreateGroupResult> create_group(const protocol::iam::CreateGroupRequest& r) override;
  common::Result<protocol::iam::GetGroupResult> get_group(const protocol::iam::GetGroupRequest& r) override;
  common::Result<protocol::iam::ListGroupsResult> list_groups(const protocol::iam::ListGroupsRequest& r) override;
  common::Result<void> update_group(const protocol::iam::UpdateGroupRequest& r) override;
  common::Result<void> delete_group(const protocol::iam::DeleteGroupRequest& r) override;
  common::Result<void> add_user_to_group(const protocol::iam::AddUserToGroupRequest& r) override;
  common::Result<void> remove_user_from_group(const protocol::iam::RemoveUserFromGroupRequest& r) override;
  common::Result<protocol::iam::ListGroupsForUserResult> list_groups_for_user(
      const protocol::iam::ListGroupsForUserRequest& r) override;
  common::Result<void> put_group_policy(const protocol::iam::PutGroupPolicyRequest& r) override;
  common::Result<protocol::iam::GetGroupPolicyResult> get_group_policy(
      const protocol::iam::GetGroupPolicyRequest& r) override;
  common::Result<void> delete_group_policy(const protocol::iam::DeleteGroupPolicyRequest& r) override;
  common::Result<protocol::iam::ListGroupPoliciesResult> list_group_policies(
      const protocol::iam::ListGroupPoliciesRequest& r) override;
  common::Result<void> attach_group_policy(const protocol::iam::AttachGroupPolicyRequest& r) override;
  common::Result<void> detach_group_policy(const protocol::iam::DetachGroupPolicyRequest& r) override;
  common::Result<protocol::iam::ListAttachedGroupPoliciesResult> list_attached_group_policies(
      const protocol::iam::ListAttachedGroupPoliciesRequest& r) override;
  // ---- end of Groups ----

  // ---- Managed policies (handlers_policies.cc) ----
  common::Result<protocol::iam::CreatePolicyResult> create_policy(const protocol::iam::CreatePolicyRequest& r) override;
  common::Result<protocol::iam::GetPolicyResult> get_policy(const protocol::iam::GetPolicyRequest& r) override;
  common::Result<protocol::iam::ListPoliciesResult> list_policies(const protocol::iam::ListPoliciesRequest& r) override;
  common::Result<void> delete_policy(const protocol::iam::DeletePolicyRequest& r) override;
  common::Result<protocol::iam::CreatePolicyVersionResult> create_policy_version(
      const protocol::iam::CreatePolicyVersionRequest& r) override;
  common::Result<protocol::iam::GetPolicyVersionResult> get_policy_version(
      const protocol::iam::GetPolicyVersionRequest& r) override;
  common::Result<protocol::iam::ListPolicyVersionsResult> list_policy_versions(
      const protocol::iam::ListPolicyVersionsRequest& r) override;
  common::Result<void> set_default_policy_version(const protocol::iam::SetDefaultPolicyVersionRequest& r) override;
  common::Result<void> delete_policy_version(const protocol::iam::DeletePolicyVersionRequest& r) override;
  common::Result<protocol::iam::ListEntitiesForPolicyResult> list_entities_for_policy(
      const protocol::iam::ListEntitiesForPolicyRequest& r) override;
  common::Result<void> tag_policy(const protocol::iam::TagPolicyRequest& r) override;
  common::Result<void> untag_policy(const protocol::iam::UntagPolicyRequest& r) override;
  common::Result<protocol::iam::ListPolicyTagsResult> list_policy_tags(
      const protocol::iam::ListPolicyTagsRequest& r) override;
  // ---- end of Managed policies ----

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
