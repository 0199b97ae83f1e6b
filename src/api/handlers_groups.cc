// The IAM group operations. The pipeline (api/pipeline.h) has resolved and authorized each
// one against the group's ARN (arn:<p>:iam::<acct>:group/<path><GroupName>, evaluation.md §6;
// ListGroupsForUser: the user's) in the transaction these run in.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;

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
  auto g = groups().create_group(pipe_.write(), r.group_name, r.path.value_or("/"));
  if (!g) return g.error();
  pi::CreateGroupResult out;
  out.group = to_wire(ctx_.domain, *g);
  return out;
}

Result<pi::GetGroupResult> IamHandlers::get_group(const pi::GetGroupRequest& r) {
  auto m = groups().get_group_members(pipe_.read(), r.group_name,
                                      internal::list_options_without_tags(std::nullopt, r.marker, r.max_items));
  if (!m) return m.error();
  pi::GetGroupResult out;
  out.group = to_wire(ctx_.domain, m->group);
  for (const store::User& u : m->users.items) out.users.push_back(member_to_wire(ctx_.domain, u));
  out.is_truncated = m->users.is_truncated();
  if (m->users.is_truncated()) out.marker = m->users.next_marker;
  return out;
}

Result<pi::ListGroupsResult> IamHandlers::list_groups(const pi::ListGroupsRequest& r) {
  auto page = groups().list_groups(pipe_.read(), list_options(r.path_prefix.value_or("/"), r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListGroupsResult::groups,
                               [&](const store::Group& g) { return to_wire(ctx_.domain, g); });
}

Result<void> IamHandlers::update_group(const pi::UpdateGroupRequest& r) {
  // AWS requires permission on the group under its old and under its new name and path.
  if (r.new_group_name || r.new_path) {
    store::Group after;
    if (const auto& g = pipe_.target().group) after = *g;
    after.account_id = ctx_.caller.account_id;
    if (after.name.empty()) after.name = r.group_name;
    if (r.new_group_name) after.name = *r.new_group_name;
    if (r.new_path) after.path = *r.new_path;
    if (auto a = pipe_.authorize("iam:UpdateGroup", ctx_.domain.group_arn(after)); !a) return a;
  }
  return groups().update_group(pipe_.write(), r.group_name, r.new_group_name, r.new_path);
}

Result<void> IamHandlers::delete_group(const pi::DeleteGroupRequest& r) {
  return groups().delete_group(pipe_.write(), r.group_name);
}

Result<void> IamHandlers::add_user_to_group(const pi::AddUserToGroupRequest& r) {
  return groups().add_user_to_group(pipe_.write(), r.group_name, r.user_name);
}

Result<void> IamHandlers::remove_user_from_group(const pi::RemoveUserFromGroupRequest& r) {
  return groups().remove_user_from_group(pipe_.write(), r.group_name, r.user_name);
}

Result<pi::ListGroupsForUserResult> IamHandlers::list_groups_for_user(const pi::ListGroupsForUserRequest& r) {
  auto page =
      groups().list_groups_for_user(pipe_.read(), r.user_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListGroupsForUserResult::groups,
                               [&](const store::Group& g) { return to_wire(ctx_.domain, g); });
}

Result<void> IamHandlers::put_group_policy(const pi::PutGroupPolicyRequest& r) {
  return groups().put_group_policy(pipe_.write(), r.group_name, r.policy_name, r.policy_document);
}

Result<pi::GetGroupPolicyResult> IamHandlers::get_group_policy(const pi::GetGroupPolicyRequest& r) {
  auto p = groups().get_group_policy(pipe_.read(), r.group_name, r.policy_name);
  if (!p) return p.error();
  pi::GetGroupPolicyResult out;
  out.group_name = pipe_.target().name;  // as stored
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_group_policy(const pi::DeleteGroupPolicyRequest& r) {
  return groups().delete_group_policy(pipe_.write(), r.group_name, r.policy_name);
}

Result<pi::ListGroupPoliciesResult> IamHandlers::list_group_policies(const pi::ListGroupPoliciesRequest& r) {
  auto page =
      groups().list_group_policies(pipe_.read(), r.group_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListGroupPoliciesResult::policy_names,
                               [&](const store::InlinePolicy& p) { return p.name; });
}

Result<void> IamHandlers::attach_group_policy(const pi::AttachGroupPolicyRequest& r) {
  return groups().attach_group_policy(pipe_.write(), r.group_name, r.policy_arn);
}

Result<void> IamHandlers::detach_group_policy(const pi::DetachGroupPolicyRequest& r) {
  return groups().detach_group_policy(pipe_.write(), r.group_name, r.policy_arn);
}

Result<pi::ListAttachedGroupPoliciesResult> IamHandlers::list_attached_group_policies(
    const pi::ListAttachedGroupPoliciesRequest& r) {
  auto page = groups().list_attached_group_policies(pipe_.read(), r.group_name,
                                                    list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListAttachedGroupPoliciesResult::attached_policies,
                               internal::attached_to_wire);
}

}  // namespace iamd::api
