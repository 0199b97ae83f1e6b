// The IAM and STS operations, built per request around the authenticated caller (the
// generated service interfaces take no caller context). Each operation authorizes first,
// with AWS's action, resource ARN and condition keys, then calls the domain service.
// Operations not overridden here answer InvalidAction "not supported by iamd".
#pragma once

#include <optional>
#include <string>

#include "api/access.h"
#include "api/caller.h"
#include "api/pipeline.h"
#include "condition/context.h"
#include "iam/service.h"
#include "protocol/iam.h"
#include "protocol/sts.h"

namespace iamd::api {

class IamHandlers final : public protocol::iam::IamService {
 public:
  explicit IamHandlers(CallContext ctx) : ctx_(ctx), pipe_(ctx) {}

  // The pipeline's steps before and after each operation (api/pipeline.h).
  common::Result<void> begin_operation(std::string_view operation, const protocol::Params& params) override;
  common::Result<void> end_operation(common::Result<void> outcome) override;
  protocol::CallNotes* call_notes() override { return pipe_.call_notes(); }

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
  common::Result<protocol::iam::GetAccessKeyLastUsedResult> get_access_key_last_used(
      const protocol::iam::GetAccessKeyLastUsedRequest& r) override;
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

  // ---- Roles (handlers_roles.cc) ----
  common::Result<protocol::iam::CreateRoleResult> create_role(const protocol::iam::CreateRoleRequest& r) override;
  common::Result<protocol::iam::GetRoleResult> get_role(const protocol::iam::GetRoleRequest& r) override;
  common::Result<protocol::iam::ListRolesResult> list_roles(const protocol::iam::ListRolesRequest& r) override;
  common::Result<void> delete_role(const protocol::iam::DeleteRoleRequest& r) override;
  common::Result<protocol::iam::UpdateRoleResult> update_role(const protocol::iam::UpdateRoleRequest& r) override;
  common::Result<protocol::iam::UpdateRoleDescriptionResult> update_role_description(
      const protocol::iam::UpdateRoleDescriptionRequest& r) override;
  common::Result<void> update_assume_role_policy(const protocol::iam::UpdateAssumeRolePolicyRequest& r) override;
  common::Result<void> put_role_policy(const protocol::iam::PutRolePolicyRequest& r) override;
  common::Result<protocol::iam::GetRolePolicyResult> get_role_policy(
      const protocol::iam::GetRolePolicyRequest& r) override;
  common::Result<void> delete_role_policy(const protocol::iam::DeleteRolePolicyRequest& r) override;
  common::Result<protocol::iam::ListRolePoliciesResult> list_role_policies(
      const protocol::iam::ListRolePoliciesRequest& r) override;
  common::Result<void> attach_role_policy(const protocol::iam::AttachRolePolicyRequest& r) override;
  common::Result<void> detach_role_policy(const protocol::iam::DetachRolePolicyRequest& r) override;
  common::Result<protocol::iam::ListAttachedRolePoliciesResult> list_attached_role_policies(
      const protocol::iam::ListAttachedRolePoliciesRequest& r) override;
  common::Result<void> tag_role(const protocol::iam::TagRoleRequest& r) override;
  common::Result<void> untag_role(const protocol::iam::UntagRoleRequest& r) override;
  common::Result<protocol::iam::ListRoleTagsResult> list_role_tags(
      const protocol::iam::ListRoleTagsRequest& r) override;
  // ---- end of Roles ----

