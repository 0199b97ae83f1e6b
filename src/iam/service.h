// The IAM domain service: naming rules, quotas and invariants of users, access keys and
// their policies, each public call one store transaction (a failed call leaves nothing
// half-written). Errors carry a domain code (NotFound, AlreadyExists, Conflict,
// LimitExceeded, MalformedPolicyDocument, InvalidInput) and AWS's message text; the API edge
// maps the code to AWS's error code in one table. Secrets are sealed with the master key
// before they reach the store. Thread-safe: it holds no mutable state of its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "common/time.h"
#include "iam/catalog.h"
#include "store/store.h"

namespace iamd::iam {

using common::Result;

inline constexpr std::string_view kLimitExceeded = "LimitExceeded";
inline constexpr std::string_view kMalformedPolicy = "MalformedPolicyDocument";

struct DomainEnv {
  store::Store* store = nullptr;
  const common::Clock* clock = nullptr;
  common::Random* random = nullptr;
  std::string master_key;  // 32 bytes: seals access key secrets
  std::string partition = "aws";
  const ManagedCatalog* catalog = nullptr;
  int access_keys_per_user = 2;
  int managed_policies_per_user = 20;
};

// Who an access key belongs to, with its plaintext secret (for SigV4 only).
struct KeyOwner {
  store::AccessKey key;
  std::string account_id;
  std::optional<store::User> user;  // empty: the account's root user
  std::string secret;
};

struct NewAccessKey {
  store::AccessKey key;
  std::string secret;  // shown once
  std::string user_name;
};

// A policy document that applies to a principal, with a cache key that changes whenever
// the document can ("<arn>#<version>", "user/<id>/<name>#<digest>").
struct PolicyText {
  std::string cache_key;
  std::string document;
};

struct PrincipalPolicyTexts {
  std::vector<PolicyText> identity;  // the user's inline and managed, then each group's
  std::optional<PolicyText> boundary;
};

class IamDomain {
 public:
  explicit IamDomain(DomainEnv env);

  const DomainEnv& env() const { return env_; }
  std::string user_arn(const store::User& user) const;
  std::string root_arn(std::string_view account_id) const;

  // First start: the account and its root access key (idempotent).
  Result<void> bootstrap(std::string_view account_id, std::string_view root_key_id, std::string_view root_secret);
  Result<KeyOwner> resolve_access_key(std::string_view access_key_id);

  Result<store::User> create_user(std::string_view account_id, std::string_view name, std::string_view path,
                                  std::string_view permissions_boundary, const store::Tags& tags);
  Result<store::User> get_user(std::string_view account_id, std::string_view name);
  Result<store::Page<store::User>> list_users(std::string_view account_id, const store::ListOptions& options);
  Result<void> delete_user(std::string_view account_id, std::string_view name);

  // `user_name` empty: the root user's keys.
  Result<NewAccessKey> create_access_key(std::string_view account_id, std::string_view user_name);
  Result<std::vector<store::AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_name);
  Result<void> update_access_key(std::string_view account_id, std::string_view user_name, std::string_view key_id,
                                 store::AccessKeyStatus status);
  Result<void> delete_access_key(std::string_view account_id, std::string_view user_name, std::string_view key_id);

