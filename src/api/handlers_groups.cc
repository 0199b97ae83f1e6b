// The IAM group operations. Each one authorizes against the group's ARN
// (arn:<p>:iam::<acct>:group/<path><GroupName>, evaluation.md §6) before calling the domain;
// ListGroupsForUser is a user operation and uses the user's ARN.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;

// The group's ARN with its stored path, or with "/" when the group does not exist, so a
// denial never reveals whether the group exists.
std::string group_arn(iam::IamDomain& domain, std::string_view account_id, std::string_view name) {
  auto g = domain.get_group(account_id, name);
  if (g) return domain.group_arn(*g);
  store::Group unsaved;
  unsaved.account_id = std::string(account_id);
  unsaved.name = std::string(name);
  return domain.group_arn(unsaved);
}

pi::Group to_wire(const iam::IamDomain& domain, const store::Group& g) {
  pi::Group w;
  w.path = g.path;
  w.group_name = g.name;
  w.group_id = g.id;
  w.arn = domain.group_arn(g);
  w.create_date = g.create_date;
  return w;
}

// GetGroup's members: no tags or permissions boundary (api.md §3.1).
pi::User member_to_wire(const iam::IamDomain& domain, const store::User& u) {
  pi::User w;
  w.path = u.path;
  w.user_name = u.name;
  w.user_id = u.id;
  w.arn = domain.user_arn(u);
  w.create_date = u.create_date;
  if (u.password_last_used) w.password_last_used = *u.password_last_used;
  return w;
}

}  // namespace

Result<pi::CreateGroupResult> IamHandlers::create_group(const pi::CreateGroupRequest& r) {
  store::Group unsaved;
  unsaved.account_id = ctx_.caller.account_id;
  unsaved.name = r.group_name;
  unsaved.path = r.path.value_or("/");
  if (auto a = authorize("iam:CreateGroup", ctx_.domain.group_arn(unsaved)); !a) return a.error();
  auto g = ctx_.domain.create_group(ctx_.caller.account_id, r.group_name, unsaved.path);
  if (!g) return fail<pi::CreateGroupResult>(g.error());
  pi::CreateGroupResult out;
  out.group = to_wire(ctx_.domain, *g);
  return out;
}

Result<pi::GetGroupResult> IamHandlers::get_group(const pi::GetGroupRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:GetGroup", group_arn(ctx_.domain, account, r.group_name)); !a) return a.error();
  auto m = ctx_.domain.get_group_members(account, r.group_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!m) return fail<pi::GetGroupResult>(m.error());
  pi::GetGroupResult out;
  out.group = to_wire(ctx_.domain, m->group);
  for (const store::User& u : m->users.items) out.users.push_back(member_to_wire(ctx_.domain, u));
  out.is_truncated = m->users.is_truncated();
  if (m->users.is_truncated()) out.marker = m->users.next_marker;
  return out;
}

