// The AWS managed policy catalogue (data/aws-managed-policies.json: 1,485 policies as AWS
// publishes them), embedded in the binary and loaded once. Immutable after load; the
// builtin() instance is safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace iamd::iam {

struct AwsManagedPolicy {
  std::string name;
  std::string path;                // "/" or "/service-role/" ...
  std::string arn;                 // arn:<partition>:iam::aws:policy<path><name>
  std::string policy_id;           // ANPA + 17 base32 characters derived from the ARN (stable)
  std::string default_version_id;  // "v1", "v2", ...
  std::string create_date;         // ISO 8601 as published
  std::string update_date;
  std::string document;  // the default version's document, compact JSON in the published key order
  long long permissions_boundary_usage_count = 0;
};

class ManagedCatalog {
 public:
  // Parses the catalogue JSON; ARNs use `partition`.
  static common::Result<ManagedCatalog> load(std::string_view json, std::string_view partition = "aws");
  // The catalogue embedded at build time, for the "aws" partition.
  static const ManagedCatalog& builtin();

  const std::vector<AwsManagedPolicy>& all() const { return policies_; }
  const AwsManagedPolicy* find_by_arn(std::string_view arn) const;
  const AwsManagedPolicy* find_by_name(std::string_view name) const;

 private:
  std::vector<AwsManagedPolicy> policies_;
  std::unordered_map<std::string, std::size_t> by_arn_;
  std::unordered_map<std::string, std::size_t> by_name_;
};

// The policy id AWS-style for an ARN: "ANPA" + 17 base32 characters of SHA-256(arn).
std::string stable_policy_id(std::string_view arn);

}  // namespace iamd::iam
