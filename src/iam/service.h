// The IAM domain service: naming rules, quotas and invariants of users, access keys and
// their policies, each public call one store transaction (a failed call leaves nothing
// half-written). Errors carry a domain code (NotFound, AlreadyExists, Conflict,
// LimitExceeded, MalformedPolicyDocument, InvalidInput) and AWS's message text; the API edge
// maps the code to AWS's error code in one table. Secrets are sealed with the master key
// before they reach the store. Thread-safe: its only mutable state is a bound on each
// account's user count (Users' UserCountBound, behind a mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "iam/accounts.h"
#include "iam/catalog.h"
#include "iam/certificates.h"
#include "iam/env.h"
#include "iam/groups.h"
#include "iam/instance_profiles.h"
#include "iam/mfa.h"
#include "iam/password.h"
#include "iam/policies.h"
#include "iam/providers.h"
#include "iam/quotas.h"
#include "iam/roles.h"
#include "iam/ssh_keys.h"
#include "iam/types.h"
#include "iam/users.h"
#include "store/store.h"

namespace iamd::iam {

using common::Result;

class IamDomain {
 public:
  explicit IamDomain(DomainEnv env);
  IamDomain(const IamDomain&) = delete;
  IamDomain& operator=(const IamDomain&) = delete;

  // The customer managed policy of the account, or the AWS managed policy, with this ARN
  // (NotFound otherwise), as the operation pipeline resolves a policy target.
  Result<store::ManagedPolicy> find_policy(const Read& rd, std::string_view arn);

  const DomainEnv& env() const { return env_; }
  std::string user_arn(const store::User& user) const;
  std::string root_arn(std::string_view account_id) const;

  // Start-up (app/root_credentials.h has the rule): makes sure the account exists; with
  // `install`, makes (root_key_id, root_secret) a root access key of the account (created,
  // or its secret replaced) and deletes the root key `previous_key_id` (the one applied
  // before) when it is another key or belongs to another account, in one transaction.
  // Without `install` the root keys are left as they are, so a root key deleted through the
  // API stays deleted. Fails when root_key_id is a key of an IAM user or of another account.
  // Returns whether the root key root_key_id exists afterwards.
  Result<bool> bootstrap_root(std::string_view account_id, std::string_view root_key_id, std::string_view root_secret,
                              bool install, std::string_view previous_key_id);
  // bootstrap_root with install and nothing replaced (idempotent).
  Result<void> bootstrap(std::string_view account_id, std::string_view root_key_id, std::string_view root_secret);
  Result<KeyOwner> resolve_access_key(std::string_view access_key_id);

  // Records that the key signed a request to `service` in `region` (usage bookkeeping: it
  // leaves the store generation, and so every cache, alone).
  Result<void> record_access_key_use(std::string_view key_id, std::string_view service, std::string_view region);

  // ---- Groups (groups.cc) ----
  // Quotas are AWS's fixed ones (identifiers.md §5): 10 groups per user, 10 managed
  // policies per group, 5,120 bytes of inline policy per group.
  std::string group_arn(const store::Group& group) const;
  // ---- end of Groups ----

