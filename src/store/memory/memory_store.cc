#include "store/memory/memory_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "common/strings.h"
#include "store/internal.h"

namespace iamd::store::memory {
namespace {

using internal::already_exists;
using internal::conflict;
using internal::not_found;
using internal::path_has_prefix;
using Key2 = std::pair<std::string, std::string>;

struct Attachment {
  EntityKind kind;
  std::string account_id;  // the entity's account
};

// One committed version of the whole store. Maps are keyed by id (ARN for policies).
struct State {
  std::map<std::string, Account, std::less<>> accounts;
  std::map<std::string, User, std::less<>> users;
  std::map<std::string, AccessKey, std::less<>> access_keys;
  std::map<std::string, LoginProfile, std::less<>> login_profiles;  // by user id
  std::map<std::string, Group, std::less<>> groups;
  std::set<Key2> members;  // (group id, user id)
  std::map<std::string, Role, std::less<>> roles;
  std::map<std::string, ManagedPolicy, std::less<>> policies;
  std::map<std::string, std::vector<PolicyVersion>, std::less<>> versions;  // oldest first
  std::map<Key2, Attachment> attachments;                                   // (entity id, ARN)
  std::map<Key2, std::string> inline_policies;                              // (entity id, name) -> document
  std::map<std::string, InstanceProfile, std::less<>> instance_profiles;
  std::set<Key2> profile_roles;                                                     // (profile id, role id)
  std::map<std::pair<ResourceKind, std::string>, Resource, std::less<>> resources;  // (kind, id)
  // The audit trail by (time, event id), oldest first, and its event ids. [IMPL] copied with
  // the rest of the state by every write transaction, as everything here is: this backend is
  // for tests and trials, not for a long trail.
  std::map<std::pair<Timestamp, std::string>, AuditEvent> audit;
  std::set<std::string, std::less<>> audit_ids;
};

bool audit_matches(const AuditEvent& e, const AuditQuery& q) {
  return (!q.account_id || e.account_id == *q.account_id) &&
         (!q.principal_arn || e.principal_arn == *q.principal_arn) &&
         (!q.event_source || e.event_source == *q.event_source) && (!q.event_name || e.event_name == *q.event_name) &&
         (!q.resource_arn || e.resource_arn == *q.resource_arn) && (!q.since || e.time >= *q.since) &&
         (!q.until || e.time < *q.until) && (!q.outcome || e.outcome == *q.outcome);
}

// A record with the same account and case-folded name, other than `except_id`.
template <class Map>
const typename Map::mapped_type* find_by_name(const Map& map, std::string_view account_id, std::string_view name,
                                              std::string_view except_id = {}) {
  for (const auto& [id, record] : map) {
    if (record.account_id == account_id && common::iequals(record.name, name) && id != except_id) return &record;
  }
  return nullptr;
}

template <class Map>
auto* find(Map& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

template <class T>
Result<Page<T>> paginate(std::vector<std::pair<std::string, T>> rows, const ListOptions& options) {
  std::string after;
  if (!options.marker.empty()) {
    auto decoded = decode_marker(options.marker);
    if (!decoded) return decoded.error();
    after = std::move(*decoded);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::size_t limit = internal::page_size(options);
  Page<T> page;
  std::string last_key;
  for (auto& [key, item] : rows) {
    if (!options.marker.empty() && key <= after) continue;
    if (page.items.size() == limit) {
      page.next_marker = encode_marker(last_key);
      break;
    }
    last_key = key;
    page.items.push_back(std::move(item));
  }
  return page;
}

template <class Map>
auto list_named(const Map& map, std::string_view account_id, const ListOptions& options) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> rows;
  for (const auto& [id, record] : map) {
    if (record.account_id == account_id && path_has_prefix(record.path, options.path_prefix)) {
      rows.emplace_back(common::to_lower(record.name), record);
    }
  }
  return paginate(std::move(rows), options);
}

const Resource* find_resource_by_name(const State& st, ResourceKind kind, std::string_view account_id,
                                      std::string_view name, std::string_view except_id) {
  for (const auto& [key, r] : st.resources) {
    if (key.first == kind && r.account_id == account_id && common::iequals(r.name, name) && key.second != except_id) {
      return &r;
    }
  }
  return nullptr;
}

class MemoryStore;

class MemoryTransaction final : public Transaction {
 public:
  // A read transaction over `snapshot`.
  explicit MemoryTransaction(std::shared_ptr<const State> snapshot) : snapshot_(std::move(snapshot)) {}
  // A write transaction: owns the writer slot of `store` and a private copy of `snapshot`.
  MemoryTransaction(MemoryStore& store, const State& snapshot)
      : store_(&store), working_(std::make_shared<State>(snapshot)) {}
  ~MemoryTransaction() override { rollback(); }

  Result<Account> get_account(std::string_view account_id) override {
    if (auto* a = find(s().accounts, account_id)) return *a;
    return not_found("account " + std::string(account_id));
  }
  Result<Account> get_account_by_alias(std::string_view alias) override {
    for (const auto& [id, a] : s().accounts) {
      if (a.alias && *a.alias == alias) return a;
    }
    return not_found("account alias " + std::string(alias));
  }
  Result<Page<Account>> list_accounts(const ListOptions& options) override {
    std::vector<std::pair<std::string, Account>> rows;
    for (const auto& [id, a] : s().accounts) rows.emplace_back(id, a);
    return paginate(std::move(rows), options);
  }
  Result<AccountSummary> get_account_summary(std::string_view account_id) override {
    const State& st = s();
    if (!st.accounts.contains(account_id)) return not_found("account " + std::string(account_id));
    AccountSummary sum;
    for (const auto& [id, u] : st.users) sum.users += u.account_id == account_id;
    for (const auto& [id, g] : st.groups) sum.groups += g.account_id == account_id;
    for (const auto& [id, r] : st.roles) sum.roles += r.account_id == account_id;
    for (const auto& [id, p] : st.instance_profiles) sum.instance_profiles += p.account_id == account_id;
    for (const auto& [arn, p] : st.policies) {
      if (p.account_id != account_id || p.aws_managed) continue;
      ++sum.policies;
      sum.policy_versions_in_use += static_cast<std::int64_t>(st.versions.at(arn).size());
    }
    for (const auto& [id, k] : st.access_keys) sum.root_access_keys += k.account_id == account_id && k.user_id.empty();
    return sum;
  }

  Result<User> get_user(std::string_view account_id, std::string_view name) override {
    if (auto* u = find_by_name(s().users, account_id, name)) return *u;
    return not_found("user " + std::string(name));
  }
  Result<User> get_user_by_id(std::string_view user_id) override {
    if (auto* u = find(s().users, user_id)) return *u;
    return not_found("user " + std::string(user_id));
  }
  Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) override {
    return list_named(s().users, account_id, options);
  }

  Result<AccessKey> get_access_key(std::string_view access_key_id) override {
    if (auto* k = find(s().access_keys, access_key_id)) return *k;
    return not_found("access key " + std::string(access_key_id));
  }
  Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) override {
    std::vector<AccessKey> keys;
    for (const auto& [id, k] : s().access_keys) {
      if (k.account_id == account_id && k.user_id == user_id) keys.push_back(k);
    }
    return keys;
  }

  Result<LoginProfile> get_login_profile(std::string_view user_id) override {
    if (auto* p = find(s().login_profiles, user_id)) return *p;
    return not_found("login profile of " + std::string(user_id));
  }

  Result<Group> get_group(std::string_view account_id, std::string_view name) override {
    if (auto* g = find_by_name(s().groups, account_id, name)) return *g;
    return not_found("group " + std::string(name));
  }
  Result<Group> get_group_by_id(std::string_view group_id) override {
    if (auto* g = find(s().groups, group_id)) return *g;
    return not_found("group " + std::string(group_id));
  }
  Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) override {
    return list_named(s().groups, account_id, options);
  }
  Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) override {
    const State& st = s();
    if (!st.users.contains(user_id)) return not_found("user " + std::string(user_id));
    std::vector<std::pair<std::string, Group>> rows;
    for (const auto& [group_id, member_id] : st.members) {
      if (member_id != user_id) continue;
      const Group& g = st.groups.at(group_id);
      rows.emplace_back(common::to_lower(g.name), g);
    }
    return paginate(std::move(rows), options);
  }
  Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) override {
    const State& st = s();
    if (!st.groups.contains(group_id)) return not_found("group " + std::string(group_id));
    std::vector<std::pair<std::string, User>> rows;
    for (auto it = st.members.lower_bound(Key2(group_id, "")); it != st.members.end() && it->first == group_id; ++it) {
      const User& u = st.users.at(it->second);
      rows.emplace_back(common::to_lower(u.name), u);
    }
    return paginate(std::move(rows), options);
  }

  Result<Role> get_role(std::string_view account_id, std::string_view name) override {
    if (auto* r = find_by_name(s().roles, account_id, name)) return *r;
    return not_found("role " + std::string(name));
  }
  Result<Role> get_role_by_id(std::string_view role_id) override {
    if (auto* r = find(s().roles, role_id)) return *r;
    return not_found("role " + std::string(role_id));
  }
  Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) override {
    return list_named(s().roles, account_id, options);
  }

  Result<ManagedPolicy> get_policy(std::string_view arn) override {
    if (auto* p = find(s().policies, arn)) return decorate(*p);
    return not_found("policy " + std::string(arn));
  }
  Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) override {
    const State& st = s();
    std::vector<std::pair<std::string, ManagedPolicy>> rows;
    for (const auto& [arn, p] : st.policies) {
      const bool in_scope = p.aws_managed ? options.scope != PolicyScope::kLocal
                                          : options.scope != PolicyScope::kAws && p.account_id == account_id;
      if (!in_scope || !path_has_prefix(p.path, options.list.path_prefix)) continue;
      if (options.only_attached && !attached_in_account(arn, account_id)) continue;
      rows.emplace_back(arn, decorate(p));
    }
    return paginate(std::move(rows), options.list);
  }
  Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) override {
    auto* p = find(s().policies, arn);
    if (p == nullptr) return not_found("policy " + std::string(arn));
    for (const auto& v : s().versions.at(p->arn)) {
      if (v.version_id == version_id) return with_default(v, *p);
    }
    return not_found("policy version " + std::string(version_id) + " of " + std::string(arn));
  }
  Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) override {
    auto* p = find(s().policies, arn);
    if (p == nullptr) return not_found("policy " + std::string(arn));
    std::vector<PolicyVersion> out;
    for (const auto& v : s().versions.at(p->arn)) out.push_back(with_default(v, *p));
    return out;
  }

  Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                      const ListOptions& options) override {
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    const State& st = s();
    std::vector<std::pair<std::string, AttachedPolicy>> rows;
    for (auto it = st.attachments.lower_bound(Key2(entity_id, ""));
         it != st.attachments.end() && it->first.first == entity_id; ++it) {
      const ManagedPolicy& p = st.policies.at(it->first.second);
      if (path_has_prefix(p.path, options.path_prefix)) rows.emplace_back(p.arn, AttachedPolicy{p.arn, p.name});
    }
    return paginate(std::move(rows), options);
  }
  Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                   std::optional<EntityKind> kind,
                                                   const ListOptions& options) override {
    const State& st = s();
    if (!st.policies.contains(arn)) return not_found("policy " + std::string(arn));
    std::vector<std::pair<std::string, EntityRef>> rows;
    for (const auto& [key, attachment] : st.attachments) {
      if (key.second != arn || attachment.account_id != account_id) continue;
      if (kind && *kind != attachment.kind) continue;
      auto [name, path] = entity_name_path(attachment.kind, key.first);
      if (!path_has_prefix(path, options.path_prefix)) continue;
      rows.emplace_back(internal::kind_sort_letter(attachment.kind) + common::to_lower(name),
                        EntityRef{attachment.kind, key.first, name});
    }
    return paginate(std::move(rows), options);
  }

  Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                         std::string_view policy_name) override {
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    auto it = s().inline_policies.find(Key2(entity_id, policy_name));
    if (it == s().inline_policies.end()) return not_found("inline policy " + std::string(policy_name));
    return InlinePolicy{it->first.second, it->second};
  }
  Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                  const ListOptions& options) override {
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    const State& st = s();
    std::vector<std::pair<std::string, InlinePolicy>> rows;
    for (auto it = st.inline_policies.lower_bound(Key2(entity_id, ""));
         it != st.inline_policies.end() && it->first.first == entity_id; ++it) {
      rows.emplace_back(it->first.second, InlinePolicy{it->first.second, it->second});
    }
    return paginate(std::move(rows), options);
  }

  Result<Resource> get_resource(ResourceKind kind, std::string_view id) override {
    auto it = s().resources.find(std::pair(kind, std::string(id)));
    if (it == s().resources.end()) return not_found("resource " + std::string(id));
    return it->second;
  }
  Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                        std::string_view name) override {
    if (auto* r = find_resource_by_name(s(), kind, account_id, name, "")) return *r;
    return not_found("resource " + std::string(name));
  }
  Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                        std::optional<std::string_view> owner_id, const ListOptions& options) override {
    std::vector<std::pair<std::string, Resource>> rows;
    for (const auto& [key, r] : s().resources) {
      if (key.first != kind || r.account_id != account_id || !path_has_prefix(r.path, options.path_prefix)) continue;
      if (owner_id && r.owner_id != *owner_id) continue;
      rows.emplace_back(common::to_lower(r.name), r);
    }
    return paginate(std::move(rows), options);
  }

  Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) override {
    if (auto* p = find_by_name(s().instance_profiles, account_id, name)) return with_roles(*p);
    return not_found("instance profile " + std::string(name));
  }
  Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                       const ListOptions& options) override {
    auto page = list_named(s().instance_profiles, account_id, options);
    if (page) {
      for (auto& p : page->items) p = with_roles(p);
    }
    return page;
  }
  Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) override {
    const State& st = s();
    if (!st.roles.contains(role_id)) return not_found("role " + std::string(role_id));
    std::vector<InstanceProfile> out;
    for (const auto& [profile_id, member] : st.profile_roles) {
      if (member == role_id) out.push_back(with_roles(st.instance_profiles.at(profile_id)));
    }
    return out;
  }

  void rollback() override;

  // Writes.
  Result<void> create_account(const Account& account) override {
    State& st = w();
    if (st.accounts.contains(account.id)) return already_exists("account " + account.id);
    if (account.alias && alias_taken(*account.alias, account.id)) return already_exists("alias " + *account.alias);
    st.accounts.emplace(account.id, account);
    return written(change_key(Topic::kAccount, account.id));
  }
  Result<void> update_account(const Account& account) override {
    State& st = w();
    auto* a = find(st.accounts, account.id);
    if (a == nullptr) return not_found("account " + account.id);
    if (account.alias && alias_taken(*account.alias, account.id)) return already_exists("alias " + *account.alias);
    a->alias = account.alias;
    a->password_policy = account.password_policy;
    return written(change_key(Topic::kAccount, account.id));
  }

  Result<void> create_user(const User& user) override {
    State& st = w();
    if (!st.accounts.contains(user.account_id)) return not_found("account " + user.account_id);
    if (st.users.contains(user.id) || find_by_name(st.users, user.account_id, user.name)) {
      return already_exists("user " + user.name);
    }
    st.users.emplace(user.id, user);
    return written(change_key(Topic::kUser, user.id));
  }
  Result<void> update_user(const User& user) override {
    State& st = w();
    auto* u = find(st.users, user.id);
    if (u == nullptr) return not_found("user " + user.id);
    if (find_by_name(st.users, u->account_id, user.name, user.id)) return already_exists("user " + user.name);
    User updated = user;
    updated.account_id = u->account_id;
    updated.create_date = u->create_date;
    *u = std::move(updated);
    return written(change_key(Topic::kUser, user.id));
  }
  Result<void> delete_user(std::string_view user_id) override {
    State& st = w();
    if (!st.users.contains(user_id)) return not_found("user " + std::string(user_id));
    for (const auto& [id, k] : st.access_keys) {
      if (k.user_id == user_id) return conflict("user " + std::string(user_id) + " has access keys");
    }
    if (st.login_profiles.contains(user_id)) return conflict("user " + std::string(user_id) + " has a login profile");
    for (const auto& [group_id, member] : st.members) {
      if (member == user_id) return conflict("user " + std::string(user_id) + " is in groups");
    }
    if (auto r = check_no_policies(user_id); !r) return r;
    for (const auto& [key, r] : st.resources) {
      if (r.owner_id == user_id) return conflict("user " + std::string(user_id) + " owns " + r.id);
    }
    st.users.erase(st.users.find(user_id));
    return written(change_key(Topic::kUser, user_id));
  }

  Result<void> create_access_key(const AccessKey& key) override {
    State& st = w();
    if (!st.accounts.contains(key.account_id)) return not_found("account " + key.account_id);
    if (!key.user_id.empty() && !st.users.contains(key.user_id)) return not_found("user " + key.user_id);
    if (st.access_keys.contains(key.id)) return already_exists("access key " + key.id);
    st.access_keys.emplace(key.id, key);
    return written(change_key(Topic::kAccessKey, key.id));
  }
  Result<void> update_access_key(const AccessKey& key) override {
    auto* k = find(w().access_keys, key.id);
    if (k == nullptr) return not_found("access key " + key.id);
    k->status = key.status;
    k->last_used = key.last_used;
    return written(change_key(Topic::kAccessKey, key.id));
  }
  Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) override {
    auto* k = find(w().access_keys, access_key_id);
    if (k == nullptr) return not_found("access key " + std::string(access_key_id));
    k->last_used = used;
    return {};  // published by commit, but not a write that bumps the generation
  }
  Result<void> delete_access_key(std::string_view access_key_id) override {
    auto& keys = w().access_keys;
    auto it = keys.find(access_key_id);
    if (it == keys.end()) return not_found("access key " + std::string(access_key_id));
    keys.erase(it);
    return written(change_key(Topic::kAccessKey, access_key_id));
  }

  Result<void> create_login_profile(const LoginProfile& profile) override {
    State& st = w();
    if (!st.users.contains(profile.user_id)) return not_found("user " + profile.user_id);
    if (st.login_profiles.contains(profile.user_id)) return already_exists("login profile of " + profile.user_id);
    st.login_profiles.emplace(profile.user_id, profile);
    return written(change_key(Topic::kLoginProfile, profile.user_id));
  }
  Result<void> update_login_profile(const LoginProfile& profile) override {
    auto* p = find(w().login_profiles, profile.user_id);
    if (p == nullptr) return not_found("login profile of " + profile.user_id);
    p->password_hash = profile.password_hash;
    p->password_reset_required = profile.password_reset_required;
    p->create_date = profile.create_date;
    return written(change_key(Topic::kLoginProfile, profile.user_id));
  }
  Result<void> delete_login_profile(std::string_view user_id) override {
    auto& profiles = w().login_profiles;
    auto it = profiles.find(user_id);
    if (it == profiles.end()) return not_found("login profile of " + std::string(user_id));
    profiles.erase(it);
    return written(change_key(Topic::kLoginProfile, user_id));
  }

  Result<void> create_group(const Group& group) override {
    State& st = w();
    if (!st.accounts.contains(group.account_id)) return not_found("account " + group.account_id);
    if (st.groups.contains(group.id) || find_by_name(st.groups, group.account_id, group.name)) {
      return already_exists("group " + group.name);
    }
    st.groups.emplace(group.id, group);
    return written(change_key(Topic::kGroup, group.id));
  }
  Result<void> update_group(const Group& group) override {
    State& st = w();
    auto* g = find(st.groups, group.id);
    if (g == nullptr) return not_found("group " + group.id);
    if (find_by_name(st.groups, g->account_id, group.name, group.id)) return already_exists("group " + group.name);
    g->name = group.name;
    g->path = group.path;
    return written(change_key(Topic::kGroup, group.id));
  }
  Result<void> delete_group(std::string_view group_id) override {
    State& st = w();
    if (!st.groups.contains(group_id)) return not_found("group " + std::string(group_id));
    auto it = st.members.lower_bound(Key2(group_id, ""));
    if (it != st.members.end() && it->first == group_id) {
      return conflict("group " + std::string(group_id) + " has members");
    }
    if (auto r = check_no_policies(group_id); !r) return r;
    st.groups.erase(st.groups.find(group_id));
    return written(change_key(Topic::kGroup, group_id));
  }
  Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) override {
    State& st = w();
    if (!st.groups.contains(group_id)) return not_found("group " + std::string(group_id));
    if (!st.users.contains(user_id)) return not_found("user " + std::string(user_id));
    if (!st.members.emplace(group_id, user_id).second) {
      return already_exists("user " + std::string(user_id) + " is in group " + std::string(group_id));
    }
    return written(change_key(Topic::kUserPolicies, user_id));
  }
  Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) override {
    State& st = w();
    if (st.members.erase(Key2(group_id, user_id)) == 0) {
      return not_found("user " + std::string(user_id) + " is not in group " + std::string(group_id));
    }
    return written(change_key(Topic::kUserPolicies, user_id));
  }

  Result<void> create_role(const Role& role) override {
    State& st = w();
    if (!st.accounts.contains(role.account_id)) return not_found("account " + role.account_id);
    if (st.roles.contains(role.id) || find_by_name(st.roles, role.account_id, role.name)) {
      return already_exists("role " + role.name);
    }
    st.roles.emplace(role.id, role);
    return written(change_key(Topic::kRole, role.id));
  }
  Result<void> update_role(const Role& role) override {
    State& st = w();
    auto* r = find(st.roles, role.id);
    if (r == nullptr) return not_found("role " + role.id);
    if (find_by_name(st.roles, r->account_id, role.name, role.id)) return already_exists("role " + role.name);
    Role updated = role;
    updated.account_id = r->account_id;
    updated.create_date = r->create_date;
    *r = std::move(updated);
    return written(change_key(Topic::kRole, role.id));
  }
  Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) override {
    auto* r = find(w().roles, role_id);
    if (r == nullptr) return not_found("role " + std::string(role_id));
    if (!r->last_used || r->last_used->date <= used.date) r->last_used = used;
    return {};  // published by commit, but not a write that bumps the generation
  }
  Result<void> delete_role(std::string_view role_id) override {
    State& st = w();
    if (!st.roles.contains(role_id)) return not_found("role " + std::string(role_id));
    if (auto r = check_no_policies(role_id); !r) return r;
    for (const auto& [profile_id, member] : st.profile_roles) {
      if (member == role_id) return conflict("role " + std::string(role_id) + " is in instance profiles");
    }
    st.roles.erase(st.roles.find(role_id));
    return written(change_key(Topic::kRole, role_id));
  }

  Result<void> create_policy(const ManagedPolicy& policy) override {
    State& st = w();
    if (!policy.aws_managed && !st.accounts.contains(policy.account_id)) {
      return not_found("account " + policy.account_id);
    }
    if (st.policies.contains(policy.arn) || find_by_name(st.policies, policy.account_id, policy.name)) {
      return already_exists("policy " + policy.arn);
    }
    for (const auto& [arn, p] : st.policies) {
      if (p.id == policy.id) return already_exists("policy id " + policy.id);
    }
    ManagedPolicy stored = policy;
    stored.attachment_count = 0;
    stored.permissions_boundary_usage_count = 0;
    stored.highest_version_number = 0;
    st.policies.emplace(policy.arn, std::move(stored));
    st.versions.emplace(policy.arn, std::vector<PolicyVersion>{});
    return written(change_key(Topic::kPolicy, policy.arn));
  }
  Result<void> update_policy(const ManagedPolicy& policy) override {
    auto* p = find(w().policies, policy.arn);
    if (p == nullptr) return not_found("policy " + policy.arn);
    p->description = policy.description;
    p->default_version_id = policy.default_version_id;
    p->update_date = policy.update_date;
    p->tags = policy.tags;
    return written(change_key(Topic::kPolicy, policy.arn));
  }
  Result<void> delete_policy(std::string_view arn) override {
    State& st = w();
    if (!st.policies.contains(arn)) return not_found("policy " + std::string(arn));
    for (const auto& [key, attachment] : st.attachments) {
      if (key.second == arn) return conflict("policy " + std::string(arn) + " is attached");
    }
    st.policies.erase(st.policies.find(arn));
    st.versions.erase(st.versions.find(arn));
    return written(change_key(Topic::kPolicy, arn));
  }
  Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) override {
    State& st = w();
    auto* versions = find(st.versions, arn);
    if (versions == nullptr) return not_found("policy " + std::string(arn));
    for (const auto& v : *versions) {
      if (v.version_id == version.version_id) return already_exists("policy version " + version.version_id);
    }
    PolicyVersion stored = version;
    stored.is_default = false;
    versions->push_back(std::move(stored));
    ManagedPolicy& p = st.policies.find(arn)->second;
    p.highest_version_number = std::max(p.highest_version_number, internal::version_number(version.version_id));
    return written(change_key(Topic::kPolicy, arn));
  }
  Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) override {
    State& st = w();
    auto* p = find(st.policies, arn);
    if (p == nullptr) return not_found("policy " + std::string(arn));
    if (p->default_version_id == version_id) return conflict("cannot delete the default version");
    auto& versions = st.versions.at(p->arn);
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const PolicyVersion& v) { return v.version_id == version_id; });
    if (it == versions.end()) return not_found("policy version " + std::string(version_id));
    versions.erase(it);
    return written(change_key(Topic::kPolicy, arn));
  }

  Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    State& st = w();
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    if (!st.policies.contains(arn)) return not_found("policy " + std::string(arn));
    if (!st.attachments.emplace(Key2(entity_id, arn), Attachment{kind, entity_account(kind, entity_id)}).second) {
      return already_exists("policy " + std::string(arn) + " is attached to " + std::string(entity_id));
    }
    return written(change_key(internal::policies_topic(kind), entity_id));
  }
  Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    State& st = w();
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    if (st.attachments.erase(Key2(entity_id, arn)) == 0) {
      return not_found("policy " + std::string(arn) + " is not attached to " + std::string(entity_id));
    }
    return written(change_key(internal::policies_topic(kind), entity_id));
  }

  Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) override {
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    w().inline_policies[Key2(entity_id, policy.name)] = policy.document;
    return written(change_key(internal::policies_topic(kind), entity_id));
  }
  Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                    std::string_view policy_name) override {
    if (!entity_exists(kind, entity_id)) return entity_not_found(kind, entity_id);
    if (w().inline_policies.erase(Key2(entity_id, policy_name)) == 0) {
      return not_found("inline policy " + std::string(policy_name));
    }
    return written(change_key(internal::policies_topic(kind), entity_id));
  }

  Result<void> create_resource(const Resource& resource) override {
    State& st = w();
    if (!st.accounts.contains(resource.account_id)) return not_found("account " + resource.account_id);
    if (!resource.owner_id.empty() && !st.users.contains(resource.owner_id)) {
      return not_found("user " + resource.owner_id);
    }
    if (st.resources.contains(std::pair(resource.kind, resource.id)) ||
        find_resource_by_name(st, resource.kind, resource.account_id, resource.name, "")) {
      return already_exists("resource " + resource.name);
    }
    st.resources.emplace(std::pair(resource.kind, resource.id), resource);
    return written(resource_change_key(resource.kind, resource.id));
  }
  Result<void> update_resource(const Resource& resource) override {
    State& st = w();
    auto it = st.resources.find(std::pair(resource.kind, resource.id));
    if (it == st.resources.end()) return not_found("resource " + resource.id);
    if (!resource.owner_id.empty() && !st.users.contains(resource.owner_id)) {
      return not_found("user " + resource.owner_id);
    }
    if (find_resource_by_name(st, resource.kind, it->second.account_id, resource.name, resource.id)) {
      return already_exists("resource " + resource.name);
    }
    it->second.name = resource.name;
    it->second.path = resource.path;
    it->second.owner_id = resource.owner_id;
    it->second.body = resource.body;
    return written(resource_change_key(resource.kind, resource.id));
  }
  Result<void> delete_resource(ResourceKind kind, std::string_view id) override {
    State& st = w();
    auto it = st.resources.find(std::pair(kind, std::string(id)));
    if (it == st.resources.end()) return not_found("resource " + std::string(id));
    st.resources.erase(it);
    return written(resource_change_key(kind, id));
  }

  Result<void> create_instance_profile(const InstanceProfile& profile) override {
    State& st = w();
    if (!st.accounts.contains(profile.account_id)) return not_found("account " + profile.account_id);
    if (st.instance_profiles.contains(profile.id) ||
        find_by_name(st.instance_profiles, profile.account_id, profile.name)) {
      return already_exists("instance profile " + profile.name);
    }
    InstanceProfile stored = profile;
    stored.role_ids.clear();
    st.instance_profiles.emplace(profile.id, std::move(stored));
    return written(change_key(Topic::kInstanceProfile, profile.id));
  }
  Result<void> update_instance_profile(const InstanceProfile& profile) override {
    auto* p = find(w().instance_profiles, profile.id);
    if (p == nullptr) return not_found("instance profile " + profile.id);
    p->path = profile.path;
    p->tags = profile.tags;
    return written(change_key(Topic::kInstanceProfile, profile.id));
  }
  Result<void> delete_instance_profile(std::string_view profile_id) override {
    State& st = w();
    if (!st.instance_profiles.contains(profile_id)) return not_found("instance profile " + std::string(profile_id));
    auto it = st.profile_roles.lower_bound(Key2(profile_id, ""));
    if (it != st.profile_roles.end() && it->first == profile_id) {
      return conflict("instance profile " + std::string(profile_id) + " has a role");
    }
    st.instance_profiles.erase(st.instance_profiles.find(profile_id));
    return written(change_key(Topic::kInstanceProfile, profile_id));
  }
  Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    State& st = w();
    if (!st.instance_profiles.contains(profile_id)) return not_found("instance profile " + std::string(profile_id));
    if (!st.roles.contains(role_id)) return not_found("role " + std::string(role_id));
    if (!st.profile_roles.emplace(profile_id, role_id).second) {
      return already_exists("role " + std::string(role_id) + " is in instance profile " + std::string(profile_id));
    }
    return written(change_key(Topic::kInstanceProfile, profile_id));
  }
  Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    if (w().profile_roles.erase(Key2(profile_id, role_id)) == 0) {
      return not_found("role " + std::string(role_id) + " is not in instance profile " + std::string(profile_id));
    }
    return written(change_key(Topic::kInstanceProfile, profile_id));
  }

  // ---- The audit trail ----
  Result<Page<AuditEvent>> list_audit_events(const AuditQuery& query) override {
    std::optional<std::pair<Timestamp, std::string>> after;
    if (!query.marker.empty()) {
      auto decoded = decode_audit_marker(query.marker);
      if (!decoded) return decoded.error();
      after = std::move(*decoded);
    }
    const std::size_t limit = std::max<std::size_t>(query.max_items, 1);
    Page<AuditEvent> page;
    const auto& audit = s().audit;
    auto it = after ? audit.lower_bound(*after) : audit.end();  // newest first: walk down
    while (it != audit.begin()) {
      --it;
      if (!audit_matches(it->second, query)) continue;
      if (page.items.size() == limit) {
        const AuditEvent& last = page.items.back();
        page.next_marker = encode_audit_marker(last.time, last.event_id);
        break;
      }
      page.items.push_back(it->second);
    }
    return page;
  }
  Result<void> append_audit_event(const AuditEvent& event) override {
    State& st = w();
    if (!st.audit_ids.insert(event.event_id).second) return already_exists("audit event " + event.event_id);
    st.audit.emplace(std::pair{event.time, event.event_id}, event);
    return {};  // published by commit, but not a write that bumps the generation
  }
  Result<std::uint64_t> prune_audit_events(Timestamp before) override {
    State& st = w();
    std::uint64_t n = 0;
    for (auto it = st.audit.begin(); it != st.audit.end() && it->first.first < before; ++n) {
      st.audit_ids.erase(it->second.event_id);
      it = st.audit.erase(it);
    }
    return n;
  }
  // ---- end of the audit trail ----

  Result<void> commit() override;

 private:
  const State& s() const {
    assert(snapshot_ || working_);
    return working_ ? *working_ : *snapshot_;
  }
  State& w() {
    assert(working_ && "write on a read transaction or a finished one");
    return *working_;
  }
  // Marks the transaction dirty and notes the change key of the record written.
  Result<void> written(std::string key) {
    dirty_ = true;
    changes_.push_back(std::move(key));
    return {};
  }

  bool alias_taken(const std::string& alias, const std::string& except_account) const {
    for (const auto& [id, a] : s().accounts) {
      if (id != except_account && a.alias == alias) return true;
    }
    return false;
  }

  bool entity_exists(EntityKind kind, std::string_view id) const {
    switch (kind) {
      case EntityKind::kUser:
        return s().users.contains(id);
      case EntityKind::kGroup:
        return s().groups.contains(id);
      case EntityKind::kRole:
        return s().roles.contains(id);
    }
    return false;
  }
  static Error entity_not_found(EntityKind kind, std::string_view id) {
    return not_found(std::string(internal::kind_name(kind)) + " " + std::string(id));
  }
  // The entity must exist.
  std::pair<std::string, std::string> entity_name_path(EntityKind kind, std::string_view id) const {
    switch (kind) {
      case EntityKind::kUser: {
        const User& u = s().users.find(id)->second;
        return {u.name, u.path};
      }
      case EntityKind::kGroup: {
        const Group& g = s().groups.find(id)->second;
        return {g.name, g.path};
      }
      case EntityKind::kRole:
        break;
    }
    const Role& r = s().roles.find(id)->second;
    return {r.name, r.path};
  }
  std::string entity_account(EntityKind kind, std::string_view id) const {
    switch (kind) {
      case EntityKind::kUser:
        return s().users.find(id)->second.account_id;
      case EntityKind::kGroup:
        return s().groups.find(id)->second.account_id;
      case EntityKind::kRole:
        break;
    }
    return s().roles.find(id)->second.account_id;
  }

  Result<void> check_no_policies(std::string_view entity_id) const {
    auto a = s().attachments.lower_bound(Key2(entity_id, ""));
    if (a != s().attachments.end() && a->first.first == entity_id) {
      return conflict(std::string(entity_id) + " has attached policies");
    }
    auto i = s().inline_policies.lower_bound(Key2(entity_id, ""));
    if (i != s().inline_policies.end() && i->first.first == entity_id) {
      return conflict(std::string(entity_id) + " has inline policies");
    }
    return {};
  }

  bool attached_in_account(const std::string& arn, std::string_view account_id) const {
    for (const auto& [key, attachment] : s().attachments) {
      if (key.second == arn && attachment.account_id == account_id) return true;
    }
    return false;
  }

  ManagedPolicy decorate(const ManagedPolicy& p) const {
    ManagedPolicy out = p;
    out.attachment_count = 0;
    for (const auto& [key, attachment] : s().attachments) out.attachment_count += key.second == p.arn;
    out.permissions_boundary_usage_count = 0;
    for (const auto& [id, u] : s().users) out.permissions_boundary_usage_count += u.permissions_boundary == p.arn;
    for (const auto& [id, r] : s().roles) out.permissions_boundary_usage_count += r.permissions_boundary == p.arn;
    return out;
  }
  static PolicyVersion with_default(const PolicyVersion& v, const ManagedPolicy& p) {
    PolicyVersion out = v;
    out.is_default = v.version_id == p.default_version_id;
    return out;
  }
  InstanceProfile with_roles(const InstanceProfile& p) const {
    InstanceProfile out = p;
    out.role_ids.clear();
    for (auto it = s().profile_roles.lower_bound(Key2(p.id, "")); it != s().profile_roles.end() && it->first == p.id;
         ++it) {
      out.role_ids.push_back(it->second);
    }
    return out;
  }

  std::shared_ptr<const State> snapshot_;  // read transactions
  MemoryStore* store_ = nullptr;           // write transactions: holds the writer slot until finished
  std::shared_ptr<State> working_;         // write transactions
  bool dirty_ = false;
  std::vector<std::string> changes_;  // change keys of the writes, published by commit
};

