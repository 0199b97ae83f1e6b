// The console's signed-in sessions and its brake on password guessing, kept in the store
// (issue 14) so that a restart keeps everyone signed in and every node of a deployment knows
// every session and counts every failed sign-in:
//
// - a session is a record of kind kConsoleSession whose id is the SHA-256 (hex) of the cookie
//   value, never the value itself (a copy of the database signs no one in); the switched
//   role's temporary credentials are sealed with the master keys (iam::DomainEnv::master_key),
//   bound to the record id; expiry is checked on every read, and expired records are deleted
//   by prune() (the server's hourly flusher);
// - reading a session on every console request is one cache probe (store::DerivedCache keyed
//   by the record's change key): a write through any node (switch role, sign-out) is seen at
//   the next request;
// - the failure counters are records of kind kConsoleThrottle (id: the SHA-256 of the
//   throttle's name and key: no email, user name or address in clear), read at each sign-in
//   and written at each failure in a write transaction, so two nodes brake as one.
// [IMPL] Both kinds live in the console's home account (the server's own account), which the
// store requires every record to have. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "api/gateway.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "iam/service.h"
#include "store/derived_cache.h"

namespace iamd::console {

// A role the console switched into (Switch role): AssumeRole's temporary credentials.
struct SwitchedRole {
  std::string account_id;
  std::string role_name;  // with its path, as typed
  std::string display_name;
  std::string arn;          // the role's ARN
  std::string session_arn;  // arn:aws:sts::<acct>:assumed-role/<name>/<session>
  std::string access_key_id;
  std::string session_token;
  common::Timestamp expires;
};

struct Session {
  std::string id;             // the cookie's value: 32 random bytes, hex
  std::string csrf;           // X-CSRF-Token: 32 random bytes, hex
  api::ConsolePrincipal who;  // the root user or IAM user signed in (no temporary credentials)
  std::string user_name;      // an IAM user's name; empty for the root user
  std::string arn;            // the signed-in principal's ARN
  std::string account_name;   // the root sign-in's account name; empty when unknown
  bool password_reset_required = false;
  common::Timestamp expires;
  std::optional<SwitchedRole> role;
};

// The store and keys the console keeps its records with, and the account they belong to.
class ConsoleStore {
 public:
  // `home_account` empty: the store's first account (read once).
  ConsoleStore(iam::IamDomain& domain, std::string home_account)
      : domain_(domain), home_account_(std::move(home_account)) {}
  iam::IamDomain& domain() const { return domain_; }
  // The account the records are kept in.
  common::Result<std::string> account();

 private:
  iam::IamDomain& domain_;
  std::mutex mu_;
  std::string home_account_;
};

class SessionTable {
 public:
  explicit SessionTable(ConsoleStore& store, std::size_t cache_capacity = 100000);

  // A new session for `s` (its id and CSRF token drawn from `random`), stored; returns it.
  common::Result<Session> create(Session s, common::Random& random, common::Timestamp now);
  // The live session with id `id`, as a copy; empty when there is none, it expired, or the
  // store does not answer.
  std::optional<Session> find(std::string_view id, common::Timestamp now);
  // Replaces the stored session of the same id (no-op when it ended meanwhile).
  common::Result<void> update(const Session& s);
  common::Result<void> erase(std::string_view id);
  // Deletes the expired sessions; returns how many.
  common::Result<std::size_t> prune(common::Timestamp now);
  // Sessions stored (live or not yet pruned).
  std::size_t size();
  // Store reads of sessions so far (cache misses): for tests.
  std::uint64_t reads() const { return cache_.builds(); }

 private:
  ConsoleStore& store_;
  store::DerivedCache<std::shared_ptr<const Session>> cache_;
};

// Failed sign-ins per key ("who|address" and "who"): [IMPL] the first `free_failures` failures
// cost nothing; after them each attempt must wait 2^(n - free) seconds (at most 15 minutes)
// since the last failure. A success clears the key. [IMPL] A key quiet for a day is forgotten
// (prune).
class Throttle {
 public:
  // `name` tells this throttle's records from another's (per address, per principal).
  Throttle(ConsoleStore& store, std::string name, int free_failures)
      : store_(store), name_(std::move(name)), free_(free_failures) {}
  // Seconds to wait before the next attempt for `key` (0: now). [IMPL] When the store does
  // not answer, 0: the sign-in's own store reads fail next.
  std::int64_t wait(std::string_view key, common::Timestamp now) const;
  common::Result<void> failed(std::string_view key, common::Timestamp now);
  common::Result<void> succeeded(std::string_view key);
  // Deletes the records of keys quiet for a day; returns how many.
  common::Result<std::size_t> prune(common::Timestamp now);

  static constexpr std::int64_t kMaxWait = 900;
  static constexpr std::int64_t kForgetAfter = 86400;

 private:
  std::string record_id(std::string_view key) const;
  ConsoleStore& store_;
  std::string name_;
  int free_;
};

}  // namespace iamd::console
