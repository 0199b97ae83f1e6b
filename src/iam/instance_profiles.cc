// Instance profiles, role permissions boundaries and service-linked roles (the family
// iam::InstanceProfiles): each function one step of the caller's unit of work (iam/scope.h).
//
// Service-linked roles are plain data here: CreateServiceLinkedRole makes a role under
// /aws-service-role/<service>/ trusting the service, DeleteServiceLinkedRole deletes it at
// once and hands out a deletion task id that encodes the role, so the status of a task needs
// no record of its own.
#include <algorithm>
#include <utility>

#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "iam/internal.h"
#include "iam/service.h"
#include "iam/service_roles.h"

namespace iamd::iam {

namespace {

using internal::check_modifiable;
using internal::find_role;
using internal::invalid_input;
using internal::is_service_linked;
using internal::kServiceRolePath;
using internal::not_found;
using internal::page_of;
using internal::profiles_with_roles;
using internal::validate_tags;
using internal::with_roles;

using common::Error;

constexpr std::size_t kMaxRoleName = 64;
constexpr std::string_view kTaskPrefix = "task/aws-service-role/";

Error profile_not_found(std::string_view name) {
  return not_found("Instance Profile " + std::string(name) + " cannot be found.");
}

Result<store::InstanceProfile> find_profile(store::ReadTransaction& tx, std::string_view account_id,
                                            std::string_view name) {
  auto p = tx.get_instance_profile(account_id, name);
  if (!p && store::is_not_found(p.error())) return profile_not_found(name);
  return p;
}

// TagInstanceProfile / UntagInstanceProfile: `change` edits a copy of the profile's tags
// (internal::update_tags).
template <class Change>
Result<void> retag(const Write& wr, const Quotas& quotas, std::string_view name, Change&& change) {
  return internal::update_tags([&] { return find_profile(wr.tx, wr.account_id, name); }, change,
                               [&](const store::InstanceProfile& p) { return wr.tx.update_instance_profile(p); },
                               quotas.size_of(Quota::kTagsPerResource));
}

// The profile and the role an Add/RemoveRole call names, each NotFound in AWS's words.
Result<std::pair<store::InstanceProfile, store::Role>> profile_and_role(store::ReadTransaction& tx,
                                                                        std::string_view account_id,
                                                                        std::string_view profile_name,
                                                                        std::string_view role_name) {
  auto p = find_profile(tx, account_id, profile_name);
  if (!p) return p.error();
  auto role = find_role(tx, account_id, role_name);
  if (!role) return role.error();
  return std::pair{std::move(p).value(), std::move(role).value()};
}

std::string trust_policy_for(std::string_view service) {
  // The service is one of data/service-linked-roles.tsv ([a-z0-9.-]+), so it needs no escaping.
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":")" + std::string(service) +
         R"("},"Action":"sts:AssumeRole"}]})";
}

Error name_taken(std::string_view name) {
  // [OBS] AWS answers a second role of the same name with InvalidInput, not EntityAlreadyExists.
  return invalid_input("Service role name " + std::string(name) +
                       " has been taken in this account, please try a different suffix.");
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The service and role name a deletion task id names.
struct TaskRole {
  std::string service;
  std::string name;
};

Result<TaskRole> parse_task_id(std::string_view task_id) {
  // [IMPL] AWS's wording for a malformed task id is not documented.
  Error malformed = invalid_input("Invalid deletion task id: " + std::string(task_id));
  if (!task_id.starts_with(kTaskPrefix)) return malformed;
  std::vector<std::string_view> parts = common::split(task_id.substr(kTaskPrefix.size()), '/');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || !is_uuid(parts[2])) return malformed;
  return TaskRole{std::string(parts[0]), std::string(parts[1])};
}

}  // namespace

std::string IamDomain::instance_profile_arn(const store::InstanceProfile& p) const {
  return arn::iam_arn(env_.partition, p.account_id, "instance-profile" + p.path + p.name);
}

