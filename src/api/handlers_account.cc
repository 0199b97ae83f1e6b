// The account-level operations (GetAccountSummary, account alias, password policy), which
// the pipeline (api/pipeline.h) authorizes against "*" (evaluation.md §6), and the user
// operations beyond create/get/delete (login profiles, ChangePassword, tags, UpdateUser,
// permissions boundary), which it authorizes against the target user's ARN (ChangePassword:
// the caller's). A login profile's password or hash is never returned.
#include <algorithm>
#include <charconv>

#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

pi::LoginProfile to_wire(const iam::Accounts::UserLoginProfile& p) {
  pi::LoginProfile w;
  w.user_name = p.user_name;
  w.create_date = p.profile.create_date;
  w.password_reset_required = p.profile.password_reset_required;
  return w;
}

}  // namespace

Result<pi::GetAccountSummaryResult> IamHandlers::get_account_summary(const pi::GetAccountSummaryRequest&) {
  auto s = accounts().account_summary(pipe_.read());
  if (!s) return s.error();
  pi::GetAccountSummaryResult out;
  out.summary_map = std::move(s).value();
  return out;
}

Result<void> IamHandlers::create_account_alias(const pi::CreateAccountAliasRequest& r) {
  return accounts().create_account_alias(pipe_.write(), r.account_alias);
}

Result<void> IamHandlers::delete_account_alias(const pi::DeleteAccountAliasRequest& r) {
  return accounts().delete_account_alias(pipe_.write(), r.account_alias);
}

Result<pi::ListAccountAliasesResult> IamHandlers::list_account_aliases(const pi::ListAccountAliasesRequest& r) {
  auto alias = accounts().account_alias(pipe_.read());
  if (!alias) return alias.error();
  std::vector<std::string> aliases;
  if (*alias) aliases.push_back(**alias);  // at most one
  pi::ListAccountAliasesResult out;
  auto paged =
      internal::positional_page(aliases, r.marker, r.max_items, out, &pi::ListAccountAliasesResult::account_aliases,
                                [](const std::string& a) { return a; });
  if (!paged) return paged.error();
  return out;
}

Result<pi::GetAccountPasswordPolicyResult> IamHandlers::get_account_password_policy(
    const pi::GetAccountPasswordPolicyRequest&) {
  // Authorized with the password policy's AllowUsersToChangePassword grant (Key::kPasswordGrant).
  auto p = accounts().get_password_policy(pipe_.read());
  if (!p) return p.error();
  pi::PasswordPolicy w;
  w.minimum_password_length = p->minimum_password_length;
  w.require_symbols = p->require_symbols;
  w.require_numbers = p->require_numbers;
  w.require_uppercase_characters = p->require_uppercase_characters;
  w.require_lowercase_characters = p->require_lowercase_characters;
  w.allow_users_to_change_password = p->allow_users_to_change_password;
  w.expire_passwords = p->max_password_age.has_value();
  if (p->max_password_age) w.max_password_age = *p->max_password_age;
  if (p->password_reuse_prevention) w.password_reuse_prevention = *p->password_reuse_prevention;
  // AWS leaves HardExpiry out after an update that did not set it (recorded by LocalStack's
  // test_update_account_password_policy_defaults) and shows it when set; [UNCERTAIN] whether
  // it shows HardExpiry=false when a request set it so: iamd keeps a bool and shows it when true.
  if (p->hard_expiry) w.hard_expiry = true;
  pi::GetAccountPasswordPolicyResult out;
  out.password_policy = w;
  return out;
}

Result<void> IamHandlers::update_account_password_policy(const pi::UpdateAccountPasswordPolicyRequest& r) {
  // A parameter left out takes its default value, not the current one (as in AWS); the
  // API's default minimum length is 6. Ranges were checked by the wire layer.
  store::PasswordPolicy p;
  p.minimum_password_length = static_cast<int>(r.minimum_password_length.value_or(6));
  p.require_symbols = r.require_symbols.value_or(false);
  p.require_numbers = r.require_numbers.value_or(false);
  p.require_uppercase_characters = r.require_uppercase_characters.value_or(false);
  p.require_lowercase_characters = r.require_lowercase_characters.value_or(false);
  p.allow_users_to_change_password = r.allow_users_to_change_password.value_or(false);
  if (r.max_password_age) p.max_password_age = static_cast<int>(*r.max_password_age);
  if (r.password_reuse_prevention) p.password_reuse_prevention = static_cast<int>(*r.password_reuse_prevention);
  p.hard_expiry = r.hard_expiry.value_or(false);
  return accounts().update_password_policy(pipe_.write(), p);
}

Result<void> IamHandlers::delete_account_password_policy(const pi::DeleteAccountPasswordPolicyRequest&) {
  return accounts().delete_password_policy(pipe_.write());
}

// CreateLoginProfile, UpdateLoginProfile and ChangePassword hash with Argon2id, never while the
// write transaction is held (Mode::kPrepared): checked in the pipeline's read snapshot, hashed,
// then written in the write transaction (Pipeline::begin_write), which checks again.

