// Helpers shared by the domain service's source files (service.cc, groups.cc,
// policies.cc). Internal to the iam module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::iam::internal {

inline common::Error not_found(std::string message) {
  return common::Error{std::string(store::kNotFound), std::move(message), ""};
}
inline common::Error conflict(std::string message) {
  return common::Error{std::string(store::kConflict), std::move(message), ""};
}
inline common::Error limit_exceeded(std::string message) {
  return common::Error{std::string(kLimitExceeded), std::move(message), ""};
}
inline common::Error invalid_input(std::string message) {
  return common::Error{std::string(store::kInvalidInput), std::move(message), ""};
}

// Reads every page of a paginated store listing: `list(ListOptions)` returns a Page<T>.
template <class T, class F>
common::Result<std::vector<T>> all_pages(F&& list) {
  std::vector<T> out;
  store::ListOptions o;
  o.max_items = 1000;
  while (true) {
    auto page = list(o);
    if (!page) return page.error();
    for (auto& item : page->items) out.push_back(std::move(item));
    if (!page->is_truncated()) return out;
    o.marker = page->next_marker;
  }
}

}  // namespace iamd::iam::internal
