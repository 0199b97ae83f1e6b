// A bounded cache of SigV4 signing keys keyed by (secret, date, region, service), so repeated
// requests skip the four derivation HMACs (1.85 µs of a 2.5 µs verification, see
// ../shared/bench/results.md). A key changes only when the day or the secret changes.
//
// Entries live in 16 shards, each a hash map behind its own mutex and capped at
// capacity/16 entries (at least one); a full shard drops an arbitrary entry before inserting.
// Keys hold the secret in memory as the credential store does; nothing is logged.
// Thread-safety: every member function may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "sigv4/crypto.h"

namespace iamd::sigv4 {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 4096);
  ~SigningKeyCache();
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for the scope, derived on a miss and then kept.
  Digest get(std::string_view secret, std::string_view date, std::string_view region, std::string_view service);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard;
  std::size_t capacity_;
  std::size_t per_shard_;
  std::array<std::unique_ptr<Shard>, kShards> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace iamd::sigv4
