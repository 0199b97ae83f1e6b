// The domain family of IAM roles: trust policies, inline and attached policies, tags
// (roles.cc): each function one step of a unit of work (iam/scope.h). Trust policies are
// validated as PolicyKind::kTrust, and their IAM user and role principals must exist when
// saved. Quotas (identifiers.md §5): 10 managed policies and 10,240 bytes of inline policy per
// role, 50 tags; role tag keys are case-insensitive.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Roles {
 public:
  explicit Roles(const DomainEnv& env) : env_(env) {}

  // From `spec`: name, path, trust_policy, description, max_session_duration,
  // permissions_boundary and tags; the account is the scope's, the id and create date are
  // made here.
  Result<store::Role> create_role(const Write& wr, const store::Role& spec);
  Result<store::Role> get_role(const Read& rd, std::string_view name);
  Result<store::Page<store::Role>> list_roles(const Read& rd, const store::ListOptions& options);
  Result<void> delete_role(const Write& wr, std::string_view name);
  // Empty optionals keep the current value; returns the role as updated.
  Result<store::Role> update_role(const Write& wr, std::string_view name, const std::optional<std::string>& description,
                                  std::optional<int> max_session_duration);
  Result<void> update_assume_role_policy(const Write& wr, std::string_view name, std::string_view document);
  Result<void> put_role_policy(const Write& wr, std::string_view role_name, std::string_view policy_name,
                               std::string_view document);
  Result<store::InlinePolicy> get_role_policy(const Read& rd, std::string_view role_name, std::string_view policy_name);
  Result<void> delete_role_policy(const Write& wr, std::string_view role_name, std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_role_policies(const Read& rd, std::string_view role_name,
                                                              const store::ListOptions& options);
  Result<void> attach_role_policy(const Write& wr, std::string_view role_name, std::string_view arn);
  Result<void> detach_role_policy(const Write& wr, std::string_view role_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_role_policies(const Read& rd, std::string_view role_name,
                                                                         const store::ListOptions& options);
  // A key given again (in any case) replaces the tag.
  Result<void> tag_role(const Write& wr, std::string_view role_name, const store::Tags& tags);
  Result<void> untag_role(const Write& wr, std::string_view role_name, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_role_tags(const Read& rd, std::string_view role_name,
                                                 const store::ListOptions& options);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam
