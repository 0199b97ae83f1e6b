// The instance profile operations, role permissions boundaries and service-linked roles.
// The pipeline (api/pipeline.h) has resolved and authorized each one in the transaction these
// run in: instance profile operations against the profile's ARN
// (arn:<p>:iam::<acct>:instance-profile/<path><Name>, evaluation.md §6; "/" as the path when
// the profile does not exist, so a denial never reveals whether it exists), with
// aws:RequestTag/aws:TagKeys where tags are passed; ListInstanceProfiles against
// instance-profile/ + the path prefix; ListInstanceProfilesForRole, the role boundaries and
// DeleteServiceLinkedRole against the role's ARN. CreateServiceLinkedRole and
// GetServiceLinkedRoleDeletionStatus authorize here, against the role they name.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;
using internal::RoleView;
using internal::to_wire;

using Profile = iam::ProfileWithRoles;

// The request's tags as the store keeps them (the pipeline set their condition keys).
store::Tags store_tags(const std::vector<pi::Tag>& tags) {
  store::Tags out;
  for (const pi::Tag& t : tags) out.push_back(store::Tag{t.key, t.value});
  return out;
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
    w.tags = internal::wire_tags(p.profile.tags);
  }
  return w;
}

}  // namespace internal

Result<pi::CreateInstanceProfileResult> IamHandlers::create_instance_profile(
    const pi::CreateInstanceProfileRequest& r) {
  auto p = instance_profiles().create_instance_profile(pipe_.write(), r.instance_profile_name, r.path.value_or("/"),
                                                       store_tags(r.tags));
  if (!p) return p.error();
  pi::CreateInstanceProfileResult out;
  out.instance_profile = to_wire(ctx_.domain, *p, true);
  return out;
}

Result<pi::GetInstanceProfileResult> IamHandlers::get_instance_profile(const pi::GetInstanceProfileRequest& r) {
  auto p = instance_profiles().get_instance_profile(pipe_.read(), r.instance_profile_name);
  if (!p) return p.error();
  pi::GetInstanceProfileResult out;
  out.instance_profile = to_wire(ctx_.domain, *p, true);
  // Tags is a `handler` member (models/empty_lists.txt): GetInstanceProfile sends it empty too.
  if (!out.instance_profile->tags) out.instance_profile->tags.emplace();
  return out;
}

Result<pi::ListInstanceProfilesResult> IamHandlers::list_instance_profiles(const pi::ListInstanceProfilesRequest& r) {
  auto page = instance_profiles().list_instance_profiles(
      pipe_.read(), list_options(r.path_prefix.value_or("/"), r.marker, r.max_items));
  if (!page) return page.error();
  return page_result<pi::ListInstanceProfilesResult>(ctx_.domain, *page);
}

Result<void> IamHandlers::delete_instance_profile(const pi::DeleteInstanceProfileRequest& r) {
  return instance_profiles().delete_instance_profile(pipe_.write(), r.instance_profile_name);
}

Result<void> IamHandlers::add_role_to_instance_profile(const pi::AddRoleToInstanceProfileRequest& r) {
  return instance_profiles().add_role_to_instance_profile(pipe_.write(), r.instance_profile_name, r.role_name);
}

Result<void> IamHandlers::remove_role_from_instance_profile(const pi::RemoveRoleFromInstanceProfileRequest& r) {
  return instance_profiles().remove_role_from_instance_profile(pipe_.write(), r.instance_profile_name, r.role_name);
}

