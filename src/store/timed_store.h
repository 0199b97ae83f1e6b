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

  Result<Account> get_account(std::string_view account_id) override { return checked(inner_->get_account(account_id)); }
  Result<Account> get_account_by_alias(std::string_view alias) override {
    return checked(inner_->get_account_by_alias(alias));
  }
  Result<AccountSummary> get_account_summary(std::string_view account_id) override {
    return checked(inner_->get_account_summary(account_id));
  }
  Result<User> get_user(std::string_view account_id, std::string_view name) override {
    return checked(inner_->get_user(account_id, name));
  }
  Result<User> get_user_by_id(std::string_view user_id) override { return checked(inner_->get_user_by_id(user_id)); }
  Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) override {
    return checked(inner_->list_users(account_id, options));
  }
  Result<AccessKey> get_access_key(std::string_view access_key_id) override {
    return checked(inner_->get_access_key(access_key_id));
  }
  Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) override {
    return checked(inner_->list_access_keys(account_id, user_id));
  }
  Result<LoginProfile> get_login_profile(std::string_view user_id) override {
    return checked(inner_->get_login_profile(user_id));
  }
  Result<Group> get_group(std::string_view account_id, std::string_view name) override {
    return checked(inner_->get_group(account_id, name));
  }
  Result<Group> get_group_by_id(std::string_view group_id) override {
    return checked(inner_->get_group_by_id(group_id));
  }
  Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) override {
    return checked(inner_->list_groups(account_id, options));
  }
  Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) override {
    return checked(inner_->list_groups_for_user(user_id, options));
  }
  Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) override {
    return checked(inner_->list_users_in_group(group_id, options));
  }
  Result<Role> get_role(std::string_view account_id, std::string_view name) override {
    return checked(inner_->get_role(account_id, name));
  }
  Result<Role> get_role_by_id(std::string_view role_id) override { return checked(inner_->get_role_by_id(role_id)); }
  Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) override {
    return checked(inner_->list_roles(account_id, options));
  }
  Result<ManagedPolicy> get_policy(std::string_view arn) override { return checked(inner_->get_policy(arn)); }
  Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) override {
    return checked(inner_->list_policies(account_id, options));
  }
  Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) override {
    return checked(inner_->get_policy_version(arn, version_id));
  }
  Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) override {
    return checked(inner_->list_policy_versions(arn));
  }
  Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                      const ListOptions& options) override {
    return checked(inner_->list_attached_policies(kind, entity_id, options));
  }
  Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                   std::optional<EntityKind> kind,
                                                   const ListOptions& options) override {
    return checked(inner_->list_entities_for_policy(account_id, arn, kind, options));
  }
  Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                         std::string_view policy_name) override {
    return checked(inner_->get_inline_policy(kind, entity_id, policy_name));
  }
  Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                  const ListOptions& options) override {
    return checked(inner_->list_inline_policies(kind, entity_id, options));
  }
  Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) override {
    return checked(inner_->get_instance_profile(account_id, name));
  }
  Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                       const ListOptions& options) override {
    return checked(inner_->list_instance_profiles(account_id, options));
  }
  Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) override {
    return checked(inner_->list_instance_profiles_for_role(role_id));
  }
  Result<Resource> get_resource(ResourceKind kind, std::string_view id) override {
    return checked(inner_->get_resource(kind, id));
  }
  Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                        std::string_view name) override {
    return checked(inner_->get_resource_by_name(kind, account_id, name));
  }
  Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                        std::optional<std::string_view> owner_id, const ListOptions& options) override {
    return checked(inner_->list_resources(kind, account_id, owner_id, options));
  }
  void rollback() override { inner_->rollback(); }

 protected:
  template <class R>
  R checked(R r) {
    if (!r) metrics_.note(r.error());
    return r;
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

  Result<void> create_account(const Account& account) override { return checked(inner_->create_account(account)); }
  Result<void> update_account(const Account& account) override { return checked(inner_->update_account(account)); }
  Result<void> create_user(const User& user) override { return checked(inner_->create_user(user)); }
  Result<void> update_user(const User& user) override { return checked(inner_->update_user(user)); }
  Result<void> delete_user(std::string_view user_id) override { return checked(inner_->delete_user(user_id)); }
  Result<void> create_access_key(const AccessKey& key) override { return checked(inner_->create_access_key(key)); }
  Result<void> update_access_key(const AccessKey& key) override { return checked(inner_->update_access_key(key)); }
  Result<void> delete_access_key(std::string_view access_key_id) override {
    return checked(inner_->delete_access_key(access_key_id));
  }
  Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) override {
    return checked(inner_->record_access_key_use(access_key_id, used));
  }
  Result<void> create_login_profile(const LoginProfile& profile) override {
    return checked(inner_->create_login_profile(profile));
  }
  Result<void> update_login_profile(const LoginProfile& profile) override {
    return checked(inner_->update_login_profile(profile));
  }
  Result<void> delete_login_profile(std::string_view user_id) override {
    return checked(inner_->delete_login_profile(user_id));
  }
  Result<void> create_group(const Group& group) override { return checked(inner_->create_group(group)); }
  Result<void> update_group(const Group& group) override { return checked(inner_->update_group(group)); }
  Result<void> delete_group(std::string_view group_id) override { return checked(inner_->delete_group(group_id)); }
  Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) override {
    return checked(inner_->add_user_to_group(group_id, user_id));
  }
  Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) override {
    return checked(inner_->remove_user_from_group(group_id, user_id));
  }
  Result<void> create_role(const Role& role) override { return checked(inner_->create_role(role)); }
  Result<void> update_role(const Role& role) override { return checked(inner_->update_role(role)); }
  Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) override {
    return checked(inner_->record_role_use(role_id, used));
  }
  Result<void> delete_role(std::string_view role_id) override { return checked(inner_->delete_role(role_id)); }
  Result<void> create_policy(const ManagedPolicy& policy) override { return checked(inner_->create_policy(policy)); }
  Result<void> update_policy(const ManagedPolicy& policy) override { return checked(inner_->update_policy(policy)); }
  Result<void> delete_policy(std::string_view arn) override { return checked(inner_->delete_policy(arn)); }
  Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) override {
    return checked(inner_->create_policy_version(arn, version));
  }
  Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) override {
    return checked(inner_->delete_policy_version(arn, version_id));
  }
  Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    return checked(inner_->attach_policy(kind, entity_id, arn));
  }
  Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    return checked(inner_->detach_policy(kind, entity_id, arn));
  }
  Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) override {
    return checked(inner_->put_inline_policy(kind, entity_id, policy));
  }
  Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                    std::string_view policy_name) override {
    return checked(inner_->delete_inline_policy(kind, entity_id, policy_name));
  }
  Result<void> create_instance_profile(const InstanceProfile& profile) override {
    return checked(inner_->create_instance_profile(profile));
  }
  Result<void> update_instance_profile(const InstanceProfile& profile) override {
    return checked(inner_->update_instance_profile(profile));
  }
  Result<void> delete_instance_profile(std::string_view profile_id) override {
    return checked(inner_->delete_instance_profile(profile_id));
  }
  Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    return checked(inner_->add_role_to_instance_profile(profile_id, role_id));
  }
  Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    return checked(inner_->remove_role_from_instance_profile(profile_id, role_id));
  }
  Result<void> create_resource(const Resource& resource) override { return checked(inner_->create_resource(resource)); }
  Result<void> update_resource(const Resource& resource) override { return checked(inner_->update_resource(resource)); }
  Result<void> delete_resource(ResourceKind kind, std::string_view id) override {
    return checked(inner_->delete_resource(kind, id));
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
