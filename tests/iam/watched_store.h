// A Store for tests that wraps another and counts the write transactions open at any moment,
// so a test can assert that something (a password hash) never runs while one is open, and
// the transactions begun, so a test can assert how many one operation opens. Read
// transactions pass straight through. Thread-safe as the wrapped store is.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.h"

namespace iamd::store::testing {

class WatchedStore final : public Store {
 public:
  explicit WatchedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  // Write transactions begun and not yet committed or rolled back: by any thread, and by the
  // calling thread (the domain uses a transaction on the thread that began it).
  int open_writes() const { return open_writes_.load(); }
  static int open_writes_on_this_thread() { return open_here_; }
  int writes_begun() const { return writes_begun_.load(); }
  int reads_begun() const { return reads_begun_.load(); }
  // get_account_summary calls inside write transactions.
  int counts_in_writes() const { return counts_in_writes_.load(); }

  Result<std::unique_ptr<ReadTransaction>> begin_read() override {
    ++reads_begun_;
    return inner_->begin_read();
  }
  Result<std::unique_ptr<Transaction>> begin_write() override {
    auto tx = inner_->begin_write();
    if (!tx) return tx.error();
    ++writes_begun_;
    return std::unique_ptr<Transaction>(std::make_unique<Tx>(std::move(tx).value(), open_writes_, counts_in_writes_));
  }
  std::uint64_t generation() const override { return inner_->generation(); }
  std::uint64_t last_change(std::string_view key) const override { return inner_->last_change(key); }

 private:
  class Tx final : public Transaction {
   public:
    Tx(std::unique_ptr<Transaction> inner, std::atomic<int>& open, std::atomic<int>& counts)
        : inner_(std::move(inner)), open_(open), counts_(counts) {
      ++open_;
    }
    ~Tx() override { rollback(); }
    void rollback() override {
      inner_->rollback();
      finish();
    }
    Result<void> commit() override {
      auto r = inner_->commit();
      finish();
      return r;
    }