Result<pi::ListInstanceProfilesForRoleResult> IamHandlers::list_instance_profiles_for_role(
    const pi::ListInstanceProfilesForRoleRequest& r) {
  auto page = instance_profiles().list_instance_profiles_for_role(pipe_.read(), r.role_name,
                                                                  list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return page_result<pi::ListInstanceProfilesForRoleResult>(ctx_.domain, *page);
}

Result<void> IamHandlers::tag_instance_profile(const pi::TagInstanceProfileRequest& r) {
  return instance_profiles().tag_instance_profile(pipe_.write(), r.instance_profile_name, store_tags(r.tags));
}

Result<void> IamHandlers::untag_instance_profile(const pi::UntagInstanceProfileRequest& r) {
  return instance_profiles().untag_instance_profile(pipe_.write(), r.instance_profile_name, r.tag_keys);
}

Result<pi::ListInstanceProfileTagsResult> IamHandlers::list_instance_profile_tags(
    const pi::ListInstanceProfileTagsRequest& r) {
  auto page = instance_profiles().list_instance_profile_tags(pipe_.read(), r.instance_profile_name,
                                                             list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListInstanceProfileTagsResult::tags, [&](const store::Tag& t) {
    return pi::Tag{t.key, t.value};
  });
}

Result<void> IamHandlers::put_role_permissions_boundary(const pi::PutRolePermissionsBoundaryRequest& r) {
  return instance_profiles().put_role_permissions_boundary(pipe_.write(), r.role_name, r.permissions_boundary);
}

Result<void> IamHandlers::delete_role_permissions_boundary(const pi::DeleteRolePermissionsBoundaryRequest& r) {
  return instance_profiles().delete_role_permissions_boundary(pipe_.write(), r.role_name);
}

Result<pi::CreateServiceLinkedRoleResult> IamHandlers::create_service_linked_role(
    const pi::CreateServiceLinkedRoleRequest& r) {
  const std::string suffix = r.custom_suffix.value_or("");
  store::Role unsaved;
  unsaved.account_id = ctx_.caller.account_id;
  // [IMPL] An invalid service name is authorized against role/aws-service-role/<name>/ and
  // then refused by the domain.
  unsaved.path = "/aws-service-role/" + r.aws_service_name + "/";
  if (auto slr = instance_profiles().service_linked_role_name(r.aws_service_name, suffix)) {
    unsaved.name = slr->name;
    unsaved.path = slr->path;
  }
  condition::Context extra;
  extra.set("iam:AWSServiceName", r.aws_service_name);
  if (auto a = pipe_.authorize("iam:CreateServiceLinkedRole", ctx_.domain.role_arn(unsaved), &extra); !a) {
    return a.error();
  }
  auto role = instance_profiles().create_service_linked_role(pipe_.write(), r.aws_service_name,
                                                             r.description.value_or(""), suffix);
  if (!role) return role.error();
  pi::CreateServiceLinkedRoleResult out;
  out.role = to_wire(ctx_.domain, *role, RoleView::kCreate);
  return out;
}

Result<pi::DeleteServiceLinkedRoleResult> IamHandlers::delete_service_linked_role(
    const pi::DeleteServiceLinkedRoleRequest& r) {
  auto task = instance_profiles().delete_service_linked_role(pipe_.write(), r.role_name);
  if (!task) return task.error();
  pi::DeleteServiceLinkedRoleResult out;
  out.deletion_task_id = *task;
  return out;
}

Result<pi::GetServiceLinkedRoleDeletionStatusResult> IamHandlers::get_service_linked_role_deletion_status(
    const pi::GetServiceLinkedRoleDeletionStatusRequest& r) {
  // The role the task names; [IMPL] "*" for a malformed task id, which the domain refuses.
  auto arn = ctx_.domain.deletion_task_role_arn(ctx_.caller.account_id, r.deletion_task_id);
  if (auto a = pipe_.authorize("iam:GetServiceLinkedRoleDeletionStatus", arn ? *arn : std::string("*")); !a) {
    return a.error();
  }
  auto status = instance_profiles().service_linked_role_deletion_status(pipe_.read(), r.deletion_task_id);
  if (!status) return status.error();
  pi::GetServiceLinkedRoleDeletionStatusResult out;
  out.status = *status;
  return out;
}

}  // namespace iamd::api
