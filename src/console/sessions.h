// The console's signed-in sessions and its brake on password guessing. Both live in the
// memory of one server: [IMPL] a restart signs everyone out, and with several servers behind
// one address a session works on the server that made it only (issue 14 moves them to the
// store). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/gateway.h"
#include "common/random.h"
#include "common/time.h"

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

class SessionTable {
 public:
  // At most `capacity` sessions; the oldest expiring are dropped first when full.
  explicit SessionTable(std::size_t capacity = 100000) : capacity_(capacity) {}

  // A new session for `s` (its id and CSRF token drawn from `random`); returns its copy.
  Session create(Session s, common::Random& random, common::Timestamp now);
  // The live session with id `id`, as a copy; empty when there is none or it expired.
  std::optional<Session> find(std::string_view id, common::Timestamp now) const;
  // Replaces the stored session of the same id (no-op when it ended meanwhile).
  void update(const Session& s);
  void erase(std::string_view id);
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
};

// Failed sign-ins per key ("who|address" and "who"): [IMPL] the first `free_failures` failures
// cost nothing; after them each attempt must wait 2^(n - free) seconds (at most 15 minutes)
// since the last failure. A success clears the key.
class Throttle {
 public:
  explicit Throttle(int free_failures) : free_(free_failures) {}
  // Seconds to wait before the next attempt for `key` (0: now).
  std::int64_t wait(std::string_view key, common::Timestamp now) const;
  void failed(std::string_view key, common::Timestamp now);
  void succeeded(std::string_view key);

 private:
  struct Entry {
    int failures = 0;
    common::Timestamp last;
  };
  static constexpr std::int64_t kMaxWait = 900;
  static constexpr std::size_t kCapacity = 100000;
  int free_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace iamd::console
