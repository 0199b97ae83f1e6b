// The domain family of instance profiles, role permissions boundaries and service-linked roles
// (instance_profiles.cc): each function one step of a unit of work (iam/scope.h). Instance
// profiles (at most one role each, 1,000 per account, 50 tags with case-sensitive keys), role
// permissions boundaries, and service-linked roles kept as plain data: a role under
// /aws-service-role/<service>/ that only these operations create and delete.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class InstanceProfiles {
 public:
  explicit InstanceProfiles(const DomainEnv& env) : env_(env) {}

  // Profiles come with the records of their roles (ProfileWithRoles): the InstanceProfile
  // shape carries full roles.
  Result<ProfileWithRoles> create_instance_profile(const Write& wr, std::string_view name, std::string_view path,
                                                   const store::Tags& tags);
  Result<ProfileWithRoles> get_instance_profile(const Read& rd, std::string_view name);
  Result<store::Page<ProfileWithRoles>> list_instance_profiles(const Read& rd, const store::ListOptions& options);
  Result<void> delete_instance_profile(const Write& wr, std::string_view name);
  Result<void> add_role_to_instance_profile(const Write& wr, std::string_view profile_name, std::string_view role_name);
  Result<void> remove_role_from_instance_profile(const Write& wr, std::string_view profile_name,
                                                 std::string_view role_name);
  Result<store::Page<ProfileWithRoles>> list_instance_profiles_for_role(const Read& rd, std::string_view role_name,
                                                                        const store::ListOptions& options);
  Result<void> tag_instance_profile(const Write& wr, std::string_view name, const store::Tags& tags);
  Result<void> untag_instance_profile(const Write& wr, std::string_view name, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_instance_profile_tags(const Read& rd, std::string_view name,
                                                             const store::ListOptions& options);
  Result<void> put_role_permissions_boundary(const Write& wr, std::string_view role_name, std::string_view arn);
  Result<void> delete_role_permissions_boundary(const Write& wr, std::string_view role_name);
  // The role name and path AWS gives the service-linked role of `service` (a service of
  // iam/service_roles.h) and the name of the AWS managed policy it gets; InvalidInput for a
  // service not in the table and for a CustomSuffix the service does not accept.
  struct ServiceLinkedRoleName {
    std::string name;
    std::string path;
    std::string_view policy_name;  // under /aws-service-role/
  };
  Result<ServiceLinkedRoleName> service_linked_role_name(std::string_view service, std::string_view suffix) const;
  Result<store::Role> create_service_linked_role(const Write& wr, std::string_view service,
                                                 std::string_view description, std::string_view suffix);
  // Deletes the role at once; returns the deletion task id
  // "task/aws-service-role/<service>/<RoleName>/<uuid>".
  Result<std::string> delete_service_linked_role(const Write& wr, std::string_view role_name);
  // SUCCEEDED for a task whose role is gone (deletion is immediate here); NotFound when the
  // role it names still exists (not a task this server issued).
  Result<std::string> service_linked_role_deletion_status(const Read& rd, std::string_view task_id);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam
