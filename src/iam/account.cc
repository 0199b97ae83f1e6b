// Account-level operations (summary, alias, password policy) and the user operations beyond
// create/get/delete: login profiles, tags, rename and move, permissions boundary: the
// Accounts family (iam/accounts.h), each function one step of a unit of work.
#include <algorithm>
#include <set>

#include "common/strings.h"
#include "iam/internal.h"
#include "iam/password.h"
#include "iam/service.h"

namespace iamd::iam {

namespace {

using internal::find_user;
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

// The user's login profile, or NotFound in AWS's words.
Result<store::LoginProfile> find_login_profile(store::ReadTransaction& tx, const store::User& u) {
  auto p = tx.get_login_profile(u.id);
  if (!p && store::is_not_found(p.error())) return login_profile_not_found(u.name);
  return p;
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

// TagUser / UntagUser: `change` edits a copy of the user's tags (internal::update_tags).
template <class Change>
Result<void> retag_user(const Write& wr, std::string_view user_name, Change&& change, std::size_t limit) {
  return internal::update_tags([&] { return find_user(wr.tx, wr.account_id, user_name); }, change,
                               [&](const store::User& u) { return wr.tx.update_user(u); }, limit);
}

bool is_twelve_digits(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// ---- Summary ----

Result<std::vector<std::pair<std::string, std::int64_t>>> Accounts::account_summary(const Read& rd) {
  if (auto a = find_account(rd.tx, rd.account_id); !a) return a.error();
  auto s = rd.tx.get_account_summary(rd.account_id);
  if (!s) return s.error();
  auto mfa = internal::count_mfa_devices(rd.tx, rd.account_id);
  if (!mfa) return mfa.error();
  auto providers = internal::count_providers(rd.tx, rd.account_id);
  if (!providers) return providers.error();
  auto certificates = internal::count_certificates(rd.tx, rd.account_id);
  if (!certificates) return certificates.error();
  auto token_version = global_endpoint_token_version(rd);
  if (!token_version) return token_version.error();
  // The root user's console password (iam/root_login.h).
  auto root_login = rd.tx.list_resources(store::ResourceKind::kRootLogin, rd.account_id, std::nullopt, {});
  if (!root_login) return root_login.error();
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
      {"AccountMFAEnabled", mfa->root_enabled > 0 ? 1 : 0},
      // Whether the root user has a console password (its console sign-in, iam/root_login.h).
      {"AccountPasswordPresent", root_login->items.empty() ? 0 : 1},
      quota(Quota::kAccessKeysPerUser),
      quota(Quota::kAssumeRolePolicySize),
      quota(Quota::kPolicyVersionsInUse),
      {"GlobalEndpointTokenVersion", *token_version},
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

Result<void> Accounts::create_account_alias(const Write& wr, std::string_view alias) {
  // The wire pattern already allows only lowercase letters, digits and single hyphens.
  if (is_twelve_digits(alias)) {
    // [UNCERTAIN] AWS's wording for an alias that looks like an account id.
    return invalid_input("The account alias " + std::string(alias) + " cannot be a 12-digit number.");
  }
  auto a = find_account(wr.tx, wr.account_id);
  if (!a) return a.error();
  if (a->alias == alias) return {};  // the account's alias already: nothing to do
  auto owner = wr.tx.get_account_by_alias(alias);
  if (owner) {
    return Error{std::string(store::kAlreadyExists), "The account alias " + std::string(alias) + " already exists.",
                 ""};
  }
  if (!store::is_not_found(owner.error())) return owner.error();
  // One alias per account: a new one replaces the old, as in AWS.
  store::Account updated = *a;
  updated.alias = std::string(alias);
  if (auto r = wr.tx.update_account(updated); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "The account alias " + std::string(alias) + " already exists.",
                   ""};
    }
    return r;
  }
  return {};
}

Result<void> Accounts::delete_account_alias(const Write& wr, std::string_view alias) {
  auto a = find_account(wr.tx, wr.account_id);
  if (!a) return a.error();
  if (a->alias != alias) return not_found("The account alias " + std::string(alias) + " cannot be found.");
  store::Account updated = *a;
  updated.alias.reset();
  if (auto r = wr.tx.update_account(updated); !r) return r;
  return {};
}

Result<std::optional<std::string>> Accounts::account_alias(const Read& rd) {
  auto a = find_account(rd.tx, rd.account_id);
  if (!a) return a.error();
  return a->alias;
}

// ---- Password policy ----

Result<store::PasswordPolicy> Accounts::get_password_policy(const Read& rd) {
  auto a = find_account(rd.tx, rd.account_id);
  if (!a) return a.error();
  if (!a->password_policy) {
    return not_found("The Password Policy with domain name " + std::string(rd.account_id) + " cannot be found.");
  }
  return *a->password_policy;
}

Result<void> Accounts::update_password_policy(const Write& wr, const store::PasswordPolicy& policy) {
  auto a = find_account(wr.tx, wr.account_id);
  if (!a) return a.error();
  store::Account updated = *a;
  updated.password_policy = policy;
  if (updated == *a) return {};
  if (auto r = wr.tx.update_account(updated); !r) return r;
  return {};
}

Result<void> Accounts::delete_password_policy(const Write& wr) {
  auto a = find_account(wr.tx, wr.account_id);
  if (!a) return a.error();
  // Recorded (delete_account_password_policy_not_found): not GetAccountPasswordPolicy's wording.
  if (!a->password_policy) return not_found("The account policy with name PasswordPolicy cannot be found.");
  store::Account updated = *a;
  updated.password_policy.reset();
  if (auto r = wr.tx.update_account(updated); !r) return r;
  return {};
}

// ---- Login profiles ----

const PasswordHasher& Accounts::passwords() const {
  static const Argon2idHasher argon2id;
  return env_.passwords != nullptr ? *env_.passwords : argon2id;
}

Result<std::string> Accounts::hash_password(std::string_view password) const {
  return passwords().hash(password, *env_.random);
}

namespace {

// CreateLoginProfile's checks: the account's password policy, the user, and no login profile
// yet.
Result<store::User> check_new_login_profile(const Read& rd, std::string_view user_name, std::string_view password) {
  auto a = find_account(rd.tx, rd.account_id);
  if (!a) return a.error();
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  if (auto existing = rd.tx.get_login_profile(u->id); existing) {
    return Error{std::string(store::kAlreadyExists), "Login Profile for user " + u->name + " already exists.", ""};
  } else if (!store::is_not_found(existing.error())) {
    return existing.error();
  }
  if (auto r = check_password(a->password_policy, password); !r) return r.error();
  return u;
}

// UpdateLoginProfile's checks: the user's login profile, and the new password against the
// account's password policy.
Result<store::LoginProfile> check_login_profile_update(const Read& rd, std::string_view user_name,
                                                       const std::optional<std::string>& password) {
  auto a = find_account(rd.tx, rd.account_id);
  if (!a) return a.error();
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  auto p = find_login_profile(rd.tx, *u);
  if (!p) return p.error();
  if (password) {
    if (auto r = check_password(a->password_policy, *password); !r) return r.error();
  }
  return p;
}

// What ChangePassword's hashes are computed against: the password policy and the stored hash.
struct PasswordSeen {
  std::optional<store::PasswordPolicy> policy;
  store::LoginProfile profile;
};

Result<PasswordSeen> password_seen(const Read& rd, std::string_view user_id) {
  auto a = find_account(rd.tx, rd.account_id);
  if (!a) return a.error();
  auto u = rd.tx.get_user_by_id(user_id);
  if (!u) return u.error();
  auto p = find_login_profile(rd.tx, *u);
  if (!p) return p.error();
  return PasswordSeen{a->password_policy, std::move(p).value()};
}

}  // namespace

Result<void> Accounts::check_create_login_profile(const Read& rd, std::string_view user_name,
                                                  std::string_view password) {
  if (auto c = check_new_login_profile(rd, user_name, password); !c) return c.error();
  return {};
}

Result<Accounts::UserLoginProfile> Accounts::create_login_profile(const Write& wr, std::string_view user_name,
                                                                  std::string_view password, std::string_view hash,
                                                                  bool reset_required) {
  auto u = check_new_login_profile(wr, user_name, password);
  if (!u) return u.error();
  store::LoginProfile p;
  p.user_id = u->id;
  p.password_hash = std::string(hash);
  p.password_reset_required = reset_required;
  p.create_date = env_.clock->now();
  if (auto r = wr.tx.create_login_profile(p); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "Login Profile for user " + u->name + " already exists.", ""};
    }
    return r.error();
  }
  return UserLoginProfile{u->name, std::move(p)};
}

Result<Accounts::UserLoginProfile> Accounts::get_login_profile(const Read& rd, std::string_view user_name) {
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  auto p = find_login_profile(rd.tx, *u);
  if (!p) return p.error();
  return UserLoginProfile{u->name, std::move(p).value()};
}

Result<void> Accounts::check_update_login_profile(const Read& rd, std::string_view user_name,
                                                  const std::optional<std::string>& password) {
  if (auto c = check_login_profile_update(rd, user_name, password); !c) return c.error();
  return {};
}

Result<void> Accounts::update_login_profile(const Write& wr, std::string_view user_name,
                                            const std::optional<std::string>& password,
                                            const std::optional<std::string>& hash,
                                            std::optional<bool> reset_required) {
  auto p = check_login_profile_update(wr, user_name, password);
  if (!p) return p.error();
  store::LoginProfile updated = *p;
  if (hash) {
    updated.password_hash = *hash;
    // [AWS] LoginProfile.CreateDate is "the date when the password for the user was created":
    // a new password is a new date (the credential report's password_last_changed, and
    // where the password policy's MaxPasswordAge counts from).
    updated.create_date = env_.clock->now();
  }
  if (reset_required) updated.password_reset_required = *reset_required;
  if (updated == *p) return {};
  if (auto r = wr.tx.update_login_profile(updated); !r) return r;
  return {};
}

Result<Accounts::PasswordChange> Accounts::prepare_password_change(const Read& rd, std::string_view user_id,
                                                                   std::string_view old_password,
                                                                   std::string_view new_password) {
  auto seen = password_seen(rd, user_id);
  if (!seen) return seen.error();
  // A wrong old password is AccessDenied [IMPL: AWS's code for it is not documented].
  if (!passwords().verify(old_password, seen->profile.password_hash)) {
    return Error{"AccessDenied", "The old password is incorrect.", ""};
  }
  if (auto r = check_password(seen->policy, new_password); !r) return r.error();
  // Only the current password is known, so reuse prevention refuses just that one [IMPL].
  if (seen->policy && seen->policy->password_reuse_prevention &&
      passwords().verify(new_password, seen->profile.password_hash)) {
    return password_violation("Password does not conform to the account password policy.");
  }
  auto hash = hash_password(new_password);
  if (!hash) return hash.error();
  return PasswordChange{seen->policy, seen->profile.password_hash, std::move(hash).value()};
}

Result<void> Accounts::change_password(const Write& wr, std::string_view user_id, const PasswordChange& change) {
  auto now = password_seen(wr, user_id);
  if (!now) return now.error();
  // A concurrent change of the password or the policy since the preparation: its checks no
  // longer hold, and they cannot run again here (no hashing in the write transaction). [IMPL]
  // EntityTemporarilyUnmodifiable, one of ChangePassword's modelled errors.
  if (now->profile.password_hash != change.old_hash || now->policy != change.policy) {
    return Error{"EntityTemporarilyUnmodifiable", "The password was changed concurrently; try again.", ""};
  }
  store::LoginProfile updated = now->profile;
  updated.password_hash = change.new_hash;
  updated.password_reset_required = false;
  updated.create_date = env_.clock->now();  // the new password's date, as update_login_profile
  if (auto r = wr.tx.update_login_profile(updated); !r) return r;
  return {};
}

Result<void> Accounts::delete_login_profile(const Write& wr, std::string_view user_name) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (auto r = wr.tx.delete_login_profile(u->id); !r) {
    if (store::is_not_found(r.error())) return login_profile_not_found(u->name);
    return r;
  }
  return {};
}

