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
    {"CreatePolicy", "iam:CreatePolicy", R::kPolicy, "PolicyName", kCreates | kRequestTags, M::kWrite},
    {"GetPolicy", "iam:GetPolicy", R::kPolicy, "PolicyArn", 0, M::kRead},
    {"ListPolicies", "iam:ListPolicies", R::kAny, "", 0, M::kRead},
    {"DeletePolicy", "iam:DeletePolicy", R::kPolicy, "PolicyArn", 0, M::kWrite},
    {"CreatePolicyVersion", "iam:CreatePolicyVersion", R::kPolicy, "PolicyArn", 0, M::kWrite},
    {"GetPolicyVersion", "iam:GetPolicyVersion", R::kPolicy, "PolicyArn", 0, M::kRead},
    {"ListPolicyVersions", "iam:ListPolicyVersions", R::kPolicy, "PolicyArn", 0, M::kRead},
    {"SetDefaultPolicyVersion", "iam:SetDefaultPolicyVersion", R::kPolicy, "PolicyArn", 0, M::kWrite},
    {"DeletePolicyVersion", "iam:DeletePolicyVersion", R::kPolicy, "PolicyArn", 0, M::kWrite},
    {"ListEntitiesForPolicy", "iam:ListEntitiesForPolicy", R::kPolicy, "PolicyArn", 0, M::kRead},
    {"TagPolicy", "iam:TagPolicy", R::kPolicy, "PolicyArn", kRequestTags, M::kWrite},
    {"UntagPolicy", "iam:UntagPolicy", R::kPolicy, "PolicyArn", kTagKeys, M::kWrite},
    {"ListPolicyTags", "iam:ListPolicyTags", R::kPolicy, "PolicyArn", 0, M::kRead},
    // ---- end of Managed policies ----

    // ---- Roles ----
    // The role's current boundary is iam:PermissionsBoundary where AWS supplies it
    // (kTargetBoundary): not for GetRolePolicy, the role's listings, TagRole or UntagRole.
    {"CreateRole", "iam:CreateRole", R::kRole, "RoleName", kCreates | kRequestTags | kRequestBoundary, M::kWrite},
    {"GetRole", "iam:GetRole", R::kRole, "RoleName", kTargetBoundary, M::kRead},
    {"ListRoles", "iam:ListRoles", R::kList, "role", 0, M::kRead},
    {"DeleteRole", "iam:DeleteRole", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"UpdateRole", "iam:UpdateRole", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"UpdateRoleDescription", "iam:UpdateRoleDescription", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"PutRolePolicy", "iam:PutRolePolicy", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"GetRolePolicy", "iam:GetRolePolicy", R::kRole, "RoleName", 0, M::kRead},
    {"DeleteRolePolicy", "iam:DeleteRolePolicy", R::kRole, "RoleName", kTargetBoundary, M::kWrite},
    {"ListRolePolicies", "iam:ListRolePolicies", R::kRole, "RoleName", 0, M::kRead},
    {"AttachRolePolicy", "iam:AttachRolePolicy", R::kRole, "RoleName", kTargetBoundary | kPolicyArn, M::kWrite},
    {"DetachRolePolicy", "iam:DetachRolePolicy", R::kRole, "RoleName", kTargetBoundary | kPolicyArn, M::kWrite},
    {"ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", R::kRole, "RoleName", 0, M::kRead},
    {"TagRole", "iam:TagRole", R::kRole, "RoleName", kRequestTags, M::kWrite},
    {"UntagRole", "iam:UntagRole", R::kRole, "RoleName", kTagKeys, M::kWrite},
    {"ListRoleTags", "iam:ListRoleTags", R::kRole, "RoleName", 0, M::kRead},
    // ---- end of Roles ----

    // ---- Instance profiles and service-linked roles ----
    {"CreateInstanceProfile", "iam:CreateInstanceProfile", R::kInstanceProfile, "InstanceProfileName",
     kCreates | kRequestTags, M::kWrite},
    {"GetInstanceProfile", "iam:GetInstanceProfile", R::kInstanceProfile, "InstanceProfileName", 0, M::kRead},
    {"ListInstanceProfiles", "iam:ListInstanceProfiles", R::kList, "instance-profile", 0, M::kRead},
    {"DeleteInstanceProfile", "iam:DeleteInstanceProfile", R::kInstanceProfile, "InstanceProfileName", 0, M::kWrite},
    // [OBS] "The caller of this operation must be granted the PassRole permission on the IAM
    // role" (AddRoleToInstanceProfile's documentation).
    {"AddRoleToInstanceProfile",
     "iam:AddRoleToInstanceProfile",
     R::kInstanceProfile,
     "InstanceProfileName",
     0,
     M::kWrite,
     {"iam:PassRole", R::kRole, "RoleName"}},
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
    // The virtual device operations: against the device's ARN, its serial number.
    {"CreateVirtualMFADevice", "iam:CreateVirtualMFADevice", R::kMfaDevice, "VirtualMFADeviceName",
     kRequestTags | kCreates, M::kWrite},
    {"DeleteVirtualMFADevice", "iam:DeleteVirtualMFADevice", R::kMfaDevice, "SerialNumber", 0, M::kWrite},
    {"ListVirtualMFADevices", "iam:ListVirtualMFADevices", R::kAny, "", 0, M::kRead},
    {"TagMFADevice", "iam:TagMFADevice", R::kMfaDevice, "SerialNumber", kRequestTags, M::kWrite},
    {"UntagMFADevice", "iam:UntagMFADevice", R::kMfaDevice, "SerialNumber", kTagKeys, M::kWrite},
    {"ListMFADeviceTags", "iam:ListMFADeviceTags", R::kMfaDevice, "SerialNumber", 0, M::kRead},
    // A user's devices and SSH public keys: against the user (the caller when UserName is omitted).
    {"EnableMFADevice", "iam:EnableMFADevice", R::kUser, "UserName", 0, M::kWrite},
    {"DeactivateMFADevice", "iam:DeactivateMFADevice", R::kUser, "UserName", 0, M::kWrite},
    {"ResyncMFADevice", "iam:ResyncMFADevice", R::kUser, "UserName", 0, M::kWrite},
    {"ListMFADevices", "iam:ListMFADevices", R::kUser, "UserName", 0, M::kRead},
    {"UploadSSHPublicKey", "iam:UploadSSHPublicKey", R::kUser, "UserName", 0, M::kWrite},
    {"GetSSHPublicKey", "iam:GetSSHPublicKey", R::kUser, "UserName", 0, M::kRead},
    {"ListSSHPublicKeys", "iam:ListSSHPublicKeys", R::kUser, "UserName", 0, M::kRead},
    {"UpdateSSHPublicKey", "iam:UpdateSSHPublicKey", R::kUser, "UserName", 0, M::kWrite},
    {"DeleteSSHPublicKey", "iam:DeleteSSHPublicKey", R::kUser, "UserName", 0, M::kWrite},
    // ---- end of MFA ----

    // ---- Certificates and service-specific credentials ----
    // Signing certificates and service-specific credentials: against the user (the caller when
    // UserName is omitted).
    {"UploadSigningCertificate", "iam:UploadSigningCertificate", R::kUser, "UserName", 0, M::kWrite},
    {"ListSigningCertificates", "iam:ListSigningCertificates", R::kUser, "UserName", 0, M::kRead},
    {"UpdateSigningCertificate", "iam:UpdateSigningCertificate", R::kUser, "UserName", 0, M::kWrite},
    {"DeleteSigningCertificate", "iam:DeleteSigningCertificate", R::kUser, "UserName", 0, M::kWrite},
    {"UploadServerCertificate", "iam:UploadServerCertificate", R::kServerCertificate, "ServerCertificateName",
     kRequestTags | kCreates, M::kWrite},
    {"GetServerCertificate", "iam:GetServerCertificate", R::kServerCertificate, "ServerCertificateName", 0, M::kRead},
    {"ListServerCertificates", "iam:ListServerCertificates", R::kList, "server-certificate", 0, M::kRead},
    // UpdateServerCertificate: also authorized on the new name and path (its handler).
    {"UpdateServerCertificate", "iam:UpdateServerCertificate", R::kServerCertificate, "ServerCertificateName", 0,
     M::kWrite},
    {"DeleteServerCertificate", "iam:DeleteServerCertificate", R::kServerCertificate, "ServerCertificateName", 0,
     M::kWrite},
    {"TagServerCertificate", "iam:TagServerCertificate", R::kServerCertificate, "ServerCertificateName", kRequestTags,
     M::kWrite},
    {"UntagServerCertificate", "iam:UntagServerCertificate", R::kServerCertificate, "ServerCertificateName", kTagKeys,
     M::kWrite},
    {"ListServerCertificateTags", "iam:ListServerCertificateTags", R::kServerCertificate, "ServerCertificateName", 0,
     M::kRead},
    {"CreateServiceSpecificCredential", "iam:CreateServiceSpecificCredential", R::kUser, "UserName", kServiceName,
     M::kWrite},
    {"ListServiceSpecificCredentials", "iam:ListServiceSpecificCredentials", R::kUser, "UserName", kServiceName,
     M::kRead},
    {"ResetServiceSpecificCredential", "iam:ResetServiceSpecificCredential", R::kUser, "UserName", 0, M::kWrite},
    {"UpdateServiceSpecificCredential", "iam:UpdateServiceSpecificCredential", R::kUser, "UserName", 0, M::kWrite},
    {"DeleteServiceSpecificCredential", "iam:DeleteServiceSpecificCredential", R::kUser, "UserName", 0, M::kWrite},
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
    // Actions without a resource type: authorized on "*" (the simulator's principal
    // operations on the ARN the caller names as PolicySourceArn, as given).
    {"GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails", R::kAny, "", 0, M::kRead},
    {"GenerateCredentialReport", "iam:GenerateCredentialReport", R::kAny, "", 0, M::kWrite},
    {"GetCredentialReport", "iam:GetCredentialReport", R::kAny, "", 0, M::kRead},
    {"SimulateCustomPolicy", "iam:SimulateCustomPolicy", R::kAny, "", 0, M::kRead},
    {"GetContextKeysForCustomPolicy", "iam:GetContextKeysForCustomPolicy", R::kAny, "", 0, M::kRead},
    {"SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy", R::kArn, "PolicySourceArn", 0, M::kRead},
    {"GetContextKeysForPrincipalPolicy", "iam:GetContextKeysForPrincipalPolicy", R::kArn, "PolicySourceArn", 0,
     M::kRead},
    // ---- end of Details ----

    // ---- Last accessed information ----
    // [AWS] Service Authorization Reference: GenerateServiceLastAccessedDetails on the user,
    // group, role or policy; ListPoliciesGrantingServiceAccess on the user, group or role
    // (both as given, Resource::kArn); the Get operations and SetSecurityTokenServicePreferences
    // have no resource type ("*"). The job is a record: Generate writes.
    {"GenerateServiceLastAccessedDetails", "iam:GenerateServiceLastAccessedDetails", R::kArn, "Arn", 0, M::kWrite},
    {"GetServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails", R::kAny, "", 0, M::kRead},
    // [AWS] On the access-report resource arn:aws:iam::<account>:access-report/<EntityPath>
    // (the handler builds it); the caller must manage the organization.
    {"GenerateOrganizationsAccessReport", "iam:GenerateOrganizationsAccessReport", R::kCustom, "EntityPath", 0,
     M::kWrite},
    {"GetOrganizationsAccessReport", "iam:GetOrganizationsAccessReport", R::kAny, "", 0, M::kRead},
    {"GetServiceLastAccessedDetailsWithEntities", "iam:GetServiceLastAccessedDetailsWithEntities", R::kAny, "", 0,
     M::kRead},
    {"ListPoliciesGrantingServiceAccess", "iam:ListPoliciesGrantingServiceAccess", R::kArn, "Arn", 0, M::kRead},
    {"SetSecurityTokenServicePreferences", "iam:SetSecurityTokenServicePreferences", R::kAny, "", 0, M::kWrite},
    // ---- end of Last accessed information ----
};

