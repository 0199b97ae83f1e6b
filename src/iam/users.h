// The domain family of IAM users, their access keys and their inline and attached policies
// (service.cc): each function one step of a unit of work (iam/scope.h). Quotas: users per
// account (UsersPerAccount), 2 access keys per user and for the root user, 10 attached
// policies and 2,048 bytes of inline policy per user (identifiers.md §5), as applied.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Users {
 public:
  explicit Users(const DomainEnv& env) : env_(env) {}

  // Tags: keys case-insensitive, none given twice.
  Result<store::User> create_user(const Write& wr, std::string_view name, std::string_view path,
                                  std::string_view permissions_boundary, const store::Tags& tags);
  Result<store::User> get_user(const Read& rd, std::string_view name);
  Result<store::Page<store::User>> list_users(const Read& rd, const store::ListOptions& options);
  Result<void> delete_user(const Write& wr, std::string_view name);

  // `user_name` empty: the root user's keys.
  Result<NewAccessKey> create_access_key(const Write& wr, std::string_view user_name);
  Result<std::vector<store::AccessKey>> list_access_keys(const Read& rd, std::string_view user_name);
  Result<void> update_access_key(const Write& wr, std::string_view user_name, std::string_view key_id,
                                 store::AccessKeyStatus status);
  Result<void> delete_access_key(const Write& wr, std::string_view user_name, std::string_view key_id);
  // GetAccessKeyLastUsed: a key of the account, with its user (empty user: the root user's).
  struct KeyUsage {
    std::optional<store::User> user;
    std::optional<store::AccessKeyLastUsed> last_used;
  };
  Result<KeyUsage> access_key_usage(const Read& rd, std::string_view key_id);

  Result<void> put_user_policy(const Write& wr, std::string_view user_name, std::string_view policy_name,
                               std::string_view document);
  Result<store::InlinePolicy> get_user_policy(const Read& rd, std::string_view user_name, std::string_view policy_name);
  Result<void> delete_user_policy(const Write& wr, std::string_view user_name, std::string_view policy_name);
  Result<store::Page<store::InlinePolicy>> list_user_policies(const Read& rd, std::string_view user_name,
                                                              const store::ListOptions& options);

  Result<void> attach_user_policy(const Write& wr, std::string_view user_name, std::string_view arn);
  Result<void> detach_user_policy(const Write& wr, std::string_view user_name, std::string_view arn);
  Result<store::Page<store::AttachedPolicy>> list_attached_user_policies(const Read& rd, std::string_view user_name,
                                                                         const store::ListOptions& options);

 private:
  // CreateUser's UsersPerAccount check, inside its write transaction, without counting the
  // account's users every time (a count is linear in them: 0.1-0.3 ms on SQLite at 1,000-5,000
  // users, under the single writer). `created` goes up by one inside every CreateUser write
  // transaction before it commits; for an account, `bound` holds an exact user count taken
  // inside a write transaction and `created` at that moment, so the account has at most
  // count + (created now - created then) users (deletes only lower it). The users are counted
  // again only when that bound reaches the quota. Assumes this family is the only one
  // creating users in its store (one server process holds the store).
  struct UserCountBound {
    std::atomic<std::uint64_t> created{0};
    std::mutex mu;
    std::map<std::string, std::pair<std::int64_t, std::uint64_t>, std::less<>> bound;
  };
  Result<void> check_user_room(const Write& wr);

  const DomainEnv& env_;
  std::unique_ptr<UserCountBound> user_counts_ = std::make_unique<UserCountBound>();
};

}  // namespace iamd::iam