  // ---- Managed policies (policies.cc) ----
  // Customer managed policies of the account and read access to AWS managed ones. AWS
  // managed policies come from the catalogue; the store holds a record of one only once it
  // is attached somewhere (attachable_policy), and that record supplies its counts.
  // ListPolicies pages over the store's customer managed policies and then over the
  // catalogue sorted by ARN (local ARNs sort first), so nothing is copied at start-up.
  // Quotas (identifiers.md §5): 6,144 characters per document, 5 versions per policy.
  std::string policy_arn(std::string_view account_id, std::string_view path, std::string_view name) const;
  Result<store::ManagedPolicy> create_policy(std::string_view account_id, std::string_view name, std::string_view path,
                                             std::string_view description, std::string_view document,
                                             const store::Tags& tags);
  // A customer managed policy of the account or an AWS managed policy.
  Result<store::ManagedPolicy> get_policy(std::string_view account_id, std::string_view arn);
  Result<store::Page<store::ManagedPolicy>> list_policies(std::string_view account_id,
                                                          const store::PolicyListOptions& options);
  // PolicyUsageFilter=PermissionsBoundary: the policies some user or role of the account has
  // as its permissions boundary (scope and path prefix apply), by ARN, with their counts.
  Result<store::Page<store::ManagedPolicy>> list_boundary_policies(std::string_view account_id,
                                                                   const store::PolicyListOptions& options);
  Result<void> delete_policy(std::string_view account_id, std::string_view arn);
  Result<store::PolicyVersion> create_policy_version(std::string_view account_id, std::string_view arn,
                                                     std::string_view document, bool set_as_default);
  Result<store::PolicyVersion> get_policy_version(std::string_view account_id, std::string_view arn,
                                                  std::string_view version_id);
  // Newest first; documents included (the API edge leaves them out).
  Result<store::Page<store::PolicyVersion>> list_policy_versions(std::string_view account_id, std::string_view arn,
                                                                 const store::ListOptions& options);
  Result<void> set_default_policy_version(std::string_view account_id, std::string_view arn,
                                          std::string_view version_id);
  Result<void> delete_policy_version(std::string_view account_id, std::string_view arn, std::string_view version_id);
  Result<store::Page<store::EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                                 std::optional<store::EntityKind> kind,
                                                                 const store::ListOptions& options);
  // ListEntitiesForPolicy with PolicyUsageFilter=PermissionsBoundary: the roles, then the
  // users, whose permissions boundary is the policy (path prefix and kind apply), by name.
  Result<store::Page<store::EntityRef>> list_boundary_entities(std::string_view account_id, std::string_view arn,
                                                               std::optional<store::EntityKind> kind,
                                                               const store::ListOptions& options);
  // Tag keys of policies are case-sensitive (identifiers.md §4); a key given again replaces.
  Result<void> tag_policy(std::string_view account_id, std::string_view arn, const store::Tags& tags);
  Result<void> untag_policy(std::string_view account_id, std::string_view arn, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_policy_tags(std::string_view account_id, std::string_view arn,
                                                   const store::ListOptions& options);
  // ---- end of Managed policies ----

  // ---- Roles (roles.cc) ----
  // Trust policies are validated as PolicyKind::kTrust, and their IAM user and role
  // principals must exist when saved. Quotas (identifiers.md §5): 10 managed policies and
  // 10,240 bytes of inline policy per role, 50 tags; role tag keys are case-insensitive.
  std::string role_arn(const store::Role& role) const;
  // From `spec`: account_id, name, path, trust_policy, description, max_session_duration,
  // permissions_boundary and tags; the id and create date are made here.
  Result<store::Role> create_role(const store::Role& spec);
  Result<store::Role> get_role(std::string_view account_id, std::string_view name);
  Result<store::Page<store::Role>> list_roles(std::string_view account_id, const store::ListOptions& options);
  Result<void> delete_role(std::string_view account_id, std::string_view name);
  // Empty optionals keep the current value; returns the role as updated.
  Result<store::Role> update_role(std::string_view account_id, std::string_view name,
                                  const std::optional<std::string>& description,
                                  std::optional<int> max_session_duration);
  Result<void> update_assume_role_policy(std::string_view account_id, std::string_view name, std::string_view document);
  Result<void> put_role_policy(std::string_view account_id, std::string_view role_name, std::string_view policy_name,
                               std::string_view document);
  Result<store::InlinePolicy> get_role_policy(std::string_view account_id, std::string_view role_name,
                                              std::string_view policy_name);
  Result<void> delete_role_policy(std::string_view account_id, std::string_view role_name,
                                  std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_role_policies(std::string_view account_id, std::string_view role_name,
                                                              const store::ListOptions& options);
  Result<void> attach_role_policy(std::string_view account_id, std::string_view role_name, std::string_view arn);
  Result<void> detach_role_policy(std::string_view account_id, std::string_view role_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_role_policies(std::string_view account_id,
                                                                         std::string_view role_name,
                                                                         const store::ListOptions& options);
  // A key given again (in any case) replaces the tag.
  Result<void> tag_role(std::string_view account_id, std::string_view role_name, const store::Tags& tags);
  Result<void> untag_role(std::string_view account_id, std::string_view role_name,
                          const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_role_tags(std::string_view account_id, std::string_view role_name,
                                                 const store::ListOptions& options);
  // ---- end of Roles ----

  // ---- Instance profiles (instance_profiles.cc) ----
  // Instance profiles (at most one role each, 1,000 per account, 50 tags with case-sensitive
  // keys), role permissions boundaries, and service-linked roles kept as plain data: a role
  // under /aws-service-role/<service>/ that only these operations create and delete.
  std::string instance_profile_arn(const store::InstanceProfile& profile) const;
  // Profiles come with the records of their roles (ProfileWithRoles): the InstanceProfile
  // shape carries full roles.
  Result<ProfileWithRoles> create_instance_profile(std::string_view account_id, std::string_view name,
                                                   std::string_view path, const store::Tags& tags);
  Result<ProfileWithRoles> get_instance_profile(std::string_view account_id, std::string_view name);
  Result<store::Page<ProfileWithRoles>> list_instance_profiles(std::string_view account_id,
                                                               const store::ListOptions& options);
  Result<void> delete_instance_profile(std::string_view account_id, std::string_view name);
  Result<void> add_role_to_instance_profile(std::string_view account_id, std::string_view profile_name,
                                            std::string_view role_name);
  Result<void> remove_role_from_instance_profile(std::string_view account_id, std::string_view profile_name,
                                                 std::string_view role_name);
  Result<store::Page<ProfileWithRoles>> list_instance_profiles_for_role(std::string_view account_id,
                                                                        std::string_view role_name,
                                                                        const store::ListOptions& options);
  Result<void> tag_instance_profile(std::string_view account_id, std::string_view name, const store::Tags& tags);
  Result<void> untag_instance_profile(std::string_view account_id, std::string_view name,
                                      const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_instance_profile_tags(std::string_view account_id, std::string_view name,
                                                             const store::ListOptions& options);
  Result<void> put_role_permissions_boundary(std::string_view account_id, std::string_view role_name,
                                             std::string_view arn);
  Result<void> delete_role_permissions_boundary(std::string_view account_id, std::string_view role_name);
  // The role name and path AWS gives the service-linked role of `service`
  // ("<name>.amazonaws.com"); InvalidInput for a name not of that form.
  struct ServiceLinkedRoleName {
    std::string name;
    std::string path;
  };
  Result<ServiceLinkedRoleName> service_linked_role_name(std::string_view service, std::string_view suffix) const;
  Result<store::Role> create_service_linked_role(std::string_view account_id, std::string_view service,
                                                 std::string_view description, std::string_view suffix);
  // Deletes the role at once; returns the deletion task id
  // "task/aws-service-role/<service>/<RoleName>/<uuid>".
  Result<std::string> delete_service_linked_role(std::string_view account_id, std::string_view role_name);
  // The role ARN a deletion task id names (InvalidInput when malformed).
  Result<std::string> deletion_task_role_arn(std::string_view account_id, std::string_view task_id) const;
  // SUCCEEDED for a task whose role is gone (deletion is immediate here); NotFound when the
  // role it names still exists (not a task this server issued).
  Result<std::string> service_linked_role_deletion_status(std::string_view account_id, std::string_view task_id);
  // ---- end of Instance profiles ----

  // ---- MFA devices (mfa.cc) ----
  // Virtual MFA devices, kept as store::Resource kMfaDevice records: id = the serial number
  // (arn:<p>:iam::<acct>:mfa/<path><name>), name = <path><name> (unique per account, the
  // list order), owner = the user the device is enabled for. The 20-byte TOTP seed is sealed
  // with the master key, bound to the serial number. Codes are RFC 6238 (HMAC-SHA1, 30 s,
  // 6 digits) checked against env().clock. Quotas (identifiers.md §5): 8 MFA devices per
  // user, 50 tags per device (keys case-sensitive).
  struct VirtualMfaDevice {
    std::string serial_number;
    std::optional<store::User> user;  // the user the device is enabled for
    std::optional<common::Timestamp> enable_date;
    store::Tags tags;
  };
  struct NewVirtualMfaDevice {
    VirtualMfaDevice device;
    std::string base32_seed;  // Base32StringSeed, shown once
    std::string qr_code_png;  // QRCodePNG: the PNG bytes of the otpauth://totp/ URI
  };
  enum class MfaAssignment { kAny, kAssigned, kUnassigned };
  std::string mfa_serial(std::string_view account_id, std::string_view path, std::string_view name) const;
  Result<NewVirtualMfaDevice> create_virtual_mfa_device(std::string_view account_id, std::string_view name,
                                                        std::string_view path, const store::Tags& tags);
  Result<void> delete_virtual_mfa_device(std::string_view account_id, std::string_view serial_number);
  Result<store::Page<VirtualMfaDevice>> list_virtual_mfa_devices(std::string_view account_id, MfaAssignment assignment,
                                                                 const store::ListOptions& options);
  // The two codes must be consecutive codes of the device (AuthenticationCode1 first).
  Result<void> enable_mfa_device(std::string_view account_id, std::string_view user_name,
                                 std::string_view serial_number, std::string_view code1, std::string_view code2);
  Result<void> deactivate_mfa_device(std::string_view account_id, std::string_view user_name,
                                     std::string_view serial_number);
  Result<void> resync_mfa_device(std::string_view account_id, std::string_view user_name,
                                 std::string_view serial_number, std::string_view code1, std::string_view code2);
  // The devices enabled for the user; `user_name` empty: the root user's (none can be
  // enabled through this API: AWS manages root MFA in the console only).
  Result<store::Page<VirtualMfaDevice>> list_mfa_devices(std::string_view account_id, std::string_view user_name,
                                                         const store::ListOptions& options);
  Result<void> tag_mfa_device(std::string_view account_id, std::string_view serial_number, const store::Tags& tags);
  Result<void> untag_mfa_device(std::string_view account_id, std::string_view serial_number,
                                const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_mfa_device_tags(std::string_view account_id, std::string_view serial_number,
                                                       const store::ListOptions& options);
  // ---- end of MFA devices ----

  // ---- SSH public keys (ssh_keys.cc) ----
  // SSH public keys of users (for CodeCommit), kept as store::Resource kSshPublicKey records:
  // id = name = APKA..., owner = the user. RSA keys of at least 2048 bits, given as an
  // ssh-rsa line or PEM; 5 per user (identifiers.md §5); the same key twice for a user is
  // DuplicateSSHPublicKey.
  struct SshPublicKey {
    std::string id;  // APKA...
    std::string user_name;
    std::string fingerprint;  // MD5 of the key, aa:bb:...
    std::string body;         // as uploaded, or converted by get_ssh_public_key
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp upload_date;
  };
  enum class SshKeyEncoding { kSsh, kPem };
  Result<SshPublicKey> upload_ssh_public_key(std::string_view account_id, std::string_view user_name,
                                             std::string_view body);
  // The key with its body in `encoding` (as uploaded when that was the encoding given).
  Result<SshPublicKey> get_ssh_public_key(std::string_view account_id, std::string_view user_name,
                                          std::string_view key_id, SshKeyEncoding encoding);
  // `user_name` empty: the root user's (it has none).
  Result<store::Page<SshPublicKey>> list_ssh_public_keys(std::string_view account_id, std::string_view user_name,
                                                         const store::ListOptions& options);
  Result<void> update_ssh_public_key(std::string_view account_id, std::string_view user_name, std::string_view key_id,
                                     store::AccessKeyStatus status);
  Result<void> delete_ssh_public_key(std::string_view account_id, std::string_view user_name, std::string_view key_id);
  // ---- end of SSH public keys ----

  // ---- Certificates and service-specific credentials (certificates.cc) ----
  // Kept as store::Resource records (the rest of each record encoded in Resource::body).
  // Signing certificates (kSigningCertificate): X.509 certificates of a user, or of the root
  // user when `user_name` is empty; id = name = the certificate id (Base32 of the
  // certificate's SHA-1, so the same certificate cannot be uploaded twice:
  // DuplicateCertificate); 2 per user (identifiers.md §5).
  // Server certificates (kServerCertificate): id = ASCA..., name = ServerCertificateName
  // (unique per account), path; the private key is checked against the certificate and sealed
  // with the master key (bound to the id), never returned; 20 per account; 50 tags (keys
  // case-sensitive).
  // Service-specific credentials (kServiceSpecificCredential): id = name = ACCA..., owner =
  // the user; the password is sealed (bound to the id) and shown on create and reset only;
  // 2 per user and service.
  struct SigningCertificate {
    std::string id;
    std::string user_name;  // empty: the root user's
    std::string body;       // as uploaded
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp upload_date;
  };
  Result<SigningCertificate> upload_signing_certificate(std::string_view account_id, std::string_view user_name,
                                                        std::string_view body);
  Result<store::Page<SigningCertificate>> list_signing_certificates(std::string_view account_id,
                                                                    std::string_view user_name,
                                                                    const store::ListOptions& options);
  Result<void> update_signing_certificate(std::string_view account_id, std::string_view user_name,
                                          std::string_view certificate_id, store::AccessKeyStatus status);
  Result<void> delete_signing_certificate(std::string_view account_id, std::string_view user_name,
                                          std::string_view certificate_id);

  struct ServerCertificate {
    std::string account_id;
    std::string name;
    std::string path = "/";
    std::string id;  // ASCA...
    std::string body;
    std::string chain;  // empty when none was given
    common::Timestamp upload_date;
    common::Timestamp expiration;  // the certificate's notAfter
    store::Tags tags;
  };
  std::string server_certificate_arn(const ServerCertificate& certificate) const;
  // From `spec`: account_id, name, path, body, chain and tags; the rest is made here.
  Result<ServerCertificate> upload_server_certificate(const ServerCertificate& spec, std::string_view private_key);
  Result<ServerCertificate> get_server_certificate(std::string_view account_id, std::string_view name);
  Result<store::Page<ServerCertificate>> list_server_certificates(std::string_view account_id,
                                                                  const store::ListOptions& options);
  // Empty optionals keep the current name or path.
  Result<void> update_server_certificate(std::string_view account_id, std::string_view name,
                                         const std::optional<std::string>& new_name,
                                         const std::optional<std::string>& new_path);
  Result<void> delete_server_certificate(std::string_view account_id, std::string_view name);
  Result<void> tag_server_certificate(std::string_view account_id, std::string_view name, const store::Tags& tags);
  Result<void> untag_server_certificate(std::string_view account_id, std::string_view name,
                                        const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_server_certificate_tags(std::string_view account_id, std::string_view name,
                                                               const store::ListOptions& options);

  struct ServiceSpecificCredential {
    std::string id;  // ACCA...
    std::string user_name;
    std::string service_name;
    std::string service_user_name;  // <user>-at-<account>
    std::string service_password;   // only from create and reset
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp create_date;
  };
  Result<ServiceSpecificCredential> create_service_specific_credential(std::string_view account_id,
                                                                       std::string_view user_name,
                                                                       std::string_view service_name);
  // `service_name` empty: every service's. `user_name` empty: the root user's (it has none).
  Result<std::vector<ServiceSpecificCredential>> list_service_specific_credentials(std::string_view account_id,
                                                                                   std::string_view user_name,
                                                                                   std::string_view service_name);
  // A new password for the credential.
  Result<ServiceSpecificCredential> reset_service_specific_credential(std::string_view account_id,
                                                                      std::string_view user_name,
                                                                      std::string_view credential_id);
  Result<void> update_service_specific_credential(std::string_view account_id, std::string_view user_name,
                                                  std::string_view credential_id, store::AccessKeyStatus status);
  Result<void> delete_service_specific_credential(std::string_view account_id, std::string_view user_name,
                                                  std::string_view credential_id);
  // ---- end of Certificates and service-specific credentials ----

  // ---- Identity providers (providers.cc) ----
  // OpenID Connect and SAML providers, kept as store::Resource records of kinds
  // kOpenIdConnectProvider and kSamlProvider: id = the provider ARN, name = the URL without
  // https:// (OIDC) or the provider name (SAML). Quotas (identifiers.md §5): 100 providers
  // of each kind per account, 100 client IDs and 5 thumbprints per OIDC provider, 50 tags
  // (keys case-sensitive). A provider ARN that is no ARN is InvalidInput "ARN <arn> is not
  // valid."; one naming no provider of the account is NoSuchEntity.
  struct OidcProvider {
    std::string arn;
    std::string url;  // without https://, as GetOpenIDConnectProvider returns it
    std::vector<std::string> client_ids;
    std::vector<std::string> thumbprints;
    store::Tags tags;
    common::Timestamp create_date;
  };
  struct SamlProvider {
    std::string arn;
    std::string name;
    std::string metadata;  // the SAMLMetadataDocument as given
    common::Timestamp valid_until;
    store::Tags tags;
    common::Timestamp create_date;
  };
  std::string oidc_provider_arn(std::string_view account_id, std::string_view url) const;
  std::string saml_provider_arn(std::string_view account_id, std::string_view name) const;
  Result<OidcProvider> create_oidc_provider(std::string_view account_id, std::string_view url,
                                            const std::vector<std::string>& client_ids,
                                            const std::vector<std::string>& thumbprints, const store::Tags& tags);
  Result<OidcProvider> get_oidc_provider(std::string_view account_id, std::string_view arn);
  // Every OIDC provider of the account, by URL.
  Result<std::vector<OidcProvider>> list_oidc_providers(std::string_view account_id);
  Result<void> delete_oidc_provider(std::string_view account_id, std::string_view arn);
  // Adding a client ID the provider has already, or removing one it has not, is a no-op.
  Result<void> add_oidc_client_id(std::string_view account_id, std::string_view arn, std::string_view client_id);
  Result<void> remove_oidc_client_id(std::string_view account_id, std::string_view arn, std::string_view client_id);
  Result<void> update_oidc_thumbprints(std::string_view account_id, std::string_view arn,
                                       const std::vector<std::string>& thumbprints);
  Result<void> tag_oidc_provider(std::string_view account_id, std::string_view arn, const store::Tags& tags);
  Result<void> untag_oidc_provider(std::string_view account_id, std::string_view arn,
                                   const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_oidc_provider_tags(std::string_view account_id, std::string_view arn,
                                                          const store::ListOptions& options);
  Result<SamlProvider> create_saml_provider(std::string_view account_id, std::string_view name,
                                            std::string_view metadata, const store::Tags& tags);
  Result<SamlProvider> get_saml_provider(std::string_view account_id, std::string_view arn);
  // Every SAML provider of the account, by name.
  Result<std::vector<SamlProvider>> list_saml_providers(std::string_view account_id);
  Result<void> update_saml_provider(std::string_view account_id, std::string_view arn, std::string_view metadata);
  Result<void> delete_saml_provider(std::string_view account_id, std::string_view arn);
  Result<void> tag_saml_provider(std::string_view account_id, std::string_view arn, const store::Tags& tags);
  Result<void> untag_saml_provider(std::string_view account_id, std::string_view arn,
                                   const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_saml_provider_tags(std::string_view account_id, std::string_view arn,
                                                          const store::ListOptions& options);
  // ---- end of Identity providers ----

  // GetAccountAuthorizationDetails (authorization_details.cc): `filter` is a set of
  // kDetail* bits; one read snapshot; at most options.max_items records in all.
  Result<AuthorizationDetails> authorization_details(std::string_view account_id, unsigned filter,
                                                     const store::ListOptions& options);

  // The credential report (credential_report.cc): Generate answers kStarted when it made a
  // new report (synchronously) and kComplete while the last one is under 4 hours old; Get
  // fails with ReportNotPresent or ReportExpired.
  Result<CredentialReportState> generate_credential_report(std::string_view account_id);
  Result<CredentialReport> get_credential_report(std::string_view account_id);

  // Every policy document that applies to the user, for the authorizer.
  Result<PrincipalPolicyTexts> user_policies(std::string_view user_id);
  // The same for a user, group or role of the account named by its ARN (the simulator's
  // PolicySourceArn): NoSuchEntity when it does not exist, InvalidInput when the ARN names
  // no such entity.
  Result<PrincipalPolicyTexts> policies_of_arn(std::string_view account_id, std::string_view arn);

 private:
  // internal::find_user, for the families not yet moved to their classes.
  Result<store::User> find_user(store::ReadTransaction& tx, std::string_view account_id, std::string_view name);
  // ---- Certificates (certificates.cc) ----
  // The user a signing certificate or service-specific credential belongs to: {user id,
  // stored name}, both empty for the root user (`user_name` empty).
  Result<std::pair<std::string, std::string>> certificate_owner(store::ReadTransaction& tx, std::string_view account_id,
                                                                std::string_view user_name);
  // ---- end of Certificates ----
  Result<PolicyText> managed_policy_text(store::ReadTransaction& tx, std::string_view arn);
  static Result<CredentialReport> read_credential_report(const store::Resource& record);
  // The inline and attached policies of one entity, appended to `out`.
  Result<void> add_entity_policies(store::ReadTransaction& tx, store::EntityKind kind, const std::string& id,
                                   PrincipalPolicyTexts& out);

  DomainEnv env_;

 public:
  // The families of the domain, each over env_ (so declared after it).
  Users users{env_};
  Groups groups{env_};
  Accounts accounts{env_};
  Policies policies{env_};
  Roles roles{env_};
  InstanceProfiles instance_profiles{env_};
  Providers providers{env_};
  MfaDevices mfa_devices{env_};
  SshKeys ssh_keys{env_};
  Certificates certificates{env_};
};

}  // namespace iamd::iam
