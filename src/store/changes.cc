#include "store/changes.h"

#include <algorithm>
#include <mutex>

namespace iamd::store {

std::string change_key(Topic topic, std::string_view id) {
  std::string key;
  key.reserve(id.size() + 2);
  key += static_cast<char>(topic);
  key += ':';
  key += id;
  return key;
}

ChangeLog::ChangeLog(std::size_t capacity) : shard_capacity_(std::max<std::size_t>(1, capacity / kShards)) {}

void ChangeLog::publish(std::uint64_t generation, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    Shard& shard = shards_[Hash{}(key) % kShards];
    std::unique_lock lock(shard.mu);
    if (shard.at.size() >= shard_capacity_ && !shard.at.contains(key)) {
      // Forget the shard: every key of it now reads as changed at this generation.
      shard.at.clear();
      shard.floor = generation;
    }
    shard.at.insert_or_assign(key, generation);
  }
}

std::uint64_t ChangeLog::last_change(std::string_view key) const {
  const Shard& shard = shards_[Hash{}(key) % kShards];
  std::shared_lock lock(shard.mu);
  auto it = shard.at.find(key);
  return it == shard.at.end() ? shard.floor : std::max(it->second, shard.floor);
}

void ChangeLog::forget_all(std::uint64_t generation) {
  for (Shard& shard : shards_) {
    std::unique_lock lock(shard.mu);
    shard.at.clear();
    shard.floor = std::max(shard.floor, generation);
  }
}

std::size_t ChangeLog::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mu);
    n += shard.at.size();
  }
  return n;
}

}  // namespace iamd::store
