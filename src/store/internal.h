// Helpers shared by the backends; not part of the store's interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.h"

namespace iamd::store::internal {

inline Error make_error(std::string_view code, std::string message) {
  return Error{std::string(code), std::move(message), ""};
}
inline Error not_found(std::string message) {
  return make_error(kNotFound, std::move(message));
}
inline Error already_exists(std::string message) {
  return make_error(kAlreadyExists, std::move(message));
}
inline Error conflict(std::string message) {
  return make_error(kConflict, std::move(message));
}

inline std::string_view kind_name(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "user";
    case EntityKind::kGroup:
      return "group";
    case EntityKind::kRole:
      return "role";
  }
  return "entity";
}

// Sort key prefix of list_entities_for_policy: groups, then roles, then users.
inline char kind_sort_letter(EntityKind kind) {
  switch (kind) {
    case EntityKind::kGroup:
      return 'G';
    case EntityKind::kRole:
      return 'R';
    case EntityKind::kUser:
      return 'U';
  }
  return 'U';
}

inline bool path_has_prefix(std::string_view path, std::string_view prefix) {
  return path.substr(0, prefix.size()) == prefix;
}

// The change key of writes to a user's, group's or role's policies (inline, attachments).
inline Topic policies_topic(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return Topic::kUserPolicies;
    case EntityKind::kGroup:
      return Topic::kGroupPolicies;
    case EntityKind::kRole:
      break;
  }
  return Topic::kRolePolicies;
}
// N of a policy version id "vN" (N >= 1); 0 for any other id.
inline std::int64_t version_number(std::string_view version_id) {
  if (version_id.size() < 2 || version_id.size() > 12 || version_id[0] != 'v') return 0;
  std::int64_t n = 0;
  for (char c : version_id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Timestamps are stored as nanoseconds since the epoch in one 64-bit integer (good until
// 2262), by both SQL backends.
inline std::int64_t to_nanos(Timestamp t) {
  return t.seconds * 1'000'000'000 + t.nanos;
}
inline Timestamp from_nanos(std::int64_t nanos) {
  std::int64_t seconds = nanos / 1'000'000'000;
  std::int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  return Timestamp{seconds, static_cast<std::int32_t>(rest)};
}

// The page size actually used: AWS's MaxItems is 1..1000, a zero means one.
inline std::size_t page_size(const ListOptions& options) {
  return options.max_items == 0 ? 1 : options.max_items;
}

}  // namespace iamd::store::internal
