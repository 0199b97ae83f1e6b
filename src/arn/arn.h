// ARN value type: arn:<partition>:<service>:<region>:<account>:<resource>.
// Parsing splits at the first five colons; the resource part keeps any further colons.
// Thread-safety: value type.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::arn {

enum class Segment { kPrefix = 0, kPartition, kService, kRegion, kAccount, kResource };

// The six parts of an ARN-shaped string, as views into it. Returns false when the text
// has fewer than five colons (then it is not ARN-shaped and never matches an ARN pattern).
bool split6(std::string_view text, std::array<std::string_view, 6>& parts);

class Arn {
 public:
  // Strict parse: prefix "arn", non-empty partition and service. Region and account may be
  // empty (IAM ARNs have no region; S3 bucket ARNs have neither).
  static common::Result<Arn> parse(std::string_view text);
  Arn(std::string partition, std::string service, std::string region, std::string account, std::string resource);

  const std::string& partition() const { return partition_; }
  const std::string& service() const { return service_; }
  const std::string& region() const { return region_; }
  const std::string& account() const { return account_; }
  const std::string& resource() const { return resource_; }
  std::string to_string() const;
  friend bool operator==(const Arn&, const Arn&) = default;

 private:
  std::string partition_, service_, region_, account_, resource_;
};

// The one place ARNs of IAM and STS are spelled: "arn:<partition>:iam::<account>:<resource>"
// and "arn:<partition>:sts::<account>:<resource>" (no region). `resource` is what follows the
// account, e.g. "user" + path + name, "root", "policy/...". With an empty `resource` the
// result is the prefix every ARN of that account and service starts with.
std::string iam_arn(std::string_view partition, std::string_view account, std::string_view resource);
std::string sts_arn(std::string_view partition, std::string_view account, std::string_view resource);

// Partitions (identifiers.md §1). The server keeps every ARN it stores in one partition (its
// configured one, "aws") and shows each request the ARNs of the partition of its Region
// (sigv4/regions.h): these two convert between them.
// `arn` with its partition `from` replaced by `to` ("arn:aws:iam::1:user/a" ->
// "arn:aws-cn:iam::1:user/a"); any other text (another partition, not an ARN) unchanged.
std::string in_partition(std::string_view arn, std::string_view from, std::string_view to);
// `text` with every "arn:<from>:" replaced by "arn:<to>:" (ARNs inside a larger text).
std::string replace_partition(std::string_view text, std::string_view from, std::string_view to);

// True when `text` is ARN-shaped: "arn:" and at least five colons (split6). What it names is
// for Arn::parse and the callers to check.
bool is_arn(std::string_view text);

// True for a 12-digit account id.
bool is_account_id(std::string_view s);

// Segment-wise glob match (Resource and ArnLike): each of the six parts of `value` must
// glob-match the corresponding encoded pattern part (see common/wildcard.h).
bool arn_like(const std::array<std::string, 6>& encoded_pattern_parts, std::string_view value);

}  // namespace iamd::arn
