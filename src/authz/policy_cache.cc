#include "authz/policy_cache.h"

namespace iamd::authz {

namespace {

template <class Map>
void insert_bounded(Map& entries, std::deque<std::string>& order, std::size_t capacity, const std::string& key,
                    typename Map::mapped_type value) {
  auto [it, inserted] = entries.insert_or_assign(key, std::move(value));
  if (inserted) order.push_back(key);
  while (entries.size() > capacity && !order.empty()) {
    entries.erase(order.front());
    order.pop_front();
  }
}

}  // namespace

common::Result<std::shared_ptr<const policy::CompiledPolicy>> CompiledPolicyCache::get(const std::string& key,
                                                                                       const Compiler& compile) {
  {
    std::shared_lock lock(mu_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      hits_.add();
      return it->second;
    }
  }
  misses_.add();
  auto compiled = compile();
  if (!compiled) return compiled;
  std::unique_lock lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  insert_bounded(entries_, order_, capacity_, key, *compiled);
  return compiled;
}

std::size_t CompiledPolicyCache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace iamd::authz
