// Invalidation facts: which records each committed write transaction changed, so that caches
// of values derived from the store (a user's compiled policy sets, a resolved access key)
// drop only what depends on a change and keep everything else warm.
//
// Every write method of a Transaction names the record it changes by a change key (one per
// write, see change_key() below for which). On commit a backend publishes the keys of the
// transaction into its ChangeLog under the transaction's new generation, *before* it
// publishes that generation: whoever reads generation() == g and then asks last_change()
// sees every change committed at or before g.
//
// A DerivedCache entry (store/derived_cache.h) remembers the generation read before its build began (its read
// snapshot is that generation or newer) and the keys of the records it was built from. It
// is fresh while none of those keys changed after that generation. The check is done only
// when the generation moved since the entry was last found fresh: between writes a lookup is
// one hash probe. A build that races with a write is never taken for fresh: the write's keys
// carry a generation newer than the one the build started at, so the next lookup rebuilds.
//
// The log is bounded: when a shard overflows it forgets its keys and raises its floor to the
// generation being published, which makes every entry built before it stale once (safe, and
// rare). Several servers over one database (store/postgres/postgres_store.h): the keys are
// also written to a `changes` table in the same write transaction, under the database's
// generation; each node applies that table's rows above the last generation it applied to its
// own ChangeLog before it advances its generation(), on NOTIFY and before each request
// (Store::sync). A node that may have missed rows (its listener reconnected, or the table was
// pruned past its position) calls forget_all(): missing a notification costs warmth, never
// freshness.
//
// Thread-safety: ChangeLog is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace iamd::store {

// What a change key names. Records and relations are kept apart where different caches
// depend on them: a resolved access key depends on its user's record (name, path, tags),
// the user's policy set on the user's record (boundary) and on its policy relations.
enum class Topic : char {
  kAccount = 'a',          // account record, alias, password policy
  kUser = 'u',             // user record: name, path, boundary, tags, password last used
  kUserPolicies = 'U',     // a user's inline policies, attachments and group memberships
  kAccessKey = 'k',        // access key record (status, secret)
  kLoginProfile = 'l',     // login profile, by user id
  kGroup = 'g',            // group record
  kGroupPolicies = 'G',    // a group's inline policies and attachments
  kRole = 'r',             // role record: trust policy, boundary, tags, ...
  kRolePolicies = 'R',     // a role's inline policies and attachments
  kPolicy = 'p',           // managed policy record (default version, tags) and its versions, by ARN
  kInstanceProfile = 'i',  // instance profile record and its role
  kResource = 'x',         // records of the lesser kinds, by "<kind>:<id>"
};

// "<topic letter>:<id>".
std::string change_key(Topic topic, std::string_view id);

// The change log of one store: for each key, the generation of its newest committed change.
class ChangeLog {
 public:
  explicit ChangeLog(std::size_t capacity = 1 << 16);
  // Called by the committing writer (one at a time), before generation `generation` is
  // published.
  void publish(std::uint64_t generation, const std::vector<std::string>& keys);
  // The generation of the newest remembered change to `key`; the shard's floor when the key
  // is not remembered (0 until a shard first overflows).
  std::uint64_t last_change(std::string_view key) const;
  // Forgets every key: each now reads as changed at `generation` (so every cache entry
  // built before it is stale once). For a node that cannot know what it missed.
  void forget_all(std::uint64_t generation);
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> at;
    std::uint64_t floor = 0;
  };
  const std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace iamd::store
