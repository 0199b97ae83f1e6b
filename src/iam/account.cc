// Account-level operations (summary, alias, password policy) and the user operations beyond
// create/get/delete: login profiles, tags, rename and move, permissions boundary. Each
// public call is one store transaction, like the rest of IamDomain.
#include <algorithm>
#include <set>

#include "common/strings.h"
#include "iam/internal.h"
#include "iam/password.h"
#include "iam/service.h"

namespace iamd::iam {

namespace {

using internal::invalid_input;
using internal::not_found;

using common::Error;

constexpr std::string_view kPasswordPolicyViolation = "PasswordPolicyViolation";
// AWS's symbols for password policies ("! @ # $ % ^ & * ( ) _ + - = [ ] { } | '").
constexpr std::string_view kPasswordSymbols = "!@#$%^&*()_+-=[]{}|'";

Error password_violation(std::string message) {
  return Error{std::string(kPasswordPolicyViolation), std::move(message), ""};
}

Error login_profile_not_found(std::string_view user_name) {
  return not_found("Login Profile for User " + std::string(user_name) + " cannot be found.");
}

Result<store::Account> find_account(store::ReadTransaction& tx, std::string_view account_id) {
  auto a = tx.get_account(account_id);
  if (!a && store::is_not_found(a.error())) {
    return not_found("The account " + std::string(account_id) + " cannot be found.");
  }
  return a;
}

// The password against the account's policy, or against AWS's default policy when the
// account has none (8 characters, three of the four character types). The first rule the
// password breaks is reported, in AWS's words ("Password should have ...").
Result<void> check_password(const std::optional<store::PasswordPolicy>& policy, std::string_view password) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char c : password) {
    if (c >= 'A' && c <= 'Z') upper = true;
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= '0' && c <= '9') digit = true;
    if (kPasswordSymbols.find(c) != std::string_view::npos) symbol = true;
  }
  if (!policy) {
    if (password.size() < 8) return password_violation("Password should have a minimum length of 8");
    // [UNCERTAIN] wording of the default policy's character-type rule.
    if (int{upper} + int{lower} + int{digit} + int{symbol} < 3) {
      return password_violation(
          "Password should have at least three of the following character types: uppercase letters, lowercase "
          "letters, numbers and symbols");
    }
    return {};
  }
  if (password.size() < static_cast<std::size_t>(policy->minimum_password_length)) {
    return password_violation("Password should have a minimum length of " +
                              std::to_string(policy->minimum_password_length));
  }
  if (policy->require_lowercase_characters && !lower) {
    return password_violation("Password should have at least one lowercase letter");
  }
  if (policy->require_uppercase_characters && !upper) {
    return password_violation("Password should have at least one uppercase letter");
  }
  if (policy->require_numbers && !digit) return password_violation("Password should have at least one number");
  if (policy->require_symbols && !symbol) return password_violation("Password should have at least one symbol");
  return {};
}

bool is_twelve_digits(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// ---- Summary ----

Result<std::vector<std::pair<std::string, std::int64_t>>> IamDomain::account_summary(std::string_view account_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  if (auto a = find_account(**tx, account_id); !a) return a.error();
  auto s = (*tx)->get_account_summary(account_id);
  if (!s) return s.error();
  auto mfa = internal::count_mfa_devices(**tx, account_id);
  if (!mfa) return mfa.error();
  auto providers = internal::count_providers(**tx, account_id);
  if (!providers) return providers.error();
  auto certificates = internal::count_certificates(**tx, account_id);
  if (!certificates) return certificates.error();
  // The counts and the quotas (from the one table, as applied) in the order AWS lists them.
  const Quotas& q = env_.quotas;
  auto quota = [&](Quota id) { return std::pair<std::string, std::int64_t>{quota_info(id).summary_key, q[id]}; };
  return std::vector<std::pair<std::string, std::int64_t>>{
      quota(Quota::kGroupPolicySize),
      quota(Quota::kInstanceProfilesPerAccount),
      {"Policies", s->policies},
      quota(Quota::kGroupsPerUser),
      {"InstanceProfiles", s->instance_profiles},
      quota(Quota::kAttachedPoliciesPerUser),
      {"Users", s->users},
      quota(Quota::kPoliciesPerAccount),
      {"Providers", *providers},
      {"AccountMFAEnabled", 0},
      quota(Quota::kAccessKeysPerUser),
      quota(Quota::kAssumeRolePolicySize),
      quota(Quota::kPolicyVersionsInUse),
      {"GlobalEndpointTokenVersion", 1},
      quota(Quota::kVersionsPerPolicy),
      quota(Quota::kAttachedPoliciesPerGroup),
      quota(Quota::kPolicySize),
      {"Groups", s->groups},
      {"AccountSigningCertificatesPresent", certificates->root_signing_certificates ? 1 : 0},
      quota(Quota::kUsersPerAccount),
      quota(Quota::kServerCertificatesPerAccount),
      {"MFADevices", mfa->devices},
      quota(Quota::kUserPolicySize),
      {"PolicyVersionsInUse", s->policy_versions_in_use},
      {"ServerCertificates", certificates->server_certificates},
      {"Roles", s->roles},
      quota(Quota::kRolesPerAccount),
      quota(Quota::kSigningCertificatesPerUser),
      {"MFADevicesInUse", mfa->in_use},
      quota(Quota::kRolePolicySize),
      quota(Quota::kAttachedPoliciesPerRole),
      {"AccountAccessKeysPresent", s->root_access_keys > 0 ? 1 : 0},
      quota(Quota::kGroupsPerAccount),
  };
}

// ---- Alias ----

Result<void> IamDomain::create_account_alias(std::string_view account_id, std::string_view alias) {
  // The wire pattern already allows only lowercase letters, digits and single hyphens.
  if (is_twelve_digits(alias)) {
    // [UNCERTAIN] AWS's wording for an alias that looks like an account id.
    return invalid_input("The account alias " + std::string(alias) + " cannot be a 12-digit number.");
  }
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  if (a->alias == alias) return {};  // the account's alias already: nothing to do
  auto owner = (*tx)->get_account_by_alias(alias);
  if (owner) {
    return Error{std::string(store::kAlreadyExists), "The account alias " + std::string(alias) + " already exists.",
                 ""};
  }
  if (!store::is_not_found(owner.error())) return owner.error();
  // One alias per account: a new one replaces the old, as in AWS.
  store::Account updated = *a;
  updated.alias = std::string(alias);
  if (auto r = (*tx)->update_account(updated); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "The account alias " + std::string(alias) + " already exists.",
                   ""};
    }
    return r;
  }
  return (*tx)->commit();
}

Result<void> IamDomain::delete_account_alias(std::string_view account_id, std::string_view alias) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  if (a->alias != alias) return not_found("The account alias " + std::string(alias) + " cannot be found.");
  store::Account updated = *a;
  updated.alias.reset();
  if (auto r = (*tx)->update_account(updated); !r) return r;
  return (*tx)->commit();
}

Result<std::optional<std::string>> IamDomain::account_alias(std::string_view account_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  return a->alias;
}

// ---- Password policy ----

Result<store::PasswordPolicy> IamDomain::get_password_policy(std::string_view account_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  if (!a->password_policy) {
    return not_found("The Password Policy with domain name " + std::string(account_id) + " cannot be found.");
  }
  return *a->password_policy;
}

Result<void> IamDomain::update_password_policy(std::string_view account_id, const store::PasswordPolicy& policy) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  store::Account updated = *a;
  updated.password_policy = policy;
  if (updated == *a) return {};
  if (auto r = (*tx)->update_account(updated); !r) return r;
  return (*tx)->commit();
}

Result<void> IamDomain::delete_password_policy(std::string_view account_id) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  if (!a->password_policy) {
    return not_found("The Password Policy with domain name " + std::string(account_id) + " cannot be found.");
  }
  store::Account updated = *a;
  updated.password_policy.reset();
  if (auto r = (*tx)->update_account(updated); !r) return r;
  return (*tx)->commit();
}

// ---- Login profiles ----

// Argon2id costs tens of milliseconds by design, and the store has one writer: passwords are
// hashed and verified with no write transaction open. The checks run first in a read
// transaction (so a refused request costs no hash), then again in the write transaction,
// which writes only when what the hash was computed against is unchanged.

const PasswordHasher& IamDomain::passwords() const {
  static const Argon2idHasher argon2id;
  return env_.passwords != nullptr ? *env_.passwords : argon2id;
}

