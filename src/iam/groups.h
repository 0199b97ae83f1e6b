// IAM groups (groups.cc): create, rename, delete, membership, and the group's inline and
// attached policies, each function one step of a unit of work (iam/scope.h). Quotas: 300
// groups per account, 10 groups per user, 10 attached policies per group, 5,120 bytes of
// inline policy per group.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Groups {
 public:
  explicit Groups(const DomainEnv& env) : env_(env) {}

  Result<store::Group> create_group(const Write& wr, std::string_view name, std::string_view path);
  Result<store::Group> get_group(const Read& rd, std::string_view name);
  // The group and one page of its members (GetGroup).
  struct GroupMembers {
    store::Group group;
    store::Page<store::User> users;
  };
  Result<GroupMembers> get_group_members(const Read& rd, std::string_view name, const store::ListOptions& options);
  Result<store::Page<store::Group>> list_groups(const Read& rd, const store::ListOptions& options);
  // Empty optionals keep the current name or path.
  Result<void> update_group(const Write& wr, std::string_view name, const std::optional<std::string>& new_name,
                            const std::optional<std::string>& new_path);
  Result<void> delete_group(const Write& wr, std::string_view name);
  // Adding a member again is a no-op, as in AWS.
  Result<void> add_user_to_group(const Write& wr, std::string_view group_name, std::string_view user_name);
  Result<void> remove_user_from_group(const Write& wr, std::string_view group_name, std::string_view user_name);
  Result<store::Page<store::Group>> list_groups_for_user(const Read& rd, std::string_view user_name,
                                                         const store::ListOptions& options);
  Result<void> put_group_policy(const Write& wr, std::string_view group_name, std::string_view policy_name,
                                std::string_view document);
  Result<store::InlinePolicy> get_group_policy(const Read& rd, std::string_view group_name,
                                               std::string_view policy_name);
  Result<void> delete_group_policy(const Write& wr, std::string_view group_name, std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_group_policies(const Read& rd, std::string_view group_name,
                                                               const store::ListOptions& options);
  Result<void> attach_group_policy(const Write& wr, std::string_view group_name, std::string_view arn);
  Result<void> detach_group_policy(const Write& wr, std::string_view group_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_group_policies(const Read& rd, std::string_view group_name,
                                                                          const store::ListOptions& options);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam
