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
    {"CreateInstanceProfile", "iam:CreateInstanceProfile", R::kInstanceProfile, "InstanceProfileName",
     kCreates | kRequestTags, M::kWrite},
    {"GetInstanceProfile", "iam:GetInstanceProfile", R::kInstanceProfile, "InstanceProfileName", 0, M::kRead},
    {"ListInstanceProfiles", "iam:ListInstanceProfiles", R::kList, "instance-profile", 0, M::kRead},
    {"DeleteInstanceProfile", "iam:DeleteInstanceProfile", R::kInstanceProfile, "InstanceProfileName", 0, M::kWrite},
    // AddRoleToInstanceProfile: also iam:PassRole on the role (its handler).
    {"AddRoleToInstanceProfile", "iam:AddRoleToInstanceProfile", R::kInstanceProfile, "InstanceProfileName", 0,
     M::kWrite},
    {"RemoveRoleFromInstanceProfile", "iam:RemoveRoleFromInstanceProfile", R::kInstanceProfile, "InstanceProfileName",
     0, M::kWrite},
    {"ListInstanceProfilesForRole", "iam:ListInstanceProfilesForRole", R::kRole, "RoleName", 0, M::kRead},
    {"TagInstanceProfile", "iam:TagInstanceProfile", R::kInstanceProfile, "InstanceProfileName", kRequestTags,
     M::kWrite},
    {"UntagInstanceProfile", "iam:UntagInstanceProfile", R::kInstanceProfile, "InstanceProfileName", kTagKeys,
     M::kWrite},
    {"ListInstanceProfileTags", "iam:ListInstanceProfileTags", R::kInstanceProfile, "InstanceProfileName", 0, M::kRead},
    {"PutRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", R::kRole, "RoleName", kRequestBoundary, M::kWrite},
    {"DeleteRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", R::kRole, "RoleName", kTargetBoundary,
     M::kWrite},
    // CreateServiceLinkedRole: against the role the service's name gives, with iam:AWSServiceName
    // (its handler).
    {"CreateServiceLinkedRole", "iam:CreateServiceLinkedRole", R::kCustom, "", 0, M::kWrite},
    {"DeleteServiceLinkedRole", "iam:DeleteServiceLinkedRole", R::kRole, "RoleName", 0, M::kWrite},
    // GetServiceLinkedRoleDeletionStatus: against the role the task id names (its handler).
    {"GetServiceLinkedRoleDeletionStatus", "iam:GetServiceLinkedRoleDeletionStatus", R::kCustom, "", 0, M::kRead},
    // ---- end of Instance profiles ----

    // ---- Account, login profiles, user tags and boundaries ----
    // ---- end of Account ----

    // ---- MFA devices and SSH public keys ----
    // ---- end of MFA ----

    // ---- Certificates and service-specific credentials ----
    // ---- end of Certificates ----

    // ---- Identity providers ----
    // Create*: against the ARN the provider will have, with the request's tags as its
    // aws:ResourceTag/<k> as well (their handlers).
    {"CreateOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider", R::kCustom, "", kRequestTags, M::kWrite},
    {"GetOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", R::kOidcProvider, "OpenIDConnectProviderArn", 0,
     M::kRead},
    {"ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders", R::kAny, "", 0, M::kRead},
    {"DeleteOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", R::kOidcProvider, "OpenIDConnectProviderArn", 0,
     M::kWrite},
    {"AddClientIDToOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider", R::kOidcProvider,
     "OpenIDConnectProviderArn", 0, M::kWrite},
    {"RemoveClientIDFromOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", R::kOidcProvider,
     "OpenIDConnectProviderArn", 0, M::kWrite},
    {"UpdateOpenIDConnectProviderThumbprint", "iam:UpdateOpenIDConnectProviderThumbprint", R::kOidcProvider,
     "OpenIDConnectProviderArn", 0, M::kWrite},
    {"TagOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", R::kOidcProvider, "OpenIDConnectProviderArn",
     kRequestTags, M::kWrite},
    {"UntagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", R::kOidcProvider, "OpenIDConnectProviderArn",
     kTagKeys, M::kWrite},
    {"ListOpenIDConnectProviderTags", "iam:ListOpenIDConnectProviderTags", R::kOidcProvider, "OpenIDConnectProviderArn",
     0, M::kRead},
    {"CreateSAMLProvider", "iam:CreateSAMLProvider", R::kCustom, "", kRequestTags, M::kWrite},
    {"GetSAMLProvider", "iam:GetSAMLProvider", R::kSamlProvider, "SAMLProviderArn", 0, M::kRead},
    {"ListSAMLProviders", "iam:ListSAMLProviders", R::kAny, "", 0, M::kRead},
    {"UpdateSAMLProvider", "iam:UpdateSAMLProvider", R::kSamlProvider, "SAMLProviderArn", 0, M::kWrite},
    {"DeleteSAMLProvider", "iam:DeleteSAMLProvider", R::kSamlProvider, "SAMLProviderArn", 0, M::kWrite},
    {"TagSAMLProvider", "iam:TagSAMLProvider", R::kSamlProvider, "SAMLProviderArn", kRequestTags, M::kWrite},
    {"UntagSAMLProvider", "iam:UntagSAMLProvider", R::kSamlProvider, "SAMLProviderArn", kTagKeys, M::kWrite},
    {"ListSAMLProviderTags", "iam:ListSAMLProviderTags", R::kSamlProvider, "SAMLProviderArn", 0, M::kRead},
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
