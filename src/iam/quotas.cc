#include "iam/quotas.h"

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

}  // namespace iamd::iam