constexpr Operation kSts[] = {
    // Never authorized by policy: it succeeds even under an explicit deny (evaluation.md §4.1).
    {"GetCallerIdentity", "sts:GetCallerIdentity", R::kAny, "", 0, M::kUnauthorized},
    // The role is named by an ARN and its trust policy takes part (Pipeline::authorize_assume);
    // a read: RoleLastUsed is bookkeeping outside the request (api/role_usage.h); a write only
    // with an MFA code, which the check records.
    {"AssumeRole", "sts:AssumeRole", R::kCustom, "RoleArn", 0, M::kReadUnlessMfa},
    // Unsigned: the web identity token authenticates; the trust policy alone authorizes.
    {"AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity", R::kCustom, "RoleArn", kAnonymous,
     M::kUnauthorizedWrite},
    // Unsigned or signed: the SAML response authenticates it and the role's trust policy alone
    // decides (StsHandlers::assume_role_with_saml); a write: RoleLastUsed.
    {"AssumeRoleWithSAML", "sts:AssumeRoleWithSAML", R::kCustom, "RoleArn", kAnonymous, M::kUnauthorizedWrite},
    // Authorized on the federated user's ARN, which the handler makes from Name.
    {"GetFederationToken", "sts:GetFederationToken", R::kCustom, "Name", 0, M::kRead},
    // No policy controls it (evaluation.md §4.1); the MFA check records the code it used.
    {"GetSessionToken", "sts:GetSessionToken", R::kAny, "", 0, M::kUnauthorizedWrite},
    {"GetAccessKeyInfo", "sts:GetAccessKeyInfo", R::kAny, "", 0, M::kRead},
    {"DecodeAuthorizationMessage", "sts:DecodeAuthorizationMessage", R::kAny, "", 0, M::kRead},
};

