#include "sigv4/key_cache.h"

#include <openssl/crypto.h>

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace iamd::sigv4 {

struct SigningKeyCache::Shard {
  mutable std::mutex mu;
  std::unordered_map<std::string, Digest> keys;

  ~Shard() {
    for (auto& [k, v] : keys) OPENSSL_cleanse(v.data(), v.size());
  }
};

namespace {

// Length-prefixed fields, so no two different scopes share a key whatever bytes they hold.
void append_field(std::string& key, std::string_view field) {
  auto n = static_cast<std::uint32_t>(field.size());
  for (int i = 0; i < 4; ++i) key.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  key.append(field);
}

}  // namespace

SigningKeyCache::SigningKeyCache(std::size_t capacity)
    : capacity_(capacity), per_shard_(capacity / kShards > 0 ? capacity / kShards : 1) {
  for (auto& s : shards_) s = std::make_unique<Shard>();
}

SigningKeyCache::~SigningKeyCache() = default;

Digest SigningKeyCache::get(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service) {
  // One reusable key buffer per thread: a hit allocates nothing once it has grown.
  thread_local std::string key;
  key.clear();
  append_field(key, secret);
  append_field(key, date);
  append_field(key, region);
  append_field(key, service);
  std::size_t h = std::hash<std::string>{}(key);
  Shard& shard = *shards_[h % kShards];
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.keys.find(key);
    if (it != shard.keys.end()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      Digest out = it->second;
      OPENSSL_cleanse(key.data(), key.size());
      return out;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  Digest derived = derive_signing_key(secret, date, region, service);
  {
    std::lock_guard lock(shard.mu);
    if (shard.keys.size() >= per_shard_ && shard.keys.find(key) == shard.keys.end()) {
      auto victim = shard.keys.begin();
      OPENSSL_cleanse(victim->second.data(), victim->second.size());
      shard.keys.erase(victim);
    }
    shard.keys.insert_or_assign(key, derived);
  }
  OPENSSL_cleanse(key.data(), key.size());
  return derived;
}

std::size_t SigningKeyCache::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->keys.size();
  }
  return n;
}

}  // namespace iamd::sigv4
