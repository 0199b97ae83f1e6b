// A Store that forwards to another and measures it: the time to begin a read snapshot, to
// begin a write transaction and to commit one, and the calls that failed for the store's own
// reasons (Unavailable, StorageFailure; not NotFound or AlreadyExists, which are answers).
// `iamd serve` installs it in front of its backend for the metrics (docs/operations.md
// "Metrics"). It knows no backend: any Store, SQLite, memory or PostgreSQL, is measured alike.
// Thread-safety: as the wrapped store's; the measures are striped atomics.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "store/store.h"

namespace iamd::store {

struct StoreMetrics {
  common::metrics::Histogram begin_read;
  common::metrics::Histogram begin_write;
  common::metrics::Histogram commit;
  common::metrics::Histogram sync;
  common::metrics::Counter errors;

  // Counts `e` when it is the store's own failure.
  void note(const Error& e) noexcept {
    if (e.code == kUnavailable || e.code == kStorageFailure) errors.add();
  }
};

class TimedStore final : public Store {
 public:
  // `inner` and `metrics` outlive the TimedStore and every transaction it begins.
  TimedStore(Store& inner, StoreMetrics& metrics) : inner_(inner), metrics_(metrics) {}

  Result<std::unique_ptr<ReadTransaction>> begin_read() override;
  Result<std::unique_ptr<Transaction>> begin_write() override;
  std::uint64_t generation() const override { return inner_.generation(); }
  std::uint64_t last_change(std::string_view key) const override { return inner_.last_change(key); }
  // Forwarded (several nodes on PostgreSQL depend on it) and timed.
  Result<void> sync() override;

 private:
  Store& inner_;
  StoreMetrics& metrics_;
};

namespace timed_detail {

// Every read of ReadTransaction forwarded to `inner_` (a Base), each failure noted.
template <class Base>
class Reads : public Base {
 public:
  Reads(std::unique_ptr<Base> inner, StoreMetrics& metrics) : inner_(std::move(inner)), metrics_(metrics) {}

  Result<Account> get_account(std::string_view account_id) override {
    auto r = inner_->get_account(account_id);
    note(r);
    return r;
  }
  Result<Page<Account>> list_accounts(const ListOptions& options) override {
    auto r = inner_->list_accounts(options);
    note(r);
    return r;
  }
  Result<Page<AuditEvent>> list_audit_events(const AuditQuery& query) override {
    auto r = inner_->list_audit_events(query);
    note(r);
    return r;
  }
  Result<Account> get_account_by_alias(std::string_view alias) override {
    auto r = inner_->get_account_by_alias(alias);
    note(r);
    return r;
  }
  Result<AccountSummary> get_account_summary(std::string_view account_id) override {
    auto r = inner_->get_account_summary(account_id);
    note(r);
    return r;
  }
  Result<User> get_user(std::string_view account_id, std::string_view name) override {
    auto r = inner_->get_user(account_id, name);
    note(r);
    return r;
  }
  Result<User> get_user_by_id(std::string_view user_id) override {
    auto r = inner_->get_user_by_id(user_id);
    note(r);
    return r;
  }
  Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) override {
    auto r = inner_->list_users(account_id, options);
    note(r);
    return r;
  }
  Result<AccessKey> get_access_key(std::string_view access_key_id) override {
    auto r = inner_->get_access_key(access_key_id);
    note(r);
    return r;
  }
  Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) override {
    auto r = inner_->list_access_keys(account_id, user_id);
    note(r);
    return r;
  }
  Result<LoginProfile> get_login_profile(std::string_view user_id) override {
    auto r = inner_->get_login_profile(user_id);
    note(r);
    return r;
  }
  Result<Group> get_group(std::string_view account_id, std::string_view name) override {
    auto r = inner_->get_group(account_id, name);
    note(r);
    return r;
  }
  Result<Group> get_group_by_id(std::string_view group_id) override {
    auto r = inner_->get_group_by_id(group_id);
    note(r);
    return r;
  }
  Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) override {
    auto r = inner_->list_groups(account_id, options);
    note(r);
    return r;
  }
  Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) override {
    auto r = inner_->list_groups_for_user(user_id, options);
    note(r);
    return r;
  }
  Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) override {
    auto r = inner_->list_users_in_group(group_id, options);
    note(r);
    return r;
  }
  Result<Role> get_role(std::string_view account_id, std::string_view name) override {
    auto r = inner_->get_role(account_id, name);
    note(r);
    return r;
  }
  Result<Role> get_role_by_id(std::string_view role_id) override {
    auto r = inner_->get_role_by_id(role_id);
    note(r);
    return r;
  }
  Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) override {
    auto r = inner_->list_roles(account_id, options);
    note(r);
    return r;
  }
  Result<ManagedPolicy> get_policy(std::string_view arn) override {
    auto r = inner_->get_policy(arn);
    note(r);
    return r;
  }
  Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) override {
    auto r = inner_->list_policies(account_id, options);
    note(r);
    return r;
  }
  Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) override {
    auto r = inner_->get_policy_version(arn, version_id);
    note(r);
    return r;
  }
  Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) override {
    auto r = inner_->list_policy_versions(arn);
    note(r);
    return r;
  }
  Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                      const ListOptions& options) override {
    auto r = inner_->list_attached_policies(kind, entity_id, options);
    note(r);
    return r;
  }
  Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                   std::optional<EntityKind> kind,
                                                   const ListOptions& options) override {
    auto r = inner_->list_entities_for_policy(account_id, arn, kind, options);
    note(r);
    return r;
  }
  Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                         std::string_view policy_name) override {
    auto r = inner_->get_inline_policy(kind, entity_id, policy_name);
    note(r);
    return r;
  }
  Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                  const ListOptions& options) override {
    auto r = inner_->list_inline_policies(kind, entity_id, options);
    note(r);
    return r;
  }
  Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) override {
    auto r = inner_->get_instance_profile(account_id, name);
    note(r);
    return r;
  }
  Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                       const ListOptions& options) override {
    auto r = inner_->list_instance_profiles(account_id, options);
    note(r);
    return r;
  }
  Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) override {
    auto r = inner_->list_instance_profiles_for_role(role_id);
    note(r);
    return r;
  }
  Result<Resource> get_resource(ResourceKind kind, std::string_view id) override {
    auto r = inner_->get_resource(kind, id);
    note(r);
    return r;
  }
  Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                        std::string_view name) override {
    auto r = inner_->get_resource_by_name(kind, account_id, name);
    note(r);
    return r;
  }
  Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                        std::optional<std::string_view> owner_id, const ListOptions& options) override {
    auto r = inner_->list_resources(kind, account_id, owner_id, options);
    note(r);
    return r;
  }
  void rollback() override { inner_->rollback(); }

 protected:
  // Counts a failed call's error; the result is returned by the caller as it is (by name,
  // so that it is constructed in place: no move of a record per call).
  template <class R>
  void note(const R& r) {
    if (!r) metrics_.note(r.error());
  }
  std::unique_ptr<Base> inner_;
  StoreMetrics& metrics_;
};