Result<ProfileWithRoles> InstanceProfiles::create_instance_profile(const Write& wr, std::string_view name,
                                                                   std::string_view path, const store::Tags& tags) {
  if (auto r = validate_tags(tags); !r) return r.error();
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id, {Quota::kInstanceProfilesPerAccount});
      !q) {
    return q.error();
  }
  store::InstanceProfile p;
  p.account_id = std::string(wr.account_id);
  p.name = std::string(name);
  p.path = path.empty() ? "/" : std::string(path);
  p.id = common::make_unique_id("AIPA", *env_.random);
  p.create_date = env_.clock->now();
  p.tags = tags;
  if (auto r = wr.tx.create_instance_profile(p); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "Instance Profile " + p.name + " already exists.", ""};
    }
    return r.error();
  }
  return ProfileWithRoles{std::move(p), {}};
}

Result<ProfileWithRoles> InstanceProfiles::get_instance_profile(const Read& rd, std::string_view name) {
  auto p = find_profile(rd.tx, rd.account_id, name);
  if (!p) return p.error();
  return with_roles(rd.tx, std::move(p).value());
}

Result<store::Page<ProfileWithRoles>> InstanceProfiles::list_instance_profiles(const Read& rd,
                                                                               const store::ListOptions& options) {
  auto page = rd.tx.list_instance_profiles(rd.account_id, options);
  if (!page) return page.error();
  auto items = profiles_with_roles(rd.tx, std::move(page->items));
  if (!items) return items.error();
  return store::Page<ProfileWithRoles>{std::move(items).value(), page->next_marker};
}

Result<void> InstanceProfiles::delete_instance_profile(const Write& wr, std::string_view name) {
  auto p = find_profile(wr.tx, wr.account_id, name);
  if (!p) return p.error();
  if (!p->role_ids.empty()) {
    return internal::conflict("Cannot delete entity, must remove roles from instance profile first.");
  }
  if (auto r = wr.tx.delete_instance_profile(p->id); !r) return r;
  return {};
}

Result<void> InstanceProfiles::add_role_to_instance_profile(const Write& wr, std::string_view profile_name,
                                                            std::string_view role_name) {
  auto pr = profile_and_role(wr.tx, wr.account_id, profile_name, role_name);
  if (!pr) return pr.error();
  auto& [p, role] = *pr;
  // [UNCERTAIN] AWS lists UnmodifiableEntity for this operation: the protected roles.
  if (auto m = check_modifiable(role); !m) return m;
  // [OBS] Adding the role a profile holds already is LimitExceeded too, not EntityAlreadyExists.
  if (auto q = env_.quotas.check_room(Quota::kRolesPerInstanceProfile, p.role_ids.size()); !q) return q;
  if (auto r = wr.tx.add_role_to_instance_profile(p.id, role.id); !r) return r;
  return {};
}

Result<void> InstanceProfiles::remove_role_from_instance_profile(const Write& wr, std::string_view profile_name,
                                                                 std::string_view role_name) {
  auto pr = profile_and_role(wr.tx, wr.account_id, profile_name, role_name);
  if (!pr) return pr.error();
  auto& [p, role] = *pr;
  if (std::find(p.role_ids.begin(), p.role_ids.end(), role.id) == p.role_ids.end()) {
    // Recorded: role_instance_profile_operations_errors / remove-unattached-role-error.
    return not_found("Role " + role.name + " in Instance Profile " + p.name + " cannot be found.");
  }
  if (auto r = wr.tx.remove_role_from_instance_profile(p.id, role.id); !r) return r;
  return {};
}

Result<store::Page<ProfileWithRoles>> InstanceProfiles::list_instance_profiles_for_role(
    const Read& rd, std::string_view role_name, const store::ListOptions& options) {
  auto role = find_role(rd.tx, rd.account_id, role_name);
  if (!role) return role.error();
  auto profiles = rd.tx.list_instance_profiles_for_role(role->id);
  if (!profiles) return profiles.error();
  auto items = profiles_with_roles(rd.tx, std::move(profiles).value());
  if (!items) return items.error();
  return page_of(std::move(items).value(), options);
}

