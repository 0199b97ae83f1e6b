// The services CreateServiceLinkedRole knows (data/service-linked-roles.tsv, embedded in the
// binary): for each service principal, the role name AWS gives its service-linked role,
// whether a CustomSuffix is accepted, and the AWS managed policy the role gets.
// Thread-safety: the table is read once, on first use, and is immutable afterwards.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::iam {

struct ServiceRole {
  std::string_view service;      // "autoscaling.amazonaws.com"
  std::string_view role_name;    // "AWSServiceRoleForAutoScaling"
  bool custom_suffix = false;    // whether CustomSuffix is accepted
  std::string_view policy_name;  // "AutoScalingServiceRolePolicy", under /aws-service-role/
};

// The path of the AWS managed policies of service-linked roles.
inline constexpr std::string_view kServiceRolePolicyPath = "/aws-service-role/";

// Parses a table in the format of data/service-linked-roles.tsv (views into `text`), sorted
// by service; an Error names the first malformed line. For tests.
common::Result<std::vector<ServiceRole>> parse_service_roles(std::string_view text);

// The embedded table, sorted by service (parsed on first use).
std::span<const ServiceRole> service_roles();

// The entry for a service principal (exact match), or nullptr.
const ServiceRole* find_service_role(std::string_view service);

}  // namespace iamd::iam