class MemoryStore final : public Store {
 public:
  MemoryStore() : current_(std::make_shared<const State>()) {}

  Result<std::unique_ptr<ReadTransaction>> begin_read() override {
    std::lock_guard lock(mu_);
    return std::unique_ptr<ReadTransaction>(std::make_unique<MemoryTransaction>(current_));
  }
  Result<std::unique_ptr<Transaction>> begin_write() override {
    {
      std::unique_lock lock(writer_mu_);
      writer_free_.wait(lock, [&] { return !writer_active_; });
      writer_active_ = true;
    }
    std::shared_ptr<const State> base;
    {
      std::lock_guard lock(mu_);
      base = current_;
    }
    return std::unique_ptr<Transaction>(std::make_unique<MemoryTransaction>(*this, *base));
  }
  std::uint64_t generation() const override { return generation_.load(std::memory_order_acquire); }
  std::uint64_t last_change(std::string_view key) const override { return changes_.last_change(key); }

  // Called by a finishing write transaction; `state` is null on rollback. `changes` are the
  // change keys of its writes, published before the new generation is.
  void finish_write(std::shared_ptr<const State> state, bool dirty, const std::vector<std::string>& changes) {
    if (state) {
      std::lock_guard lock(mu_);
      current_ = std::move(state);
      if (dirty) {
        const std::uint64_t next = generation_.load(std::memory_order_relaxed) + 1;
        changes_.publish(next, changes);
        generation_.store(next, std::memory_order_release);
      }
    }
    {
      std::lock_guard lock(writer_mu_);
      writer_active_ = false;
    }
    writer_free_.notify_one();
  }

 private:
  std::mutex mu_;  // guards current_
  std::shared_ptr<const State> current_;
  std::atomic<std::uint64_t> generation_{0};
  ChangeLog changes_;
  std::mutex writer_mu_;  // guards writer_active_
  std::condition_variable writer_free_;
  bool writer_active_ = false;
};

void MemoryTransaction::rollback() {
  snapshot_.reset();
  if (store_ != nullptr) {
    working_.reset();
    std::exchange(store_, nullptr)->finish_write(nullptr, false, {});
  }
}

Result<void> MemoryTransaction::commit() {
  assert(store_ != nullptr && "commit on a read transaction or a finished one");
  std::shared_ptr<const State> state = std::move(working_);
  std::exchange(store_, nullptr)->finish_write(std::move(state), dirty_, changes_);
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_memory_store() {
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
}

}  // namespace iamd::store::memory