  // ---- Instance profiles (handlers_instance_profiles.cc) ----
  common::Result<protocol::iam::CreateInstanceProfileResult> create_instance_profile(
      const protocol::iam::CreateInstanceProfileRequest& r) override;
  common::Result<protocol::iam::GetInstanceProfileResult> get_instance_profile(
      const protocol::iam::GetInstanceProfileRequest& r) override;
  common::Result<protocol::iam::ListInstanceProfilesResult> list_instance_profiles(
      const protocol::iam::ListInstanceProfilesRequest& r) override;
  common::Result<void> delete_instance_profile(const protocol::iam::DeleteInstanceProfileRequest& r) override;
  common::Result<void> add_role_to_instance_profile(const protocol::iam::AddRoleToInstanceProfileRequest& r) override;
  common::Result<void> remove_role_from_instance_profile(
      const protocol::iam::RemoveRoleFromInstanceProfileRequest& r) override;
  common::Result<protocol::iam::ListInstanceProfilesForRoleResult> list_instance_profiles_for_role(
      const protocol::iam::ListInstanceProfilesForRoleRequest& r) override;
  common::Result<void> tag_instance_profile(const protocol::iam::TagInstanceProfileRequest& r) override;
  common::Result<void> untag_instance_profile(const protocol::iam::UntagInstanceProfileRequest& r) override;
  common::Result<protocol::iam::ListInstanceProfileTagsResult> list_instance_profile_tags(
      const protocol::iam::ListInstanceProfileTagsRequest& r) override;
  common::Result<void> put_role_permissions_boundary(
      const protocol::iam::PutRolePermissionsBoundaryRequest& r) override;
  common::Result<void> delete_role_permissions_boundary(
      const protocol::iam::DeleteRolePermissionsBoundaryRequest& r) override;
  common::Result<protocol::iam::CreateServiceLinkedRoleResult> create_service_linked_role(
      const protocol::iam::CreateServiceLinkedRoleRequest& r) override;
  common::Result<protocol::iam::DeleteServiceLinkedRoleResult> delete_service_linked_role(
      const protocol::iam::DeleteServiceLinkedRoleRequest& r) override;
  common::Result<protocol::iam::GetServiceLinkedRoleDeletionStatusResult> get_service_linked_role_deletion_status(
      const protocol::iam::GetServiceLinkedRoleDeletionStatusRequest& r) override;
  // ---- end of Instance profiles ----

  // ---- Authorization details (handlers_details.cc) ----
  common::Result<protocol::iam::GetAccountAuthorizationDetailsResult> get_account_authorization_details(
      const protocol::iam::GetAccountAuthorizationDetailsRequest& r) override;
  common::Result<protocol::iam::GenerateCredentialReportResult> generate_credential_report(
      const protocol::iam::GenerateCredentialReportRequest& r) override;
  common::Result<protocol::iam::GetCredentialReportResult> get_credential_report(
      const protocol::iam::GetCredentialReportRequest& r) override;
  // ---- end of Authorization details ----

  // ---- Last accessed information (handlers_last_accessed.cc) ----
  common::Result<protocol::iam::GenerateServiceLastAccessedDetailsResult> generate_service_last_accessed_details(
      const protocol::iam::GenerateServiceLastAccessedDetailsRequest& r) override;
  common::Result<protocol::iam::GetServiceLastAccessedDetailsResult> get_service_last_accessed_details(
      const protocol::iam::GetServiceLastAccessedDetailsRequest& r) override;
  common::Result<protocol::iam::GetServiceLastAccessedDetailsWithEntitiesResult>
  get_service_last_accessed_details_with_entities(
      const protocol::iam::GetServiceLastAccessedDetailsWithEntitiesRequest& r) override;
  common::Result<protocol::iam::ListPoliciesGrantingServiceAccessResult> list_policies_granting_service_access(
      const protocol::iam::ListPoliciesGrantingServiceAccessRequest& r) override;
  common::Result<void> set_security_token_service_preferences(
      const protocol::iam::SetSecurityTokenServicePreferencesRequest& r) override;
  common::Result<protocol::iam::GenerateOrganizationsAccessReportResult> generate_organizations_access_report(
      const protocol::iam::GenerateOrganizationsAccessReportRequest& r) override;
  common::Result<protocol::iam::GetOrganizationsAccessReportResult> get_organizations_access_report(
      const protocol::iam::GetOrganizationsAccessReportRequest& r) override;
  // ---- end of Last accessed information ----

  // ---- Simulation (handlers_simulate.cc) ----
  common::Result<protocol::iam::SimulateCustomPolicyResult> simulate_custom_policy(
      const protocol::iam::SimulateCustomPolicyRequest& r) override;
  common::Result<protocol::iam::SimulatePrincipalPolicyResult> simulate_principal_policy(
      const protocol::iam::SimulatePrincipalPolicyRequest& r) override;
  common::Result<protocol::iam::GetContextKeysForCustomPolicyResult> get_context_keys_for_custom_policy(
      const protocol::iam::GetContextKeysForCustomPolicyRequest& r) override;
  common::Result<protocol::iam::GetContextKeysForPrincipalPolicyResult> get_context_keys_for_principal_policy(
      const protocol::iam::GetContextKeysForPrincipalPolicyRequest& r) override;
  // ---- end of Simulation ----

