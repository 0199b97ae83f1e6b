// The account-level operations (GetAccountSummary, account alias, password policy), which
// evaluate against "*" (evaluation.md §6), and the user operations beyond create/get/delete
// (login profiles, tags, UpdateUser, permissions boundary), which evaluate against the
// target user's ARN. A login profile's password or hash is never returned.
#include <charconv>
#include <set>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "policy/compiled.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

using internal::fail;

pi::LoginProfile to_wire(const iam::IamDomain::UserLoginProfile& p) {
  pi::LoginProfile w;
  w.user_name = p.user_name;
  w.create_date = p.profile.create_date;
  w.password_reset_required = p.profile.password_reset_required;
  return w;
}

// The position a ListUserTags marker stands for (markers are encoded indexes).
Result<std::size_t> tag_position(const std::optional<std::string>& marker) {
  if (!marker || marker->empty()) return std::size_t{0};
  auto decoded = store::decode_marker(*marker);
  if (!decoded) return decoded.error();
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), n);
  if (ec != std::errc() || end != decoded->data() + decoded->size()) {
    return Error{"InvalidInput", "Invalid Marker.", ""};
  }
  return n;
}

}  // namespace

Result<pi::GetAccountSummaryResult> IamHandlers::get_account_summary(const pi::GetAccountSummaryRequest&) {
  if (auto a = authorize("iam:GetAccountSummary", "*"); !a) return a.error();
  auto s = ctx_.domain.account_summary(ctx_.caller.account_id);
  if (!s) return fail<pi::GetAccountSummaryResult>(s.error());
  pi::GetAccountSummaryResult out;
  out.summary_map = std::move(s).value();
  return out;
}

Result<void> IamHandlers::create_account_alias(const pi::CreateAccountAliasRequest& r) {
  if (auto a = authorize("iam:CreateAccountAlias", "*"); !a) return a;
  if (auto c = ctx_.domain.create_account_alias(ctx_.caller.account_id, r.account_alias); !c) {
    return to_aws_error(c.error());
  }
  return {};
}

Result<void> IamHandlers::delete_account_alias(const pi::DeleteAccountAliasRequest& r) {
  if (auto a = authorize("iam:DeleteAccountAlias", "*"); !a) return a;
  if (auto d = ctx_.domain.delete_account_alias(ctx_.caller.account_id, r.account_alias); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListAccountAliasesResult> IamHandlers::list_account_aliases(const pi::ListAccountAliasesRequest&) {
  if (auto a = authorize("iam:ListAccountAliases", "*"); !a) return a.error();
  auto alias = ctx_.domain.account_alias(ctx_.caller.account_id);
  if (!alias) return fail<pi::ListAccountAliasesResult>(alias.error());
  pi::ListAccountAliasesResult out;
  if (*alias) out.account_aliases.push_back(**alias);  // at most one: never truncated
  out.is_truncated = false;
  return out;
}

Result<std::shared_ptr<const policy::CompiledPolicy>> IamHandlers::password_grant() {
  if (ctx_.caller.is_root()) return std::shared_ptr<const policy::CompiledPolicy>();
  auto open = ctx_.domain.users_may_change_password(ctx_.caller.account_id);
  if (!open) return to_aws_error(open.error());
  if (!*open) return std::shared_ptr<const policy::CompiledPolicy>();
  // AWS: the option "gives IAM users permissions to iam:ChangePassword for only their user and
  // to the iam:GetAccountPasswordPolicy action ... applied at the account-level for all users"
  // (PasswordPolicy.AllowUsersToChangePassword). Evaluated as an identity-based policy of
  // the user, so an explicit Deny wins over it, as it wins over any Allow [AWS: evaluation
  // logic]. [UNCERTAIN] that the user's permissions boundary also limits it: AWS does not
  // say; a boundary limits every identity-based Allow, and this is treated as one.
  common::JsonWriter w;
  w.begin_object().key("Version").value("2012-10-17").key("Statement").begin_array();
  w.begin_object().key("Effect").value("Allow").key("Action").value("iam:ChangePassword");
  w.key("Resource").value(ctx_.caller.arn).end_object();
  w.begin_object().key("Effect").value("Allow").key("Action").value("iam:GetAccountPasswordPolicy");
  w.key("Resource").value("*").end_object();
  w.end_array().end_object();
  policy::ValidateOptions o;
  o.kind = policy::PolicyKind::kIdentity;
  o.inline_policy_quota = 1 << 20;  // not a stored policy: no size quota
  auto compiled = policy::compile_text(w.str(), o, "AllowUsersToChangePassword");
  if (!compiled) return Error{"ServiceFailure", "The request processing has failed because of an unknown error.", ""};
  return *compiled;
}

Result<pi::GetAccountPasswordPolicyResult> IamHandlers::get_account_password_policy(
    const pi::GetAccountPasswordPolicyRequest&) {
  auto grant = password_grant();
  if (!grant) return grant.error();
  if (auto a = authorize("iam:GetAccountPasswordPolicy", "*", nullptr, *grant); !a) return a.error();
  auto p = ctx_.domain.get_password_policy(ctx_.caller.account_id);
  if (!p) return fail<pi::GetAccountPasswordPolicyResult>(p.error());
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
  w.hard_expiry = p->hard_expiry;
  pi::GetAccountPasswordPolicyResult out;
  out.password_policy = w;
  return out;
}

Result<void> IamHandlers::update_account_password_policy(const pi::UpdateAccountPasswordPolicyRequest& r) {
  if (auto a = authorize("iam:UpdateAccountPasswordPolicy", "*"); !a) return a;
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
  if (auto u = ctx_.domain.update_password_policy(ctx_.caller.account_id, p); !u) return to_aws_error(u.error());
  return {};
}

Result<void> IamHandlers::delete_account_password_policy(const pi::DeleteAccountPasswordPolicyRequest&) {
  if (auto a = authorize("iam:DeleteAccountPasswordPolicy", "*"); !a) return a;
  if (auto d = ctx_.domain.delete_password_policy(ctx_.caller.account_id); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::CreateLoginProfileResult> IamHandlers::create_login_profile(const pi::CreateLoginProfileRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:CreateLoginProfile", t.arn); !a) return a.error();
  auto p = ctx_.domain.create_login_profile(ctx_.caller.account_id, r.user_name, r.password,
                                            r.password_reset_required.value_or(false));
  if (!p) return fail<pi::CreateLoginProfileResult>(p.error());
  pi::CreateLoginProfileResult out;
  out.login_profile = to_wire(*p);
  return out;
}

Result<pi::GetLoginProfileResult> IamHandlers::get_login_profile(const pi::GetLoginProfileRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:GetLoginProfile", t.arn); !a) return a.error();
  auto p = ctx_.domain.get_login_profile(ctx_.caller.account_id, r.user_name);
  if (!p) return fail<pi::GetLoginProfileResult>(p.error());
  pi::GetLoginProfileResult out;
  out.login_profile = to_wire(*p);
  return out;
}

Result<void> IamHandlers::update_login_profile(const pi::UpdateLoginProfileRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UpdateLoginProfile", t.arn); !a) return a;
  if (auto u =
          ctx_.domain.update_login_profile(ctx_.caller.account_id, r.user_name, r.password, r.password_reset_required);
      !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::change_password(const pi::ChangePasswordRequest& r) {
  // Only an IAM user changes its own password this way [IMPL: AWS's message is not
  // documented; InvalidUserType is the model's error for other callers].
  if (ctx_.caller.is_root()) {
    return Error{"InvalidUserType", "ChangePassword can be called only by an IAM user.", ""};
  }
  // The password policy's AllowUsersToChangePassword grants this to every user on itself,
  // under the same explicit denies and boundary as any other permission (password_grant).
  auto grant = password_grant();
  if (!grant) return grant.error();
  if (auto a = authorize("iam:ChangePassword", ctx_.caller.arn, nullptr, *grant); !a) return a;
  if (auto c =
          ctx_.domain.change_password(ctx_.caller.account_id, ctx_.caller.user->id, r.old_password, r.new_password);
      !c) {
    return to_aws_error(c.error());
  }
  return {};
}

Result<void> IamHandlers::delete_login_profile(const pi::DeleteLoginProfileRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeleteLoginProfile", t.arn); !a) return a;
  if (auto d = ctx_.domain.delete_login_profile(ctx_.caller.account_id, r.user_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::tag_user(const pi::TagUserRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  std::vector<std::string> keys;
  store::Tags tags;
  for (const pi::Tag& tag : r.tags) {
    extra.set("aws:RequestTag/" + tag.key, tag.value);
    keys.push_back(tag.key);
    tags.push_back(store::Tag{tag.key, tag.value});
  }
  if (!keys.empty()) extra.set_list("aws:TagKeys", keys);
  if (auto a = authorize("iam:TagUser", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.tag_user(ctx_.caller.account_id, r.user_name, tags); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::untag_user(const pi::UntagUserRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a = authorize("iam:UntagUser", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.untag_user(ctx_.caller.account_id, r.user_name, r.tag_keys); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListUserTagsResult> IamHandlers::list_user_tags(const pi::ListUserTagsRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListUserTags", t.arn); !a) return a.error();
  auto u = ctx_.domain.get_user(ctx_.caller.account_id, r.user_name);
  if (!u) return fail<pi::ListUserTagsResult>(u.error());
  auto start = tag_position(r.marker);
  if (!start) return fail<pi::ListUserTagsResult>(start.error());
  const std::size_t limit = r.max_items ? static_cast<std::size_t>(std::max<std::int64_t>(*r.max_items, 1)) : 100;
  pi::ListUserTagsResult out;
  out.is_truncated = false;
  for (std::size_t i = *start; i < u->tags.size(); ++i) {
    if (out.tags.size() == limit) {
      out.is_truncated = true;
      out.marker = store::encode_marker(std::to_string(i));
      break;
    }
    out.tags.push_back(pi::Tag{u->tags[i].key, u->tags[i].value});
  }
  return out;
}

Result<void> IamHandlers::update_user(const pi::UpdateUserRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  // AWS requires permission on the user under its old and under its new name and path.
  auto current = ctx_.domain.get_user(account, r.user_name);
  store::User before;
  before.account_id = account;
  before.name = r.user_name;
  if (current) before = *current;
  if (auto a = authorize("iam:UpdateUser", ctx_.domain.user_arn(before)); !a) return a;
  if (r.new_user_name || r.new_path) {
    store::User after = before;
    if (r.new_user_name) after.name = *r.new_user_name;
    if (r.new_path) after.path = *r.new_path;
    if (auto a = authorize("iam:UpdateUser", ctx_.domain.user_arn(after)); !a) return a;
  }
  if (auto u = ctx_.domain.update_user(account, r.user_name, r.new_user_name, r.new_path); !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::put_user_permissions_boundary(const pi::PutUserPermissionsBoundaryRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  extra.set("iam:PermissionsBoundary", r.permissions_boundary);
  if (auto a = authorize("iam:PutUserPermissionsBoundary", t.arn, &extra); !a) return a;
  if (auto p = ctx_.domain.put_user_permissions_boundary(ctx_.caller.account_id, r.user_name, r.permissions_boundary);
      !p) {
    return to_aws_error(p.error());
  }
  return {};
}

Result<void> IamHandlers::delete_user_permissions_boundary(const pi::DeleteUserPermissionsBoundaryRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:DeleteUserPermissionsBoundary", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_user_permissions_boundary(ctx_.caller.account_id, r.user_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

}  // namespace iamd::api