class Read final : public Reads<ReadTransaction> {
 public:
  using Reads::Reads;
};

class Write final : public Reads<Transaction> {
 public:
  using Reads::Reads;

  Result<void> create_account(const Account& account) override {
    auto r = inner_->create_account(account);
    note(r);
    return r;
  }
  Result<void> append_audit_event(const AuditEvent& event) override {
    auto r = inner_->append_audit_event(event);
    note(r);
    return r;
  }
  Result<std::uint64_t> prune_audit_events(Timestamp before) override {
    auto r = inner_->prune_audit_events(before);
    note(r);
    return r;
  }
  Result<void> update_account(const Account& account) override {
    auto r = inner_->update_account(account);
    note(r);
    return r;
  }
  Result<void> create_user(const User& user) override {
    auto r = inner_->create_user(user);
    note(r);
    return r;
  }
  Result<void> update_user(const User& user) override {
    auto r = inner_->update_user(user);
    note(r);
    return r;
  }
  Result<void> delete_user(std::string_view user_id) override {
    auto r = inner_->delete_user(user_id);
    note(r);
    return r;
  }
  Result<void> create_access_key(const AccessKey& key) override {
    auto r = inner_->create_access_key(key);
    note(r);
    return r;
  }
  Result<void> update_access_key(const AccessKey& key) override {
    auto r = inner_->update_access_key(key);
    note(r);
    return r;
  }
  Result<void> delete_access_key(std::string_view access_key_id) override {
    auto r = inner_->delete_access_key(access_key_id);
    note(r);
    return r;
  }
  Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) override {
    auto r = inner_->record_access_key_use(access_key_id, used);
    note(r);
    return r;
  }
  Result<void> create_login_profile(const LoginProfile& profile) override {
    auto r = inner_->create_login_profile(profile);
    note(r);
    return r;
  }
  Result<void> update_login_profile(const LoginProfile& profile) override {
    auto r = inner_->update_login_profile(profile);
    note(r);
    return r;
  }
  Result<void> delete_login_profile(std::string_view user_id) override {
    auto r = inner_->delete_login_profile(user_id);
    note(r);
    return r;
  }
  Result<void> create_group(const Group& group) override {
    auto r = inner_->create_group(group);
    note(r);
    return r;
  }
  Result<void> update_group(const Group& group) override {
    auto r = inner_->update_group(group);
    note(r);
    return r;
  }
  Result<void> delete_group(std::string_view group_id) override {
    auto r = inner_->delete_group(group_id);
    note(r);
    return r;
  }
  Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) override {
    auto r = inner_->add_user_to_group(group_id, user_id);
    note(r);
    return r;
  }
  Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) override {
    auto r = inner_->remove_user_from_group(group_id, user_id);
    note(r);
    return r;
  }
  Result<void> create_role(const Role& role) override {
    auto r = inner_->create_role(role);
    note(r);
    return r;
  }
  Result<void> update_role(const Role& role) override {
    auto r = inner_->update_role(role);
    note(r);
    return r;
  }
  Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) override {
    auto r = inner_->record_role_use(role_id, used);
    note(r);
    return r;
  }
  Result<void> delete_role(std::string_view role_id) override {
    auto r = inner_->delete_role(role_id);
    note(r);
    return r;
  }
  Result<void> create_policy(const ManagedPolicy& policy) override {
    auto r = inner_->create_policy(policy);
    note(r);
    return r;
  }
  Result<void> update_policy(const ManagedPolicy& policy) override {
    auto r = inner_->update_policy(policy);
    note(r);
    return r;
  }
  Result<void> delete_policy(std::string_view arn) override {
    auto r = inner_->delete_policy(arn);
    note(r);
    return r;
  }
  Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) override {
    auto r = inner_->create_policy_version(arn, version);
    note(r);
    return r;
  }
  Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) override {
    auto r = inner_->delete_policy_version(arn, version_id);
    note(r);
    return r;
  }
  Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    auto r = inner_->attach_policy(kind, entity_id, arn);
    note(r);
    return r;
  }
  Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    auto r = inner_->detach_policy(kind, entity_id, arn);
    note(r);
    return r;
  }
  Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) override {
    auto r = inner_->put_inline_policy(kind, entity_id, policy);
    note(r);
    return r;
  }
  Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                    std::string_view policy_name) override {
    auto r = inner_->delete_inline_policy(kind, entity_id, policy_name);
    note(r);
    return r;
  }
  Result<void> create_instance_profile(const InstanceProfile& profile) override {
    auto r = inner_->create_instance_profile(profile);
    note(r);
    return r;
  }
  Result<void> update_instance_profile(const InstanceProfile& profile) override {
    auto r = inner_->update_instance_profile(profile);
    note(r);
    return r;
  }
  Result<void> delete_instance_profile(std::string_view profile_id) override {
    auto r = inner_->delete_instance_profile(profile_id);
    note(r);
    return r;
  }
  Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    auto r = inner_->add_role_to_instance_profile(profile_id, role_id);
    note(r);
    return r;
  }
  Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    auto r = inner_->remove_role_from_instance_profile(profile_id, role_id);
    note(r);
    return r;
  }
  Result<void> create_resource(const Resource& resource) override {
    auto r = inner_->create_resource(resource);
    note(r);
    return r;
  }
  Result<void> update_resource(const Resource& resource) override {
    auto r = inner_->update_resource(resource);
    note(r);
    return r;
  }
  Result<void> delete_resource(ResourceKind kind, std::string_view id) override {
    auto r = inner_->delete_resource(kind, id);
    note(r);
    return r;
  }

  Result<void> commit() override {
    const auto start = std::chrono::steady_clock::now();
    auto r = inner_->commit();
    metrics_.commit.observe_ns(
        static_cast<std::uint64_t>((std::chrono::steady_clock::now() - start) / std::chrono::nanoseconds(1)));
    if (!r) metrics_.note(r.error());
    return r;
  }
};

}  // namespace timed_detail

inline Result<void> TimedStore::sync() {
  const auto start = std::chrono::steady_clock::now();
  auto r = inner_.sync();
  metrics_.sync.observe_ns(
      static_cast<std::uint64_t>((std::chrono::steady_clock::now() - start) / std::chrono::nanoseconds(1)));
  if (!r) metrics_.note(r.error());
  return r;
}

inline Result<std::unique_ptr<ReadTransaction>> TimedStore::begin_read() {
  const auto start = std::chrono::steady_clock::now();
  auto r = inner_.begin_read();
  metrics_.begin_read.observe_ns(
      static_cast<std::uint64_t>((std::chrono::steady_clock::now() - start) / std::chrono::nanoseconds(1)));
  if (!r) {
    metrics_.note(r.error());
    return r.error();
  }
  return std::unique_ptr<ReadTransaction>(std::make_unique<timed_detail::Read>(std::move(r).value(), metrics_));
}

inline Result<std::unique_ptr<Transaction>> TimedStore::begin_write() {
  const auto start = std::chrono::steady_clock::now();
  auto r = inner_.begin_write();
  metrics_.begin_write.observe_ns(
      static_cast<std::uint64_t>((std::chrono::steady_clock::now() - start) / std::chrono::nanoseconds(1)));
  if (!r) {
    metrics_.note(r.error());
    return r.error();
  }
  return std::unique_ptr<Transaction>(std::make_unique<timed_detail::Write>(std::move(r).value(), metrics_));
}

}  // namespace iamd::store
