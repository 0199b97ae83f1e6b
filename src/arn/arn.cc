#include "arn/arn.h"

#include "common/wildcard.h"

namespace iamd::arn {

bool split6(std::string_view text, std::array<std::string_view, 6>& parts) {
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t pos = text.find(':', start);
    if (pos == std::string_view::npos) return false;
    parts[static_cast<std::size_t>(i)] = text.substr(start, pos - start);
    start = pos + 1;
  }
  parts[5] = text.substr(start);
  return true;
}

bool is_arn(std::string_view text) {
  std::array<std::string_view, 6> parts;
  return split6(text, parts) && parts[0] == "arn";
}

Arn::Arn(std::string partition, std::string service, std::string region, std::string account, std::string resource)
    : partition_(std::move(partition)),
      service_(std::move(service)),
      region_(std::move(region)),
      account_(std::move(account)),
      resource_(std::move(resource)) {}

common::Result<Arn> Arn::parse(std::string_view text) {
  std::array<std::string_view, 6> p;
  if (!split6(text, p) || p[0] != "arn" || p[1].empty() || p[2].empty() || p[5].empty()) {
    return common::Error{"ValidationError", std::string(text) + " is invalid", ""};
  }
  return Arn(std::string(p[1]), std::string(p[2]), std::string(p[3]), std::string(p[4]), std::string(p[5]));
}

namespace {

std::string join(std::string_view partition, std::string_view service, std::string_view region,
                 std::string_view account, std::string_view resource) {
  std::string s;
  s.reserve(8 + partition.size() + service.size() + region.size() + account.size() + resource.size());
  for (std::string_view part : {std::string_view("arn"), partition, service, region, account}) {
    s += part;
    s += ':';
  }
  s += resource;
  return s;
}

}  // namespace

std::string iam_arn(std::string_view partition, std::string_view account, std::string_view resource) {
  return join(partition, "iam", "", account, resource);
}

std::string sts_arn(std::string_view partition, std::string_view account, std::string_view resource) {
  return join(partition, "sts", "", account, resource);
}

namespace {

// "arn:<partition>:"
std::string partition_prefix(std::string_view partition) {
  std::string p = "arn:";
  p += partition;
  p += ':';
  return p;
}

}  // namespace

std::string in_partition(std::string_view arn, std::string_view from, std::string_view to) {
  const std::string prefix = partition_prefix(from);
  if (from == to || !arn.starts_with(prefix)) return std::string(arn);
  return partition_prefix(to) + std::string(arn.substr(prefix.size()));
}

std::string replace_partition(std::string_view text, std::string_view from, std::string_view to) {
  const std::string prefix = partition_prefix(from);
  if (from == to || text.find(prefix) == std::string_view::npos) return std::string(text);
  const std::string replacement = partition_prefix(to);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t at = 0;
  for (std::size_t hit = text.find(prefix); hit != std::string_view::npos;
       hit = text.find(prefix, hit + prefix.size())) {
    // Only an ARN's start: "learn:aws:" is no ARN.
    const char before = hit == 0 ? ' ' : text[hit - 1];
    if ((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9') ||
        before == '-' || before == '_') {
      continue;
    }
    out.append(text.substr(at, hit - at));
    out += replacement;
    at = hit + prefix.size();
  }
  out.append(text.substr(at));
  return out;
}

std::string Arn::to_string() const {
  return join(partition_, service_, region_, account_, resource_);
}

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool arn_like(const std::array<std::string, 6>& pattern, std::string_view value) {
  std::array<std::string_view, 6> parts;
  if (!split6(value, parts)) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (!common::glob_match(pattern[i], parts[i])) return false;
  }
  return true;
}

}  // namespace iamd::arn
