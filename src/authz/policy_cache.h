// Caches for the server: each policy version compiles once (CompiledPolicyCache), and each
// principal's policy sets are built once and reused until anything they depend on changes
// (PrincipalPolicyCache, invalidated by the store's generation number). Lookups take a
// shared lock briefly; the returned snapshots are immutable and evaluated without locks.
// Both are thread-safe and bounded (least recently inserted entries are dropped first).
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
#include "policy/compiled.h"

namespace iamd::authz {

// The policies of one principal (user with its groups, or role), ready to evaluate.
struct PrincipalPolicies {
  PolicySet identity;
  std::unique_ptr<PolicySet> boundary;  // null: no permissions boundary
  std::uint64_t generation = 0;         // the store generation it was built at
};

class PrincipalPolicyCache {
 public:
  explicit PrincipalPolicyCache(std::size_t capacity = 100000) : capacity_(capacity) {}

  // The cached entry when it was built at `generation`; otherwise builds it with `build`
  // (outside the lock), stores and returns it. `build` may fail: the error is returned and
  // nothing is cached.
  using Builder = std::function<common::Result<std::shared_ptr<const PrincipalPolicies>>()>;
  common::Result<std::shared_ptr<const PrincipalPolicies>> get(const std::string& principal_key,
                                                               std::uint64_t generation, const Builder& build);
  void clear();
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const PrincipalPolicies>> entries_;
  std::deque<std::string> order_;  // insertion order, for eviction
};

// Compiled policies by (identity, version): "arn:aws:iam::aws:policy/ReadOnlyAccess#v3",
// "user/AIDA...#inline/Name#<digest>". A policy version's text never changes, so entries
// never go stale; they are only evicted for space.
class CompiledPolicyCache {
 public:
  explicit CompiledPolicyCache(std::size_t capacity = 100000) : capacity_(capacity) {}
  using Compiler = std::function<common::Result<std::shared_ptr<const policy::CompiledPolicy>>()>;
  common::Result<std::shared_ptr<const policy::CompiledPolicy>> get(const std::string& key, const Compiler& compile);
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> entries_;
  std::deque<std::string> order_;
};

}  // namespace iamd::authz
