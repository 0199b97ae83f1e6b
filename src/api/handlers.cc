#include "api/handlers.h"

#include <array>
#include <set>

#include "api/errors.h"
#include "api/internal.h"
#include "arn/arn.h"
#include "common/strings.h"

namespace iamd::api {

namespace pi = protocol::iam;
namespace ps = protocol::sts;
using common::Error;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;
using internal::status_name;
using internal::to_wire;

}  // namespace

namespace internal {

pi::User to_wire(const iam::IamDomain& domain, const store::User& u, bool full) {
  pi::User w;
  w.path = u.path;
  w.user_name = u.name;
  w.user_id = u.id;
  w.arn = domain.user_arn(u);
  w.create_date = u.create_date;
  if (u.password_last_used) w.password_last_used = *u.password_last_used;
  if (full) {
    if (!u.permissions_boundary.empty()) {
      pi::AttachedPermissionsBoundary b;
      b.permissions_boundary_type = "PermissionsBoundaryPolicy";
      b.permissions_boundary_arn = u.permissions_boundary;
      w.permissions_boundary = b;
    }
    for (const store::Tag& t : u.tags) w.tags.push_back(pi::Tag{t.key, t.value});
  }
  return w;
}

std::string list_resource(const iam::IamDomain& domain, std::string_view account, std::string_view kind,
                          std::string_view prefix) {
  std::string resource(kind);
  resource += '/';
  if (prefix.size() > 1) resource += prefix.substr(1);
  return arn::iam_arn(domain.env().partition, account, resource);
}

std::string_view status_name(store::AccessKeyStatus s) {
  return s == store::AccessKeyStatus::kActive ? "Active" : "Inactive";
}

}  // namespace internal

IamHandlers::Target IamHandlers::target_user(const std::optional<std::string>& name) {
  Target t;
  const Caller& c = ctx_.caller;
  if (!name) {
    if (c.user) {
      t.name = c.user->name;
      t.arn = ctx_.domain.user_arn(*c.user);
      t.boundary = c.user->permissions_boundary;
    } else {
      t.arn = c.arn;
    }
    return t;
  }
  t.name = *name;
  auto u = ctx_.domain.get_user(c.account_id, *name);
  if (u) {
    t.arn = ctx_.domain.user_arn(*u);
    t.boundary = u->permissions_boundary;
    t.user = std::move(*u);
  } else {
    store::User unsaved;
    unsaved.account_id = c.account_id;
    unsaved.name = *name;
    t.arn = ctx_.domain.user_arn(unsaved);
  }
  return t;
}

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

Result<void> IamHandlers::authorize(std::string_view action, std::string_view resource, const condition::Context* extra,
                                    const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  return pipe_.authorize(action, resource, extra, grant);
}

Result<pi::CreateUserResult> IamHandlers::create_user(const pi::CreateUserRequest& r) {
  store::User unsaved;
  unsaved.account_id = ctx_.caller.account_id;
  unsaved.name = r.user_name;
  unsaved.path = r.path.value_or("/");
  condition::Context extra;
  std::vector<std::string> keys;
  std::set<std::string> seen;
  store::Tags tags;
  for (const pi::Tag& t : r.tags) {
    if (!seen.insert(common::to_lower(t.key)).second) {
      return Error{"InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", ""};
    }
    extra.set("aws:RequestTag/" + t.key, t.value);
    extra.set("aws:ResourceTag/" + t.key, t.value);  // the new user's tags (evaluation.md §5.2)
    keys.push_back(t.key);
    tags.push_back(store::Tag{t.key, t.value});
  }
  if (!keys.empty()) extra.set_list("aws:TagKeys", keys);
  if (r.permissions_boundary) extra.set("iam:PermissionsBoundary", *r.permissions_boundary);
  if (auto a = authorize("iam:CreateUser", ctx_.domain.user_arn(unsaved), &extra); !a) return a.error();
  auto u = ctx_.domain.create_user(ctx_.caller.account_id, r.user_name, unsaved.path,
                                   r.permissions_boundary.value_or(""), tags);
  if (!u) return fail<pi::CreateUserResult>(u.error());
  pi::CreateUserResult out;
  out.user = to_wire(ctx_.domain, *u, true);
  return out;
}

Result<pi::GetUserResult> IamHandlers::get_user(const pi::GetUserRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:GetUser", t.arn, &extra); !a) return a.error();
  pi::GetUserResult out;
  if (t.name.empty()) {
    // The root user: no name or path, its id is the account id.
    pi::User w;
    w.user_id = ctx_.caller.account_id;
    w.arn = ctx_.caller.arn;
    auto account = ctx_.domain.env().store->begin_read();
    if (account) {
      if (auto a = (*account)->get_account(ctx_.caller.account_id)) w.create_date = a->create_date;
    }
    out.user = w;
    return out;
  }
  // Read once, for authorization and the answer: the named user, or the caller itself as its
  // key resolved it (fresh per store generation).
  const store::User* known = t.user ? &*t.user : (!r.user_name && ctx_.caller.user ? &*ctx_.caller.user : nullptr);
  if (known != nullptr) {
    out.user = to_wire(ctx_.domain, *known, true);
    return out;
  }
  auto u = ctx_.domain.get_user(ctx_.caller.account_id, t.name);
  if (!u) return fail<pi::GetUserResult>(u.error());
  out.user = to_wire(ctx_.domain, *u, true);
  return out;
}