    // Everything else is the wrapped transaction's.
    Result<Account> get_account(std::string_view account_id) override { return inner_->get_account(account_id); }
    Result<Account> get_account_by_alias(std::string_view alias) override {
      return inner_->get_account_by_alias(alias);
    }
    Result<Page<Account>> list_accounts(const ListOptions& options) override { return inner_->list_accounts(options); }
    Result<AccountSummary> get_account_summary(std::string_view account_id) override {
      ++counts_;  // linear in the account's records: counted by tests that care
      return inner_->get_account_summary(account_id);
    }
    Result<User> get_user(std::string_view account_id, std::string_view name) override {
      return inner_->get_user(account_id, name);
    }
    Result<User> get_user_by_id(std::string_view user_id) override { return inner_->get_user_by_id(user_id); }
    Result<Page<AuditEvent>> list_audit_events(const AuditQuery& query) override {
      return inner_->list_audit_events(query);
    }
    Result<void> append_audit_event(const AuditEvent& event) override { return inner_->append_audit_event(event); }
    Result<std::uint64_t> prune_audit_events(Timestamp before) override { return inner_->prune_audit_events(before); }
    Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) override {
      return inner_->list_users(account_id, options);
    }
    Result<AccessKey> get_access_key(std::string_view access_key_id) override {
      return inner_->get_access_key(access_key_id);
    }
    Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) override {
      return inner_->list_access_keys(account_id, user_id);
    }
    Result<LoginProfile> get_login_profile(std::string_view user_id) override {
      return inner_->get_login_profile(user_id);
    }
    Result<Group> get_group(std::string_view account_id, std::string_view name) override {
      return inner_->get_group(account_id, name);
    }
    Result<Group> get_group_by_id(std::string_view group_id) override { return inner_->get_group_by_id(group_id); }
    Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) override {
      return inner_->list_groups(account_id, options);
    }
    Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) override {
      return inner_->list_groups_for_user(user_id, options);
    }
    Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) override {
      return inner_->list_users_in_group(group_id, options);
    }
    Result<Role> get_role(std::string_view account_id, std::string_view name) override {
      return inner_->get_role(account_id, name);
    }
    Result<Role> get_role_by_id(std::string_view role_id) override { return inner_->get_role_by_id(role_id); }
    Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) override {
      return inner_->list_roles(account_id, options);
    }
    Result<ManagedPolicy> get_policy(std::string_view arn) override { return inner_->get_policy(arn); }
    Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) override {
      return inner_->list_policies(account_id, options);
    }
    Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) override {
      return inner_->get_policy_version(arn, version_id);
    }
    Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) override {
      return inner_->list_policy_versions(arn);
    }
    Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                        const ListOptions& options) override {
      return inner_->list_attached_policies(kind, entity_id, options);
    }
    Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                     std::optional<EntityKind> kind,
                                                     const ListOptions& options) override {
      return inner_->list_entities_for_policy(account_id, arn, kind, options);
    }
    Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                           std::string_view policy_name) override {
      return inner_->get_inline_policy(kind, entity_id, policy_name);
    }
    Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                    const ListOptions& options) override {
      return inner_->list_inline_policies(kind, entity_id, options);
    }
    Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) override {
      return inner_->get_instance_profile(account_id, name);
    }
    Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                         const ListOptions& options) override {
      return inner_->list_instance_profiles(account_id, options);
    }
    Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) override {
      return inner_->list_instance_profiles_for_role(role_id);
    }
    Result<Resource> get_resource(ResourceKind kind, std::string_view id) override {
      return inner_->get_resource(kind, id);
    }
    Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                          std::string_view name) override {
      return inner_->get_resource_by_name(kind, account_id, name);
    }
    Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                          std::optional<std::string_view> owner_id,
                                          const ListOptions& options) override {
      return inner_->list_resources(kind, account_id, owner_id, options);
    }
    Result<void> create_account(const Account& account) override { return inner_->create_account(account); }
    Result<void> update_account(const Account& account) override { return inner_->update_account(account); }
    Result<void> create_user(const User& user) override { return inner_->create_user(user); }
    Result<void> update_user(const User& user) override { return inner_->update_user(user); }
    Result<void> delete_user(std::string_view user_id) override { return inner_->delete_user(user_id); }
    Result<void> create_access_key(const AccessKey& key) override { return inner_->create_access_key(key); }
    Result<void> update_access_key(const AccessKey& key) override { return inner_->update_access_key(key); }
    Result<void> delete_access_key(std::string_view access_key_id) override {
      return inner_->delete_access_key(access_key_id);
    }
    Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) override {
      return inner_->record_access_key_use(access_key_id, used);
    }
    Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) override {
      return inner_->record_role_use(role_id, used);
    }
    Result<void> create_login_profile(const LoginProfile& profile) override {
      return inner_->create_login_profile(profile);
    }
    Result<void> update_login_profile(const LoginProfile& profile) override {
      return inner_->update_login_profile(profile);
    }
    Result<void> delete_login_profile(std::string_view user_id) override {
      return inner_->delete_login_profile(user_id);
    }
    Result<void> create_group(const Group& group) override { return inner_->create_group(group); }
    Result<void> update_group(const Group& group) override { return inner_->update_group(group); }
    Result<void> delete_group(std::string_view group_id) override { return inner_->delete_group(group_id); }
    Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) override {
      return inner_->add_user_to_group(group_id, user_id);
    }
    Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) override {
      return inner_->remove_user_from_group(group_id, user_id);
    }
    Result<void> create_role(const Role& role) override { return inner_->create_role(role); }
    Result<void> update_role(const Role& role) override { return inner_->update_role(role); }
    Result<void> delete_role(std::string_view role_id) override { return inner_->delete_role(role_id); }
    Result<void> create_policy(const ManagedPolicy& policy) override { return inner_->create_policy(policy); }
    Result<void> update_policy(const ManagedPolicy& policy) override { return inner_->update_policy(policy); }
    Result<void> delete_policy(std::string_view arn) override { return inner_->delete_policy(arn); }
    Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) override {
      return inner_->create_policy_version(arn, version);
    }
    Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) override {
      return inner_->delete_policy_version(arn, version_id);
    }
    Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
      return inner_->attach_policy(kind, entity_id, arn);
    }
    Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
      return inner_->detach_policy(kind, entity_id, arn);
    }
    Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) override {
      return inner_->put_inline_policy(kind, entity_id, policy);
    }
    Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                      std::string_view policy_name) override {
      return inner_->delete_inline_policy(kind, entity_id, policy_name);
    }
    Result<void> create_instance_profile(const InstanceProfile& profile) override {
      return inner_->create_instance_profile(profile);
    }
    Result<void> update_instance_profile(const InstanceProfile& profile) override {
      return inner_->update_instance_profile(profile);
    }
    Result<void> delete_instance_profile(std::string_view profile_id) override {
      return inner_->delete_instance_profile(profile_id);
    }
    Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) override {
      return inner_->add_role_to_instance_profile(profile_id, role_id);
    }
    Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) override {
      return inner_->remove_role_from_instance_profile(profile_id, role_id);
    }
    Result<void> create_resource(const Resource& resource) override { return inner_->create_resource(resource); }
    Result<void> update_resource(const Resource& resource) override { return inner_->update_resource(resource); }
    Result<void> delete_resource(ResourceKind kind, std::string_view id) override {
      return inner_->delete_resource(kind, id);
    }

   private:
    void finish() {
      if (!finished_) {
        finished_ = true;
        --open_;
        --open_here_;
      }
    }
    std::unique_ptr<Transaction> inner_;
    std::atomic<int>& open_;
    std::atomic<int>& counts_;
    bool finished_ = false;
  };

  std::unique_ptr<Store> inner_;
  static inline thread_local int open_here_ = 0;
  std::atomic<int> open_writes_{0};
  std::atomic<int> writes_begun_{0};
  std::atomic<int> reads_begun_{0};
  std::atomic<int> counts_in_writes_{0};
};

}  // namespace iamd::store::testing