  // ---- Account (handlers_account.cc) ----
  common::Result<protocol::iam::GetAccountSummaryResult> get_account_summary(
      const protocol::iam::GetAccountSummaryRequest& r) override;
  common::Result<void> create_account_alias(const protocol::iam::CreateAccountAliasRequest& r) override;
  common::Result<void> delete_account_alias(const protocol::iam::DeleteAccountAliasRequest& r) override;
  common::Result<protocol::iam::ListAccountAliasesResult> list_account_aliases(
      const protocol::iam::ListAccountAliasesRequest& r) override;
  common::Result<protocol::iam::GetAccountPasswordPolicyResult> get_account_password_policy(
      const protocol::iam::GetAccountPasswordPolicyRequest& r) override;
  common::Result<void> update_account_password_policy(
      const protocol::iam::UpdateAccountPasswordPolicyRequest& r) override;
  common::Result<void> delete_account_password_policy(
      const protocol::iam::DeleteAccountPasswordPolicyRequest& r) override;
  common::Result<protocol::iam::CreateLoginProfileResult> create_login_profile(
      const protocol::iam::CreateLoginProfileRequest& r) override;
  common::Result<protocol::iam::GetLoginProfileResult> get_login_profile(
      const protocol::iam::GetLoginProfileRequest& r) override;
  common::Result<void> update_login_profile(const protocol::iam::UpdateLoginProfileRequest& r) override;
  common::Result<void> delete_login_profile(const protocol::iam::DeleteLoginProfileRequest& r) override;
  common::Result<void> change_password(const protocol::iam::ChangePasswordRequest& r) override;
  common::Result<void> tag_user(const protocol::iam::TagUserRequest& r) override;
  common::Result<void> untag_user(const protocol::iam::UntagUserRequest& r) override;
  common::Result<protocol::iam::ListUserTagsResult> list_user_tags(
      const protocol::iam::ListUserTagsRequest& r) override;
  common::Result<void> update_user(const protocol::iam::UpdateUserRequest& r) override;
  common::Result<void> put_user_permissions_boundary(
      const protocol::iam::PutUserPermissionsBoundaryRequest& r) override;
  common::Result<void> delete_user_permissions_boundary(
      const protocol::iam::DeleteUserPermissionsBoundaryRequest& r) override;
  // ---- end of Account ----

  // ---- MFA devices and SSH public keys (handlers_mfa.cc) ----
  common::Result<protocol::iam::CreateVirtualMFADeviceResult> create_virtual_mfa_device(
      const protocol::iam::CreateVirtualMFADeviceRequest& r) override;
  common::Result<void> delete_virtual_mfa_device(const protocol::iam::DeleteVirtualMFADeviceRequest& r) override;
  common::Result<protocol::iam::ListVirtualMFADevicesResult> list_virtual_mfa_devices(
      const protocol::iam::ListVirtualMFADevicesRequest& r) override;
  common::Result<void> enable_mfa_device(const protocol::iam::EnableMFADeviceRequest& r) override;
  common::Result<void> deactivate_mfa_device(const protocol::iam::DeactivateMFADeviceRequest& r) override;
  common::Result<void> resync_mfa_device(const protocol::iam::ResyncMFADeviceRequest& r) override;
  common::Result<protocol::iam::ListMFADevicesResult> list_mfa_devices(
      const protocol::iam::ListMFADevicesRequest& r) override;
  common::Result<void> tag_mfa_device(const protocol::iam::TagMFADeviceRequest& r) override;
  common::Result<void> untag_mfa_device(const protocol::iam::UntagMFADeviceRequest& r) override;
  common::Result<protocol::iam::ListMFADeviceTagsResult> list_mfa_device_tags(
      const protocol::iam::ListMFADeviceTagsRequest& r) override;
  common::Result<protocol::iam::UploadSSHPublicKeyResult> upload_ssh_public_key(
      const protocol::iam::UploadSSHPublicKeyRequest& r) override;
  common::Result<protocol::iam::GetSSHPublicKeyResult> get_ssh_public_key(
      const protocol::iam::GetSSHPublicKeyRequest& r) override;
  common::Result<protocol::iam::ListSSHPublicKeysResult> list_ssh_public_keys(
      const protocol::iam::ListSSHPublicKeysRequest& r) override;
  common::Result<void> update_ssh_public_key(const protocol::iam::UpdateSSHPublicKeyRequest& r) override;
  common::Result<void> delete_ssh_public_key(const protocol::iam::DeleteSSHPublicKeyRequest& r) override;
  // ---- end of MFA devices and SSH public keys ----

