// The persistence layer in domain terms (OPA's storage interface, LevelDB's Env): a Store
// hands out transactions; a ReadTransaction sees one consistent snapshot; a Transaction adds
// the writes. Every write operation of the API is exactly one Transaction, so a failed call
// leaves nothing half-written.
//
// Contracts shared by every backend (proven by tests/store/store_conformance_test.cc):
// * Each write method is atomic on its own: when it returns an error, the transaction is as
//   it was before the call, and the caller may carry on or roll back.
// * Nothing is visible to other transactions before commit(); rollback() and the destructor
//   of an unfinished transaction discard everything it wrote.
// * Names of users, groups, roles, instance profiles and managed policies are unique per
//   account case-insensitively (ASCII); lookups by name ignore case, records keep theirs.
// * Referential integrity is kept by the store: a relation to a missing record is NotFound;
//   deleting a record that others still refer to is Conflict (a user with access keys, a
//   login profile, groups, attached or inline policies, or resources it owns; a group with members or policies;
//   a role with policies or instance profiles; an instance profile with a role; a managed
//   policy that is attached anywhere). Versions of a deleted policy go with it.
// * generation() increases by one with every committed transaction that wrote something;
//   a rolled-back or read-only transaction leaves it alone. Each write names the record it
//   changes by a change key (store/changes.h); last_change(key) is the generation of the
//   newest committed write to it, published before that generation is: caches of values
//   derived from records (store/derived_cache.h) drop only entries whose records changed.
// * Lists are sorted by a stable key (name case-folded, ARN for policies), and paginated:
//   `next_marker` is an opaque string, empty when the list is complete; passing it back as
//   ListOptions::marker continues after the last item returned. A marker that the store did
//   not produce is InvalidInput.
//
// Ownership and threads: a Store is thread-safe. A transaction belongs to the caller
// (unique_ptr), must not outlive its Store, and is used by one thread at a time (it may be
// handed between threads). Several read transactions run at once with at most one write
// transaction; begin_write() waits while another write transaction is open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/changes.h"
#include "store/records.h"

namespace iamd::store {

using common::Error;
using common::Result;

// Error codes of the store (Error::code). The API layer maps them to AWS codes
// (NoSuchEntity, EntityAlreadyExists, DeleteConflict, ...) in its one table.
inline constexpr std::string_view kNotFound = "NotFound";
inline constexpr std::string_view kAlreadyExists = "AlreadyExists";
inline constexpr std::string_view kConflict = "Conflict";
inline constexpr std::string_view kInvalidInput = "InvalidInput";      // AWS's InvalidInput: bad input
inline constexpr std::string_view kUnavailable = "Unavailable";        // the database is locked or busy
inline constexpr std::string_view kStorageFailure = "StorageFailure";  // I/O error, corruption, bad schema

inline bool is_not_found(const Error& e) {
  return e.code == kNotFound;
}
inline bool is_already_exists(const Error& e) {
  return e.code == kAlreadyExists;
}
inline bool is_conflict(const Error& e) {
  return e.code == kConflict;
}

struct ListOptions {
  // Only records whose path starts with this (case-sensitive). Used by the lists of users,
  // groups, roles, instance profiles and policies, by list_attached_policies (the policy's
  // path) and list_entities_for_policy (the entity's path); ignored by the others.
  std::string path_prefix = "/";
  std::string marker;           // empty: from the start
  std::size_t max_items = 100;  // at least 1
  // Whether the records' tags are read too (lists of users, users in a group, roles). False
  // for answers that do not show them (ListUsers, GetGroup's members, ListRoles): a backend
  // may then leave them empty, sparing a query per page.
  bool with_tags = true;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::string next_marker;  // empty when there is nothing more
  bool is_truncated() const { return !next_marker.empty(); }
};

enum class PolicyScope { kAll, kAws, kLocal };

// A search of the audit trail (list_audit_events): every filter that is set must match.
// Newest first (time, then event id, descending); paginated as the lists are.
struct AuditQuery {
  std::optional<std::string> account_id;
  std::optional<std::string> principal_arn;  // exact
  std::optional<std::string> event_source;   // exact ("iam.amazonaws.com")
  std::optional<std::string> event_name;     // exact ("CreateUser")
  std::optional<std::string> resource_arn;   // exact
  std::optional<Timestamp> since;            // time >= since
  std::optional<Timestamp> until;            // time < until
  std::optional<AuditOutcome> outcome;
  std::string marker;           // empty: from the newest
  std::size_t max_items = 100;  // at least 1
};

struct PolicyListOptions {
  ListOptions list;
  PolicyScope scope = PolicyScope::kAll;
  // Only policies attached to at least one user, group or role of the account.
  bool only_attached = false;
};

// Reads over one consistent snapshot. Missing records are NotFound errors.
class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;
  ReadTransaction() = default;
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

