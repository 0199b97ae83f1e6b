// Helpers shared by the handler source files (handlers.cc, handlers_groups.cc,
// handlers_policies.cc). Internal to the api module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/errors.h"
#include "common/result.h"
#include "store/store.h"

namespace iamd::api::internal {

// A domain failure as the operation's AWS error.
template <class T>
common::Result<T> fail(const common::Error& e) {
  return to_aws_error(e);
}

// Pagination parameters of a List* request (MaxItems defaults to 100, as in AWS).
inline store::ListOptions list_options(const std::optional<std::string>& prefix,
                                       const std::optional<std::string>& marker,
                                       const std::optional<std::int64_t>& max_items) {
  store::ListOptions o;
  if (prefix) o.path_prefix = *prefix;
  if (marker) o.marker = *marker;
  o.max_items = max_items ? static_cast<std::size_t>(*max_items) : 100;
  return o;
}

}  // namespace iamd::api::internal