Result<IamDomain::UserLoginProfile> IamDomain::create_login_profile(std::string_view account_id,
                                                                    std::string_view user_name,
                                                                    std::string_view password, bool reset_required) {
  // The account's password policy, the user, and no login profile yet.
  auto check = [&](store::ReadTransaction& tx) -> Result<store::User> {
    auto a = find_account(tx, account_id);
    if (!a) return a.error();
    auto u = find_user(tx, account_id, user_name);
    if (!u) return u.error();
    if (auto existing = tx.get_login_profile(u->id); existing) {
      return Error{std::string(store::kAlreadyExists), "Login Profile for user " + u->name + " already exists.", ""};
    } else if (!store::is_not_found(existing.error())) {
      return existing.error();
    }
    if (auto r = check_password(a->password_policy, password); !r) return r.error();
    return u;
  };
  {
    auto rx = env_.store->begin_read();
    if (!rx) return rx.error();
    if (auto c = check(**rx); !c) return c.error();
  }
  auto hash = passwords().hash(password, *env_.random);
  if (!hash) return hash.error();
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto u = check(**tx);
  if (!u) return u.error();
  store::LoginProfile p;
  p.user_id = u->id;
  p.password_hash = std::move(hash).value();
  p.password_reset_required = reset_required;
  p.create_date = env_.clock->now();
  if (auto r = (*tx)->create_login_profile(p); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "Login Profile for user " + u->name + " already exists.", ""};
    }
    return r.error();
  }
  if (auto r = (*tx)->commit(); !r) return r.error();
  return UserLoginProfile{u->name, std::move(p)};
}

Result<IamDomain::UserLoginProfile> IamDomain::get_login_profile(std::string_view account_id,
                                                                 std::string_view user_name) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto u = find_user(**tx, account_id, user_name);
  if (!u) return u.error();
  auto p = (*tx)->get_login_profile(u->id);
  if (!p) {
    if (store::is_not_found(p.error())) return login_profile_not_found(u->name);
    return p.error();
  }
  return UserLoginProfile{u->name, std::move(p).value()};
}

Result<void> IamDomain::update_login_profile(std::string_view account_id, std::string_view user_name,
                                             const std::optional<std::string>& password,
                                             std::optional<bool> reset_required) {
  // The user's login profile, and the new password against the account's password policy.
  auto check = [&](store::ReadTransaction& tx) -> Result<store::LoginProfile> {
    auto a = find_account(tx, account_id);
    if (!a) return a.error();
    auto u = find_user(tx, account_id, user_name);
    if (!u) return u.error();
    auto p = tx.get_login_profile(u->id);
    if (!p) {
      if (store::is_not_found(p.error())) return login_profile_not_found(u->name);
      return p.error();
    }
    if (password) {
      if (auto r = check_password(a->password_policy, *password); !r) return r.error();
    }
    return p;
  };
  std::optional<std::string> hash;
  if (password) {
    {
      auto rx = env_.store->begin_read();
      if (!rx) return rx.error();
      if (auto c = check(**rx); !c) return c.error();
    }
    auto h = passwords().hash(*password, *env_.random);
    if (!h) return h.error();
    hash = std::move(h).value();
  }
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto p = check(**tx);
  if (!p) return p.error();
  store::LoginProfile updated = *p;
  if (hash) updated.password_hash = *hash;
  if (reset_required) updated.password_reset_required = *reset_required;
  if (updated == *p) return {};
  if (auto r = (*tx)->update_login_profile(updated); !r) return r;
  return (*tx)->commit();
}

Result<void> IamDomain::change_password(std::string_view account_id, std::string_view user_id,
                                        std::string_view old_password, std::string_view new_password) {
  // What the hashes are computed against: the stored hash and the password policy.
  struct Seen {
    std::optional<store::PasswordPolicy> policy;
    store::LoginProfile profile;
  };
  auto read = [&](store::ReadTransaction& tx) -> Result<Seen> {
    auto a = find_account(tx, account_id);
    if (!a) return a.error();
    auto u = tx.get_user_by_id(user_id);
    if (!u) return u.error();
    auto p = tx.get_login_profile(u->id);
    if (!p) {
      if (store::is_not_found(p.error())) return login_profile_not_found(u->name);
      return p.error();
    }
    return Seen{a->password_policy, std::move(p).value()};
  };
  // A concurrent change of the password or the policy between the read and the write makes
  // the checks start over; [IMPL] after a few such rounds, EntityTemporarilyUnmodifiable
  // (one of ChangePassword's modelled errors).
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    Seen seen;
    {
      auto rx = env_.store->begin_read();
      if (!rx) return rx.error();
      auto s = read(**rx);
      if (!s) return s.error();
      seen = std::move(s).value();
    }
    // A wrong old password is AccessDenied [IMPL: AWS's code for it is not documented].
    if (!passwords().verify(old_password, seen.profile.password_hash)) {
      return Error{"AccessDenied", "The old password is incorrect.", ""};
    }
    if (auto r = check_password(seen.policy, new_password); !r) return r;
    // Only the current password is known, so reuse prevention refuses just that one [IMPL].
    if (seen.policy && seen.policy->password_reuse_prevention &&
        passwords().verify(new_password, seen.profile.password_hash)) {
      return password_violation("Password does not conform to the account password policy.");
    }
    auto hash = passwords().hash(new_password, *env_.random);
    if (!hash) return hash.error();
    auto tx = env_.store->begin_write();
    if (!tx) return tx.error();
    auto now = read(**tx);
    if (!now) return now.error();
    if (now->profile.password_hash != seen.profile.password_hash || now->policy != seen.policy) continue;
    store::LoginProfile updated = now->profile;
    updated.password_hash = std::move(hash).value();
    updated.password_reset_required = false;
    if (auto r = (*tx)->update_login_profile(updated); !r) return r;
    return (*tx)->commit();
  }
  return Error{"EntityTemporarilyUnmodifiable", "The password was changed concurrently; try again.", ""};
}

