#include "sigv4/regions.h"

#include <algorithm>
#include <iterator>

namespace iamd::sigv4 {
namespace {

// Sorted, so that is_aws_region can search it.
constexpr std::string_view kRegions[] = {
    "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",   "ca-west-1",      "cn-north-1",
    "cn-northwest-1", "eu-central-1",   "eu-central-2",   "eu-north-1",     "eu-south-1",     "eu-south-2",
    "eu-west-1",      "eu-west-2",      "eu-west-3",      "il-central-1",   "me-central-1",   "me-south-1",
    "mx-central-1",   "sa-east-1",      "us-east-1",      "us-east-2",      "us-gov-east-1",  "us-gov-west-1",
    "us-west-1",      "us-west-2",
};

}  // namespace

std::span<const std::string_view> aws_regions() {
  return kRegions;
}

bool is_aws_region(std::string_view region) {
  return std::binary_search(std::begin(kRegions), std::end(kRegions), region);
}

std::string_view partition_of_region(std::string_view region) {
  if (!is_aws_region(region)) return {};
  // [AWS] The Region codes of the China and GovCloud partitions start with these prefixes.
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

}  // namespace iamd::sigv4