  // ---- Certificates and service-specific credentials (handlers_certificates.cc) ----
  common::Result<protocol::iam::UploadSigningCertificateResult> upload_signing_certificate(
      const protocol::iam::UploadSigningCertificateRequest& r) override;
  common::Result<protocol::iam::ListSigningCertificatesResult> list_signing_certificates(
      const protocol::iam::ListSigningCertificatesRequest& r) override;
  common::Result<void> update_signing_certificate(const protocol::iam::UpdateSigningCertificateRequest& r) override;
  common::Result<void> delete_signing_certificate(const protocol::iam::DeleteSigningCertificateRequest& r) override;
  common::Result<protocol::iam::UploadServerCertificateResult> upload_server_certificate(
      const protocol::iam::UploadServerCertificateRequest& r) override;
  common::Result<protocol::iam::GetServerCertificateResult> get_server_certificate(
      const protocol::iam::GetServerCertificateRequest& r) override;
  common::Result<protocol::iam::ListServerCertificatesResult> list_server_certificates(
      const protocol::iam::ListServerCertificatesRequest& r) override;
  common::Result<void> update_server_certificate(const protocol::iam::UpdateServerCertificateRequest& r) override;
  common::Result<void> delete_server_certificate(const protocol::iam::DeleteServerCertificateRequest& r) override;
  common::Result<void> tag_server_certificate(const protocol::iam::TagServerCertificateRequest& r) override;
  common::Result<void> untag_server_certificate(const protocol::iam::UntagServerCertificateRequest& r) override;
  common::Result<protocol::iam::ListServerCertificateTagsResult> list_server_certificate_tags(
      const protocol::iam::ListServerCertificateTagsRequest& r) override;
  common::Result<protocol::iam::CreateServiceSpecificCredentialResult> create_service_specific_credential(
      const protocol::iam::CreateServiceSpecificCredentialRequest& r) override;
  common::Result<protocol::iam::ListServiceSpecificCredentialsResult> list_service_specific_credentials(
      const protocol::iam::ListServiceSpecificCredentialsRequest& r) override;
  common::Result<protocol::iam::ResetServiceSpecificCredentialResult> reset_service_specific_credential(
      const protocol::iam::ResetServiceSpecificCredentialRequest& r) override;
  common::Result<void> update_service_specific_credential(
      const protocol::iam::UpdateServiceSpecificCredentialRequest& r) override;
  common::Result<void> delete_service_specific_credential(
      const protocol::iam::DeleteServiceSpecificCredentialRequest& r) override;
  // ---- end of Certificates and service-specific credentials ----

  // ---- Identity providers (handlers_providers.cc) ----
  common::Result<protocol::iam::CreateOpenIDConnectProviderResult> create_open_id_connect_provider(
      const protocol::iam::CreateOpenIDConnectProviderRequest& r) override;
  common::Result<protocol::iam::GetOpenIDConnectProviderResult> get_open_id_connect_provider(
      const protocol::iam::GetOpenIDConnectProviderRequest& r) override;
  common::Result<protocol::iam::ListOpenIDConnectProvidersResult> list_open_id_connect_providers(
      const protocol::iam::ListOpenIDConnectProvidersRequest& r) override;
  common::Result<void> delete_open_id_connect_provider(
      const protocol::iam::DeleteOpenIDConnectProviderRequest& r) override;
  common::Result<void> add_client_id_to_open_id_connect_provider(
      const protocol::iam::AddClientIDToOpenIDConnectProviderRequest& r) override;
  common::Result<void> remove_client_id_from_open_id_connect_provider(
      const protocol::iam::RemoveClientIDFromOpenIDConnectProviderRequest& r) override;
  common::Result<void> update_open_id_connect_provider_thumbprint(
      const protocol::iam::UpdateOpenIDConnectProviderThumbprintRequest& r) override;
  common::Result<void> tag_open_id_connect_provider(const protocol::iam::TagOpenIDConnectProviderRequest& r) override;
  common::Result<void> untag_open_id_connect_provider(
      const protocol::iam::UntagOpenIDConnectProviderRequest& r) override;
  common::Result<protocol::iam::ListOpenIDConnectProviderTagsResult> list_open_id_connect_provider_tags(
      const protocol::iam::ListOpenIDConnectProviderTagsRequest& r) override;
  common::Result<protocol::iam::CreateSAMLProviderResult> create_saml_provider(
      const protocol::iam::CreateSAMLProviderRequest& r) override;
  common::Result<protocol::iam::GetSAMLProviderResult> get_saml_provider(
      const protocol::iam::GetSAMLProviderRequest& r) override;
  common::Result<protocol::iam::ListSAMLProvidersResult> list_saml_providers(
      const protocol::iam::ListSAMLProvidersRequest& r) override;
  common::Result<protocol::iam::UpdateSAMLProviderResult> update_saml_provider(
      const protocol::iam::UpdateSAMLProviderRequest& r) override;
  common::Result<void> delete_saml_provider(const protocol::iam::DeleteSAMLProviderRequest& r) override;
  common::Result<void> tag_saml_provider(const protocol::iam::TagSAMLProviderRequest& r) override;
  common::Result<void> untag_saml_provider(const protocol::iam::UntagSAMLProviderRequest& r) override;
  common::Result<protocol::iam::ListSAMLProviderTagsResult> list_saml_provider_tags(
      const protocol::iam::ListSAMLProviderTagsRequest& r) override;
  // ---- end of Identity providers ----