Result<void> InstanceProfiles::tag_instance_profile(const Write& wr, std::string_view name, const store::Tags& tags) {
  if (auto r = validate_tags(tags); !r) return r;
  return retag(wr, env_.quotas, name, [&](store::Tags& t) { internal::merge_tags(t, tags); });
}

Result<void> InstanceProfiles::untag_instance_profile(const Write& wr, std::string_view name,
                                                      const std::vector<std::string>& keys) {
  return retag(wr, env_.quotas, name, [&](store::Tags& t) { internal::remove_tags(t, keys); });
}

Result<store::Page<store::Tag>> InstanceProfiles::list_instance_profile_tags(const Read& rd, std::string_view name,
                                                                             const store::ListOptions& options) {
  auto p = find_profile(rd.tx, rd.account_id, name);
  if (!p) return p.error();
  return page_of(p->tags, options);
}

// ---- Role permissions boundaries ----

Result<void> InstanceProfiles::put_role_permissions_boundary(const Write& wr, std::string_view role_name,
                                                             std::string_view arn) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  // As PutUserPermissionsBoundary: a customer managed policy of the account or an AWS managed one.
  if (auto p = internal::boundary_policy(env_, wr.tx, wr.account_id, arn); !p) return p.error();
  store::Role updated = *role;
  updated.permissions_boundary = std::string(arn);
  if (updated == *role) return {};
  if (auto r = wr.tx.update_role(updated); !r) return r;
  return {};
}

Result<void> InstanceProfiles::delete_role_permissions_boundary(const Write& wr, std::string_view role_name) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  // [UNCERTAIN] As DeleteUserPermissionsBoundary: removing no boundary succeeds.
  if (role->permissions_boundary.empty()) return {};
  store::Role updated = *role;
  updated.permissions_boundary.clear();
  if (auto r = wr.tx.update_role(updated); !r) return r;
  return {};
}

// ---- Service-linked roles ----

Result<InstanceProfiles::ServiceLinkedRoleName> InstanceProfiles::service_linked_role_name(
    std::string_view service, std::string_view suffix) const {
  // Only the services of data/service-linked-roles.tsv have service-linked roles here: AWS
  // creates one only for a service that defines it, and iamd knows a service's role name,
  // suffix rule and policy only from that table. [UNCERTAIN] AWS's code and wording for a
  // service without service-linked roles are not recorded (its API reference lists
  // InvalidInput for "an invalid or out-of-range value"); InvalidInput "Invalid service
  // name: <name>", the answer iamd gave before for a name that is no service principal.
  const ServiceRole* known = find_service_role(service);
  if (known == nullptr) return invalid_input("Invalid service name: " + std::string(service));
  std::string name(known->role_name);
  if (!suffix.empty()) {
    // [OBS] aws-recorded-errors.md service_role_lifecycle_custom_suffix_not_allowed rows.
    if (!known->custom_suffix) return invalid_input("Custom suffix is not allowed for " + std::string(service));
    name += "_" + std::string(suffix);
  }
  if (name.size() > kMaxRoleName) {
    // [IMPL] The role name must still fit RoleName's 64 characters.
    return invalid_input("The role name " + name + " is longer than " + std::to_string(kMaxRoleName) +
                         " characters; use a shorter suffix.");
  }
  return ServiceLinkedRoleName{std::move(name), std::string(kServiceRolePath) + std::string(service) + "/",
                               known->policy_name};
}

