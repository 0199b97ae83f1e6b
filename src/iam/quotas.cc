#include "iam/quotas.h"

#include <charconv>
#include <string>

namespace iamd::iam {

common::Error Quotas::exceeded(Quota q) const {
  const std::string value = std::to_string((*this)[q]);
  switch (q) {
    case Quota::kTagsPerResource:
      return common::Error{"LimitExceeded", "The number of tags has reached the maximum limit.", ""};
    case Quota::kVersionsPerPolicy:
      return common::Error{"LimitExceeded",
                           "A managed policy can have up to " + value +
                               " versions. Before you create a new version, you must delete an existing version.",
                           ""};
    case Quota::kThumbprintsPerOidcProvider:
      // [OBS] InvalidInput, and "fewer than 5" of a list of 5 allowed, as AWS words it.
      return common::Error{"InvalidInput", "Thumbprint list must contain fewer than " + value + " entries.", ""};
    default:
      break;
  }
  const QuotaInfo& info = quota_info(q);
  // [IMPL] the inline policy sizes have their own message, naming the entity (see the
  // callers); this generic form is never AWS's answer for them.
  return common::Error{"LimitExceeded", "Cannot exceed quota for " + std::string(info.name) + ": " + value, ""};
}

common::Error Quotas::inline_size_exceeded(Quota q, std::string_view entity_name) const {
  const std::string_view kind = q == Quota::kUserPolicySize ? "user" : q == Quota::kGroupPolicySize ? "group" : "role";
  return common::Error{"LimitExceeded",
                       "Maximum policy size of " + std::to_string((*this)[q]) + " bytes exceeded for " +
                           std::string(kind) + " " + std::string(entity_name),
                       ""};
}

common::Result<void> Quotas::check_room(Quota q, std::size_t count) const {
  if (static_cast<std::int64_t>(count) >= (*this)[q]) return exceeded(q);
  return {};
}

common::Result<void> Quotas::apply(std::string_view setting) {
  const std::size_t eq = setting.find('=');
  const std::string_view name = setting.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? std::string_view() : setting.substr(eq + 1);
  const QuotaInfo* found = nullptr;
  for (const QuotaInfo& q : kQuotaTable) {
    if (!name.empty() && (q.summary_key == name || q.name == name)) found = &q;
  }
  if (found == nullptr) {
    std::string known;
    for (const QuotaInfo& q : kQuotaTable) {
      if (q.summary_key.empty()) continue;
      if (!known.empty()) known += ", ";
      known += q.summary_key;
    }
    return common::Error{"InvalidConfiguration",
                         "unknown quota '" + std::string(name) + "' in '" + std::string(setting) +
                             "' (NAME=VALUE; names: " + known + ", or AWS's quota names)",
                         ""};
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < 1 || v > 1'000'000'000) {
    return common::Error{
        "InvalidConfiguration",
        "quota " + std::string(name) + " must be a whole number from 1 to 1000000000, got '" + std::string(value) + "'",
        ""};
  }
  set(found->id, v);
  return {};
}

}  // namespace iamd::iam