 private:
  // The domain's families.
  iam::Users& users() { return ctx_.domain.users; }
  iam::Groups& groups() { return ctx_.domain.groups; }
  iam::Accounts& accounts() { return ctx_.domain.accounts; }
  iam::Policies& policies() { return ctx_.domain.policies; }
  iam::Roles& roles() { return ctx_.domain.roles; }
  iam::InstanceProfiles& instance_profiles() { return ctx_.domain.instance_profiles; }
  iam::Providers& providers() { return ctx_.domain.providers; }
  iam::MfaDevices& mfa_devices() { return ctx_.domain.mfa_devices; }
  iam::SshKeys& ssh_keys() { return ctx_.domain.ssh_keys; }
  iam::Certificates& certificates() { return ctx_.domain.certificates; }

  CallContext ctx_;
  Pipeline pipe_;
};

class StsHandlers final : public protocol::sts::StsService {
 public:
  explicit StsHandlers(CallContext ctx) : ctx_(ctx), pipe_(ctx) {}
  common::Result<void> begin_operation(std::string_view operation, const protocol::Params& params) override;
  common::Result<void> end_operation(common::Result<void> outcome) override;
  protocol::CallNotes* call_notes() override { return pipe_.call_notes(); }
  common::Result<protocol::sts::GetCallerIdentityResult> get_caller_identity(
      const protocol::sts::GetCallerIdentityRequest& r) override;
  common::Result<protocol::sts::AssumeRoleResult> assume_role(const protocol::sts::AssumeRoleRequest& r) override;
  common::Result<protocol::sts::AssumeRoleWithSAMLResult> assume_role_with_saml(
      const protocol::sts::AssumeRoleWithSAMLRequest& r) override;
  common::Result<protocol::sts::GetFederationTokenResult> get_federation_token(
      const protocol::sts::GetFederationTokenRequest& r) override;
  common::Result<protocol::sts::GetSessionTokenResult> get_session_token(
      const protocol::sts::GetSessionTokenRequest& r) override;
  common::Result<protocol::sts::DecodeAuthorizationMessageResult> decode_authorization_message(
      const protocol::sts::DecodeAuthorizationMessageRequest& r) override;
  common::Result<protocol::sts::GetAccessKeyInfoResult> get_access_key_info(
      const protocol::sts::GetAccessKeyInfoRequest& r) override;
  common::Result<protocol::sts::AssumeRoleWithWebIdentityResult> assume_role_with_web_identity(
      const protocol::sts::AssumeRoleWithWebIdentityRequest& r) override;

 private:
  // A session's policies, checked: the inline one as AWS validates session policies, the
  // managed ones AWS's or `account`'s; the packed size of policies and tags in percent.
  struct SessionPolicies {
    std::string policy;
    std::vector<std::string> arns;
    std::int64_t packed_percent = 0;
  };
  // A role session for `role` (found and authorized; `role_arn` its canonical ARN) with
  // what `s` holds already (session name, MFA, policies, tags, source identity): sealed
  // into its token, RoleLastUsed written; the answer's Credentials and AssumedRoleUser.
  struct IssuedRoleSession {
    protocol::sts::Credentials credentials;
    protocol::sts::AssumedRoleUser user;
  };
  common::Result<IssuedRoleSession> issue_role_session(sts::Session s, const store::Role& role,
                                                       std::string_view role_arn, std::int64_t duration);
  common::Result<SessionPolicies> session_policies(const std::optional<std::string>& inline_policy,
                                                   const std::vector<protocol::sts::PolicyDescriptorType>& arns,
                                                   const std::vector<std::pair<std::string, std::string>>& tags,
                                                   std::string_view account);

  CallContext ctx_;
  Pipeline pipe_;
};

}  // namespace iamd::api
