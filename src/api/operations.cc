// The operation table (api/operations.h): one row per operation, grouped by family. Rows are
// in any order; find_operation() looks them up by name.
#include "api/operations.h"

#include <algorithm>
#include <array>
#include <span>
#include <vector>

namespace iamd::api {

namespace {

using M = Mode;
using R = Resource;

constexpr Operation kIam[] = {
    // ---- Users, access keys, user policies ----
    {"CreateUser", "iam:CreateUser", R::kUser, "UserName", kCreates | kRequestTags | kRequestBoundary, M::kWrite},
    // GetUser without UserName: the caller itself (the root user: its ARN, no name).
    {"GetUser", "iam:GetUser", R::kUser, "UserName", kTargetBoundary, M::kRead},
    {"ListUsers", "iam:ListUsers", R::kList, "user", 0, M::kRead},
    {"DeleteUser", "iam:DeleteUser", R::kUser, "UserName", kTargetBoundary, M::kWrite},
    // The access key operations without UserName act on the caller's keys (the root user's).
    {"CreateAccessKey", "iam:CreateAccessKey", R::kUser, "UserName", 0, M::kWrite},
    {"ListAccessKeys", "iam:ListAccessKeys", R::kUser, "UserName", 0, M::kRead},
    {"UpdateAccessKey", "iam:UpdateAccessKey", R::kUser, "UserName", 0, M::kWrite},
    {"DeleteAccessKey", "iam:DeleteAccessKey", R::kUser, "UserName", 0, M::kWrite},
    // Authorized against the key's owner, which the handler reads ("*" for an unknown key).
    {"GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed", R::kCustom, "", 0, M::kRead},
    {"PutUserPolicy", "iam:PutUserPolicy", R::kUser, "UserName", kTargetBoundary, M::kWrite},
    {"GetUserPolicy", "iam:GetUserPolicy", R::kUser, "UserName", 0, M::kRead},
    {"DeleteUserPolicy", "iam:DeleteUserPolicy", R::kUser, "UserName", kTargetBoundary, M::kWrite},
    {"ListUserPolicies", "iam:ListUserPolicies", R::kUser, "UserName", 0, M::kRead},
    {"AttachUserPolicy", "iam:AttachUserPolicy", R::kUser, "UserName", kPolicyArn | kTargetBoundary, M::kWrite},
    {"DetachUserPolicy", "iam:DetachUserPolicy", R::kUser, "UserName", kPolicyArn | kTargetBoundary, M::kWrite},
    {"ListAttachedUserPolicies", "iam:ListAttachedUserPolicies", R::kUser, "UserName", 0, M::kRead},
    // ---- end of Users ----

    // ---- Groups ----
    {"CreateGroup", "iam:CreateGroup", R::kGroup, "GroupName", kCreates, M::kWrite},
    {"GetGroup", "iam:GetGroup", R::kGroup, "GroupName", 0, M::kRead},
    {"ListGroups", "iam:ListGroups", R::kList, "group", 0, M::kRead},
    // UpdateGroup: also authorized on the group's new name and path (its handler).
    {"UpdateGroup", "iam:UpdateGroup", R::kGroup, "GroupName", 0, M::kWrite},
    {"DeleteGroup", "iam:DeleteGroup", R::kGroup, "GroupName", 0, M::kWrite},
    {"AddUserToGroup", "iam:AddUserToGroup", R::kGroup, "GroupName", 0, M::kWrite},
    {"RemoveUserFromGroup", "iam:RemoveUserFromGroup", R::kGroup, "GroupName", 0, M::kWrite},
    {"ListGroupsForUser", "iam:ListGroupsForUser", R::kUser, "UserName", 0, M::kRead},
    {"PutGroupPolicy", "iam:PutGroupPolicy", R::kGroup, "GroupName", 0, M::kWrite},
    {"GetGroupPolicy", "iam:GetGroupPolicy", R::kGroup, "GroupName", 0, M::kRead},
    {"DeleteGroupPolicy", "iam:DeleteGroupPolicy", R::kGroup, "GroupName", 0, M::kWrite},
    {"ListGroupPolicies", "iam:ListGroupPolicies", R::kGroup, "GroupName", 0, M::kRead},
    {"AttachGroupPolicy", "iam:AttachGroupPolicy", R::kGroup, "GroupName", kPolicyArn, M::kWrite},
    {"DetachGroupPolicy", "iam:DetachGroupPolicy", R::kGroup, "GroupName", kPolicyArn, M::kWrite},
    {"ListAttachedGroupPolicies", "iam:ListAttachedGroupPolicies", R::kGroup, "GroupName", 0, M::kRead},
    // ---- end of Groups ----

    // ---- Managed policies ----
    // ---- end of Managed policies ----

    // ---- Roles ----
    // ---- end of Roles ----

    // ---- Instance profiles and service-linked roles ----
    // ---- end of Instance profiles ----

    // ---- Account, login profiles, user tags and boundaries ----
    {"GetAccountSummary", "iam:GetAccountSummary", R::kAny, "", 0, M::kRead},
    {"CreateAccountAlias", "iam:CreateAccountAlias", R::kAny, "", 0, M::kWrite},
    {"DeleteAccountAlias", "iam:DeleteAccountAlias", R::kAny, "", 0, M::kWrite},
    {"ListAccountAliases", "iam:ListAccountAliases", R::kAny, "", 0, M::kRead},
    {"GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", R::kAny, "", kPasswordGrant, M::kRead},
    {"UpdateAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy", R::kAny, "", 0, M::kWrite},
    {"DeleteAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy", R::kAny, "", 0, M::kWrite},
    // The password operations hash (Argon2id) between the read snapshot and the write.
    {"CreateLoginProfile", "iam:CreateLoginProfile", R::kUser, "UserName", 0, M::kPrepared},
    {"GetLoginProfile", "iam:GetLoginProfile", R::kUser, "UserName", 0, M::kRead},
    {"UpdateLoginProfile", "iam:UpdateLoginProfile", R::kUser, "UserName", 0, M::kPrepared},
    {"DeleteLoginProfile", "iam:DeleteLoginProfile", R::kUser, "UserName", 0, M::kWrite},
    // On the caller itself (no member): IAM users only (the handler refuses the root user).
    {"ChangePassword", "iam:ChangePassword", R::kUser, "", kPasswordGrant, M::kPrepared},
    {"TagUser", "iam:TagUser", R::kUser, "UserName", kRequestTags, M::kWrite},
    {"UntagUser", "iam:UntagUser", R::kUser, "UserName", kTagKeys, M::kWrite},
    {"ListUserTags", "iam:ListUserTags", R::kUser, "UserName", 0, M::kRead},
    // UpdateUser: also authorized on the user's new name and path (its handler).
    {"UpdateUser", "iam:UpdateUser", R::kUser, "UserName", 0, M::kWrite},
    {"PutUserPermissionsBoundary", "iam:PutUserPermissionsBoundary", R::kUser, "UserName", kRequestBoundary, M::kWrite},
    {"DeleteUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary", R::kUser, "UserName", kTargetBoundary,
     M::kWrite},
    // ---- end of Account ----

    // ---- MFA devices and SSH public keys ----
    // ---- end of MFA ----

    // ---- Certificates and service-specific credentials ----
    // ---- end of Certificates ----

    // ---- Identity providers ----
    // ---- end of Identity providers ----

    // ---- Authorization details, credential report, simulation ----
    // ---- end of Details ----
};

constexpr Operation kSts[] = {
    // Never authorized by policy: it succeeds even under an explicit deny (evaluation.md §4.1).
    {"GetCallerIdentity", "sts:GetCallerIdentity", R::kAny, "", 0, M::kUnauthorized},
};

std::vector<const Operation*> sorted(std::span<const Operation> rows) {
  std::vector<const Operation*> out;
  for (const Operation& op : rows) out.push_back(&op);
  std::sort(out.begin(), out.end(), [](const Operation* a, const Operation* b) { return a->name < b->name; });
  return out;
}

const Operation* find_in(const std::vector<const Operation*>& rows, std::string_view name) {
  auto it = std::lower_bound(rows.begin(), rows.end(), name,
                             [](const Operation* op, std::string_view n) { return op->name < n; });
  return it != rows.end() && (*it)->name == name ? *it : nullptr;
}

}  // namespace

const Operation* find_operation(std::string_view service, std::string_view name) {
  static const std::vector<const Operation*> iam = sorted(kIam);
  static const std::vector<const Operation*> sts = sorted(kSts);
  return find_in(service == "sts" ? sts : iam, name);
}

}  // namespace iamd::api
