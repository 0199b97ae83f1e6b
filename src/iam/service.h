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