  Result<void> put_user_policy(std::string_view account_id, std::string_view user_name, std::string_view policy_name,
                               std::string_view document);
  Result<store::InlinePolicy> get_user_policy(std::string_view account_id, std::string_view user_name,
                                              std::string_view policy_name);
  Result<void> delete_user_policy(std::string_view account_id, std::string_view user_name,
                                  std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_user_policies(std::string_view account_id, std::string_view user_name,
                                                              const store::ListOptions& options);

  Result<void> attach_user_policy(std::string_view account_id, std::string_view user_name, std::string_view arn);
  Result<void> detach_user_policy(std::string_view account_id, std::string_view user_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_user_policies(std::string_view account_id,
                                                                         std::string_view user_name,
                                                                         const store::ListOptions& options);

  // ---- Groups (groups.cc) ----
  // Quotas are AWS's fixed ones (identifiers.md §5): 10 groups per user, 10 managed
  // policies per group, 5,120 bytes of inline policy per group.
  std::string group_arn(const store::Group& group) const;
  Result<store::Group> create_group(std::string_view account_id, std::string_view name, std::string_view path);
  Result<store::Group> get_group(std::string_view account_id, std::string_view name);
  // The group and one page of its members (GetGroup).
  struct GroupMembers {
    store::Group group;
    store::Page<store::User> users;
  };
  Result<GroupMembers> get_group_members(std::string_view account_id, std::string_view name,
                                         const store::ListOptions& options);
  Result<store::Page<store::Group>> list_groups(std::string_view account_id, const store::ListOptions& options);
  // Empty optionals keep the current name or path.
  Result<void> update_group(std::string_view account_id, std::string_view name,
                            const std::optional<std::string>& new_name, const std::optional<std::string>& new_path);
  Result<void> delete_group(std::string_view account_id, std::string_view name);
  // Adding a member again is a no-op, as in AWS.
  Result<void> add_user_to_group(std::string_view account_id, std::string_view group_name, std::string_view user_name);
  Result<void> remove_user_from_group(std::string_view account_id, std::string_view group_name,
                                      std::string_view user_name);
  Result<store::Page<store::Group>> list_groups_for_user(std::string_view account_id, std::string_view user_name,
                                                         const store::ListOptions& options);
  Result<void> put_group_policy(std::string_view account_id, std::string_view group_name, std::string_view policy_name,
                                std::string_view document);
  Result<store::InlinePolicy> get_group_policy(std::string_view account_id, std::string_view group_name,
                                               std::string_view policy_name);
  Result<void> delete_group_policy(std::string_view account_id, std::string_view group_name,
                                   std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_group_policies(std::string_view account_id, std::string_view group_name,
                                                               const store::ListOptions& options);
  Result<void> attach_group_policy(std::string_view account_id, std::string_view group_name, std::string_view arn);
  Result<void> detach_group_policy(std::string_view account_id, std::string_view group_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_group_policies(std::string_view account_id,
                                                                          std::string_view group_name,
                                                                          const store::ListOptions& options);
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
  // Tag keys of policies are case-sensitive (identifiers.md §4); a key given again replaces.
  Result<void> tag_policy(std::string_view account_id, std::string_view arn, const store::Tags& tags);
  Result<void> untag_policy(std::string_view account_id, std::string_view arn, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_policy_tags(std::string_view account_id, std::string_view arn,
                                                   const store::ListOptions& options);
  // ---- end of Managed policies ----

  // ---- Account (account.cc) ----
  // GetAccountSummary's SummaryMap, the account alias (at most one, unique across the
  // server; a new one replaces the old), the password policy, and the user operations beyond
  // create/get/delete: login profiles (Argon2id hashes; the password must satisfy the
  // account's password policy, or AWS's default one when there is none), tags (50, keys
  // case-insensitive), rename/move and the permissions boundary.
  Result<std::vector<std::pair<std::string, std::int64_t>>> account_summary(std::string_view account_id);
  Result<void> create_account_alias(std::string_view account_id, std::string_view alias);
  Result<void> delete_account_alias(std::string_view account_id, std::string_view alias);
  Result<std::optional<std::string>> account_alias(std::string_view account_id);
  Result<store::PasswordPolicy> get_password_policy(std::string_view account_id);
  Result<void> update_password_policy(std::string_view account_id, const store::PasswordPolicy& policy);
  Result<void> delete_password_policy(std::string_view account_id);
  // A login profile with its user's stored name; the hash never leaves the domain's callers.
  struct UserLoginProfile {
    std::string user_name;
    store::LoginProfile profile;
  };
  Result<UserLoginProfile> create_login_profile(std::string_view account_id, std::string_view user_name,
                                                std::string_view password, bool reset_required);
  Result<UserLoginProfile> get_login_profile(std::string_view account_id, std::string_view user_name);
  // Empty optionals keep the current password or reset flag.
  Result<void> update_login_profile(std::string_view account_id, std::string_view user_name,
                                    const std::optional<std::string>& password, std::optional<bool> reset_required);
  Result<void> delete_login_profile(std::string_view account_id, std::string_view user_name);
  Result<void> tag_user(std::string_view account_id, std::string_view user_name, const store::Tags& tags);
  Result<void> untag_user(std::string_view account_id, std::string_view user_name,
                          const std::vector<std::string>& keys);
  // Empty optionals keep the current name or path.
  Result<void> update_user(std::string_view account_id, std::string_view user_name,
                           const std::optional<std::string>& new_name, const std::optional<std::string>& new_path);
  Result<void> put_user_permissions_boundary(std::string_view account_id, std::string_view user_name,
                                             std::string_view arn);
  Result<void> delete_user_permissions_boundary(std::string_view account_id, std::string_view user_name);
  // ---- end of Account ----

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

  // Every policy document that applies to the user, for the authorizer.
  Result<PrincipalPolicyTexts> user_policies(std::string_view user_id);

 private:
  Result<store::User> find_user(store::ReadTransaction& tx, std::string_view account_id, std::string_view name);
  Result<void> check_inline_quota(store::ReadTransaction& tx, const store::User& user, std::string_view policy_name,
                                  std::string_view document);
  // The managed policy record for an ARN, creating the record of an AWS managed policy
  // from the catalogue on first use.
  Result<store::ManagedPolicy> attachable_policy(store::Transaction& tx, std::string_view account_id,
                                                 std::string_view arn);
  Result<PolicyText> managed_policy_text(store::ReadTransaction& tx, std::string_view arn);

  DomainEnv env_;
};

}  // namespace iamd::iam
