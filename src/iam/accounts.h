// The domain family of the account (account.cc): GetAccountSummary's SummaryMap, the account
// alias (at most one, unique across the server; a new one replaces the old), the password
// policy, and the user operations beyond create/get/delete: login profiles (Argon2id hashes;
// the password must satisfy the account's password policy, or AWS's default one when there
// is none), ChangePassword, tags (50, keys case-insensitive), rename/move and the permissions
// boundary. Each function one step of a unit of work (iam/scope.h).
//
// Argon2id costs tens of milliseconds by design, and the store has one writer: passwords are
// hashed and verified with no write transaction open. The operations that take a password
// come in steps: a check in a read snapshot (so a refused request costs no hash), the hash
// (hash_password, prepare_password_change) with no transaction, then the write, which checks
// again and writes only when what the hash was computed against is unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iam/env.h"
#include "iam/password.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Accounts {
 public:
  explicit Accounts(const DomainEnv& env) : env_(env) {}

  Result<std::vector<std::pair<std::string, std::int64_t>>> account_summary(const Read& rd);
  Result<void> create_account_alias(const Write& wr, std::string_view alias);
  Result<void> delete_account_alias(const Write& wr, std::string_view alias);
  Result<std::optional<std::string>> account_alias(const Read& rd);
  Result<store::PasswordPolicy> get_password_policy(const Read& rd);
  Result<void> update_password_policy(const Write& wr, const store::PasswordPolicy& policy);
  Result<void> delete_password_policy(const Write& wr);

  // A login profile with its user's stored name; the hash never leaves the domain's callers.
  struct UserLoginProfile {
    std::string user_name;
    store::LoginProfile profile;
  };
  // The hash of a console password (Argon2id unless the environment names another hasher).
  // Never call it with a write transaction open.
  Result<std::string> hash_password(std::string_view password) const;
  // CreateLoginProfile: the checks (the user, no login profile yet, the password against the
  // account's password policy), before the hash; create_login_profile makes them again.
  Result<void> check_create_login_profile(const Read& rd, std::string_view user_name, std::string_view password);
  // `hash`: hash_password(password).
  Result<UserLoginProfile> create_login_profile(const Write& wr, std::string_view user_name, std::string_view password,
                                                std::string_view hash, bool reset_required);
  Result<UserLoginProfile> get_login_profile(const Read& rd, std::string_view user_name);
  // UpdateLoginProfile: the checks (the user's login profile, the new password against the
  // account's password policy), before the hash; update_login_profile makes them again.
  Result<void> check_update_login_profile(const Read& rd, std::string_view user_name,
                                          const std::optional<std::string>& password);
  // Empty optionals keep the current password or reset flag; `hash`: hash_password(*password)
  // when a password is given.
  Result<void> update_login_profile(const Write& wr, std::string_view user_name,
                                    const std::optional<std::string>& password, const std::optional<std::string>& hash,
                                    std::optional<bool> reset_required);
  Result<void> delete_login_profile(const Write& wr, std::string_view user_name);

  // ChangePassword by the user itself, in two steps. prepare_password_change, in a read
  // snapshot: the old password must match the stored hash (AccessDenied otherwise), the new
  // one must satisfy the account's password policy; it hashes the new one. change_password,
  // in the write transaction: writes the hash and clears the reset-required flag when the
  // stored hash and the password policy are still those the preparation saw;
  // EntityTemporarilyUnmodifiable otherwise (a concurrent change: the caller may retry).
  struct PasswordChange {
    std::optional<store::PasswordPolicy> policy;  // as seen
    std::string old_hash;                         // as seen
    std::string new_hash;
  };
  Result<PasswordChange> prepare_password_change(const Read& rd, std::string_view user_id,
                                                 std::string_view old_password, std::string_view new_password);
  Result<void> change_password(const Write& wr, std::string_view user_id, const PasswordChange& change);

  Result<void> tag_user(const Write& wr, std::string_view user_name, const store::Tags& tags);
  Result<void> untag_user(const Write& wr, std::string_view user_name, const std::vector<std::string>& keys);
  // Empty optionals keep the current name or path.
  Result<void> update_user(const Write& wr, std::string_view user_name, const std::optional<std::string>& new_name,
                           const std::optional<std::string>& new_path);
  Result<void> put_user_permissions_boundary(const Write& wr, std::string_view user_name, std::string_view arn);
  Result<void> delete_user_permissions_boundary(const Write& wr, std::string_view user_name);

 private:
  const PasswordHasher& passwords() const;

  const DomainEnv& env_;
};

}  // namespace iamd::iam
