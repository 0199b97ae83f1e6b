// What the server caches for authorization: each policy document compiles once
// (CompiledPolicyCache), and each principal's compiled policy sets (PrincipalPolicies) are
// built once and reused until a record they were built from changes (cached by api::Access
// in a store::DerivedCache). Lookups take a shared lock briefly; the returned snapshots are
// immutable and evaluated without locks. Thread-safe and bounded (least recently inserted
// entries are dropped first).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "authz/policy_set.h"
#include "common/metrics.h"
#include "policy/compiled.h"

namespace iamd::authz {

// The policies of one principal (user with its groups, or role), ready to evaluate.
struct PrincipalPolicies {
  PolicySet identity;
  std::unique_ptr<PolicySet> boundary;  // null: no permissions boundary
};

// Compiled policies by a key that names the text itself, not only where it came from: the
// caller includes the document's digest (api/access.cc: "<source>#<sha256>"), so a policy
// deleted and created again under the same ARN and version id, or an inline policy
// replaced, can never find the old text. Entries never go stale; they are only evicted for
// space.
class CompiledPolicyCache {
 public:
  explicit CompiledPolicyCache(std::size_t capacity = 100000) : capacity_(capacity) {}
  using Compiler = std::function<common::Result<std::shared_ptr<const policy::CompiledPolicy>>()>;
  common::Result<std::shared_ptr<const policy::CompiledPolicy>> get(const std::string& key, const Compiler& compile);
  std::size_t size() const;
  // Lookups answered from the cache and compilations (misses), for the metrics.
  std::uint64_t hits() const { return hits_.value(); }
  std::uint64_t misses() const { return misses_.value(); }

 private:
  std::size_t capacity_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> entries_;
  std::deque<std::string> order_;
  common::metrics::Counter hits_;
  common::metrics::Counter misses_;
};

}  // namespace iamd::authz