Result<pi::ListUsersResult> IamHandlers::list_users(const pi::ListUsersRequest& r) {
  std::string prefix = r.path_prefix.value_or("/");
  // Real IAM evaluates ListUsers against user/ + the path prefix (policy-language.md §3.3).
  const std::string resource = internal::list_resource(ctx_.domain, ctx_.caller.account_id, "user", prefix);
  if (auto a = authorize("iam:ListUsers", resource); !a) return a.error();
  auto page = ctx_.domain.list_users(ctx_.caller.account_id, list_options(prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListUsersResult>(page.error());
  pi::ListUsersResult out;
  for (const store::User& u : page->items) out.users.push_back(to_wire(ctx_.domain, u, false));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::delete_user(const pi::DeleteUserRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:DeleteUser", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_user(ctx_.caller.account_id, r.user_name); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::CreateAccessKeyResult> IamHandlers::create_access_key(const pi::CreateAccessKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:CreateAccessKey", t.arn); !a) return a.error();
  auto k = ctx_.domain.create_access_key(ctx_.caller.account_id, t.name);
  if (!k) return fail<pi::CreateAccessKeyResult>(k.error());
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
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListAccessKeys", t.arn); !a) return a.error();
  auto keys = ctx_.domain.list_access_keys(ctx_.caller.account_id, t.name);
  if (!keys) return fail<pi::ListAccessKeysResult>(keys.error());
  pi::ListAccessKeysResult out;
  for (const store::AccessKey& k : *keys) {
    pi::AccessKeyMetadata m;
    if (!t.name.empty()) m.user_name = t.name;
    m.access_key_id = k.id;
    m.status = std::string(status_name(k.status));
    m.create_date = k.create_date;
    out.access_key_metadata.push_back(std::move(m));
  }
  out.is_truncated = false;
  return out;
}

Result<void> IamHandlers::update_access_key(const pi::UpdateAccessKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UpdateAccessKey", t.arn); !a) return a;
  if (r.status == "Expired") return Error{"InvalidInput", "Status Expired cannot be set by a user.", ""};
  auto status = r.status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
  if (auto u = ctx_.domain.update_access_key(ctx_.caller.account_id, t.name, r.access_key_id, status); !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_access_key(const pi::DeleteAccessKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeleteAccessKey", t.arn); !a) return a;
  if (auto d = ctx_.domain.delete_access_key(ctx_.caller.account_id, t.name, r.access_key_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::GetAccessKeyLastUsedResult> IamHandlers::get_access_key_last_used(const pi::GetAccessKeyLastUsedRequest& r) {
  auto usage = ctx_.domain.access_key_usage(ctx_.caller.account_id, r.access_key_id);
  // The resource is the key's user (the root user for the root's keys); an unknown key is
  // authorized against "*" before its NoSuchEntity, so a denial reveals nothing.
  const std::string resource = !usage        ? std::string("*")
                               : usage->user ? ctx_.domain.user_arn(*usage->user)
                                             : ctx_.domain.root_arn(ctx_.caller.account_id);
  if (auto a = authorize("iam:GetAccessKeyLastUsed", resource); !a) return a.error();
  if (!usage) return fail<pi::GetAccessKeyLastUsedResult>(usage.error());
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
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:PutUserPolicy", t.arn, &extra); !a) return a;
  auto p = ctx_.domain.put_user_policy(ctx_.caller.account_id, r.user_name, r.policy_name, r.policy_document);
  if (!p) return to_aws_error(p.error());
  return {};
}

Result<pi::GetUserPolicyResult> IamHandlers::get_user_policy(const pi::GetUserPolicyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:GetUserPolicy", t.arn); !a) return a.error();
  auto p = ctx_.domain.get_user_policy(ctx_.caller.account_id, r.user_name, r.policy_name);
  if (!p) return fail<pi::GetUserPolicyResult>(p.error());
  pi::GetUserPolicyResult out;
  out.user_name = r.user_name;
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_user_policy(const pi::DeleteUserPolicyRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:DeleteUserPolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_user_policy(ctx_.caller.account_id, r.user_name, r.policy_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListUserPoliciesResult> IamHandlers::list_user_policies(const pi::ListUserPoliciesRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListUserPolicies", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_user_policies(ctx_.caller.account_id, r.user_name,
                                             list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListUserPoliciesResult>(page.error());
  pi::ListUserPoliciesResult out;
  for (const store::InlinePolicy& p : page->items) out.policy_names.push_back(p.name);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::attach_user_policy(const pi::AttachUserPolicyRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  extra.set("iam:PolicyARN", r.policy_arn);
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:AttachUserPolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.attach_user_policy(ctx_.caller.account_id, r.user_name, r.policy_arn); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::detach_user_policy(const pi::DetachUserPolicyRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  extra.set("iam:PolicyARN", r.policy_arn);
  if (!t.boundary.empty()) extra.set("iam:PermissionsBoundary", t.boundary);
  if (auto a = authorize("iam:DetachUserPolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.detach_user_policy(ctx_.caller.account_id, r.user_name, r.policy_arn); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListAttachedUserPoliciesResult> IamHandlers::list_attached_user_policies(
    const pi::ListAttachedUserPoliciesRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListAttachedUserPolicies", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_attached_user_policies(ctx_.caller.account_id, r.user_name,
                                                      list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListAttachedUserPoliciesResult>(page.error());
  pi::ListAttachedUserPoliciesResult out;
  for (const store::AttachedPolicy& p : page->items) {
    pi::AttachedPolicy w;
    w.policy_name = p.name;
    w.policy_arn = p.arn;
    out.attached_policies.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<ps::GetCallerIdentityResult> StsHandlers::get_caller_identity(const ps::GetCallerIdentityRequest&) {
  // Never authorized by policy: it succeeds even under an explicit deny (evaluation.md §4.1).
  ps::GetCallerIdentityResult out;
  const Caller& c = ctx_.caller;
  out.user_id = c.user ? c.user->id : c.account_id;
  out.account = c.account_id;
  out.arn = c.arn;
  return out;
}

}  // namespace iamd::api
