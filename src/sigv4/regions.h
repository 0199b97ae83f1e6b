// The AWS Regions a SigV4 credential scope may name for IAM and STS: the one table of them
// (../shared/spec/api.md §1, §5.5).
// Thread-safety: pure functions over constant data.
#pragma once

#include <span>
#include <string_view>

namespace iamd::sigv4 {

// The Regions of the `aws` partition, the partition iamd serves, sorted. [AWS] AWS's list
// of Regions and their codes (AWS Region billing codes page, 2025): every commercial Region,
// opt-in ones included. A Region AWS adds later is refused until it is added here.
std::span<const std::string_view> aws_regions();

// Whether `region` is one of aws_regions() (exact, case-sensitive: AWS's codes are lowercase).
bool is_aws_region(std::string_view region);

}  // namespace iamd::sigv4
