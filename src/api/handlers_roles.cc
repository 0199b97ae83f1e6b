// The IAM role operations. The pipeline (api/pipeline.h) has resolved and authorized each one
// against the role's ARN (arn:<p>:iam::<acct>:role/<path><RoleName>, evaluation.md §6), with
// the role's current permissions boundary as iam:PermissionsBoundary where AWS supplies it,
// in the transaction these run in. ListRoles is evaluated against role/ + the path prefix.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;
using internal::RoleView;
using internal::to_wire;

store::Tags store_tags(const std::vector<pi::Tag>& tags) {
  store::Tags out;
  for (const pi::Tag& t : tags) out.push_back(store::Tag{t.key, t.value});
  return out;
}

}  // namespace

namespace internal {

pi::Role to_wire(const iam::IamDomain& domain, const store::Role& r, RoleView view) {
  pi::Role w;
  w.path = r.path;
  w.role_name = r.name;
  w.role_id = r.id;
  w.arn = domain.role_arn(r);
  w.create_date = r.create_date;
  w.assume_role_policy_document = r.trust_policy;
  if (view == RoleView::kInProfile) return w;
  if (!r.description.empty()) w.description = r.description;
  if (view != RoleView::kCreate) w.max_session_duration = r.max_session_duration;
  if (view != RoleView::kList) {
    if (!r.permissions_boundary.empty()) {
      pi::AttachedPermissionsBoundary b;
      b.permissions_boundary_type = "PermissionsBoundaryPolicy";
      b.permissions_boundary_arn = r.permissions_boundary;
      w.permissions_boundary = b;
    }
    w.tags = internal::wire_tags(r.tags);
  }
  if (view == RoleView::kGet) {
    pi::RoleLastUsed used;
    if (r.last_used) {
      used.last_used_date = r.last_used->date;
      if (!r.last_used->region.empty()) used.region = r.last_used->region;
    }
    w.role_last_used = used;
  }
  return w;
}

}  // namespace internal

Result<pi::CreateRoleResult> IamHandlers::create_role(const pi::CreateRoleRequest& r) {
  store::Role spec;
  spec.name = r.role_name;
  spec.path = r.path.value_or("/");
  spec.trust_policy = r.assume_role_policy_document;
  spec.description = r.description.value_or("");
  spec.max_session_duration = static_cast<int>(r.max_session_duration.value_or(3600));
  spec.permissions_boundary = r.permissions_boundary.value_or("");
  spec.tags = store_tags(r.tags);
  auto role = roles().create_role(pipe_.write(), spec);
  if (!role) return role.error();
  pi::CreateRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kCreate);
  return out;
}

Result<pi::GetRoleResult> IamHandlers::get_role(const pi::GetRoleRequest& r) {
  auto role = roles().get_role(pipe_.read(), r.role_name);
  if (!role) return role.error();
  pi::GetRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kGet);
  return out;
}

Result<pi::ListRolesResult> IamHandlers::list_roles(const pi::ListRolesRequest& r) {
  auto page = roles().list_roles(
      pipe_.read(), internal::list_options_without_tags(r.path_prefix.value_or("/"), r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListRolesResult::roles,
                               [&](const store::Role& role) { return to_wire(ctx_.domain, role, RoleView::kList); });
}

Result<void> IamHandlers::delete_role(const pi::DeleteRoleRequest& r) {
  return roles().delete_role(pipe_.write(), r.role_name);
}

Result<pi::UpdateRoleResult> IamHandlers::update_role(const pi::UpdateRoleRequest& r) {
  std::optional<int> duration;
  if (r.max_session_duration) duration = static_cast<int>(*r.max_session_duration);
  auto role = roles().update_role(pipe_.write(), r.role_name, r.description, duration);
  if (!role) return role.error();
  return pi::UpdateRoleResult{};
}

Result<pi::UpdateRoleDescriptionResult> IamHandlers::update_role_description(
    const pi::UpdateRoleDescriptionRequest& r) {
  auto role = roles().update_role(pipe_.write(), r.role_name, r.description, std::nullopt);
  if (!role) return role.error();
  pi::UpdateRoleDescriptionResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kGet);
  return out;
}

Result<void> IamHandlers::update_assume_role_policy(const pi::UpdateAssumeRolePolicyRequest& r) {
  return roles().update_assume_role_policy(pipe_.write(), r.role_name, r.policy_document);
}

Result<void> IamHandlers::put_role_policy(const pi::PutRolePolicyRequest& r) {
  return roles().put_role_policy(pipe_.write(), r.role_name, r.policy_name, r.policy_document);
}

Result<pi::GetRolePolicyResult> IamHandlers::get_role_policy(const pi::GetRolePolicyRequest& r) {
  auto p = roles().get_role_policy(pipe_.read(), r.role_name, r.policy_name);
  if (!p) return p.error();
  pi::GetRolePolicyResult out;
  out.role_name = pipe_.target().name;  // as stored
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_role_policy(const pi::DeleteRolePolicyRequest& r) {
  return roles().delete_role_policy(pipe_.write(), r.role_name, r.policy_name);
}

Result<pi::ListRolePoliciesResult> IamHandlers::list_role_policies(const pi::ListRolePoliciesRequest& r) {
  auto page = roles().list_role_policies(pipe_.read(), r.role_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListRolePoliciesResult::policy_names,
                               [&](const store::InlinePolicy& p) { return p.name; });
}

Result<void> IamHandlers::attach_role_policy(const pi::AttachRolePolicyRequest& r) {
  return roles().attach_role_policy(pipe_.write(), r.role_name, r.policy_arn);
}

Result<void> IamHandlers::detach_role_policy(const pi::DetachRolePolicyRequest& r) {
  return roles().detach_role_policy(pipe_.write(), r.role_name, r.policy_arn);
}

Result<pi::ListAttachedRolePoliciesResult> IamHandlers::list_attached_role_policies(
    const pi::ListAttachedRolePoliciesRequest& r) {
  auto page = roles().list_attached_role_policies(pipe_.read(), r.role_name,
                                                  list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListAttachedRolePoliciesResult::attached_policies,
                               internal::attached_to_wire);
}

Result<void> IamHandlers::tag_role(const pi::TagRoleRequest& r) {
  return roles().tag_role(pipe_.write(), r.role_name, store_tags(r.tags));
}

Result<void> IamHandlers::untag_role(const pi::UntagRoleRequest& r) {
  return roles().untag_role(pipe_.write(), r.role_name, r.tag_keys);
}

Result<pi::ListRoleTagsResult> IamHandlers::list_role_tags(const pi::ListRoleTagsRequest& r) {
  auto page = roles().list_role_tags(pipe_.read(), r.role_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListRoleTagsResult::tags, [&](const store::Tag& tag) {
    return pi::Tag{tag.key, tag.value};
  });
}

}  // namespace iamd::api
