#include "api/handlers.h"

#include <algorithm>

#include "api/errors.h"
#include "api/internal.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "sts/session.h"

namespace iamd::api {

namespace pi = protocol::iam;
namespace ps = protocol::sts;
using common::Error;
using common::Result;

namespace {

using internal::list_options;
using internal::status_name;
using internal::to_wire;

}  // namespace

namespace internal {

namespace {

// The members every view of a user has; moves the strings out of an rvalue `u`.
template <class U>
pi::User basic_user(const iam::IamDomain& domain, U&& u) {
  pi::User w;
  w.arn = domain.user_arn(u);
  w.create_date = u.create_date;
  if (u.password_last_used) w.password_last_used = *u.password_last_used;
  w.path = std::forward<U>(u).path;
  w.user_name = std::forward<U>(u).name;
  w.user_id = std::forward<U>(u).id;
  return w;
}

}  // namespace

pi::User to_wire(const iam::IamDomain& domain, const store::User& u, bool full) {
  pi::User w = basic_user(domain, u);
  if (full) {
    if (!u.permissions_boundary.empty()) {
      pi::AttachedPermissionsBoundary b;
      b.permissions_boundary_type = "PermissionsBoundaryPolicy";
      b.permissions_boundary_arn = u.permissions_boundary;
      w.permissions_boundary = b;
    }
    w.tags = internal::wire_tags(u.tags);
  }
  return w;
}

pi::User to_wire_listed(const iam::IamDomain& domain, store::User&& u) {
  return basic_user(domain, std::move(u));
}

std::string_view status_name(store::AccessKeyStatus s) {
  return s == store::AccessKeyStatus::kActive ? "Active" : "Inactive";
}

}  // namespace internal

Result<void> IamHandlers::begin_operation(std::string_view operation, const protocol::Params& params) {
  return pipe_.begin("iam", operation, params);
}

Result<void> IamHandlers::end_operation(Result<void> outcome) {
  return pipe_.end(std::move(outcome));
}

Result<void> StsHandlers::begin_operation(std::string_view operation, const protocol::Params& params) {
  return pipe_.begin("sts", operation, params);
}

Result<void> StsHandlers::end_operation(Result<void> outcome) {
  return pipe_.end(std::move(outcome));
}

Result<pi::CreateUserResult> IamHandlers::create_user(const pi::CreateUserRequest& r) {
  store::Tags tags;
  for (const pi::Tag& t : r.tags) tags.push_back(store::Tag{t.key, t.value});
  auto u =
      users().create_user(pipe_.write(), r.user_name, r.path.value_or("/"), r.permissions_boundary.value_or(""), tags);
  if (!u) return u.error();
  pi::CreateUserResult out;
  out.user = to_wire(ctx_.domain, *u, true);
  return out;
}

Result<pi::GetUserResult> IamHandlers::get_user(const pi::GetUserRequest& r) {
  const auto& t = pipe_.target();
  pi::GetUserResult out;
  if (!r.user_name && !t.user) {
    // The root user: no name or path, its id is the account id.
    pi::User w;
    w.user_id = ctx_.caller.account_id;
    w.arn = ctx_.caller.arn;
    if (auto a = pipe_.read().tx.get_account(ctx_.caller.account_id)) w.create_date = a->create_date;
    out.user = w;
    return out;
  }
  // Read once, for authorization and the answer: the named user, or the caller itself as its
  // key resolved it (fresh per store generation).
  if (t.user) {
    out.user = to_wire(ctx_.domain, *t.user, true);
    return out;
  }
  auto u = users().get_user(pipe_.read(), *r.user_name);  // NoSuchEntity
  if (!u) return u.error();
  out.user = to_wire(ctx_.domain, *u, true);
  return out;
}

Result<pi::ListUsersResult> IamHandlers::list_users(const pi::ListUsersRequest& r) {
  auto page = users().list_users(
      pipe_.read(), internal::list_options_without_tags(r.path_prefix.value_or("/"), r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListUsersResult::users,
                               [&](store::User& u) { return internal::to_wire_listed(ctx_.domain, std::move(u)); });
}

Result<void> IamHandlers::delete_user(const pi::DeleteUserRequest& r) {
  return users().delete_user(pipe_.write(), r.user_name);
}

Result<pi::CreateAccessKeyResult> IamHandlers::create_access_key(const pi::CreateAccessKeyRequest&) {
  auto k = users().create_access_key(pipe_.write(), pipe_.target().name);
  if (!k) return k.error();
  pi::AccessKey w;
  if (!k->user_name.empty()) w.user_name = k->user_name;
  w.access_key_id = k->key.id;
  w.status = std::string(status_name(k->key.status));
  w.secret_access_key = k->secret;
  w.create_date = k->key.create_date;
  pi::CreateAccessKeyResult out;
  out.access_key = w;
  return out;
}

Result<pi::ListAccessKeysResult> IamHandlers::list_access_keys(const pi::ListAccessKeysRequest& r) {
  auto keys = users().list_access_keys(pipe_.read(), pipe_.target().name);
  if (!keys) return keys.error();
  // The user's name as the request spelled it (the caller's when omitted; none for the root user).
  const std::string& name = r.user_name ? *r.user_name : pipe_.target().name;
  pi::ListAccessKeysResult out;
  auto paged =
      internal::positional_page(*keys, r.marker, r.max_items, out, &pi::ListAccessKeysResult::access_key_metadata,
                                [&](const store::AccessKey& k) {
                                  pi::AccessKeyMetadata m;
                                  if (!name.empty()) m.user_name = name;
                                  m.access_key_id = k.id;
                                  m.status = std::string(status_name(k.status));
                                  m.create_date = k.create_date;
                                  return m;
                                });
  if (!paged) return paged.error();
  return out;
}

Result<void> IamHandlers::update_access_key(const pi::UpdateAccessKeyRequest& r) {
  if (r.status == "Expired") return Error{"InvalidInput", "Status Expired cannot be set by a user.", ""};
  auto status = r.status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
  return users().update_access_key(pipe_.write(), pipe_.target().name, r.access_key_id, status);
}

Result<void> IamHandlers::delete_access_key(const pi::DeleteAccessKeyRequest& r) {
  return users().delete_access_key(pipe_.write(), pipe_.target().name, r.access_key_id);
}

Result<pi::GetAccessKeyLastUsedResult> IamHandlers::get_access_key_last_used(const pi::GetAccessKeyLastUsedRequest& r) {
  auto usage = users().access_key_usage(pipe_.read(), r.access_key_id);
  // The resource is the key's user (the root user for the root's keys); an unknown key is
  // authorized against "*" before its NoSuchEntity, so a denial reveals nothing.
  const std::string resource = !usage        ? std::string("*")
                               : usage->user ? ctx_.domain.user_arn(*usage->user)
                                             : ctx_.domain.root_arn(ctx_.caller.account_id);
  if (auto a = pipe_.authorize("iam:GetAccessKeyLastUsed", resource); !a) return a.error();
  if (!usage && store::is_not_found(usage.error())) {
    // An unknown key is AccessDenied naming the key, as AWS answers even an administrator
    // (recorded: access_key_errors / get-last-used-nonexistent-key-error).
    return common::Error{"AccessDenied",
                         "User: " + ctx_.caller.arn +
                             " is not authorized to perform iam:GetAccessKeyLastUsed on "
                             "resource: access key " +
                             r.access_key_id,
                         ""};
  }
  if (!usage) return usage.error();
  pi::GetAccessKeyLastUsedResult out;
  if (usage->user) out.user_name = usage->user->name;
  pi::AccessKeyLastUsed w;
  // Never used: no date, and "N/A" for service and region, as AWS answers [OBS].
  if (usage->last_used) {
    w.last_used_date = usage->last_used->date;
    w.service_name = usage->last_used->service;
    w.region = usage->last_used->region;
  } else {
    w.service_name = "N/A";
    w.region = "N/A";
  }
  out.access_key_last_used = std::move(w);
  return out;
}

Result<void> IamHandlers::put_user_policy(const pi::PutUserPolicyRequest& r) {
  return users().put_user_policy(pipe_.write(), r.user_name, r.policy_name, r.policy_document);
}

Result<pi::GetUserPolicyResult> IamHandlers::get_user_policy(const pi::GetUserPolicyRequest& r) {
  auto p = users().get_user_policy(pipe_.read(), r.user_name, r.policy_name);
  if (!p) return p.error();
  pi::GetUserPolicyResult out;
  out.user_name = r.user_name;
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_user_policy(const pi::DeleteUserPolicyRequest& r) {
  return users().delete_user_policy(pipe_.write(), r.user_name, r.policy_name);
}

Result<pi::ListUserPoliciesResult> IamHandlers::list_user_policies(const pi::ListUserPoliciesRequest& r) {
  auto page = users().list_user_policies(pipe_.read(), r.user_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListUserPoliciesResult::policy_names,
                               [&](const store::InlinePolicy& p) { return p.name; });
}

Result<void> IamHandlers::attach_user_policy(const pi::AttachUserPolicyRequest& r) {
  return users().attach_user_policy(pipe_.write(), r.user_name, r.policy_arn);
}

Result<void> IamHandlers::detach_user_policy(const pi::DetachUserPolicyRequest& r) {
  return users().detach_user_policy(pipe_.write(), r.user_name, r.policy_arn);
}

Result<pi::ListAttachedUserPoliciesResult> IamHandlers::list_attached_user_policies(
    const pi::ListAttachedUserPoliciesRequest& r) {
  auto page = users().list_attached_user_policies(pipe_.read(), r.user_name,
                                                  list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListAttachedUserPoliciesResult::attached_policies,
                               internal::attached_to_wire);
}

Result<ps::GetCallerIdentityResult> StsHandlers::get_caller_identity(const ps::GetCallerIdentityRequest&) {
  // Never authorized by policy: it succeeds even under an explicit deny (evaluation.md §4.1).
  ps::GetCallerIdentityResult out;
  const Caller& c = ctx_.caller;
  if (c.is_role_session()) {
    out.user_id = c.session->principal_id + ":" + c.session->session_name;
  } else if (c.is_federated()) {
    out.user_id = c.account_id + ":" + c.session->principal_name;
  } else {
    out.user_id = c.user ? c.user->id : c.account_id;
  }
  out.account = c.account_id;
  out.arn = c.arn;
  return out;
}

Result<ps::GetSessionTokenResult> StsHandlers::get_session_token(const ps::GetSessionTokenRequest& r) {
  const Caller& c = ctx_.caller;
  const iam::DomainEnv& env = ctx_.domain.env();
  // [AWS] 12 hours unless asked; the root user's sessions last at most one hour (a longer
  // request is shortened, not refused). The model bounds the request to 900-129600 s.
  std::int64_t duration = r.duration_seconds.value_or(43200);
  if (c.is_root()) duration = std::min<std::int64_t>(duration, 3600);
  sts::Session s;
  s.kind = sts::SessionKind::kUser;
  s.account_id = c.account_id;
  s.issued = env.clock->now();
  s.expires = common::Timestamp{s.issued.seconds + duration, 0};
  if (c.user) {
    s.principal_id = c.user->id;
    s.principal_name = c.user->name;
  }
  s.principal_arn = c.arn;
  if (r.serial_number || r.token_code) {
    // [UNCERTAIN] AWS's answer when only one of the two is given: the MFA check fails.
    // The root user's devices are its own (enabled in the console).
    auto mfa = c.is_root() ? ctx_.domain.mfa_devices.authenticate_root(pipe_.write(), r.serial_number.value_or(""),
                                                                       r.token_code.value_or(""))
                           : ctx_.domain.mfa_devices.authenticate(pipe_.write(), c.user, r.serial_number.value_or(""),
                                                                  r.token_code.value_or(""));
    if (!mfa) return mfa.error();
    s.mfa = true;
    s.mfa_time = s.issued;
  }
  s.access_key_id = common::make_access_key_id("ASIA", c.account_id, *env.random);
  s.secret_access_key = common::make_secret_access_key(*env.random);
  auto token = ctx_.tokens.seal(s, *env.random);
  if (!token) return token.error();
  ps::Credentials creds;
  creds.access_key_id = s.access_key_id;
  creds.secret_access_key = s.secret_access_key;
  creds.session_token = std::move(token).value();
  creds.expiration = s.expires;
  ps::GetSessionTokenResult out;
  out.credentials = std::move(creds);
  return out;
}

Result<ps::GetAccessKeyInfoResult> StsHandlers::get_access_key_info(const ps::GetAccessKeyInfoRequest& r) {
  // AWS decodes the account from the id itself [OBS] (common/ids.h), for any key, existing or
  // not. [IMPL] A long-term key iamd stores answers its stored account, so that keys made
  // before the encoding (or given to the server, as a root key may be) answer correctly too.
  ps::GetAccessKeyInfoResult out;
  if (!r.access_key_id.starts_with("ASIA")) {
    auto key = pipe_.read().tx.get_access_key(r.access_key_id);
    if (key) {
      out.account = key->account_id;
      return out;
    }
    if (!store::is_not_found(key.error())) return key.error();
  }
  auto account = common::account_of_access_key_id(r.access_key_id);
  // [UNCERTAIN] AWS's answer for an id that does not decode (the model allows 16-128
  // characters of \w): the modelled ValidationError shape, with the value as STS shows it.
  if (!account) {
    return Error{"ValidationError", "Value '" + r.access_key_id + "' at 'accessKeyId' is not a valid access key id",
                 ""};
  }
  out.account = std::move(account).value();
  return out;
}

}  // namespace iamd::api
