// A bounded cache of values derived from the store (a user's compiled policy sets, a
// resolved access key), each valid until a record it was built from changes: the consumer
// side of the invalidation facts of store/changes.h.
//
// An entry keeps the generation read before its build began and the change keys of the
// records the build read. A lookup at the generation the entry was last found fresh at is one
// hash probe under a shared lock; after any write it checks the entry's keys against the
// store's change log once (a few more probes) and, when none changed after the build began,
// marks the entry fresh at the new generation. A build racing with a write that touches its
// records is rebuilt at the next lookup: the write's keys carry a newer generation than the
// build's.
//
// Thread-safe. Values are copied out on every hit: use a shared_ptr or a small value.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "common/result.h"
#include "store/store.h"

namespace iamd::store {

template <class V>
class DerivedCache {
 public:
  struct Built {
    V value;
    std::vector<std::string> depends_on;  // change keys (change_key()) of every record read
  };
  using Builder = std::function<common::Result<Built>()>;

  DerivedCache(const Store& store, std::size_t capacity) : store_(store), capacity_(capacity) {}

  // The cached value when still fresh; otherwise builds it (outside the lock), caches and
  // returns it. A failed build is returned and caches nothing.
  common::Result<V> get(const std::string& key, const Builder& build) {
    const std::uint64_t generation = store_.generation();
    {
      std::shared_lock lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end() && fresh(*it->second, generation)) {
        hits_.add();
        return it->second->value;
      }
    }
    builds_.fetch_add(1, std::memory_order_relaxed);
    // `generation` was read before the build's snapshot began: the snapshot is at least as new.
    auto built = build();
    if (!built) return built.error();
    auto entry = std::make_shared<Entry>();
    entry->value = built->value;
    entry->depends_on = std::move(built->depends_on);
    entry->built_at = generation;
    entry->fresh_at.store(generation, std::memory_order_relaxed);
    std::unique_lock lock(mu_);
    auto [it, inserted] = entries_.try_emplace(key, entry);
    if (inserted) {
      order_.push_back(key);
      while (entries_.size() > capacity_ && !order_.empty()) {
        entries_.erase(order_.front());
        order_.pop_front();
      }
    } else if (it->second->built_at <= generation) {
      it->second = std::move(entry);  // keep the newer of a racing build and ours
    }
    return std::move(built->value);
  }

  // Drops every entry.
  void clear() {
    std::unique_lock lock(mu_);
    entries_.clear();
    order_.clear();
  }
  std::size_t size() const {
    std::shared_lock lock(mu_);
    return entries_.size();
  }
  // Builds so far (misses and stale entries): for tests and diagnostics.
  std::uint64_t builds() const { return builds_.load(std::memory_order_relaxed); }
  // Lookups answered from the cache (the misses are builds()): for the metrics.
  std::uint64_t hits() const { return hits_.value(); }

 private:
  struct Entry {
    V value;
    std::vector<std::string> depends_on;
    std::uint64_t built_at = 0;                   // generation read before the build began
    mutable std::atomic<std::uint64_t> fresh_at;  // newest generation it was found fresh at
  };

  bool fresh(const Entry& e, std::uint64_t generation) const {
    const std::uint64_t at = e.fresh_at.load(std::memory_order_relaxed);
    if (at >= generation) return true;  // fresh at a newer generation is fresh at an older one
    for (const std::string& key : e.depends_on) {
      if (store_.last_change(key) > e.built_at) return false;
    }
    // Nothing it depends on changed up to `generation` (the log was read after it).
    std::uint64_t expected = at;
    while (expected < generation &&
           !e.fresh_at.compare_exchange_weak(expected, generation, std::memory_order_relaxed)) {
    }
    return true;
  }

  const Store& store_;
  const std::size_t capacity_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::deque<std::string> order_;  // insertion order, for eviction
  std::atomic<std::uint64_t> builds_{0};
  common::metrics::Counter hits_;  // striped: every hit counts, from every thread
};

}  // namespace iamd::store
