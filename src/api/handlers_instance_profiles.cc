// The instance profile operations, role permissions boundaries and service-linked roles.
// Instance profile operations authorize against the profile's ARN
// (arn:<p>:iam::<acct>:instance-profile/<path><Name>, evaluation.md §6; "/" as the path when
// the profile does not exist, so a denial never reveals whether it exists), with
// aws:RequestTag/aws:TagKeys where tags are passed. ListInstanceProfiles is evaluated against
// instance-profile/ + the path prefix, ListInstanceProfilesForRole and the service-linked
// role operations against the role's ARN.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
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

using Profile = iam::ProfileWithRoles;

// The profile's ARN with its stored path, or with "/" when it does not exist.
std::string profile_arn(iam::IamDomain& domain, std::string_view account_id, std::string_view name) {
  auto p = domain.get_instance_profile(account_id, name);
  if (p) return domain.instance_profile_arn(p->profile);
  store::InstanceProfile unsaved;
  unsaved.account_id = std::string(account_id);
  unsaved.name = std::string(name);
  return domain.instance_profile_arn(unsaved);
}

// A page of profiles into a List*InstanceProfiles* result.
template <class R>
R page_result(const iam::IamDomain& domain, const store::Page<Profile>& page) {
  R out;
  for (const Profile& p : page.items) out.instance_profiles.push_back(to_wire(domain, p, false));
  out.is_truncated = page.is_truncated();
  if (page.is_truncated()) out.marker = page.next_marker;
  return out;
}

}  // namespace

namespace internal {

// [OBS] The listings leave out the tags ("this operation does not return tags"), and each
// role in a profile carries only its six basic members.
pi::InstanceProfile to_wire(const iam::IamDomain& domain, const iam::ProfileWithRoles& p, bool with_tags) {
  pi::InstanceProfile w;
  w.path = p.profile.path;
  w.instance_profile_name = p.profile.name;
  w.instance_profile_id = p.profile.id;
  w.arn = domain.instance_profile_arn(p.profile);
  w.create_date = p.profile.create_date;
  for (const store::Role& r : p.roles) w.roles.push_back(to_wire(domain, r, RoleView::kInProfile));
  if (with_tags && !p.profile.tags.empty()) {
    w.tags.emplace();
    for (const store::Tag& t : p.profile.tags) w.tags->push_back(pi::Tag{t.key, t.value});
  }
  return w;
}

}  // namespace internal

Result<pi::CreateInstanceProfileResult> IamHandlers::create_instance_profile(
    const pi::CreateInstanceProfileRequest& r) {
  store::InstanceProfile unsaved;
  unsaved.account_id = ctx_.caller.account_id;
  unsaved.name = r.instance_profile_name;
  unsaved.path = r.path.value_or("/");
  condition::Context extra;
  store::Tags tags = internal::creation_tags(r.tags, extra);
  if (auto a = authorize("iam:CreateInstanceProfile", ctx_.domain.instance_profile_arn(unsaved), &extra); !a) {
    return a.error();
  }
  auto p = ctx_.domain.create_instance_profile(ctx_.caller.account_id, r.instance_profile_name, unsaved.path, tags);
  if (!p) return fail<pi::CreateInstanceProfileResult>(p.error());
  pi::CreateInstanceProfileResult out;
  out.instance_profile = to_wire(ctx_.domain, *p, true);
  return out;
}

Result<pi::GetInstanceProfileResult> IamHandlers::get_instance_profile(const pi::GetInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:GetInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name)); !a) {
    return a.error();
  }
  auto p = ctx_.domain.get_instance_profile(account, r.instance_profile_name);
  if (!p) return fail<pi::GetInstanceProfileResult>(p.error());
  pi::GetInstanceProfileResult out;
  out.instance_profile = to_wire(ctx_.domain, *p, true);
  // Tags is a `handler` member (models/empty_lists.txt): GetInstanceProfile sends it empty too.
  if (!out.instance_profile->tags) out.instance_profile->tags.emplace();
  return out;
}

Result<pi::ListInstanceProfilesResult> IamHandlers::list_instance_profiles(const pi::ListInstanceProfilesRequest& r) {
  std::string prefix = r.path_prefix.value_or("/");
  // Like ListRoles: evaluated against instance-profile/ + the path prefix.
  const std::string resource = internal::list_resource(ctx_.domain, ctx_.caller.account_id, "instance-profile", prefix);
  if (auto a = authorize("iam:ListInstanceProfiles", resource); !a) return a.error();
  auto page = ctx_.domain.list_instance_profiles(ctx_.caller.account_id, list_options(prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListInstanceProfilesResult>(page.error());
  return page_result<pi::ListInstanceProfilesResult>(ctx_.domain, *page);
}

Result<void> IamHandlers::delete_instance_profile(const pi::DeleteInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:DeleteInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name)); !a) {
    return a;
  }
  if (auto d = ctx_.domain.delete_instance_profile(account, r.instance_profile_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::add_role_to_instance_profile(const pi::AddRoleToInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:AddRoleToInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name));
      !a) {
    return a;
  }
  // [OBS] "The caller of this operation must be granted the PassRole permission on the IAM
  // role" (AddRoleToInstanceProfile's documentation).
  if (auto a = authorize("iam:PassRole", role_target(ctx_.domain, account, r.role_name).arn); !a) return a;
  if (auto d = ctx_.domain.add_role_to_instance_profile(account, r.instance_profile_name, r.role_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::remove_role_from_instance_profile(const pi::RemoveRoleFromInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a =
          authorize("iam:RemoveRoleFromInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name));
      !a) {
    return a;
  }
  if (auto d = ctx_.domain.remove_role_from_instance_profile(account, r.instance_profile_name, r.role_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListInstanceProfilesForRoleResult> IamHandlers::list_instance_profiles_for_role(
    const pi::ListInstanceProfilesForRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:ListInstanceProfilesForRole", role_target(ctx_.domain, account, r.role_name).arn); !a) {
    return a.error();
  }
  auto page = ctx_.domain.list_instance_profiles_for_role(account, r.role_name,
                                                          list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListInstanceProfilesForRoleResult>(page.error());
  return page_result<pi::ListInstanceProfilesForRoleResult>(ctx_.domain, *page);
}

Result<void> IamHandlers::tag_instance_profile(const pi::TagInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  if (auto a = authorize("iam:TagInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name), &extra);
      !a) {
    return a;
  }
  if (auto d = ctx_.domain.tag_instance_profile(account, r.instance_profile_name, tags); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::untag_instance_profile(const pi::UntagInstanceProfileRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a =
          authorize("iam:UntagInstanceProfile", profile_arn(ctx_.domain, account, r.instance_profile_name), &extra);
      !a) {
    return a;
  }
  if (auto d = ctx_.domain.untag_instance_profile(account, r.instance_profile_name, r.tag_keys); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListInstanceProfileTagsResult> IamHandlers::list_instance_profile_tags(
    const pi::ListInstanceProfileTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:ListInstanceProfileTags", profile_arn(ctx_.domain, account, r.instance_profile_name));
      !a) {
    return a.error();
  }
  auto page = ctx_.domain.list_instance_profile_tags(account, r.instance_profile_name,
                                                     list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListInstanceProfileTagsResult>(page.error());
  pi::ListInstanceProfileTagsResult out;
  for (const store::Tag& t : page->items) out.tags.push_back(pi::Tag{t.key, t.value});
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::put_role_permissions_boundary(const pi::PutRolePermissionsBoundaryRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra;
  extra.set("iam:PermissionsBoundary", r.permissions_boundary);  // the boundary being set
  if (auto a = authorize("iam:PutRolePermissionsBoundary", t.arn, &extra); !a) return a;
  if (auto p = ctx_.domain.put_role_permissions_boundary(account, r.role_name, r.permissions_boundary); !p) {
    return to_aws_error(p.error());
  }
  return {};
}

Result<void> IamHandlers::delete_role_permissions_boundary(const pi::DeleteRolePermissionsBoundaryRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  RoleTarget t = role_target(ctx_.domain, account, r.role_name);
  condition::Context extra = boundary_context(t);  // the boundary being removed
  if (auto a = authorize("iam:DeleteRolePermissionsBoundary", t.arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_role_permissions_boundary(account, r.role_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::CreateServiceLinkedRoleResult> IamHandlers::create_service_linked_role(
    const pi::CreateServiceLinkedRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  const std::string suffix = r.custom_suffix.value_or("");
  store::Role unsaved;
  unsaved.account_id = account;
  // [IMPL] An invalid service name is authorized against role/aws-service-role/<name>/ and
  // then refused by the domain.
  unsaved.path = "/aws-service-role/" + r.aws_service_name + "/";
  if (auto slr = ctx_.domain.service_linked_role_name(r.aws_service_name, suffix)) {
    unsaved.name = slr->name;
    unsaved.path = slr->path;
  }
  condition::Context extra;
  extra.set("iam:AWSServiceName", r.aws_service_name);
  if (auto a = authorize("iam:CreateServiceLinkedRole", ctx_.domain.role_arn(unsaved), &extra); !a) return a.error();
  auto role = ctx_.domain.create_service_linked_role(account, r.aws_service_name, r.description.value_or(""), suffix);
  if (!role) return fail<pi::CreateServiceLinkedRoleResult>(role.error());
  pi::CreateServiceLinkedRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kCreate);
  return out;
}

Result<pi::DeleteServiceLinkedRoleResult> IamHandlers::delete_service_linked_role(
    const pi::DeleteServiceLinkedRoleRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:DeleteServiceLinkedRole", role_target(ctx_.domain, account, r.role_name).arn); !a) {
    return a.error();
  }
  auto task = ctx_.domain.delete_service_linked_role(account, r.role_name);
  if (!task) return fail<pi::DeleteServiceLinkedRoleResult>(task.error());
  pi::DeleteServiceLinkedRoleResult out;
  out.deletion_task_id = *task;
  return out;
}

Result<pi::GetServiceLinkedRoleDeletionStatusResult> IamHandlers::get_service_linked_role_deletion_status(
    const pi::GetServiceLinkedRoleDeletionStatusRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  // The role the task names; [IMPL] "*" for a malformed task id, which the domain refuses.
  auto arn = ctx_.domain.deletion_task_role_arn(account, r.deletion_task_id);
  if (auto a = authorize("iam:GetServiceLinkedRoleDeletionStatus", arn ? *arn : std::string("*")); !a) {
    return a.error();
  }
  auto status = ctx_.domain.service_linked_role_deletion_status(account, r.deletion_task_id);
  if (!status) return fail<pi::GetServiceLinkedRoleDeletionStatusResult>(status.error());
  pi::GetServiceLinkedRoleDeletionStatusResult out;
  out.status = *status;
  return out;
}

}  // namespace iamd::api