Result<store::Role> InstanceProfiles::create_service_linked_role(const Write& wr, std::string_view service,
                                                                 std::string_view description,
                                                                 std::string_view suffix) {
  auto slr = service_linked_role_name(service, suffix);
  if (!slr) return slr.error();
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id, {Quota::kRolesPerAccount}); !q) {
    return q.error();
  }
  store::Role role;
  role.account_id = std::string(wr.account_id);
  role.name = slr->name;
  role.path = slr->path;
  role.trust_policy = trust_policy_for(service);
  // [IMPL] No service-defined default description.
  role.description = std::string(description);
  role.id = common::make_unique_id("AROA", *env_.random);
  role.create_date = env_.clock->now();
  if (auto r = wr.tx.create_role(role); !r) {
    if (store::is_already_exists(r.error())) return name_taken(role.name);
    return r.error();
  }
  // [AWS] The role gets its service's managed policy (arn:aws:iam::aws:policy/aws-service-role/
  // <name>), listed by ListAttachedRolePolicies; DeleteServiceLinkedRole detaches it.
  const std::string policy_arn = arn::iam_arn(
      env_.partition, "aws", "policy" + std::string(kServiceRolePolicyPath) + std::string(slr->policy_name));
  auto policy = internal::attachable_policy(env_, wr.tx, wr.account_id, policy_arn);
  if (!policy) return policy.error();
  if (auto r = wr.tx.attach_policy(store::EntityKind::kRole, role.id, policy_arn); !r) return r.error();
  return role;
}

Result<std::string> InstanceProfiles::delete_service_linked_role(const Write& wr, std::string_view role_name) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (!is_service_linked(*role)) {
    // [UNCERTAIN] AWS's wording for a role that is not service-linked.
    return invalid_input("Role " + role->name + " is not a service-linked role.");
  }
  // The role's policies and profile memberships go with it, as AWS removes a service's
  // policies on deletion (the ordinary operations cannot add any).
  auto inline_policies = internal::all_pages<store::InlinePolicy>(
      [&](const store::ListOptions& lo) { return wr.tx.list_inline_policies(store::EntityKind::kRole, role->id, lo); });
  if (!inline_policies) return inline_policies.error();
  for (const store::InlinePolicy& p : *inline_policies) {
    if (auto r = wr.tx.delete_inline_policy(store::EntityKind::kRole, role->id, p.name); !r) return r.error();
  }
  auto attached = internal::all_pages<store::AttachedPolicy>([&](const store::ListOptions& lo) {
    return wr.tx.list_attached_policies(store::EntityKind::kRole, role->id, lo);
  });
  if (!attached) return attached.error();
  for (const store::AttachedPolicy& a : *attached) {
    if (auto r = wr.tx.detach_policy(store::EntityKind::kRole, role->id, a.arn); !r) return r.error();
  }
  auto profiles = wr.tx.list_instance_profiles_for_role(role->id);
  if (!profiles) return profiles.error();
  for (const store::InstanceProfile& p : *profiles) {
    if (auto r = wr.tx.remove_role_from_instance_profile(p.id, role->id); !r) return r.error();
  }
  if (auto r = wr.tx.delete_role(role->id); !r) return r.error();
  // "task" + "/aws-service-role/<service>/" + name + "/" + uuid.
  return "task" + role->path + role->name + "/" + common::make_uuid(*env_.random);
}

Result<std::string> IamDomain::deletion_task_role_arn(std::string_view account_id, std::string_view task_id) const {
  auto task = parse_task_id(task_id);
  if (!task) return task.error();
  store::Role role;
  role.account_id = std::string(account_id);
  role.name = task->name;
  role.path = std::string(kServiceRolePath) + task->service + "/";
  return role_arn(role);
}

Result<std::string> InstanceProfiles::service_linked_role_deletion_status(const Read& rd, std::string_view task_id) {
  auto task = parse_task_id(task_id);
  if (!task) return task.error();
  auto role = rd.tx.get_role(rd.account_id, task->name);
  if (role) {
    // [IMPL] Deletion is immediate, so a task whose role still exists was not issued here
    // (or the role was created again since).
    return not_found("Deletion task " + std::string(task_id) + " cannot be found.");
  }
  if (!store::is_not_found(role.error())) return role.error();
  return std::string("SUCCEEDED");
}

}  // namespace iamd::iam
