// The IAM role operations. Each one authorizes against the role's ARN
// (arn:<p>:iam::<acct>:role/<path><RoleName>, evaluation.md §6) with the role's current
// permissions boundary as iam:PermissionsBoundary where AWS supplies it, then calls the
// domain. ListRoles is evaluated against role/ + the path prefix.
#include <set>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "common/strings.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

using internal::boundary_context;
using internal::fail;
using internal::list_options;
using internal::request_tags;
using internal::role_target;
using internal::RoleTarget;
using internal::RoleView;
using internal::to_wire;

}  // namespace

namespace internal {

RoleTarget role_target(iam::IamDomain& domain, std::string_view account_id, std::string_view name) {
  auto r = domain.get_role(account_id, name);
  if (r) return RoleTarget{domain.role_arn(*r), r->permissions_boundary};
  store::Role unsaved;
  unsaved.account_id = std::string(account_id);
  unsaved.name = std::string(name);
  return RoleTarget{domain.role_arn(unsaved), ""};
}

condition::Context boundary_context(const RoleTarget& t) {
  condition::Context c;
  if (!t.boundary.empty()) c.set("iam:PermissionsBoundary", t.boundary);
  return c;
}

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
    for (const store::Tag& t : r.tags) w.tags.push_back(pi::Tag{t.key, t.value});
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
  spec.account_id = ctx_.caller.account_id;
  spec.name = r.role_name;
  spec.path = r.path.value_or("/");
  spec.trust_policy = r.assume_role_policy_document;
  spec.description = r.description.value_or("");
  spec.max_session_duration = static_cast<int>(r.max_session_duration.value_or(3600));
  spec.permissions_boundary = r.permissions_boundary.value_or("");
  condition::Context extra;
  spec.tags = internal::creation_tags(r.tags, extra);
  if (r.permissions_boundary) extra.set("iam:PermissionsBoundary", *r.permissions_boundary);
  if (auto a = authorize("iam:CreateRole", ctx_.domain.role_arn(spec), &extra); !a) return a.error();
  auto role = ctx_.domain.create_role(spec);
  if (!role) return fail<pi::CreateRoleResult>(role.error());
  pi::CreateRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kCreate);
  return out;
}

Result<pi::GetRoleResult> IamHandlers::get_role(const pi::GetRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:GetRole", t.arn, &extra); !a) return a.error();
  auto role = ctx_.domain.get_role(account, r.role_name);
  if (!role) return fail<pi::GetRoleResult>(role.error());
  pi::GetRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kGet);
  return out;
}

Result<pi::ListRolesResult> IamHandlers::list_roles(const pi::ListRolesRequest& r) {
  std::string prefix = r.path_prefix.value_or("/");
  // Like ListUsers: evaluated against role/ + the path prefix (policy-language.md §3.3).
  const std::string resource = internal::list_resource(ctx_.domain, ctx_.caller.account_id, "role", prefix);
  if (auto a = authorize("iam:ListRoles", resource); !a) return a.error();
  auto page = ctx_.domain.list_roles(ctx_.caller.account_id, list_options(prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListRolesResult>(page.error());
  pi::ListRolesResult out;
  for (const store::Role& role : page->items) out.roles.push_back(to_wire(ctx_.domain, role, RoleView::kList));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::delete_role(const pi::DeleteRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:DeleteRole", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_role(account, r.role_name); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::UpdateRoleResult> IamHandlers::update_role(const pi::UpdateRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:UpdateRole", t.arn, &extra); !a) return a.error();
  std::optional<int> duration;
  if (r.max_session_duration) duration = static_cast<int>(*r.max_session_duration);
  auto role = ctx_.domain.update_role(account, r.role_name, r.description, duration);
  if (!role) return fail<pi::UpdateRoleResult>(role.error());
  return pi::UpdateRoleResult{};
}

Result<pi::UpdateRoleDescriptionResult> IamHandlers::update_role_description(
    const pi::UpdateRoleDescriptionRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  // AWS authorizes UpdateRoleDescription as iam:UpdateRoleDescription.
  if (auto a = authorize("iam:UpdateRoleDescription", t.arn, &extra); !a) return a.error();
  auto role = ctx_.domain.update_role(account, r.role_name, r.description, std::nullopt);
  if (!role) return fail<pi::UpdateRoleDescriptionResult>(role.error());
  pi::UpdateRoleDescriptionResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kGet);
  return out;
}

Result<void> IamHandlers::update_assume_role_policy(const pi::UpdateAssumeRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:UpdateAssumeRolePolicy", t.arn, &extra); !a) return a;
  if (auto u = ctx_.domain.update_assume_role_policy(account, r.role_name, r.policy_document); !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::put_role_policy(const pi::PutRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:PutRolePolicy", t.arn, &extra); !a) return a;
  if (auto p = ctx_.domain.put_role_policy(account, r.role_name, r.policy_name, r.policy_document); !p) {
    return to_aws_error(p.error());
  }
  return {};
}

Result<pi::GetRolePolicyResult> IamHandlers::get_role_policy(const pi::GetRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  if (auto a = authorize("iam:GetRolePolicy", t.arn); !a) return a.error();
  auto role = ctx_.domain.get_role(account, r.role_name);
  if (!role) return fail<pi::GetRolePolicyResult>(role.error());
  auto p = ctx_.domain.get_role_policy(account, r.role_name, r.policy_name);
  if (!p) return fail<pi::GetRolePolicyResult>(p.error());
  pi::GetRolePolicyResult out;
  out.role_name = role->name;
  out.policy_name = p->name;
  out.policy_document = p->document;
  return out;
}

Result<void> IamHandlers::delete_role_policy(const pi::DeleteRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  if (auto a = authorize("iam:DeleteRolePolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_role_policy(account, r.role_name, r.policy_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListRolePoliciesResult> IamHandlers::list_role_policies(const pi::ListRolePoliciesRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  if (auto a = authorize("iam:ListRolePolicies", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_role_policies(account, r.role_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListRolePoliciesResult>(page.error());
  pi::ListRolePoliciesResult out;
  for (const store::InlinePolicy& p : page->items) out.policy_names.push_back(p.name);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::attach_role_policy(const pi::AttachRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  extra.set("iam:PolicyARN", r.policy_arn);
  if (auto a = authorize("iam:AttachRolePolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.attach_role_policy(account, r.role_name, r.policy_arn); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::detach_role_policy(const pi::DetachRolePolicyRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);
  extra.set("iam:PolicyARN", r.policy_arn);
  if (auto a = authorize("iam:DetachRolePolicy", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.detach_role_policy(account, r.role_name, r.policy_arn); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::ListAttachedRolePoliciesResult> IamHandlers::list_attached_role_policies(
    const pi::ListAttachedRolePoliciesRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  if (auto a = authorize("iam:ListAttachedRolePolicies", t.arn); !a) return a.error();
  auto page =
      ctx_.domain.list_attached_role_policies(account, r.role_name, list_options(r.path_prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListAttachedRolePoliciesResult>(page.error());
  pi::ListAttachedRolePoliciesResult out;
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

Result<void> IamHandlers::tag_role(const pi::TagRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  if (auto a = authorize("iam:TagRole", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.tag_role(account, r.role_name, tags); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::untag_role(const pi::UntagRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a = authorize("iam:UntagRole", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.untag_role(account, r.role_name, r.tag_keys); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::ListRoleTagsResult> IamHandlers::list_role_tags(const pi::ListRoleTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  if (auto a = authorize("iam:ListRoleTags", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_role_tags(account, r.role_name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListRoleTagsResult>(page.error());
  pi::ListRoleTagsResult out;
  for (const store::Tag& tag : page->items) out.tags.push_back(pi::Tag{tag.key, tag.value});
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

}  // namespace iamd::api
