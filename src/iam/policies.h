// The domain family of customer managed policies, their versions and tags, and read access to
// AWS managed ones (policies.cc): each function one step of a unit of work (iam/scope.h).
// AWS managed policies come from the catalogue; the store holds a record of one only once it
// is attached somewhere (internal::attachable_policy), and that record supplies its counts.
// ListPolicies pages over the store's customer managed policies and then over the catalogue
// sorted by ARN (local ARNs sort first), so nothing is copied at start-up. Quotas
// (identifiers.md §5): 6,144 characters per document, 5 versions per policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Policies {
 public:
  explicit Policies(const DomainEnv& env) : env_(env) {}

  Result<store::ManagedPolicy> create_policy(const Write& wr, std::string_view name, std::string_view path,
                                             std::string_view description, std::string_view document,
                                             const store::Tags& tags);
  // A customer managed policy of the account or an AWS managed policy.
  Result<store::ManagedPolicy> get_policy(const Read& rd, std::string_view arn);
  Result<store::Page<store::ManagedPolicy>> list_policies(const Read& rd, const store::PolicyListOptions& options);
  // PolicyUsageFilter=PermissionsBoundary: the policies some user or role of the account has
  // as its permissions boundary (scope and path prefix apply), by ARN, with their counts.
  Result<store::Page<store::ManagedPolicy>> list_boundary_policies(const Read& rd,
                                                                   const store::PolicyListOptions& options);
  Result<void> delete_policy(const Write& wr, std::string_view arn);
  Result<store::PolicyVersion> create_policy_version(const Write& wr, std::string_view arn, std::string_view document,
                                                     bool set_as_default);
  Result<store::PolicyVersion> get_policy_version(const Read& rd, std::string_view arn, std::string_view version_id);
  // Newest first; documents included (the API edge leaves them out).
  Result<store::Page<store::PolicyVersion>> list_policy_versions(const Read& rd, std::string_view arn,
                                                                 const store::ListOptions& options);
  Result<void> set_default_policy_version(const Write& wr, std::string_view arn, std::string_view version_id);
  Result<void> delete_policy_version(const Write& wr, std::string_view arn, std::string_view version_id);
  Result<store::Page<store::EntityRef>> list_entities_for_policy(const Read& rd, std::string_view arn,
                                                                 std::optional<store::EntityKind> kind,
                                                                 const store::ListOptions& options);
  // ListEntitiesForPolicy with PolicyUsageFilter=PermissionsBoundary: the roles, then the
  // users, whose permissions boundary is the policy (path prefix and kind apply), by name.
  Result<store::Page<store::EntityRef>> list_boundary_entities(const Read& rd, std::string_view arn,
                                                               std::optional<store::EntityKind> kind,
                                                               const store::ListOptions& options);
  // Tag keys of policies are case-sensitive (identifiers.md §4); a key given again replaces.
  Result<void> tag_policy(const Write& wr, std::string_view arn, const store::Tags& tags);
  Result<void> untag_policy(const Write& wr, std::string_view arn, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_policy_tags(const Read& rd, std::string_view arn,
                                                   const store::ListOptions& options);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam
