// The one conformance suite of the store: every test runs against every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "postgres_server.h"
#include "store/derived_cache.h"
#include "store/store.h"
#include "store_test_util.h"

namespace iamd::store {
namespace {

using namespace iamd::store::testing;  // NOLINT(google-build-using-namespace)

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    folder_ = std::make_unique<TempFolder>();
    std::string url = GetParam() == "memory" ? "memory:" : "sqlite:" + folder_->str();
    if (GetParam() == "postgres") {
      auto& server = PostgresServer::get();
      ASSERT_FALSE(server.url().empty()) << server.error();
      url = server.fresh_schema_url();
      ASSERT_FALSE(url.empty()) << "cannot make a schema";
    }
    auto opened = open_store(url);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_account(account(kAccount)));
    IAMD_ASSERT_OK(txn->create_account(account(kOtherAccount)));
    IAMD_ASSERT_OK(txn->commit());
  }
  void TearDown() override {
    store_.reset();
    folder_.reset();
  }

  std::unique_ptr<Transaction> write() {
    auto txn = store_->begin_write();
    EXPECT_TRUE(txn.has_value()) << txn.error().message;
    return std::move(*txn);
  }
  std::unique_ptr<ReadTransaction> read() {
    auto txn = store_->begin_read();
    EXPECT_TRUE(txn.has_value()) << txn.error().message;
    return std::move(*txn);
  }

  std::unique_ptr<TempFolder> folder_;
  std::unique_ptr<Store> store_;
};

template <class T>
std::vector<std::string> names(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.name);
  return out;
}

// Lists carry each record's tags in order, whatever way the backend loads them (SQLite
// reads a page's tags in one query), across page boundaries and for untagged records.
TEST_P(StoreConformance, ListedRecordsCarryTheirTags) {
  auto txn = write();
  std::vector<User> users;
  for (int i = 0; i < 5; ++i) {
    User u = user("u" + std::to_string(i), "AIDATAGGED00000000" + std::to_string(i));
    if (i % 2 == 0) u.tags = {{"z", std::to_string(i)}, {"a", "\"quoted\\"}, {"m", ""}};
    IAMD_ASSERT_OK(txn->create_user(u));
    users.push_back(u);
  }
  IAMD_ASSERT_OK(txn->create_group(group("g", "AGPATAGGED")));
  for (const User& u : users) IAMD_ASSERT_OK(txn->add_user_to_group("AGPATAGGED", u.id));
  Role r1 = role("r1", "AROATAGGED1");
  r1.tags = {{"k", "v"}};
  IAMD_ASSERT_OK(txn->create_role(r1));
  IAMD_ASSERT_OK(txn->create_role(role("r2", "AROATAGGED2")));
  ManagedPolicy p1 = policy("p1", "ANPATAGGED1");
  p1.tags = {{"owner", "sec"}, {"Owner", "x"}};
  IAMD_ASSERT_OK(txn->create_policy(p1));
  IAMD_ASSERT_OK(txn->create_policy(policy("p2", "ANPATAGGED2")));
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  ListOptions two;
  two.max_items = 2;
  std::vector<User> listed;
  std::vector<User> in_group;
  for (std::string marker = "first"; !marker.empty();) {
    if (marker == "first") marker.clear();
    two.marker = marker;
    auto page = r->list_users(kAccount, two);
    IAMD_ASSERT_OK(page);
    listed.insert(listed.end(), page->items.begin(), page->items.end());
    marker = page->next_marker;
  }
  EXPECT_EQ(listed, users);
  auto members = r->list_users_in_group("AGPATAGGED", ListOptions{});
  IAMD_ASSERT_OK(members);
  EXPECT_EQ(members->items, users);
  auto roles = r->list_roles(kAccount, ListOptions{});
  IAMD_ASSERT_OK(roles);
  ASSERT_EQ(roles->items.size(), 2u);
  EXPECT_EQ(roles->items[0].tags, r1.tags);
  EXPECT_TRUE(roles->items[1].tags.empty());
  PolicyListOptions local;
  local.scope = PolicyScope::kLocal;
  auto policies = r->list_policies(kAccount, local);
  IAMD_ASSERT_OK(policies);
  ASSERT_EQ(policies->items.size(), 2u);
  EXPECT_EQ(policies->items[0].tags, p1.tags);
  EXPECT_TRUE(policies->items[1].tags.empty());

  // Lists asked not to read tags return the same records otherwise (their tags may be left
  // out), in the same order and pages.
  auto without_tags = [](std::vector<User> v) {
    for (User& u : v) u.tags.clear();
    return v;
  };
  ListOptions bare;
  bare.with_tags = false;
  auto listed_bare = r->list_users(kAccount, bare);
  IAMD_ASSERT_OK(listed_bare);
  EXPECT_EQ(without_tags(listed_bare->items), without_tags(users));
  auto members_bare = r->list_users_in_group("AGPATAGGED", bare);
  IAMD_ASSERT_OK(members_bare);
  EXPECT_EQ(without_tags(members_bare->items), without_tags(users));
  auto roles_bare = r->list_roles(kAccount, bare);
  IAMD_ASSERT_OK(roles_bare);
  ASSERT_EQ(roles_bare->items.size(), 2u);
  EXPECT_EQ(roles_bare->items[0].id, r1.id);
}

TEST_P(StoreConformance, AccountsAliasAndPasswordPolicy) {
  auto txn = write();
  IAMD_EXPECT_ERROR(txn->create_account(account(kAccount)), kAlreadyExists);
  Account a = account(kAccount);
  a.alias = "my-company";
  PasswordPolicy policy;
  policy.minimum_password_length = 14;
  policy.require_symbols = true;
  policy.max_password_age = 90;
  a.password_policy = policy;
  IAMD_ASSERT_OK(txn->update_account(a));
  Account other = account(kOtherAccount);
  other.alias = "my-company";
  IAMD_EXPECT_ERROR(txn->update_account(other), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->update_account(account("999999999999")), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_account(kAccount);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, a);
  auto by_alias = r->get_account_by_alias("my-company");
  IAMD_ASSERT_OK(by_alias);
  EXPECT_EQ(by_alias->id, kAccount);
  IAMD_EXPECT_ERROR(r->get_account_by_alias("nope"), kNotFound);
  auto plain = r->get_account(kOtherAccount);
  IAMD_ASSERT_OK(plain);
  EXPECT_FALSE(plain->alias);
  EXPECT_FALSE(plain->password_policy);
  r->rollback();

  // Removing the alias and the policy.
  auto w = write();
  a.alias.reset();
  a.password_policy.reset();
  IAMD_ASSERT_OK(w->update_account(a));
  IAMD_ASSERT_OK(w->commit());
  auto after = read()->get_account(kAccount);
  IAMD_ASSERT_OK(after);
  EXPECT_EQ(*after, a);
}

// list_accounts (iamd export) lists every account by id, with alias and password policy,
// page by page.
TEST_P(StoreConformance, ListAccountsByIdAcrossPages) {
  auto txn = write();
  Account third = account("000011112222");
  third.alias = "third";
  PasswordPolicy policy;
  policy.password_reuse_prevention = 3;
  third.password_policy = policy;
  IAMD_ASSERT_OK(txn->create_account(third));
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  ListOptions options;
  options.max_items = 2;
  auto first = r->list_accounts(options);
  IAMD_ASSERT_OK(first);
  ASSERT_EQ(first->items.size(), 2U);
  EXPECT_EQ(first->items[0], third);
  EXPECT_EQ(first->items[1].id, kAccount);
  ASSERT_TRUE(first->is_truncated());
  options.marker = first->next_marker;
  auto second = r->list_accounts(options);
  IAMD_ASSERT_OK(second);
  ASSERT_EQ(second->items.size(), 1U);
  EXPECT_EQ(second->items[0], account(kOtherAccount));
  EXPECT_FALSE(second->is_truncated());
  options.marker = "not-a-marker";
  IAMD_EXPECT_ERROR(r->list_accounts(options), "ValidationError");
}

TEST_P(StoreConformance, UsersCrudWithCaseInsensitiveNames) {
  User alice = user("Alice", "AIDAALICE000000000001", "/eng/");
  alice.permissions_boundary = "arn:aws:iam::111122223333:policy/Boundary";
  alice.tags = {{"team", "core"}, {"Cost", ""}};
  alice.password_last_used = ts(1'700'000'999, 42);
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_user(alice));
    IAMD_EXPECT_ERROR(txn->create_user(user("ALICE", "AIDAALICE000000000002")), kAlreadyExists);
    IAMD_EXPECT_ERROR(txn->create_user(user("Bob", "AIDAALICE000000000001")), kAlreadyExists);
    IAMD_EXPECT_ERROR(txn->create_user(user("Carol", "AIDACAROL000000000001", "/", "999999999999")), kNotFound);
    // Same name in another account is fine.
    IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE000000000003", "/", kOtherAccount)));
    IAMD_ASSERT_OK(txn->commit());
  }
  auto r = read();
  for (const char* name : {"Alice", "alice", "ALICE", "aLiCe"}) {
    auto got = r->get_user(kAccount, name);
    IAMD_ASSERT_OK(got);
    EXPECT_EQ(*got, alice) << name;
  }
  auto by_id = r->get_user_by_id(alice.id);
  IAMD_ASSERT_OK(by_id);
  EXPECT_EQ(*by_id, alice);
  auto other = r->get_user(kOtherAccount, "ALICE");
  IAMD_ASSERT_OK(other);
  EXPECT_EQ(other->name, "alice");
  IAMD_EXPECT_ERROR(r->get_user(kAccount, "Bob"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_user_by_id("AIDANOPE"), kNotFound);
  r->rollback();

  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("Bob", "AIDABOB0000000000001")));
  User renamed = alice;
  renamed.name = "ALICE2";
  renamed.path = "/";
  renamed.tags = {{"k", "v"}};
  renamed.permissions_boundary.clear();
  renamed.password_last_used.reset();
  IAMD_ASSERT_OK(txn->update_user(renamed));
  User clash = renamed;
  clash.name = "bob";
  IAMD_EXPECT_ERROR(txn->update_user(clash), kAlreadyExists);
  // Changing only the case of one's own name is allowed.
  renamed.name = "Alice2";
  IAMD_ASSERT_OK(txn->update_user(renamed));
  IAMD_EXPECT_ERROR(txn->update_user(user("Nobody", "AIDANOBODY")), kNotFound);
  IAMD_ASSERT_OK(txn->delete_user("AIDABOB0000000000001"));
  IAMD_EXPECT_ERROR(txn->delete_user("AIDABOB0000000000001"), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r2 = read();
  auto got = r2->get_user(kAccount, "alice2");
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, renamed);
  IAMD_EXPECT_ERROR(r2->get_user(kAccount, "Alice"), kNotFound);
  IAMD_EXPECT_ERROR(r2->get_user(kAccount, "Bob"), kNotFound);
}

TEST_P(StoreConformance, AccessKeysOfUsersAndRoot) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("Alice", "AIDAALICE")));
  AccessKey key;
  key.id = "AKIAALICE00000000001";
  key.account_id = kAccount;
  key.user_id = "AIDAALICE";
  key.create_date = ts(1'700'000'000, 1);
  key.secret_ciphertext = std::string("\x00\x01sealed\xff\x80", 10);
  IAMD_ASSERT_OK(txn->create_access_key(key));
  IAMD_EXPECT_ERROR(txn->create_access_key(key), kAlreadyExists);
  AccessKey root_key = key;
  root_key.id = "AKIAROOT000000000001";
  root_key.user_id.clear();
  IAMD_ASSERT_OK(txn->create_access_key(root_key));
  AccessKey orphan = key;
  orphan.id = "AKIAORPHAN0000000001";
  orphan.user_id = "AIDAMISSING";
  IAMD_EXPECT_ERROR(txn->create_access_key(orphan), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_access_key(key.id);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, key);
  EXPECT_EQ(got->secret_ciphertext.size(), 10u);
  auto user_keys = r->list_access_keys(kAccount, "AIDAALICE");
  IAMD_ASSERT_OK(user_keys);
  ASSERT_EQ(user_keys->size(), 1u);
  EXPECT_EQ((*user_keys)[0].id, key.id);
  auto root_keys = r->list_access_keys(kAccount, "");
  IAMD_ASSERT_OK(root_keys);
  ASSERT_EQ(root_keys->size(), 1u);
  EXPECT_EQ((*root_keys)[0], root_key);
  IAMD_EXPECT_ERROR(r->get_access_key("AKIANOPE"), kNotFound);
  r->rollback();

  auto w = write();
  key.status = AccessKeyStatus::kInactive;
  key.last_used = AccessKeyLastUsed{ts(1'700'001'000), "iam", "us-east-1"};
  IAMD_ASSERT_OK(w->update_access_key(key));
  IAMD_EXPECT_ERROR(w->delete_user("AIDAALICE"), kConflict);
  IAMD_ASSERT_OK(w->commit());
  auto updated = read()->get_access_key(key.id);
  IAMD_ASSERT_OK(updated);
  EXPECT_EQ(*updated, key);

  auto d = write();
  IAMD_ASSERT_OK(d->delete_access_key(key.id));
  IAMD_EXPECT_ERROR(d->delete_access_key(key.id), kNotFound);
  IAMD_ASSERT_OK(d->delete_user("AIDAALICE"));
  IAMD_ASSERT_OK(d->commit());
}

TEST_P(StoreConformance, LoginProfiles) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("Alice", "AIDAALICE")));
  LoginProfile profile{"AIDAALICE", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", true, ts(1'700'000'000)};
  IAMD_ASSERT_OK(txn->create_login_profile(profile));
  IAMD_EXPECT_ERROR(txn->create_login_profile(profile), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->create_login_profile(LoginProfile{"AIDANOPE", "x", false, ts(1)}), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto got = read()->get_login_profile("AIDAALICE");
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, profile);

  auto w = write();
  profile.password_hash = "other";
  profile.password_reset_required = false;
  IAMD_ASSERT_OK(w->update_login_profile(profile));
  IAMD_EXPECT_ERROR(w->delete_user("AIDAALICE"), kConflict);
  IAMD_ASSERT_OK(w->commit());
  auto updated = read()->get_login_profile("AIDAALICE");
  IAMD_ASSERT_OK(updated);
  EXPECT_EQ(*updated, profile);

  auto d = write();
  IAMD_ASSERT_OK(d->delete_login_profile("AIDAALICE"));
  IAMD_EXPECT_ERROR(d->delete_login_profile("AIDAALICE"), kNotFound);
  IAMD_EXPECT_ERROR(d->update_login_profile(profile), kNotFound);
  IAMD_ASSERT_OK(d->delete_user("AIDAALICE"));
  IAMD_ASSERT_OK(d->commit());
  IAMD_EXPECT_ERROR(read()->get_login_profile("AIDAALICE"), kNotFound);
}

TEST_P(StoreConformance, GroupsAndMembership) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_group(group("Admins", "AGPAADMINS", "/ops/")));
  IAMD_ASSERT_OK(txn->create_group(group("devs", "AGPADEVS")));
  IAMD_EXPECT_ERROR(txn->create_group(group("ADMINS", "AGPAOTHER")), kAlreadyExists);
  IAMD_ASSERT_OK(txn->create_user(user("Alice", "AIDAALICE")));
  IAMD_ASSERT_OK(txn->create_user(user("bob", "AIDABOB")));
  IAMD_ASSERT_OK(txn->add_user_to_group("AGPAADMINS", "AIDAALICE"));
  IAMD_ASSERT_OK(txn->add_user_to_group("AGPAADMINS", "AIDABOB"));
  IAMD_ASSERT_OK(txn->add_user_to_group("AGPADEVS", "AIDAALICE"));
  IAMD_EXPECT_ERROR(txn->add_user_to_group("AGPAADMINS", "AIDAALICE"), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->add_user_to_group("AGPANOPE", "AIDAALICE"), kNotFound);
  IAMD_EXPECT_ERROR(txn->add_user_to_group("AGPAADMINS", "AIDANOPE"), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto admins = r->get_group(kAccount, "admins");
  IAMD_ASSERT_OK(admins);
  EXPECT_EQ(*admins, group("Admins", "AGPAADMINS", "/ops/"));
  auto by_id = r->get_group_by_id("AGPADEVS");
  IAMD_ASSERT_OK(by_id);
  EXPECT_EQ(by_id->name, "devs");
  auto groups = r->list_groups_for_user("AIDAALICE", {});
  IAMD_ASSERT_OK(groups);
  EXPECT_EQ(names(groups->items), (std::vector<std::string>{"Admins", "devs"}));
  auto members = r->list_users_in_group("AGPAADMINS", {});
  IAMD_ASSERT_OK(members);
  EXPECT_EQ(names(members->items), (std::vector<std::string>{"Alice", "bob"}));
  EXPECT_FALSE(members->is_truncated());
  IAMD_EXPECT_ERROR(r->list_users_in_group("AGPANOPE", {}), kNotFound);
  IAMD_EXPECT_ERROR(r->list_groups_for_user("AIDANOPE", {}), kNotFound);
  r->rollback();

  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_group("AGPAADMINS"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_user("AIDABOB"), kConflict);
  IAMD_ASSERT_OK(w->remove_user_from_group("AGPAADMINS", "AIDABOB"));
  IAMD_EXPECT_ERROR(w->remove_user_from_group("AGPAADMINS", "AIDABOB"), kNotFound);
  IAMD_ASSERT_OK(w->delete_user("AIDABOB"));
  Group renamed = group("Operators", "AGPAADMINS", "/");
  IAMD_ASSERT_OK(w->update_group(renamed));
  IAMD_EXPECT_ERROR(w->update_group(group("DEVS", "AGPAADMINS")), kAlreadyExists);
  IAMD_ASSERT_OK(w->commit());

  auto r2 = read();
  auto op = r2->get_group(kAccount, "OPERATORS");
  IAMD_ASSERT_OK(op);
  EXPECT_EQ(op->path, "/");
  auto left = r2->list_users_in_group("AGPAADMINS", {});
  IAMD_ASSERT_OK(left);
  EXPECT_EQ(names(left->items), (std::vector<std::string>{"Alice"}));
  r2->rollback();

  auto d = write();
  IAMD_ASSERT_OK(d->remove_user_from_group("AGPAADMINS", "AIDAALICE"));
  IAMD_ASSERT_OK(d->delete_group("AGPAADMINS"));
  IAMD_EXPECT_ERROR(d->delete_group("AGPAADMINS"), kNotFound);
  IAMD_ASSERT_OK(d->commit());
  IAMD_EXPECT_ERROR(read()->get_group(kAccount, "Operators"), kNotFound);
}

TEST_P(StoreConformance, RolesCrud) {
  Role admin = role("Admin", "AROAADMIN", "/service-role/");
  admin.description = "administrators";
  admin.max_session_duration = 43200;
  admin.permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess";
  admin.tags = {{"env", "prod"}};
  admin.last_used = RoleLastUsed{ts(1'700'100'000), "eu-west-1"};
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_role(admin));
  IAMD_EXPECT_ERROR(txn->create_role(role("ADMIN", "AROAOTHER")), kAlreadyExists);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_role(kAccount, "admin");
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, admin);
  auto by_id = r->get_role_by_id("AROAADMIN");
  IAMD_ASSERT_OK(by_id);
  EXPECT_EQ(*by_id, admin);
  r->rollback();

  auto w = write();
  admin.trust_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]})";
  admin.description.clear();
  admin.last_used.reset();
  admin.tags.clear();
  admin.name = "SuperAdmin";
  IAMD_ASSERT_OK(w->update_role(admin));
  IAMD_ASSERT_OK(w->commit());
  auto updated = read()->get_role(kAccount, "SUPERADMIN");
  IAMD_ASSERT_OK(updated);
  EXPECT_EQ(*updated, admin);

  auto d = write();
  IAMD_ASSERT_OK(d->delete_role("AROAADMIN"));
  IAMD_EXPECT_ERROR(d->delete_role("AROAADMIN"), kNotFound);
  IAMD_ASSERT_OK(d->commit());
  IAMD_EXPECT_ERROR(read()->get_role_by_id("AROAADMIN"), kNotFound);
}

TEST_P(StoreConformance, ManagedPoliciesAndVersions) {
  ManagedPolicy p = policy("ReadOnly", "ANPAREADONLY", "/team/");
  p.description = "read only";
  p.tags = {{"Owner", "sec"}, {"owner", "case-sensitive on policies"}};
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_policy(p));
  IAMD_ASSERT_OK(txn->create_policy_version(p.arn, version("v1", R"({"Statement":[]})")));
  IAMD_EXPECT_ERROR(txn->create_policy(p), kAlreadyExists);
  // Policy names are unique per account regardless of path and case.
  IAMD_EXPECT_ERROR(txn->create_policy(policy("READONLY", "ANPAOTHER", "/other/")), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->create_policy(policy("Fresh", "ANPAREADONLY")), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->create_policy(policy("Fresh", "ANPAFRESH", "/", "999999999999")), kNotFound);
  IAMD_EXPECT_ERROR(txn->create_policy_version(p.arn, version("v1", "{}")), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->create_policy_version("arn:aws:iam::111122223333:policy/Nope", version("v1", "{}")),
                    kNotFound);
  IAMD_ASSERT_OK(txn->create_policy_version(p.arn, version("v2", R"({"Statement":[{}]})", 1'700'000'500)));
  p.default_version_id = "v2";
  p.update_date = ts(1'700'000'500);
  IAMD_ASSERT_OK(txn->update_policy(p));
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  p.highest_version_number = 2;  // kept by the store
  EXPECT_EQ(*got, p);
  auto versions = r->list_policy_versions(p.arn);
  IAMD_ASSERT_OK(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version_id, "v1");
  EXPECT_FALSE((*versions)[0].is_default);
  EXPECT_EQ((*versions)[1].version_id, "v2");
  EXPECT_TRUE((*versions)[1].is_default);
  EXPECT_EQ((*versions)[1].document, R"({"Statement":[{}]})");
  EXPECT_EQ((*versions)[1].create_date, ts(1'700'000'500));
  auto v1 = r->get_policy_version(p.arn, "v1");
  IAMD_ASSERT_OK(v1);
  EXPECT_EQ(v1->document, R"({"Statement":[]})");
  IAMD_EXPECT_ERROR(r->get_policy_version(p.arn, "v9"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_policy_version("arn:aws:iam::111122223333:policy/Nope", "v1"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_policy("arn:aws:iam::111122223333:policy/Nope"), kNotFound);
  r->rollback();

  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_policy_version(p.arn, "v2"), kConflict);
  IAMD_ASSERT_OK(w->delete_policy_version(p.arn, "v1"));
  IAMD_EXPECT_ERROR(w->delete_policy_version(p.arn, "v1"), kNotFound);
  IAMD_ASSERT_OK(w->commit());
  auto left = read()->list_policy_versions(p.arn);
  IAMD_ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);

  auto d = write();
  IAMD_ASSERT_OK(d->delete_policy(p.arn));
  IAMD_EXPECT_ERROR(d->delete_policy(p.arn), kNotFound);
  // The name is free again, versions went with the policy.
  ManagedPolicy again = policy("ReadOnly", "ANPAREADONLY2", "/team/");
  IAMD_ASSERT_OK(d->create_policy(again));
  IAMD_ASSERT_OK(d->create_policy_version(again.arn, version("v1", "{}")));
  IAMD_ASSERT_OK(d->commit());
  auto fresh = read()->list_policy_versions(again.arn);
  IAMD_ASSERT_OK(fresh);
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ((*fresh)[0].document, "{}");
}

TEST_P(StoreConformance, ListPoliciesByScopePathAndAttachment) {
  auto txn = write();
  for (const auto& p :
       {policy("AdministratorAccess", "ANPAAWS1", "/", "aws"),
        policy("AWSLambdaBasicExecutionRole", "ANPAAWS2", "/service-role/", "aws"), policy("Local1", "ANPALOCAL1"),
        policy("Local2", "ANPALOCAL2", "/team/"), policy("Foreign", "ANPAFOREIGN", "/", kOtherAccount)}) {
    IAMD_ASSERT_OK(txn->create_policy(p));
    IAMD_ASSERT_OK(txn->create_policy_version(p.arn, version("v1", "{}")));
  }
  IAMD_ASSERT_OK(txn->create_user(user("Alice", "AIDAALICE")));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAALICE", "arn:aws:iam::aws:policy/AdministratorAccess"));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAALICE", "arn:aws:iam::111122223333:policy/team/Local2"));
  IAMD_ASSERT_OK(txn->create_user(user("Zed", "AIDAZED", "/", kOtherAccount)));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAZED",
                                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
  IAMD_ASSERT_OK(txn->commit());

  auto list = [&](PolicyScope scope, bool only_attached, std::string prefix = "/") {
    PolicyListOptions options;
    options.scope = scope;
    options.only_attached = only_attached;
    options.list.path_prefix = std::move(prefix);
    auto page = read()->list_policies(kAccount, options);
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> out;
    for (const auto& p : page->items) out.push_back(p.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(list(PolicyScope::kAll, false),
            (V{"AWSLambdaBasicExecutionRole", "AdministratorAccess", "Local1", "Local2"}));
  EXPECT_EQ(list(PolicyScope::kAws, false), (V{"AWSLambdaBasicExecutionRole", "AdministratorAccess"}));
  EXPECT_EQ(list(PolicyScope::kLocal, false), (V{"Local1", "Local2"}));
  EXPECT_EQ(list(PolicyScope::kAll, true), (V{"AdministratorAccess", "Local2"}));
  EXPECT_EQ(list(PolicyScope::kAws, true), (V{"AdministratorAccess"}));
  EXPECT_EQ(list(PolicyScope::kAll, false, "/service-role/"), (V{"AWSLambdaBasicExecutionRole"}));
  EXPECT_EQ(list(PolicyScope::kLocal, false, "/te"), (V{"Local2"}));

  auto admin = read()->get_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  IAMD_ASSERT_OK(admin);
  EXPECT_TRUE(admin->aws_managed);
  EXPECT_EQ(admin->attachment_count, 1);
}

TEST_P(StoreConformance, AttachmentsAndCounts) {
  const std::string arn = "arn:aws:iam::111122223333:policy/Shared";
  const std::string boundary_arn = "arn:aws:iam::111122223333:policy/ops/Boundary";
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_policy(policy("Shared", "ANPASHARED")));
  IAMD_ASSERT_OK(txn->create_policy(policy("Boundary", "ANPABOUNDARY", "/ops/")));
  User alice = user("alice", "AIDAALICE", "/eng/");
  alice.permissions_boundary = boundary_arn;
  IAMD_ASSERT_OK(txn->create_user(alice));
  Role deployer = role("Deployer", "AROADEPLOYER");
  deployer.permissions_boundary = boundary_arn;
  IAMD_ASSERT_OK(txn->create_role(deployer));
  IAMD_ASSERT_OK(txn->create_group(group("Admins", "AGPAADMINS")));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAALICE", arn));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kRole, "AROADEPLOYER", arn));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kGroup, "AGPAADMINS", arn));
  IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAALICE", boundary_arn));
  IAMD_EXPECT_ERROR(txn->attach_policy(EntityKind::kUser, "AIDAALICE", arn), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->attach_policy(EntityKind::kUser, "AIDANOPE", arn), kNotFound);
  IAMD_EXPECT_ERROR(txn->attach_policy(EntityKind::kRole, "AIDAALICE", arn), kNotFound);  // wrong kind
  IAMD_EXPECT_ERROR(txn->attach_policy(EntityKind::kUser, "AIDAALICE", "arn:aws:iam::111122223333:policy/Nope"),
                    kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto shared = r->get_policy(arn);
  IAMD_ASSERT_OK(shared);
  EXPECT_EQ(shared->attachment_count, 3);
  EXPECT_EQ(shared->permissions_boundary_usage_count, 0);
  auto boundary = r->get_policy(boundary_arn);
  IAMD_ASSERT_OK(boundary);
  EXPECT_EQ(boundary->attachment_count, 1);
  EXPECT_EQ(boundary->permissions_boundary_usage_count, 2);

  auto attached = r->list_attached_policies(EntityKind::kUser, "AIDAALICE", {});
  IAMD_ASSERT_OK(attached);
  EXPECT_EQ(attached->items, (std::vector<AttachedPolicy>{{arn, "Shared"}, {boundary_arn, "Boundary"}}));
  ListOptions ops;
  ops.path_prefix = "/ops/";
  auto filtered = r->list_attached_policies(EntityKind::kUser, "AIDAALICE", ops);
  IAMD_ASSERT_OK(filtered);
  EXPECT_EQ(filtered->items, (std::vector<AttachedPolicy>{{boundary_arn, "Boundary"}}));
  IAMD_EXPECT_ERROR(r->list_attached_policies(EntityKind::kGroup, "AGPANOPE", {}), kNotFound);

  auto entities = r->list_entities_for_policy(kAccount, arn, std::nullopt, {});
  IAMD_ASSERT_OK(entities);
  EXPECT_EQ(entities->items, (std::vector<EntityRef>{{EntityKind::kGroup, "AGPAADMINS", "Admins"},
                                                     {EntityKind::kRole, "AROADEPLOYER", "Deployer"},
                                                     {EntityKind::kUser, "AIDAALICE", "alice"}}));
  auto roles_only = r->list_entities_for_policy(kAccount, arn, EntityKind::kRole, {});
  IAMD_ASSERT_OK(roles_only);
  EXPECT_EQ(roles_only->items, (std::vector<EntityRef>{{EntityKind::kRole, "AROADEPLOYER", "Deployer"}}));
  ListOptions eng;
  eng.path_prefix = "/eng/";
  auto by_path = r->list_entities_for_policy(kAccount, arn, std::nullopt, eng);
  IAMD_ASSERT_OK(by_path);
  EXPECT_EQ(by_path->items, (std::vector<EntityRef>{{EntityKind::kUser, "AIDAALICE", "alice"}}));
  auto other_account = r->list_entities_for_policy(kOtherAccount, arn, std::nullopt, {});
  IAMD_ASSERT_OK(other_account);
  EXPECT_TRUE(other_account->items.empty());
  IAMD_EXPECT_ERROR(r->list_entities_for_policy(kAccount, "arn:aws:iam::111122223333:policy/Nope", std::nullopt, {}),
                    kNotFound);
  r->rollback();

  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_policy(arn), kConflict);
  IAMD_EXPECT_ERROR(w->delete_user("AIDAALICE"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_role("AROADEPLOYER"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_group("AGPAADMINS"), kConflict);
  IAMD_ASSERT_OK(w->detach_policy(EntityKind::kUser, "AIDAALICE", arn));
  IAMD_EXPECT_ERROR(w->detach_policy(EntityKind::kUser, "AIDAALICE", arn), kNotFound);
  IAMD_ASSERT_OK(w->detach_policy(EntityKind::kRole, "AROADEPLOYER", arn));
  IAMD_ASSERT_OK(w->detach_policy(EntityKind::kGroup, "AGPAADMINS", arn));
  IAMD_ASSERT_OK(w->delete_policy(arn));
  IAMD_ASSERT_OK(w->delete_group("AGPAADMINS"));
  IAMD_ASSERT_OK(w->delete_role("AROADEPLOYER"));
  IAMD_ASSERT_OK(w->commit());
  auto b = read()->get_policy(boundary_arn);
  IAMD_ASSERT_OK(b);
  EXPECT_EQ(b->permissions_boundary_usage_count, 1);
}

TEST_P(StoreConformance, InlinePolicies) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE")));
  IAMD_ASSERT_OK(txn->create_group(group("g", "AGPAG")));
  IAMD_ASSERT_OK(txn->create_role(role("r", "AROAR")));
  IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kUser, "AIDAALICE", {"b", "doc-b"}));
  IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kUser, "AIDAALICE", {"a", "doc-a"}));
  IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kUser, "AIDAALICE", {"b", "doc-b2"}));
  IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kGroup, "AGPAG", {"g", "doc-g"}));
  IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kRole, "AROAR", {"r", "doc-r"}));
  IAMD_EXPECT_ERROR(txn->put_inline_policy(EntityKind::kRole, "AROANOPE", {"r", "doc"}), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto list = r->list_inline_policies(EntityKind::kUser, "AIDAALICE", {});
  IAMD_ASSERT_OK(list);
  EXPECT_EQ(list->items, (std::vector<InlinePolicy>{{"a", "doc-a"}, {"b", "doc-b2"}}));
  auto g = r->get_inline_policy(EntityKind::kGroup, "AGPAG", "g");
  IAMD_ASSERT_OK(g);
  EXPECT_EQ(g->document, "doc-g");
  IAMD_EXPECT_ERROR(r->get_inline_policy(EntityKind::kGroup, "AGPAG", "G"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_inline_policy(EntityKind::kRole, "AROANOPE", "r"), kNotFound);
  r->rollback();

  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_user("AIDAALICE"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_group("AGPAG"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_role("AROAR"), kConflict);
  IAMD_ASSERT_OK(w->delete_inline_policy(EntityKind::kUser, "AIDAALICE", "a"));
  IAMD_ASSERT_OK(w->delete_inline_policy(EntityKind::kUser, "AIDAALICE", "b"));
  IAMD_EXPECT_ERROR(w->delete_inline_policy(EntityKind::kUser, "AIDAALICE", "b"), kNotFound);
  IAMD_ASSERT_OK(w->delete_user("AIDAALICE"));
  IAMD_ASSERT_OK(w->commit());
}

TEST_P(StoreConformance, InstanceProfiles) {
  InstanceProfile web = instance_profile("Web", "AIPAWEB", "/apps/");
  web.tags = {{"tier", "front"}};
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_instance_profile(web));
  IAMD_ASSERT_OK(txn->create_instance_profile(instance_profile("batch", "AIPABATCH")));
  IAMD_EXPECT_ERROR(txn->create_instance_profile(instance_profile("WEB", "AIPAOTHER")), kAlreadyExists);
  IAMD_ASSERT_OK(txn->create_role(role("WebRole", "AROAWEB")));
  IAMD_ASSERT_OK(txn->add_role_to_instance_profile("AIPAWEB", "AROAWEB"));
  IAMD_ASSERT_OK(txn->add_role_to_instance_profile("AIPABATCH", "AROAWEB"));
  IAMD_EXPECT_ERROR(txn->add_role_to_instance_profile("AIPAWEB", "AROAWEB"), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->add_role_to_instance_profile("AIPAWEB", "AROANOPE"), kNotFound);
  IAMD_EXPECT_ERROR(txn->add_role_to_instance_profile("AIPANOPE", "AROAWEB"), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_instance_profile(kAccount, "web");
  IAMD_ASSERT_OK(got);
  web.role_ids = {"AROAWEB"};
  EXPECT_EQ(*got, web);
  auto for_role = r->list_instance_profiles_for_role("AROAWEB");
  IAMD_ASSERT_OK(for_role);
  EXPECT_EQ(names(*for_role), (std::vector<std::string>{"batch", "Web"}));  // by profile id
  auto all = r->list_instance_profiles(kAccount, {});
  IAMD_ASSERT_OK(all);
  EXPECT_EQ(names(all->items), (std::vector<std::string>{"batch", "Web"}));
  r->rollback();

  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_role("AROAWEB"), kConflict);
  IAMD_EXPECT_ERROR(w->delete_instance_profile("AIPAWEB"), kConflict);
  web.path = "/";
  web.tags = {};
  IAMD_ASSERT_OK(w->update_instance_profile(web));
  IAMD_ASSERT_OK(w->remove_role_from_instance_profile("AIPAWEB", "AROAWEB"));
  IAMD_EXPECT_ERROR(w->remove_role_from_instance_profile("AIPAWEB", "AROAWEB"), kNotFound);
  IAMD_ASSERT_OK(w->delete_instance_profile("AIPAWEB"));
  IAMD_ASSERT_OK(w->commit());
  IAMD_EXPECT_ERROR(read()->get_instance_profile(kAccount, "Web"), kNotFound);
  auto batch = read()->get_instance_profile(kAccount, "BATCH");
  IAMD_ASSERT_OK(batch);
  EXPECT_EQ(batch->role_ids, (std::vector<std::string>{"AROAWEB"}));
}

Resource resource(ResourceKind kind, std::string id, std::string name, std::string owner = "", std::string path = "/") {
  Resource r;
  r.kind = kind;
  r.account_id = kAccount;
  r.id = std::move(id);
  r.name = std::move(name);
  r.path = std::move(path);
  r.owner_id = std::move(owner);
  r.create_date = ts(1700000000, 5);
  r.body = std::string("{\"bytes\":\"\0\xff\"}", 15);  // opaque, binary-safe
  return r;
}

TEST_P(StoreConformance, ResourcesOfTheLesserKinds) {
  const auto kMfa = ResourceKind::kMfaDevice;
  const auto kSsh = ResourceKind::kSshPublicKey;
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE")));
  IAMD_ASSERT_OK(txn->create_user(user("bob", "AIDABOB")));
  Resource phone = resource(kMfa, "arn:aws:iam::111122223333:mfa/Phone", "Phone", "AIDAALICE");
  IAMD_ASSERT_OK(txn->create_resource(phone));
  IAMD_ASSERT_OK(txn->create_resource(resource(kMfa, "arn:aws:iam::111122223333:mfa/apps/key", "key", "", "/apps/")));
  // Same id or same name (any case) within a kind: AlreadyExists; another kind is separate.
  IAMD_EXPECT_ERROR(txn->create_resource(resource(kMfa, phone.id, "Other")), kAlreadyExists);
  IAMD_EXPECT_ERROR(txn->create_resource(resource(kMfa, "arn:x", "PHONE")), kAlreadyExists);
  IAMD_ASSERT_OK(txn->create_resource(resource(kSsh, phone.id, "Phone", "AIDABOB")));
  IAMD_EXPECT_ERROR(txn->create_resource(resource(kSsh, "APKANOUSER", "k2", "AIDANOPE")), kNotFound);
  Resource foreign = resource(kSsh, "APKAOTHER", "k3");
  foreign.account_id = "999999999999";
  IAMD_EXPECT_ERROR(txn->create_resource(foreign), kNotFound);
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto got = r->get_resource(kMfa, phone.id);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(*got, phone);
  auto by_name = r->get_resource_by_name(kMfa, kAccount, "pHoNe");
  IAMD_ASSERT_OK(by_name);
  EXPECT_EQ(*by_name, phone);
  IAMD_EXPECT_ERROR(r->get_resource(kSsh, "arn:aws:iam::111122223333:mfa/apps/key"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_resource_by_name(kMfa, kOtherAccount, "Phone"), kNotFound);
  auto all = r->list_resources(kMfa, kAccount, std::nullopt, {});
  IAMD_ASSERT_OK(all);
  EXPECT_EQ(names(all->items), (std::vector<std::string>{"key", "Phone"}));
  auto alices = r->list_resources(kMfa, kAccount, std::string_view("AIDAALICE"), {});
  IAMD_ASSERT_OK(alices);
  EXPECT_EQ(names(alices->items), (std::vector<std::string>{"Phone"}));
  auto unowned = r->list_resources(kMfa, kAccount, std::string_view(""), {});
  IAMD_ASSERT_OK(unowned);
  EXPECT_EQ(names(unowned->items), (std::vector<std::string>{"key"}));
  ListOptions apps;
  apps.path_prefix = "/apps/";
  auto in_apps = r->list_resources(kMfa, kAccount, std::nullopt, apps);
  IAMD_ASSERT_OK(in_apps);
  EXPECT_EQ(names(in_apps->items), (std::vector<std::string>{"key"}));
  r->rollback();

  // An owner cannot be deleted while it owns a record; update moves and renames.
  auto w = write();
  IAMD_EXPECT_ERROR(w->delete_user("AIDAALICE"), kConflict);
  Resource moved = phone;
  moved.owner_id = "";
  moved.name = "Phone2";
  moved.path = "/x/";
  moved.body = "{}";
  moved.create_date = ts(1);  // ignored: the create date is immutable
  IAMD_ASSERT_OK(w->update_resource(moved));
  IAMD_EXPECT_ERROR(w->update_resource(resource(kMfa, "arn:none", "n")), kNotFound);
  Resource clash = moved;
  clash.name = "KEY";
  IAMD_EXPECT_ERROR(w->update_resource(clash), kAlreadyExists);
  Resource to_missing = moved;
  to_missing.owner_id = "AIDANOPE";
  IAMD_EXPECT_ERROR(w->update_resource(to_missing), kNotFound);
  IAMD_ASSERT_OK(w->delete_user("AIDAALICE"));
  IAMD_EXPECT_ERROR(w->delete_user("AIDABOB"), kConflict);
  IAMD_ASSERT_OK(w->delete_resource(kSsh, phone.id));
  IAMD_EXPECT_ERROR(w->delete_resource(kSsh, phone.id), kNotFound);
  IAMD_ASSERT_OK(w->delete_user("AIDABOB"));
  IAMD_ASSERT_OK(w->commit());
  auto after = read()->get_resource(kMfa, phone.id);
  IAMD_ASSERT_OK(after);
  moved.create_date = phone.create_date;
  EXPECT_EQ(*after, moved);
}

// Follows markers to the end, checking that each page has at most `max_items` items.
template <class T, class Fetch>
std::vector<std::string> collect(Fetch fetch, std::size_t max_items, int* pages) {
  std::vector<std::string> out;
  ListOptions options;
  options.max_items = max_items;
  *pages = 0;
  for (;;) {
    Result<Page<T>> page = fetch(options);
    EXPECT_TRUE(page.has_value()) << page.error().message;
    if (!page) break;
    ++*pages;
    EXPECT_LE(page->items.size(), max_items);
    for (const auto& item : page->items) out.push_back(item.name);
    if (!page->is_truncated()) break;
    EXPECT_EQ(page->items.size(), max_items);
    options.marker = page->next_marker;
  }
  return out;
}

TEST_P(StoreConformance, PaginationWithMarkersAndPathPrefix) {
  std::vector<std::string> expected_all;
  std::vector<std::string> expected_eng;
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_group(group("everyone", "AGPAEVERYONE")));
    for (int i = 0; i < 23; ++i) {
      // Mixed case: the order is by case-folded name.
      std::string name = (i % 2 == 0 ? "User" : "user") + std::string(i < 10 ? "0" : "") + std::to_string(i);
      std::string path = i % 3 == 0 ? "/eng/" : "/ops/";
      IAMD_ASSERT_OK(txn->create_user(user(name, "AIDA" + std::to_string(100 + i), path)));
      IAMD_ASSERT_OK(txn->add_user_to_group("AGPAEVERYONE", "AIDA" + std::to_string(100 + i)));
      expected_all.push_back(name);
      if (i % 3 == 0) expected_eng.push_back(name);
    }
    IAMD_ASSERT_OK(txn->create_user(user("elsewhere", "AIDAELSEWHERE", "/", kOtherAccount)));
    IAMD_ASSERT_OK(txn->commit());
  }
  auto r = read();
  int pages = 0;
  auto all = collect<User>([&](const ListOptions& o) { return r->list_users(kAccount, o); }, 5, &pages);
  EXPECT_EQ(all, expected_all);
  EXPECT_EQ(pages, 5);

  auto eng = collect<User>(
      [&](ListOptions o) {
        o.path_prefix = "/eng/";
        return r->list_users(kAccount, o);
      },
      3, &pages);
  EXPECT_EQ(eng, expected_eng);
  EXPECT_EQ(pages, 3);

  auto members =
      collect<User>([&](const ListOptions& o) { return r->list_users_in_group("AGPAEVERYONE", o); }, 10, &pages);
  EXPECT_EQ(members, expected_all);
  EXPECT_EQ(pages, 3);

  // A page size equal to the number of items: no marker.
  ListOptions exact;
  exact.max_items = 23;
  auto whole = r->list_users(kAccount, exact);
  IAMD_ASSERT_OK(whole);
  EXPECT_EQ(whole->items.size(), 23u);
  EXPECT_FALSE(whole->is_truncated());

  ListOptions none;
  none.path_prefix = "/nothing/";
  auto empty = r->list_users(kAccount, none);
  IAMD_ASSERT_OK(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_FALSE(empty->is_truncated());

  ListOptions bad;
  bad.marker = "not a marker!";
  IAMD_EXPECT_ERROR(r->list_users(kAccount, bad), "ValidationError");
  bad.marker = common::base64_encode("zz:user01");  // well-formed base64, not a store marker
  IAMD_EXPECT_ERROR(r->list_groups(kAccount, bad), "ValidationError");
}

TEST_P(StoreConformance, PaginationOfEveryList) {
  const std::string arn = "arn:aws:iam::111122223333:policy/Shared";
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_policy(policy("Shared", "ANPASHARED")));
    IAMD_ASSERT_OK(txn->create_user(user("hub", "AIDAHUB")));
    for (int i = 0; i < 7; ++i) {
      const std::string n = std::to_string(i);
      IAMD_ASSERT_OK(txn->create_group(group("g" + n, "AGPA" + n)));
      IAMD_ASSERT_OK(txn->create_role(role("r" + n, "AROA" + n)));
      IAMD_ASSERT_OK(txn->create_instance_profile(instance_profile("ip" + n, "AIPA" + n)));
      IAMD_ASSERT_OK(txn->create_policy(policy("p" + n, "ANPA" + n)));
      IAMD_ASSERT_OK(txn->add_user_to_group("AGPA" + n, "AIDAHUB"));
      IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kGroup, "AGPA" + n, arn));
      IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kRole, "AROA" + n, arn));
      IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAHUB", "arn:aws:iam::111122223333:policy/p" + n));
      IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kUser, "AIDAHUB", {"inline" + n, "{}"}));
    }
    IAMD_ASSERT_OK(txn->commit());
  }
  auto r = read();
  int pages = 0;
  EXPECT_EQ(collect<Group>([&](const ListOptions& o) { return r->list_groups(kAccount, o); }, 2, &pages).size(), 7u);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(
      collect<Group>([&](const ListOptions& o) { return r->list_groups_for_user("AIDAHUB", o); }, 3, &pages).size(),
      7u);
  EXPECT_EQ(collect<Role>([&](const ListOptions& o) { return r->list_roles(kAccount, o); }, 4, &pages).size(), 7u);
  EXPECT_EQ(
      collect<InstanceProfile>([&](const ListOptions& o) { return r->list_instance_profiles(kAccount, o); }, 6, &pages)
          .size(),
      7u);
  EXPECT_EQ(
      collect<InlinePolicy>(
          [&](const ListOptions& o) { return r->list_inline_policies(EntityKind::kUser, "AIDAHUB", o); }, 2, &pages)
          .size(),
      7u);
  EXPECT_EQ(
      collect<EntityRef>(
          [&](const ListOptions& o) { return r->list_entities_for_policy(kAccount, arn, std::nullopt, o); }, 3, &pages),
      (std::vector<std::string>{"g0", "g1", "g2", "g3", "g4", "g5", "g6", "r0", "r1", "r2", "r3", "r4", "r5", "r6"}));
  EXPECT_EQ(pages, 5);
  auto attached = collect<AttachedPolicy>(
      [&](const ListOptions& o) { return r->list_attached_policies(EntityKind::kUser, "AIDAHUB", o); }, 2, &pages);
  EXPECT_EQ(attached, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}));
  auto policies = collect<ManagedPolicy>(
      [&](const ListOptions& o) {
        PolicyListOptions options;
        options.list = o;
        return r->list_policies(kAccount, options);
      },
      3, &pages);
  EXPECT_EQ(policies.size(), 8u);
}

TEST_P(StoreConformance, AccountSummaryCounts) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("a", "AIDAA")));
  IAMD_ASSERT_OK(txn->create_user(user("b", "AIDAB")));
  IAMD_ASSERT_OK(txn->create_user(user("c", "AIDAC", "/", kOtherAccount)));
  IAMD_ASSERT_OK(txn->create_group(group("g", "AGPAG")));
  IAMD_ASSERT_OK(txn->create_role(role("r", "AROAR")));
  IAMD_ASSERT_OK(txn->create_instance_profile(instance_profile("ip", "AIPAIP")));
  ManagedPolicy local = policy("local", "ANPALOCAL");
  IAMD_ASSERT_OK(txn->create_policy(local));
  IAMD_ASSERT_OK(txn->create_policy_version(local.arn, version("v1", "{}")));
  IAMD_ASSERT_OK(txn->create_policy_version(local.arn, version("v2", "{}")));
  ManagedPolicy aws = policy("AwsOne", "ANPAAWS", "/", "aws");
  IAMD_ASSERT_OK(txn->create_policy(aws));
  IAMD_ASSERT_OK(txn->create_policy_version(aws.arn, version("v1", "{}")));
  AccessKey root;
  root.id = "AKIAROOT";
  root.account_id = kAccount;
  IAMD_ASSERT_OK(txn->create_access_key(root));
  AccessKey user_key = root;
  user_key.id = "AKIAUSER";
  user_key.user_id = "AIDAA";
  IAMD_ASSERT_OK(txn->create_access_key(user_key));
  IAMD_ASSERT_OK(txn->commit());

  auto r = read();
  auto summary = r->get_account_summary(kAccount);
  IAMD_ASSERT_OK(summary);
  EXPECT_EQ(*summary, (AccountSummary{2, 1, 1, 1, 1, 2, 1}));
  auto other = r->get_account_summary(kOtherAccount);
  IAMD_ASSERT_OK(other);
  EXPECT_EQ(*other, (AccountSummary{1, 0, 0, 0, 0, 0, 0}));
  IAMD_EXPECT_ERROR(r->get_account_summary("999999999999"), kNotFound);
}

TEST_P(StoreConformance, RollbackLeavesNoTrace) {
  const auto generation = store_->generation();
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE")));
    IAMD_ASSERT_OK(txn->create_group(group("g", "AGPAG")));
    IAMD_ASSERT_OK(txn->add_user_to_group("AGPAG", "AIDAALICE"));
    IAMD_ASSERT_OK(txn->create_policy(policy("p", "ANPAP")));
    IAMD_ASSERT_OK(txn->create_policy_version("arn:aws:iam::111122223333:policy/p", version("v1", "{}")));
    IAMD_ASSERT_OK(txn->attach_policy(EntityKind::kUser, "AIDAALICE", "arn:aws:iam::111122223333:policy/p"));
    IAMD_ASSERT_OK(txn->put_inline_policy(EntityKind::kUser, "AIDAALICE", {"i", "{}"}));
    // An error midway: the transaction still sees its own writes.
    IAMD_EXPECT_ERROR(txn->create_user(user("ALICE", "AIDAALICE2")), kAlreadyExists);
    auto own = txn->get_user(kAccount, "alice");
    IAMD_ASSERT_OK(own);
    txn->rollback();
  }
  EXPECT_EQ(store_->generation(), generation);
  auto r = read();
  IAMD_EXPECT_ERROR(r->get_user(kAccount, "alice"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_group(kAccount, "g"), kNotFound);
  IAMD_EXPECT_ERROR(r->get_policy("arn:aws:iam::111122223333:policy/p"), kNotFound);
  auto summary = r->get_account_summary(kAccount);
  IAMD_ASSERT_OK(summary);
  EXPECT_EQ(*summary, AccountSummary{});
  r->rollback();
  // The names and ids are free again.
  auto w = write();
  IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
  IAMD_ASSERT_OK(w->commit());
}

TEST_P(StoreConformance, FailedWriteIsAtomicAndCommitKeepsTheRest) {
  auto txn = write();
  IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE")));
  User tagged = user("bob", "AIDABOB");
  tagged.tags = {{"a", "1"}, {"b", "2"}};
  IAMD_ASSERT_OK(txn->create_user(tagged));
  // A rename onto alice fails: bob keeps his old name and tags.
  User clash = tagged;
  clash.name = "ALICE";
  clash.tags = {{"c", "3"}};
  IAMD_EXPECT_ERROR(txn->update_user(clash), kAlreadyExists);
  IAMD_ASSERT_OK(txn->commit());
  auto r = read();
  auto bob = r->get_user(kAccount, "bob");
  IAMD_ASSERT_OK(bob);
  EXPECT_EQ(*bob, tagged);
  IAMD_ASSERT_OK(r->get_user(kAccount, "alice"));
}

TEST_P(StoreConformance, DestructorRollsBack) {
  const auto generation = store_->generation();
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_user(user("alice", "AIDAALICE")));
  }
  EXPECT_EQ(store_->generation(), generation);
  IAMD_EXPECT_ERROR(read()->get_user(kAccount, "alice"), kNotFound);
  // The writer slot was released: a new write transaction starts at once.
  auto w = write();
  IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
  IAMD_ASSERT_OK(w->commit());
  IAMD_EXPECT_OK(read()->get_user(kAccount, "alice"));
}

TEST_P(StoreConformance, GenerationBumpsOnCommitOnly) {
  const auto g0 = store_->generation();
  EXPECT_GE(g0, 1u);  // SetUp committed the accounts
  {
    auto r = read();
    IAMD_EXPECT_OK(r->get_account(kAccount));
  }
  EXPECT_EQ(store_->generation(), g0);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->commit());  // nothing written
  }
  EXPECT_EQ(store_->generation(), g0);
  {
    auto w = write();
    IAMD_EXPECT_ERROR(w->delete_user("AIDANOPE"), kNotFound);  // only a failed write
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(store_->generation(), g0);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
    EXPECT_EQ(store_->generation(), g0);  // not before commit
    IAMD_ASSERT_OK(w->create_user(user("bob", "AIDABOB")));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(store_->generation(), g0 + 1);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->delete_user("AIDABOB"));
    w->rollback();
  }
  EXPECT_EQ(store_->generation(), g0 + 1);
}

TEST_P(StoreConformance, UsageRecordsAreKeptButDoNotBumpTheGeneration) {
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
    AccessKey key;
    key.id = "AKIAALICE";
    key.account_id = kAccount;
    key.user_id = "AIDAALICE";
    key.create_date = ts(1700000000);
    key.secret_ciphertext = "sealed";
    IAMD_ASSERT_OK(w->create_access_key(key));
    IAMD_ASSERT_OK(w->commit());
  }
  const auto g0 = store_->generation();
  const AccessKeyLastUsed used{ts(1700000100, 7), "iam", "us-east-1"};
  {
    auto w = write();
    IAMD_EXPECT_ERROR(w->record_access_key_use("AKIANOPE", used), kNotFound);
    IAMD_ASSERT_OK(w->record_access_key_use("AKIAALICE", used));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(store_->generation(), g0);
  auto k = read()->get_access_key("AKIAALICE");
  IAMD_ASSERT_OK(k);
  ASSERT_TRUE(k->last_used.has_value());
  EXPECT_EQ(*k->last_used, used);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->record_access_key_use("AKIAALICE", AccessKeyLastUsed{ts(1700000200), "sts", "eu-west-1"}));
    w->rollback();
  }
  EXPECT_EQ(*read()->get_access_key("AKIAALICE")->last_used, used);
}

AuditEvent audit_event(std::string id, std::int64_t second, std::string principal, std::string name,
                       AuditOutcome outcome = AuditOutcome::kAllowed, std::string account = kAccount) {
  AuditEvent e;
  e.event_id = std::move(id);
  e.time = ts(second, 500);
  e.account_id = std::move(account);
  e.principal_arn = std::move(principal);
  e.event_source = "iam.amazonaws.com";
  e.event_name = std::move(name);
  e.resource_arn = "arn:aws:iam::" + e.account_id + ":user/" + e.event_id;
  e.outcome = outcome;
  if (outcome != AuditOutcome::kAllowed)
    e.error_code = outcome == AuditOutcome::kDenied ? "AccessDenied" : "NoSuchEntity";
  e.json = "{\"eventID\":\"" + e.event_id + "\"}";
  return e;
}

std::vector<std::string> event_ids(const std::vector<AuditEvent>& events) {
  std::vector<std::string> out;
  for (const AuditEvent& e : events) out.push_back(e.event_id);
  return out;
}

// The audit trail: appended with the transaction (a rollback leaves nothing), not a write for
// the generation, listed newest first (time, then id), filtered, paginated, pruned by time.
TEST_P(StoreConformance, AuditEventsAreAppendedListedAndPruned) {
  const std::string alice = "arn:aws:iam::" + std::string(kAccount) + ":user/alice";
  const std::string bob = "arn:aws:iam::" + std::string(kAccount) + ":user/bob";
  const auto g0 = store_->generation();
  {
    auto w = write();
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("e1", 100, alice, "CreateUser")));
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("e2", 200, bob, "GetUser", AuditOutcome::kDenied)));
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("e3", 300, alice, "GetUser", AuditOutcome::kError)));
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("e5", 300, alice, "DeleteUser")));  // same time as e3
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("e4", 400, "", "GetUser", AuditOutcome::kError, "")));
    IAMD_EXPECT_ERROR(w->append_audit_event(audit_event("e1", 500, bob, "GetUser")), kAlreadyExists);
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(store_->generation(), g0);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->append_audit_event(audit_event("gone", 600, alice, "CreateUser")));
    w->rollback();
  }
  auto all = read()->list_audit_events(AuditQuery{});
  IAMD_ASSERT_OK(all);
  EXPECT_EQ(event_ids(all->items), (std::vector<std::string>{"e4", "e5", "e3", "e2", "e1"}));
  EXPECT_FALSE(all->is_truncated());
  EXPECT_EQ(all->items.back(), audit_event("e1", 100, alice, "CreateUser"));

  auto ids = [&](AuditQuery q) {
    auto page = read()->list_audit_events(q);
    EXPECT_TRUE(page.has_value()) << page.error().message;
    return page ? event_ids(page->items) : std::vector<std::string>{};
  };
  AuditQuery q;
  q.principal_arn = alice;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"e5", "e3", "e1"}));
  q = {};
  q.event_name = "GetUser";
  q.outcome = AuditOutcome::kError;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"e4", "e3"}));
  q = {};
  q.account_id = std::string(kAccount);
  q.since = ts(200, 500);
  q.until = ts(300, 500);
  EXPECT_EQ(ids(q), (std::vector<std::string>{"e2"}));
  q = {};
  q.resource_arn = "arn:aws:iam::" + std::string(kAccount) + ":user/e3";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"e3"}));
  q = {};
  q.event_source = "sts.amazonaws.com";
  EXPECT_TRUE(ids(q).empty());

  // Pages of two, across the two events of the same second.
  std::vector<std::string> paged;
  AuditQuery page_query;
  page_query.max_items = 2;
  for (int i = 0; i < 5; ++i) {
    auto page = read()->list_audit_events(page_query);
    IAMD_ASSERT_OK(page);
    for (const std::string& id : event_ids(page->items)) paged.push_back(id);
    if (!page->is_truncated()) break;
    page_query.marker = page->next_marker;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"e4", "e5", "e3", "e2", "e1"}));
  AuditQuery bad;
  bad.marker = "not-a-marker";
  IAMD_EXPECT_ERROR(read()->list_audit_events(bad), "ValidationError");

  {
    auto w = write();
    auto pruned = w->prune_audit_events(ts(300, 500));
    IAMD_ASSERT_OK(pruned);
    EXPECT_EQ(*pruned, 2u);
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(ids(AuditQuery{}), (std::vector<std::string>{"e4", "e5", "e3"}));
  EXPECT_EQ(store_->generation(), g0);
}

// RoleLastUsed bookkeeping: kept, never moved back by an older use, not a write for the
// generation (the caches of the role's policies stay warm), undone by a rollback.
TEST_P(StoreConformance, RoleUseIsKeptButDoesNotBumpTheGeneration) {
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_role(role("app", "AROAAPP")));
    IAMD_ASSERT_OK(w->commit());
  }
  const auto g0 = store_->generation();
  const RoleLastUsed used{ts(1700000100, 7), "eu-west-1"};
  {
    auto w = write();
    IAMD_EXPECT_ERROR(w->record_role_use("AROANOPE", used), kNotFound);
    IAMD_ASSERT_OK(w->record_role_use("AROAAPP", used));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(store_->generation(), g0);
  auto r = read()->get_role(kAccount, "app");
  IAMD_ASSERT_OK(r);
  ASSERT_TRUE(r->last_used.has_value());
  EXPECT_EQ(*r->last_used, used);
  {
    auto w = write();  // an older use (a late flush) leaves the newer one
    IAMD_ASSERT_OK(w->record_role_use("AROAAPP", RoleLastUsed{ts(1700000050), "us-east-1"}));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(*read()->get_role(kAccount, "app")->last_used, used);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->record_role_use("AROAAPP", RoleLastUsed{ts(1700000200), "us-west-2"}));
    w->rollback();
  }
  EXPECT_EQ(*read()->get_role(kAccount, "app")->last_used, used);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->record_role_use("AROAAPP", RoleLastUsed{ts(1700000300), "us-west-2"}));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(*read()->get_role(kAccount, "app")->last_used, (RoleLastUsed{ts(1700000300), "us-west-2"}));
  EXPECT_EQ(store_->generation(), g0);
}

TEST_P(StoreConformance, ReadersSeeTheirSnapshot) {
  auto before = read();
  IAMD_ASSERT_OK(before->get_account(kAccount));  // the snapshot starts with the first read
  auto w = write();
  IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
  auto during = read();
  IAMD_EXPECT_ERROR(during->get_user(kAccount, "alice"), kNotFound);
  IAMD_ASSERT_OK(w->commit());
  IAMD_EXPECT_ERROR(before->get_user(kAccount, "alice"), kNotFound);
  IAMD_EXPECT_ERROR(during->get_user(kAccount, "alice"), kNotFound);
  IAMD_EXPECT_OK(read()->get_user(kAccount, "alice"));
}

// Readers run while writers commit: every snapshot they see is whole (each transaction
// adds a user and its group membership together), and the writers are serialized (a
// read-modify-write counter loses no update).
TEST_P(StoreConformance, ConcurrentReadersWithOneWriterAtATime) {
  {
    auto txn = write();
    IAMD_ASSERT_OK(txn->create_group(group("all", "AGPAALL")));
    Role counter = role("counter", "AROACOUNTER");
    counter.description = "0";
    IAMD_ASSERT_OK(txn->create_role(counter));
    IAMD_ASSERT_OK(txn->commit());
  }
  constexpr int kWriters = 2;
  constexpr int kCommitsPerWriter = 15;
  std::atomic<int> writers_done{0};
  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kCommitsPerWriter; ++i) {
        auto txn = store_->begin_write();
        if (!txn) {
          ++failures;
          continue;
        }
        const std::string id = "AIDA" + std::to_string(w) + "X" + std::to_string(i);
        auto counter = (*txn)->get_role_by_id("AROACOUNTER");
        bool ok = counter.has_value();
        if (ok) {
          counter->description = std::to_string(std::stoi(counter->description) + 1);
          ok = (*txn)->update_role(*counter).has_value() &&
               (*txn)->create_user(user("u" + std::to_string(w) + "-" + std::to_string(i), id)).has_value() &&
               (*txn)->add_user_to_group("AGPAALL", id).has_value() && (*txn)->commit().has_value();
        }
        if (!ok) ++failures;
      }
      ++writers_done;
    });
  }
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      std::size_t last = 0;
      // At least a few snapshots each, however fast the writers are.
      for (int n = 0; n < 5 || writers_done.load() < kWriters; ++n) {
        auto txn = store_->begin_read();
        if (!txn) {
          ++failures;
          continue;
        }
        ListOptions all;
        all.max_items = 1000;
        auto users = (*txn)->list_users(kAccount, all);
        auto members = (*txn)->list_users_in_group("AGPAALL", all);
        auto counter = (*txn)->get_role_by_id("AROACOUNTER");
        if (!users || !members || !counter || users->items.size() != members->items.size() ||
            users->items.size() != static_cast<std::size_t>(std::stoi(counter->description)) ||
            users->items.size() < last) {
          ++failures;
        } else {
          last = users->items.size();
        }
        ++reads;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  auto counter = read()->get_role_by_id("AROACOUNTER");
  IAMD_ASSERT_OK(counter);
  EXPECT_EQ(counter->description, std::to_string(kWriters * kCommitsPerWriter));
}

// As in AWS, a version id is never given again after DeleteVersion: the store keeps the
// highest version number a policy ever had, and deleting versions does not lower it.
TEST_P(StoreConformance, PolicyKeepsItsHighestVersionNumber) {
  ManagedPolicy p = policy("Counted", "ANPACOUNTED");
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_policy(p));
    IAMD_ASSERT_OK(w->create_policy_version(p.arn, version("v1", "{}")));
    IAMD_ASSERT_OK(w->create_policy_version(p.arn, version("v2", "{}")));
    IAMD_ASSERT_OK(w->create_policy_version(p.arn, version("v3", "{}")));
    IAMD_ASSERT_OK(w->commit());
  }
  auto got = read()->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(got->highest_version_number, 3);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->delete_policy_version(p.arn, "v3"));
    IAMD_ASSERT_OK(w->delete_policy_version(p.arn, "v2"));
    // update_policy and a version id that is not "vN" leave it alone.
    ManagedPolicy changed = p;
    changed.highest_version_number = 0;
    changed.description = "changed";
    IAMD_ASSERT_OK(w->update_policy(changed));
    IAMD_ASSERT_OK(w->commit());
  }
  got = read()->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(got->highest_version_number, 3);
  ListOptions all;
  auto listed = read()->list_policies(kAccount, PolicyListOptions{all, PolicyScope::kLocal, false});
  IAMD_ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].highest_version_number, 3);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_policy_version(p.arn, version("v4", "{}")));
    IAMD_ASSERT_OK(w->commit());
  }
  got = read()->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(got->highest_version_number, 4);
  // A new policy under the same ARN starts again.
  {
    auto w = write();
    IAMD_ASSERT_OK(w->delete_policy_version(p.arn, "v4"));
    IAMD_ASSERT_OK(w->delete_policy(p.arn));
    IAMD_ASSERT_OK(w->create_policy(policy("Counted", "ANPACOUNTED2")));
    IAMD_ASSERT_OK(w->create_policy_version(p.arn, version("v1", "{}")));
    IAMD_ASSERT_OK(w->commit());
  }
  got = read()->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(got->highest_version_number, 1);
}

// Each committed write names the record it changed; last_change() answers with the
// generation of the newest write to it, and only committed writes count.
TEST_P(StoreConformance, ChangeKeysNameWhatEachCommitWrote) {
  const std::string arn = "arn:aws:iam::111122223333:policy/p";
  auto at = [&](Topic topic, std::string_view id) { return store_->last_change(change_key(topic, id)); };
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
    IAMD_ASSERT_OK(w->create_user(user("bob", "AIDABOB")));
    IAMD_ASSERT_OK(w->create_group(group("g", "AGPAG")));
    IAMD_ASSERT_OK(w->create_policy(policy("p", "ANPAP")));
    IAMD_ASSERT_OK(w->create_policy_version(arn, version("v1", "{}")));
    IAMD_ASSERT_OK(w->commit());
  }
  const auto g1 = store_->generation();
  EXPECT_EQ(at(Topic::kUser, "AIDAALICE"), g1);
  EXPECT_EQ(at(Topic::kUser, "AIDABOB"), g1);
  EXPECT_EQ(at(Topic::kGroup, "AGPAG"), g1);
  EXPECT_EQ(at(Topic::kPolicy, arn), g1);
  EXPECT_LT(at(Topic::kUserPolicies, "AIDAALICE"), g1);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->put_inline_policy(EntityKind::kUser, "AIDAALICE", {"i", "{}"}));
    IAMD_ASSERT_OK(w->add_user_to_group("AGPAG", "AIDAALICE"));
    IAMD_ASSERT_OK(w->attach_policy(EntityKind::kGroup, "AGPAG", arn));
    IAMD_EXPECT_ERROR(w->create_user(user("bob", "AIDABOB")), kAlreadyExists);  // failed: nothing
    IAMD_ASSERT_OK(w->commit());
  }
  const auto g2 = store_->generation();
  EXPECT_EQ(g2, g1 + 1);
  EXPECT_EQ(at(Topic::kUserPolicies, "AIDAALICE"), g2);
  EXPECT_EQ(at(Topic::kGroupPolicies, "AGPAG"), g2);
  EXPECT_EQ(at(Topic::kUser, "AIDAALICE"), g1);  // the records themselves did not change
  EXPECT_EQ(at(Topic::kUser, "AIDABOB"), g1);
  EXPECT_EQ(at(Topic::kGroup, "AGPAG"), g1);
  EXPECT_EQ(at(Topic::kPolicy, arn), g1);  // attaching changes the entity's relations only
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_policy_version(arn, version("v2", "{}")));
    w->rollback();
  }
  EXPECT_EQ(store_->generation(), g2);
  EXPECT_EQ(at(Topic::kPolicy, arn), g1);
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_policy_version(arn, version("v2", "{}")));
    User bob = user("bob", "AIDABOB");
    bob.tags = {{"team", "b"}};
    IAMD_ASSERT_OK(w->update_user(bob));
    AccessKey key;
    key.id = "AKIABOB";
    key.account_id = kAccount;
    key.user_id = "AIDABOB";
    key.create_date = ts(1700000000);
    key.secret_ciphertext = "sealed";
    IAMD_ASSERT_OK(w->create_access_key(key));
    IAMD_ASSERT_OK(w->commit());
  }
  const auto g3 = store_->generation();
  EXPECT_EQ(at(Topic::kPolicy, arn), g3);
  EXPECT_EQ(at(Topic::kUser, "AIDABOB"), g3);
  EXPECT_EQ(at(Topic::kAccessKey, "AKIABOB"), g3);
  EXPECT_EQ(at(Topic::kUser, "AIDAALICE"), g1);
  EXPECT_EQ(at(Topic::kUserPolicies, "AIDAALICE"), g2);
  {
    auto w = write();  // usage bookkeeping is no change
    IAMD_ASSERT_OK(w->record_access_key_use("AKIABOB", AccessKeyLastUsed{ts(1700000100), "iam", "us-east-1"}));
    IAMD_ASSERT_OK(w->commit());
  }
  EXPECT_EQ(at(Topic::kAccessKey, "AKIABOB"), g3);
}

// The cache of derived values over this store: a write to one record rebuilds only the
// entries built from it; a build that races with a write to its records is rebuilt.
TEST_P(StoreConformance, DerivedCacheDropsOnlyWhatAChangeTouches) {
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE")));
    IAMD_ASSERT_OK(w->create_user(user("bob", "AIDABOB")));
    IAMD_ASSERT_OK(w->commit());
  }
  DerivedCache<std::string> cache(*store_, 100);
  using Built = DerivedCache<std::string>::Built;
  std::function<void()> during_build;
  auto path_of = [&](const std::string& id) {
    return [&, id]() -> Result<Built> {
      auto r = read();
      auto u = r->get_user_by_id(id);
      if (!u) return u.error();
      if (during_build) std::exchange(during_build, nullptr)();
      return Built{u->path, {change_key(Topic::kUser, id)}};
    };
  };
  auto get = [&](const std::string& id) {
    auto v = cache.get(id, path_of(id));
    EXPECT_TRUE(v.has_value());
    return v ? *v : std::string();
  };
  auto set_path = [&](const std::string& name, const std::string& id, const std::string& path) {
    auto w = write();
    IAMD_ASSERT_OK(w->update_user(user(name, id, path)));
    IAMD_ASSERT_OK(w->commit());
  };
  EXPECT_EQ(get("AIDAALICE"), "/");
  EXPECT_EQ(get("AIDABOB"), "/");
  EXPECT_EQ(cache.builds(), 2u);
  EXPECT_EQ(get("AIDAALICE"), "/");
  EXPECT_EQ(cache.builds(), 2u);

  set_path("alice", "AIDAALICE", "/a/");
  EXPECT_EQ(get("AIDABOB"), "/");  // still warm
  EXPECT_EQ(cache.builds(), 2u);
  EXPECT_EQ(get("AIDAALICE"), "/a/");
  EXPECT_EQ(cache.builds(), 3u);
  EXPECT_EQ(get("AIDAALICE"), "/a/");
  EXPECT_EQ(cache.builds(), 3u);

  // A write lands after the build read the record and before the entry is stored: the next
  // lookup must not take the entry for fresh.
  set_path("bob", "AIDABOB", "/b1/");
  during_build = [&] { set_path("bob", "AIDABOB", "/b2/"); };
  EXPECT_EQ(get("AIDABOB"), "/b1/");  // what the build read
  EXPECT_EQ(get("AIDABOB"), "/b2/");
  EXPECT_EQ(get("AIDABOB"), "/b2/");
  EXPECT_EQ(cache.builds(), 5u);

  // Failed builds cache nothing; the capacity holds.
  EXPECT_FALSE(cache.get("AIDANOPE", path_of("AIDANOPE")).has_value());
  EXPECT_EQ(cache.size(), 2u);
  DerivedCache<std::string> small(*store_, 1);
  ASSERT_TRUE(small.get("AIDAALICE", path_of("AIDAALICE")).has_value());
  ASSERT_TRUE(small.get("AIDABOB", path_of("AIDABOB")).has_value());
  EXPECT_EQ(small.size(), 1u);
}

// Under concurrent writes, a lookup that starts after a commit returned never answers with
// what the cache held before that commit (builds racing with writes are never kept as fresh).
TEST_P(StoreConformance, DerivedCacheIsNeverStaleAfterACommit) {
  {
    auto w = write();
    IAMD_ASSERT_OK(w->create_user(user("alice", "AIDAALICE", "/0/")));
    IAMD_ASSERT_OK(w->create_user(user("bob", "AIDABOB")));
    IAMD_ASSERT_OK(w->commit());
  }
  DerivedCache<int> cache(*store_, 10);
  using Built = DerivedCache<int>::Built;
  auto build = [&]() -> Result<Built> {
    auto r = store_->begin_read();
    if (!r) return r.error();
    auto u = (*r)->get_user_by_id("AIDAALICE");
    if (!u) return u.error();
    return Built{std::stoi(u->path.substr(1)), {change_key(Topic::kUser, "AIDAALICE")}};
  };
  constexpr int kWrites = 200;
  std::atomic<int> committed{0};
  std::atomic<int> stale{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const int floor = committed.load();
        auto v = cache.get("alice", build);
        if (!v || *v < floor) ++stale;
      }
    });
  }
  for (int n = 1; n <= kWrites; ++n) {
    auto w = write();
    IAMD_ASSERT_OK(w->update_user(user("alice", "AIDAALICE", "/" + std::to_string(n) + "/")));
    if (n % 3 == 0) IAMD_ASSERT_OK(w->update_user(user("bob", "AIDABOB", "/" + std::to_string(n) + "/")));
    IAMD_ASSERT_OK(w->commit());
    committed.store(n);
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0);
  auto last = cache.get("alice", build);
  IAMD_ASSERT_OK(last);
  EXPECT_EQ(*last, kWrites);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("memory", "sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace iamd::store