  virtual Result<Account> get_account(std::string_view account_id) = 0;
  virtual Result<Account> get_account_by_alias(std::string_view alias) = 0;
  virtual Result<AccountSummary> get_account_summary(std::string_view account_id) = 0;
  // Every account of the store, by id (`iamd export`; the other ListOptions fields are
  // ignored). With the per-account lists below this reaches every record: each user, group,
  // role, instance profile, key and resource belongs to an account; AWS managed policy
  // records are those list_policies(any account, PolicyScope::kAws) returns.
  virtual Result<Page<Account>> list_accounts(const ListOptions& options) = 0;

  virtual Result<User> get_user(std::string_view account_id, std::string_view name) = 0;
  virtual Result<User> get_user_by_id(std::string_view user_id) = 0;
  virtual Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) = 0;

  virtual Result<AccessKey> get_access_key(std::string_view access_key_id) = 0;
  // The keys of a user, or of the account's root user when user_id is empty; by id.
  virtual Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) = 0;

  virtual Result<LoginProfile> get_login_profile(std::string_view user_id) = 0;

  virtual Result<Group> get_group(std::string_view account_id, std::string_view name) = 0;
  virtual Result<Group> get_group_by_id(std::string_view group_id) = 0;
  virtual Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) = 0;
  virtual Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) = 0;
  virtual Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) = 0;

  virtual Result<Role> get_role(std::string_view account_id, std::string_view name) = 0;
  virtual Result<Role> get_role_by_id(std::string_view role_id) = 0;
  virtual Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) = 0;

  virtual Result<ManagedPolicy> get_policy(std::string_view arn) = 0;
  // Customer managed policies of the account and/or AWS managed policies, by ARN.
  virtual Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) = 0;
  virtual Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) = 0;
  // All versions of the policy (at most a handful), oldest first.
  virtual Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) = 0;

  // Managed policies attached to a user, group or role, by ARN.
  virtual Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                              const ListOptions& options) = 0;
  // The entities of one account a managed policy is attached to: groups, then roles, then
  // users, each by name. `kind` restricts to one kind.
  virtual Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                           std::optional<EntityKind> kind,
                                                           const ListOptions& options) = 0;

  virtual Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                                 std::string_view policy_name) = 0;
  // Inline policies of a user, group or role, with their documents, by name.
  virtual Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                          const ListOptions& options) = 0;

  virtual Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) = 0;
  virtual Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                               const ListOptions& options) = 0;
  virtual Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) = 0;

  // Records of the lesser kinds (records.h, Resource).
  virtual Result<Resource> get_resource(ResourceKind kind, std::string_view id) = 0;
  virtual Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                                std::string_view name) = 0;
  // The account's records of one kind by name (case-folded), filtered by path prefix; with
  // `owner_id`, only those belonging to that user.
  virtual Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                                std::optional<std::string_view> owner_id,
                                                const ListOptions& options) = 0;

  // The audit trail, newest first (AuditQuery). A marker the store did not produce is
  // invalid_marker().
  virtual Result<Page<AuditEvent>> list_audit_events(const AuditQuery& query) = 0;

  // Finishes the transaction; nothing more may be called on it. Idempotent.
  virtual void rollback() = 0;
};

// A read-write transaction. Creates fail with AlreadyExists (same id, or same name in the
// account case-insensitively), updates and deletes of missing records with NotFound.
class Transaction : public ReadTransaction {
 public:
  virtual Result<void> create_account(const Account& account) = 0;
  // Replaces alias and password policy.
  virtual Result<void> update_account(const Account& account) = 0;

  virtual Result<void> create_user(const User& user) = 0;
  // Replaces the user with the same id (name, path, boundary, tags, password last used).
  // Renaming onto another user's name is AlreadyExists.
  virtual Result<void> update_user(const User& user) = 0;
  virtual Result<void> delete_user(std::string_view user_id) = 0;

