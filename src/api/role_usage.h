// RoleLastUsed bookkeeping for role sessions (AssumeRole, AssumeRoleWithWebIdentity,
// AssumeRoleWithSAML): when and in which Region each role was last assumed, written outside
// the request's transaction so that assuming a role is a read.
//
// [AWS] GetRole's RoleLastUsed is "the date and time and the Region in which the role was
// last used" (API reference, RoleLastUsed), and AWS reports such activity late ("Recent
// activity usually appears within four hours", GenerateServiceLastAccessedDetails). [IMPL] iamd writes a role's use at
// once when it was not written within the last `interval` seconds or its Region changed, so the first assumption of a
// role (and every change of Region) is in GetRole as soon as the call is answered. Further uses in the same Region
// within the interval are kept in memory (the newest per role) and written by flush(), which the server runs every
// interval and when it stops. So the stored LastUsedDate is at most `interval` older than the true last use, and only
// that advance (never a Region, never a role's first use) is what a crash can lose.
//
// Each write is one store transaction of its own (Transaction::record_role_use: no
// generation bump, caches stay warm). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "common/time.h"
#include "store/store.h"

namespace iamd::api {

// One successful role assumption, as a handler reports it to the gateway.
struct RoleUse {
  std::string role_id;
  common::Timestamp when;
  std::string region;
};

class RoleUsage {
 public:
  static constexpr std::int64_t kDefaultInterval = 60;  // seconds

  explicit RoleUsage(store::Store& store, std::int64_t interval_seconds = kDefaultInterval)
      : store_(store), interval_(interval_seconds) {}
  RoleUsage(const RoleUsage&) = delete;
  RoleUsage& operator=(const RoleUsage&) = delete;

  // A successful assumption. Writes it now (its own write transaction: call it with no
  // transaction of the store open on this thread) or keeps it for flush(). A failed write
  // stays pending for flush().
  void note(const RoleUse& use);

  // Writes every pending use in one transaction; the number written (a role deleted
  // meanwhile is skipped). On a failed commit they stay pending.
  common::Result<std::size_t> flush();

  std::size_t pending() const;

 private:
  struct Entry {
    common::Timestamp written;                 // the use last written (or being written)
    std::string region;                        // its Region
    std::optional<common::Timestamp> pending;  // a newer use in that Region, not written yet
  };
  common::Result<void> write(const RoleUse& use);

  store::Store& store_;
  const std::int64_t interval_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> roles_;  // by role id
};

}  // namespace iamd::api