Result<pi::CreateLoginProfileResult> IamHandlers::create_login_profile(const pi::CreateLoginProfileRequest& r) {
  if (auto c = accounts().check_create_login_profile(pipe_.read(), r.user_name, r.password); !c) return c.error();
  auto hash = accounts().hash_password(r.password);
  if (!hash) return hash.error();
  auto w = pipe_.begin_write();
  if (!w) return w.error();
  auto p =
      accounts().create_login_profile(*w, r.user_name, r.password, *hash, r.password_reset_required.value_or(false));
  if (!p) return p.error();
  pi::CreateLoginProfileResult out;
  out.login_profile = to_wire(*p);
  return out;
}

Result<pi::GetLoginProfileResult> IamHandlers::get_login_profile(const pi::GetLoginProfileRequest& r) {
  auto p = accounts().get_login_profile(pipe_.read(), r.user_name);
  if (!p) return p.error();
  pi::GetLoginProfileResult out;
  out.login_profile = to_wire(*p);
  return out;
}

Result<void> IamHandlers::update_login_profile(const pi::UpdateLoginProfileRequest& r) {
  std::optional<std::string> hash;
  if (r.password) {
    if (auto c = accounts().check_update_login_profile(pipe_.read(), r.user_name, r.password); !c) return c;
    auto h = accounts().hash_password(*r.password);
    if (!h) return h.error();
    hash = std::move(h).value();
  }
  auto w = pipe_.begin_write();
  if (!w) return w.error();
  return accounts().update_login_profile(*w, r.user_name, r.password, hash, r.password_reset_required);
}

Result<void> IamHandlers::change_password(const pi::ChangePasswordRequest& r) {
  // Authorized on the caller itself, with the password policy's AllowUsersToChangePassword
  // grant (Key::kPasswordGrant), under the same explicit denies and boundary as any other
  // permission. Only an IAM user changes its own password this way [IMPL: AWS's message is
  // not documented; InvalidUserType is the model's error for other callers].
  if (ctx_.caller.is_root()) {
    return Error{"InvalidUserType", "ChangePassword can be called only by an IAM user.", ""};
  }
  const std::string& user_id = ctx_.caller.user->id;
  auto change = accounts().prepare_password_change(pipe_.read(), user_id, r.old_password, r.new_password);
  if (!change) return change.error();  // a wrong old password opens no write transaction
  auto w = pipe_.begin_write();
  if (!w) return w.error();
  return accounts().change_password(*w, user_id, *change);
}

Result<void> IamHandlers::delete_login_profile(const pi::DeleteLoginProfileRequest& r) {
  return accounts().delete_login_profile(pipe_.write(), r.user_name);
}

Result<void> IamHandlers::tag_user(const pi::TagUserRequest& r) {
  store::Tags tags;
  for (const pi::Tag& tag : r.tags) tags.push_back(store::Tag{tag.key, tag.value});
  return accounts().tag_user(pipe_.write(), r.user_name, tags);
}

Result<void> IamHandlers::untag_user(const pi::UntagUserRequest& r) {
  return accounts().untag_user(pipe_.write(), r.user_name, r.tag_keys);
}

Result<pi::ListUserTagsResult> IamHandlers::list_user_tags(const pi::ListUserTagsRequest& r) {
  const auto& u = pipe_.target().user;
  if (!u) return users().get_user(pipe_.read(), r.user_name).error();  // NoSuchEntity
  pi::ListUserTagsResult out;
  auto paged = internal::positional_page(internal::wire_tags(u->tags), r.marker, r.max_items, out,
                                         &pi::ListUserTagsResult::tags, [](const pi::Tag& t) { return t; });
  if (!paged) return paged.error();
  return out;
}

Result<void> IamHandlers::update_user(const pi::UpdateUserRequest& r) {
  // AWS requires permission on the user under its old and under its new name and path.
  if (r.new_user_name || r.new_path) {
    store::User after;
    if (const auto& u = pipe_.target().user) after = *u;
    after.account_id = ctx_.caller.account_id;
    if (after.name.empty()) after.name = r.user_name;
    if (r.new_user_name) after.name = *r.new_user_name;
    if (r.new_path) after.path = *r.new_path;
    if (auto a = pipe_.authorize("iam:UpdateUser", ctx_.domain.user_arn(after)); !a) return a;
  }
  return accounts().update_user(pipe_.write(), r.user_name, r.new_user_name, r.new_path);
}

Result<void> IamHandlers::put_user_permissions_boundary(const pi::PutUserPermissionsBoundaryRequest& r) {
  return accounts().put_user_permissions_boundary(pipe_.write(), r.user_name, r.permissions_boundary);
}

Result<void> IamHandlers::delete_user_permissions_boundary(const pi::DeleteUserPermissionsBoundaryRequest& r) {
  return accounts().delete_user_permissions_boundary(pipe_.write(), r.user_name);
}

}  // namespace iamd::api