Result<bool> IamDomain::users_may_change_password(std::string_view account_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto a = find_account(**tx, account_id);
  if (!a) return a.error();
  return a->password_policy && a->password_policy->allow_users_to_change_password;
}

Result<void> IamDomain::delete_login_profile(std::string_view account_id, std::string_view user_name) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto u = find_user(**tx, account_id, user_name);
  if (!u) return u.error();
  if (auto r = (*tx)->delete_login_profile(u->id); !r) {
    if (store::is_not_found(r.error())) return login_profile_not_found(u->name);
    return r;
  }
  return (*tx)->commit();
}

// ---- User tags, rename, boundary ----

Result<void> IamDomain::tag_user(std::string_view account_id, std::string_view user_name, const store::Tags& tags) {
  using internal::TagKeys;
  if (auto r = internal::validate_tags(tags, TagKeys::kCaseInsensitive); !r) return r;
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  return internal::retag(
      **tx, [&] { return find_user(**tx, account_id, user_name); },
      [&](store::Tags& t) { internal::merge_tags(t, tags, TagKeys::kCaseInsensitive); },
      [&](const store::User& u) { return (*tx)->update_user(u); }, env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> IamDomain::untag_user(std::string_view account_id, std::string_view user_name,
                                   const std::vector<std::string>& keys) {
  using internal::TagKeys;
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  return internal::retag(
      **tx, [&] { return find_user(**tx, account_id, user_name); },
      [&](store::Tags& t) { internal::remove_tags(t, keys, TagKeys::kCaseInsensitive); },
      [&](const store::User& u) { return (*tx)->update_user(u); }, env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> IamDomain::update_user(std::string_view account_id, std::string_view user_name,
                                    const std::optional<std::string>& new_name,
                                    const std::optional<std::string>& new_path) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto u = find_user(**tx, account_id, user_name);
  if (!u) return u.error();
  store::User updated = *u;
  if (new_name) updated.name = *new_name;
  if (new_path) updated.path = *new_path;
  if (updated == *u) return {};
  if (auto r = (*tx)->update_user(updated); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "User with name " + updated.name + " already exists.", ""};
    }
    return r;
  }
  return (*tx)->commit();
}

Result<void> IamDomain::put_user_permissions_boundary(std::string_view account_id, std::string_view user_name,
                                                      std::string_view arn) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto u = find_user(**tx, account_id, user_name);
  if (!u) return u.error();
  if (auto p = internal::attachable_policy(env_, **tx, account_id, arn); !p) {
    if (!store::is_not_found(p.error())) return p.error();
    return invalid_input("Scope ARN: " + std::string(arn) + " does not exist or is not attachable.");
  }
  store::User updated = *u;
  updated.permissions_boundary = std::string(arn);
  if (updated == *u) return {};
  if (auto r = (*tx)->update_user(updated); !r) return r;
  return (*tx)->commit();
}

Result<void> IamDomain::delete_user_permissions_boundary(std::string_view account_id, std::string_view user_name) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto u = find_user(**tx, account_id, user_name);
  if (!u) return u.error();
  if (u->permissions_boundary.empty()) return {};  // nothing to remove [UNCERTAIN: AWS may answer NoSuchEntity]
  store::User updated = *u;
  updated.permissions_boundary.clear();
  if (auto r = (*tx)->update_user(updated); !r) return r;
  return (*tx)->commit();
}

}  // namespace iamd::iam