  virtual Result<void> create_access_key(const AccessKey& key) = 0;
  // Replaces status and last used; the other fields are immutable.
  virtual Result<void> update_access_key(const AccessKey& key) = 0;
  virtual Result<void> delete_access_key(std::string_view access_key_id) = 0;
  // Usage bookkeeping: when and where the key was last used. No policy depends on it, so it
  // does not count as a write for generation() (caches of policies and keys stay warm).
  virtual Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) = 0;

  virtual Result<void> create_login_profile(const LoginProfile& profile) = 0;
  virtual Result<void> update_login_profile(const LoginProfile& profile) = 0;
  virtual Result<void> delete_login_profile(std::string_view user_id) = 0;

  virtual Result<void> create_group(const Group& group) = 0;
  virtual Result<void> update_group(const Group& group) = 0;  // name and path
  virtual Result<void> delete_group(std::string_view group_id) = 0;
  // AlreadyExists when the user is a member already.
  virtual Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) = 0;
  virtual Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) = 0;

  virtual Result<void> create_role(const Role& role) = 0;
  virtual Result<void> update_role(const Role& role) = 0;  // every field but id, account, create date
  // Usage bookkeeping (RoleLastUsed): when and in which Region the role was last used. Never
  // moves back: a use older than the stored one leaves it. Like record_access_key_use, no
  // policy depends on it, so it does not count as a write for generation().
  virtual Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) = 0;
  virtual Result<void> delete_role(std::string_view role_id) = 0;

  // The policy's versions are created separately, in the same transaction.
  virtual Result<void> create_policy(const ManagedPolicy& policy) = 0;
  // Replaces description, default version id, update date and tags.
  virtual Result<void> update_policy(const ManagedPolicy& policy) = 0;
  virtual Result<void> delete_policy(std::string_view arn) = 0;
  virtual Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) = 0;
  // Deleting the default version is Conflict.
  virtual Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) = 0;

  // AlreadyExists when attached already; NotFound when the entity or policy is missing.
  virtual Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) = 0;
  virtual Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) = 0;

  // Creates or replaces the inline policy of that name.
  virtual Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) = 0;
  virtual Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                            std::string_view policy_name) = 0;

  virtual Result<void> create_instance_profile(const InstanceProfile& profile) = 0;
  virtual Result<void> update_instance_profile(const InstanceProfile& profile) = 0;  // path and tags
  virtual Result<void> delete_instance_profile(std::string_view profile_id) = 0;
  virtual Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) = 0;
  virtual Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) = 0;

  // AlreadyExists for the same kind and id, or the same kind, account and name; NotFound
  // when owner_id names a missing user.
  virtual Result<void> create_resource(const Resource& resource) = 0;
  // Replaces name, path, owner and body of the record with the same kind and id.
  virtual Result<void> update_resource(const Resource& resource) = 0;
  virtual Result<void> delete_resource(ResourceKind kind, std::string_view id) = 0;

  // The audit trail (docs/operations.md "Audit trail"). Appending is bookkeeping, like
  // record_access_key_use: no cache depends on it, so it does not count as a write for
  // generation(); it commits or rolls back with the transaction. An event id already stored
  // is AlreadyExists.
  virtual Result<void> append_audit_event(const AuditEvent& event) = 0;
  // Deletes the events older than `before` (time < before); returns how many.
  virtual Result<std::uint64_t> prune_audit_events(Timestamp before) = 0;

  // Makes every write visible at once and bumps the generation when anything was written.
  // On failure nothing is applied. Either way the transaction is finished.
  virtual Result<void> commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  virtual Result<std::unique_ptr<ReadTransaction>> begin_read() = 0;
  virtual Result<std::unique_ptr<Transaction>> begin_write() = 0;
  // The number of committed transactions that wrote something, since the store was created.
  virtual std::uint64_t generation() const = 0;
  // The generation of the newest committed write that changed the record named by `key`
  // (change_key()); 0 when none is known (or a floor, when the change log forgot it: never
  // lower than the true value). Read generation() first: the answer then covers every write
  // up to it.
  virtual std::uint64_t last_change(std::string_view key) const = 0;
  // Brings generation() and last_change() up to date with every write committed before the
  // call, by this process or another one sharing the database (several nodes on one
  // PostgreSQL). The gateway calls it before each request, so that a change made through
  // any node is enforced on the very next request. A store that only this process writes
  // is always up to date (the default).
  virtual Result<void> sync() { return {}; }
};

// The audit trail's marker: the sort key (time, event id) of the last event returned.
std::string encode_audit_marker(Timestamp time, std::string_view event_id);
Result<std::pair<Timestamp, std::string>> decode_audit_marker(std::string_view marker);
std::string_view audit_outcome_name(AuditOutcome outcome);  // "allowed", "denied", "error"
std::optional<AuditOutcome> parse_audit_outcome(std::string_view name);

// Opens a backend by URL: "memory:" (empty, lives as long as the Store),
// "sqlite:/path/to/data-folder" (created when missing) or a PostgreSQL URI
// ("postgresql://user@host:port/database?..." or "postgres://...", store/postgres). Anything else is InvalidInput;
// a folder or database that cannot be used is StorageFailure with the reason.
Result<std::unique_ptr<Store>> open_store(std::string_view url);
// Opens a backend for reading only, beside the process that owns it ("sqlite:/folder": no
// lock taken, no migration; begin_write() fails with StorageFailure). For `iamd audit` and
// other readers while the server runs. "memory:" is an empty store.
Result<std::unique_ptr<Store>> open_store_read_only(std::string_view url);

// The change key (store/changes.h) of a record of the lesser kinds.
std::string resource_change_key(ResourceKind kind, std::string_view id);

// Pagination markers, shared by the backends: the sort key of the last item returned,
// in an opaque encoding. decode_marker fails with invalid_marker().
std::string encode_marker(std::string_view sort_key);
Result<std::string> decode_marker(std::string_view marker);

// The one answer to a Marker this server did not issue, for every paginated operation:
// AWS's ValidationError "Invalid Marker." (HTTP 400) [OBS: aws-recorded-errors.md,
// list_virtual_mfa_devices / list-invalid-marker-error]. The code is AWS's already, so the
// API layer's error table passes it through.
Error invalid_marker();

}  // namespace iamd::store
