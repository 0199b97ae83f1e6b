// The AWS Regions a SigV4 credential scope may name for IAM and STS, and the partition of
// each: the one table of them (../shared/spec/api.md §1, §5.5; identifiers.md §1).
// Thread-safety: pure functions over constant data.
#pragma once

#include <span>
#include <string_view>

namespace iamd::sigv4 {

// The Regions iamd accepts, sorted: those of the `aws` partition, of `aws-cn` and of
// `aws-us-gov`. [AWS] AWS's list of Regions and their codes (AWS Region billing codes page,
// 2025): every commercial Region, opt-in ones included, the two China Regions and the two
// AWS GovCloud (US) Regions. A Region AWS adds later is refused until it is added here.
std::span<const std::string_view> aws_regions();

// Whether `region` is one of aws_regions() (exact, case-sensitive: AWS's codes are lowercase).
bool is_aws_region(std::string_view region);

// The partition of a Region of aws_regions(): "aws", "aws-cn" (cn-north-1, cn-northwest-1)
// or "aws-us-gov" (us-gov-east-1, us-gov-west-1); empty for any other string. Every ARN
// of a request signed for the Region is in this partition ([AWS] identifiers.md §1: an
// account, and so every ARN in it, belongs to one partition).
std::string_view partition_of_region(std::string_view region);

}  // namespace iamd::sigv4