Result<pi::ListGroupsResult> IamHandlers::list_groups(const pi::ListGroupsRequest& r) {
  std::string prefix = r.path_prefix.value_or("/");
  // Like ListUsers: evaluated against group/ + the path prefix (policy-language.md §3.3).
  const std::string resource = internal::list_resource(ctx_.domain, ctx_.caller.account_id, "group", prefix);
  if (auto a = authorize("iam:ListGroups", resource); !a) return a.error();
  auto page = ctx_.domain.list_groups(ctx_.caller.account_id, list_options(prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListGroupsResult>(page.error());
  pi::ListGroupsResult out;
  for (const store::Group& g : page->items) out.groups.push_back(to_wire(ctx_.domain, g));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::update_group(const pi::UpdateGroupRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  // AWS requires permission on the group under its old and under its new name and path.
  auto current = ctx_.domain.get_group(account, r.group_name);
  store::Group before;
  before.account_id = account;
  before.name = r.group_name;
  if (current) before = *current;
  if (auto a = authorize("iam:UpdateGroup", ctx_.domain.group_arn(before)); !a) return a;
  if (r.new_group_name || r.new_path) {
    store::Group after = before;
    if (r.new_group_name) after.name = *r.new_group_name;
    if (r.new_path) after.path = *r.new_path;
    if (auto a = authorize("iam:UpdateGroup", ctx_.domain.group_arn(after)); !a) return a;
  }
  if (auto u = ctx_.domain.update_group(account, r.group_name, r.new_group_name, r.new_path); !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_group(const pi::DeleteGroupRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:DeleteGroup", group_arn(ctx_.domain, account, r.group_name)); !a) return a;
  if (auto d = ctx_.domain.delete_group(account, r.group_name); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::add_user_to_group(const pi::AddUserToGroupRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:AddUserToGroup", group_arn(ctx_.domain, account, r.group_name)); !a) return a;
  if (auto d = ctx_.domain.add_user_to_group(account, r.group_name, r.user_name); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::remove_user_from_group(const pi::RemoveUserFromGroupRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:RemoveUserFromGroup", group_arn(ctx_.domain, account, r.group_name)); !a) return a;
  if (auto d = ctx_.domain.remove_user_from_group(account, r.group_name, r.user_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListGroupsForUserResult> IamHandlers::list_groups_for_user(const pi::ListGroupsForUserRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListGroupsForUser", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_groups_for_user(ctx_.caller.account_id, r.user_name,
                                               list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListGroupsForUserResult>(page.error());
  pi::ListGroupsForUserResult out;
  for (const store::Group& g : page->items) out.groups.push_back(to_wire(ctx_.domain, g));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::put_group_policy(const pi::PutGroupPolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:PutGroupPolicy", group_arn(ctx_.domain, account, r.group_name)); !a) return a;
  if (auto p = ctx_.domain.put_group_policy(account, r.group_name, r.policy_name, r.policy_document); !p) {
    return to_aws_error(p.error());
  }
  return {};
}

Result<pi::GetGroupPolicyResult> IamHandlers::get_group_policy(const pi::GetGroupPolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:GetGroupPolicy", group_arn(ctx_.domain, account, r.group_name)); !a) return a.error();
  auto g = ctx_.domain.get_group(account, r.group_name);
  if (!g) return fail<pi::GetGroupPolicyResult>(g.error());
  auto p = ctx_.domain.get_group_policy(account, r.group_name, r.policy_name);
  if (!p) return fail<pi::GetGroupPolicyResult>(p.error());
  pi::GetGroupPolicyResult out;
  out.group_name = g->name;
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_group_policy(const pi::DeleteGroupPolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:DeleteGroupPolicy", group_arn(ctx_.domain, account, r.group_name)); !a) return a;
  if (auto d = ctx_.domain.delete_group_policy(account, r.group_name, r.policy_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListGroupPoliciesResult> IamHandlers::list_group_policies(const pi::ListGroupPoliciesRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:ListGroupPolicies", group_arn(ctx_.domain, account, r.group_name)); !a) {
    return a.error();
  }
  auto page = ctx_.domain.list_group_policies(account, r.group_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListGroupPoliciesResult>(page.error());
  pi::ListGroupPoliciesResult out;
  for (const store::InlinePolicy& p : page->items) out.policy_names.push_back(p.name);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::attach_group_policy(const pi::AttachGroupPolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  extra.set("iam:PolicyARN", r.policy_arn);
  if (auto a = authorize("iam:AttachGroupPolicy", group_arn(ctx_.domain, account, r.group_name), &extra); !a) {
    return a;
  }
  if (auto d = ctx_.domain.attach_group_policy(account, r.group_name, r.policy_arn); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::detach_group_policy(const pi::DetachGroupPolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  extra.set("iam:PolicyARN", r.policy_arn);
  if (auto a = authorize("iam:DetachGroupPolicy", group_arn(ctx_.domain, account, r.group_name), &extra); !a) {
    return a;
  }
  if (auto d = ctx_.domain.detach_group_policy(account, r.group_name, r.policy_arn); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListAttachedGroupPoliciesResult> IamHandlers::list_attached_group_policies(
    const pi::ListAttachedGroupPoliciesRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:ListAttachedGroupPolicies", group_arn(ctx_.domain, account, r.group_name)); !a) {
    return a.error();
  }
  auto page = ctx_.domain.list_attached_group_policies(account, r.group_name,
                                                       list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListAttachedGroupPoliciesResult>(page.error());
  pi::ListAttachedGroupPoliciesResult out;
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

}  // namespace iamd::api