// Organizations (AWS JSON 1.1; api/handlers_org.h). Every row is Resource::kCustom: the
// handler reads the caller's organization and authorizes on the ARN of the root, OU, account,
// policy or handshake the request names (OrganizationsHandlers::authorized), with the
// request's tags and organizations:PolicyType where they apply.
constexpr Operation kOrganizations[] = {
    {"CreateOrganization", "organizations:CreateOrganization", R::kCustom, "", 0, M::kWrite},
    {"DescribeOrganization", "organizations:DescribeOrganization", R::kCustom, "", 0, M::kRead},
    {"DeleteOrganization", "organizations:DeleteOrganization", R::kCustom, "", 0, M::kWrite},
    {"ListRoots", "organizations:ListRoots", R::kCustom, "", 0, M::kRead},
    {"CreateOrganizationalUnit", "organizations:CreateOrganizationalUnit", R::kCustom, "ParentId", 0, M::kWrite},
    {"DescribeOrganizationalUnit", "organizations:DescribeOrganizationalUnit", R::kCustom, "OrganizationalUnitId", 0,
     M::kRead},
    {"UpdateOrganizationalUnit", "organizations:UpdateOrganizationalUnit", R::kCustom, "OrganizationalUnitId", 0,
     M::kWrite},
    {"DeleteOrganizationalUnit", "organizations:DeleteOrganizationalUnit", R::kCustom, "OrganizationalUnitId", 0,
     M::kWrite},
    {"ListOrganizationalUnitsForParent", "organizations:ListOrganizationalUnitsForParent", R::kCustom, "ParentId", 0,
     M::kRead},
    {"CreateAccount", "organizations:CreateAccount", R::kCustom, "", 0, M::kWrite},
    {"DescribeCreateAccountStatus", "organizations:DescribeCreateAccountStatus", R::kCustom, "", 0, M::kRead},
    {"ListCreateAccountStatus", "organizations:ListCreateAccountStatus", R::kCustom, "", 0, M::kRead},
    {"DescribeAccount", "organizations:DescribeAccount", R::kCustom, "AccountId", 0, M::kRead},
    {"ListAccounts", "organizations:ListAccounts", R::kCustom, "", 0, M::kRead},
    {"ListAccountsForParent", "organizations:ListAccountsForParent", R::kCustom, "ParentId", 0, M::kRead},
    {"MoveAccount", "organizations:MoveAccount", R::kCustom, "AccountId", 0, M::kWrite},
    {"RemoveAccountFromOrganization", "organizations:RemoveAccountFromOrganization", R::kCustom, "AccountId", 0,
     M::kWrite},
    {"LeaveOrganization", "organizations:LeaveOrganization", R::kCustom, "", 0, M::kWrite},
    {"ListParents", "organizations:ListParents", R::kCustom, "ChildId", 0, M::kRead},
    {"ListChildren", "organizations:ListChildren", R::kCustom, "ParentId", 0, M::kRead},
    {"CreatePolicy", "organizations:CreatePolicy", R::kCustom, "", 0, M::kWrite},
    {"DescribePolicy", "organizations:DescribePolicy", R::kCustom, "PolicyId", 0, M::kRead},
    {"UpdatePolicy", "organizations:UpdatePolicy", R::kCustom, "PolicyId", 0, M::kWrite},
    {"DeletePolicy", "organizations:DeletePolicy", R::kCustom, "PolicyId", 0, M::kWrite},
    // Authorized on the policy and on the target.
    {"AttachPolicy", "organizations:AttachPolicy", R::kCustom, "PolicyId", 0, M::kWrite},
    {"DetachPolicy", "organizations:DetachPolicy", R::kCustom, "PolicyId", 0, M::kWrite},
    {"ListPolicies", "organizations:ListPolicies", R::kCustom, "", 0, M::kRead},
    {"ListPoliciesForTarget", "organizations:ListPoliciesForTarget", R::kCustom, "TargetId", 0, M::kRead},
    {"ListTargetsForPolicy", "organizations:ListTargetsForPolicy", R::kCustom, "PolicyId", 0, M::kRead},
    {"EnablePolicyType", "organizations:EnablePolicyType", R::kCustom, "RootId", 0, M::kWrite},
    {"DisablePolicyType", "organizations:DisablePolicyType", R::kCustom, "RootId", 0, M::kWrite},
    {"TagResource", "organizations:TagResource", R::kCustom, "ResourceId", 0, M::kWrite},
    {"UntagResource", "organizations:UntagResource", R::kCustom, "ResourceId", 0, M::kWrite},
    {"ListTagsForResource", "organizations:ListTagsForResource", R::kCustom, "ResourceId", 0, M::kRead},
    {"InviteAccountToOrganization", "organizations:InviteAccountToOrganization", R::kCustom, "", 0, M::kWrite},
    {"AcceptHandshake", "organizations:AcceptHandshake", R::kCustom, "HandshakeId", 0, M::kWrite},
    {"DeclineHandshake", "organizations:DeclineHandshake", R::kCustom, "HandshakeId", 0, M::kWrite},
    {"CancelHandshake", "organizations:CancelHandshake", R::kCustom, "HandshakeId", 0, M::kWrite},
    {"DescribeHandshake", "organizations:DescribeHandshake", R::kCustom, "HandshakeId", 0, M::kRead},
    {"ListHandshakesForAccount", "organizations:ListHandshakesForAccount", R::kCustom, "", 0, M::kRead},
    {"ListHandshakesForOrganization", "organizations:ListHandshakesForOrganization", R::kCustom, "", 0, M::kRead},
    {"EnableAWSServiceAccess", "organizations:EnableAWSServiceAccess", R::kCustom, "", 0, M::kWrite},
    {"DisableAWSServiceAccess", "organizations:DisableAWSServiceAccess", R::kCustom, "", 0, M::kWrite},
    {"ListAWSServiceAccessForOrganization", "organizations:ListAWSServiceAccessForOrganization", R::kCustom, "", 0,
     M::kRead},
    {"RegisterDelegatedAdministrator", "organizations:RegisterDelegatedAdministrator", R::kCustom, "AccountId", 0,
     M::kWrite},
    {"DeregisterDelegatedAdministrator", "organizations:DeregisterDelegatedAdministrator", R::kCustom, "AccountId", 0,
     M::kWrite},
    {"ListDelegatedAdministrators", "organizations:ListDelegatedAdministrators", R::kCustom, "", 0, M::kRead},
    {"ListDelegatedServicesForAccount", "organizations:ListDelegatedServicesForAccount", R::kCustom, "AccountId", 0,
     M::kRead},
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

std::span<const Operation> operations(std::string_view service) {
  if (service == "sts") return kSts;
  if (service == "organizations") return kOrganizations;
  return kIam;
}

const Operation* find_operation(std::string_view service, std::string_view name) {
  static const std::vector<const Operation*> iam = sorted(kIam);
  static const std::vector<const Operation*> sts = sorted(kSts);
  static const std::vector<const Operation*> organizations = sorted(kOrganizations);
  if (service == "sts") return find_in(sts, name);
  if (service == "organizations") return find_in(organizations, name);
  return find_in(iam, name);
}

}  // namespace iamd::api