// ---- User tags, rename, boundary ----

Result<void> Accounts::tag_user(const Write& wr, std::string_view user_name, const store::Tags& tags) {
  using internal::TagKeys;
  if (auto r = internal::validate_tags(tags, TagKeys::kCaseInsensitive); !r) return r;
  return retag_user(
      wr, user_name, [&](store::Tags& t) { internal::merge_tags(t, tags, TagKeys::kCaseInsensitive); },
      env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> Accounts::untag_user(const Write& wr, std::string_view user_name, const std::vector<std::string>& keys) {
  using internal::TagKeys;
  return retag_user(
      wr, user_name, [&](store::Tags& t) { internal::remove_tags(t, keys, TagKeys::kCaseInsensitive); },
      env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> Accounts::update_user(const Write& wr, std::string_view user_name,
                                   const std::optional<std::string>& new_name,
                                   const std::optional<std::string>& new_path) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  store::User updated = *u;
  if (new_name) updated.name = *new_name;
  if (new_path) updated.path = *new_path;
  if (updated == *u) return {};
  if (auto r = wr.tx.update_user(updated); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "User with name " + updated.name + " already exists.", ""};
    }
    return r;
  }
  return {};
}

Result<void> Accounts::put_user_permissions_boundary(const Write& wr, std::string_view user_name,
                                                     std::string_view arn) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (auto p = internal::boundary_policy(env_, wr.tx, wr.account_id, arn); !p) return p.error();
  store::User updated = *u;
  updated.permissions_boundary = std::string(arn);
  if (updated == *u) return {};
  if (auto r = wr.tx.update_user(updated); !r) return r;
  return {};
}

Result<void> Accounts::delete_user_permissions_boundary(const Write& wr, std::string_view user_name) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (u->permissions_boundary.empty()) return {};  // nothing to remove [UNCERTAIN: AWS may answer NoSuchEntity]
  store::User updated = *u;
  updated.permissions_boundary.clear();
  if (auto r = wr.tx.update_user(updated); !r) return r;
  return {};
}

}  // namespace iamd::iam
