// Domain tests of IamDomain on the memory store, with a fixed clock and seeded randomness:
// the quota table (enforced and reported alike, also under concurrent requests), DeleteUser's
// DeleteConflict order, tag rules, the credential report's lifetime, access key usage
// bookkeeping, and console passwords, which are never hashed or verified while a store write
// transaction is open.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/random.h"
#include "common/strings.h"
#include "common/time.h"
#include "iam/quotas.h"
#include "iam/service.h"
#include "store/memory/memory_store.h"
#include "watched_store.h"

namespace iamd::iam {
namespace {

constexpr std::string_view kAccount = "123456789012";
constexpr std::string_view kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
constexpr std::string_view kTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

// SeededRandom behind a mutex: the domain draws salts outside transactions, from any thread.
class LockedRandom final : public common::Random {
 public:
  explicit LockedRandom(std::uint64_t seed) : inner_(seed) {}
  void fill(std::uint8_t* out, std::size_t n) override {
    std::lock_guard lock(mu_);
    inner_.fill(out, n);
  }

 private:
  std::mutex mu_;
  common::SeededRandom inner_;
};

// A cheap, recognisable hasher that records whether its caller held a store write transaction
// whenever it hashed or verified, and can run a hook (a concurrent change) on verify.
class WatchingHasher final : public PasswordHasher {
 public:
  WatchingHasher() = default;
  Result<std::string> hash(std::string_view password, common::Random& random) const override {
    note();
    ++hashes;
    return "hash:" + common::to_hex(random.bytes(4)) + ":" + std::string(password);
  }
  bool verify(std::string_view password, const std::string& encoded) const override {
    note();
    ++verifies;
    if (on_verify) {
      auto hook = std::move(on_verify);
      on_verify = nullptr;
      hook();
    }
    const auto at = encoded.find(':', 5);
    return at != std::string::npos && encoded.substr(at + 1) == password;
  }

  mutable std::atomic<int> hashes{0}, verifies{0}, under_write_lock{0};
  mutable std::function<void()> on_verify;

 private:
  void note() const {
    if (store::testing::WatchedStore::open_writes_on_this_thread() > 0) ++under_write_lock;
  }
};

class DomainTest : public ::testing::Test {
 protected:
  DomainTest() : clock_(common::Timestamp{1'700'000'000, 0}), random_(42) {}

  void SetUp() override { make_domain(Quotas{}); }

  void make_domain(const Quotas& quotas) {
    auto inner = store::memory::open_memory_store();
    ASSERT_TRUE(inner.has_value());
    store_ = std::make_unique<store::testing::WatchedStore>(std::move(inner).value());
    hasher_ = std::make_unique<WatchingHasher>();
    DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    env.catalog = &ManagedCatalog::builtin();
    env.quotas = quotas;
    env.passwords = hasher_.get();
    domain_ = std::make_unique<IamDomain>(env);
    ASSERT_TRUE(domain_->bootstrap(kAccount, "AKIAROOTEXAMPLE00001", "rootsecret").has_value());
  }

  // One domain call in a transaction of its own (committed when a write succeeds), as the
  // pipeline runs it for an operation.
  template <class F>
  auto write(F&& f) -> decltype(f(std::declval<const Write&>())) {
    return in_write(*store_, kAccount, std::forward<F>(f));
  }
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<const Read&>())) {
    return in_read(*store_, kAccount, std::forward<F>(f));
  }

  // CreateLoginProfile, UpdateLoginProfile and ChangePassword as the pipeline runs them
  // (Mode::kPrepared): the checks in a read snapshot, the hash with no write transaction open,
  // then the write, which checks again.
  Result<Accounts::UserLoginProfile> create_login_profile(std::string_view user, std::string_view password,
                                                          bool reset_required) {
    auto& a = domain_->accounts;
    if (auto c = read([&](const Read& r) { return a.check_create_login_profile(r, user, password); }); !c) {
      return c.error();
    }
    auto hash = a.hash_password(password);
    if (!hash) return hash.error();
    return write([&](const Write& w) { return a.create_login_profile(w, user, password, *hash, reset_required); });
  }
  Result<void> update_login_profile(std::string_view user, const std::optional<std::string>& password,
                                    std::optional<bool> reset_required) {
    auto& a = domain_->accounts;
    std::optional<std::string> hash;
    if (password) {
      if (auto c = read([&](const Read& r) { return a.check_update_login_profile(r, user, password); }); !c) return c;
      auto h = a.hash_password(*password);
      if (!h) return h.error();
      hash = *h;
    }
    return write([&](const Write& w) { return a.update_login_profile(w, user, password, hash, reset_required); });
  }
  Result<void> change_password(std::string_view user_id, std::string_view old_password, std::string_view new_password) {
    auto& a = domain_->accounts;
    auto change =
        read([&](const Read& r) { return a.prepare_password_change(r, user_id, old_password, new_password); });
    if (!change) return change.error();
    return write([&](const Write& w) { return a.change_password(w, user_id, *change); });
  }

  std::string policy(int i) {
    auto p = write([&](const Write& w) {
      return domain_->policies.create_policy(w, "p" + std::to_string(i), "/", "", kAllowS3, {});
    });
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
    return p ? p->arn : "";
  }

  store::Role role_spec(std::string name) {
    store::Role r;
    r.account_id = std::string(kAccount);
    r.name = std::move(name);
    r.trust_policy = std::string(kTrust);
    return r;
  }

  static void expect_error(const common::Error& e, std::string_view code, std::string_view message) {
    EXPECT_EQ(e.code, code);
    EXPECT_EQ(e.message, message);
  }

  common::FixedClock clock_;
  LockedRandom random_;
  std::unique_ptr<store::testing::WatchedStore> store_;
  std::unique_ptr<WatchingHasher> hasher_;
  std::unique_ptr<IamDomain> domain_;
};

// ---- The quota table ----

TEST(QuotaTable, RowsAreInEnumOrderWithAwsDefaults) {
  for (std::size_t i = 0; i < kQuotaCount; ++i) EXPECT_EQ(static_cast<std::size_t>(kQuotaTable[i].id), i);
  EXPECT_EQ(quota_info(Quota::kAttachedPoliciesPerUser).aws_default, 10);
  EXPECT_EQ(quota_info(Quota::kAttachedPoliciesPerGroup).aws_default, 10);
  EXPECT_EQ(quota_info(Quota::kAttachedPoliciesPerRole).aws_default, 10);
  EXPECT_EQ(quota_info(Quota::kAccessKeysPerUser).aws_default, 2);
  EXPECT_EQ(quota_info(Quota::kVersionsPerPolicy).aws_default, 5);
  EXPECT_EQ(quota_info(Quota::kTagsPerResource).aws_default, 50);
  Quotas q;
  EXPECT_EQ(q.exceeded(Quota::kAttachedPoliciesPerUser).message, "Cannot exceed quota for PoliciesPerUser: 10");
  EXPECT_EQ(q.exceeded(Quota::kAttachedPoliciesPerUser).code, "LimitExceeded");
  EXPECT_TRUE(q.check_room(Quota::kAccessKeysPerUser, 1).has_value());
  EXPECT_FALSE(q.check_room(Quota::kAccessKeysPerUser, 2).has_value());
}

TEST_F(DomainTest, SummaryReportsEveryQuotaOfTheTableAsApplied) {
  Quotas q;
  q.set(Quota::kAttachedPoliciesPerUser, 20);
  q.set(Quota::kUsersPerAccount, 7);
  make_domain(q);
  auto summary = read([&](const Read& r) { return domain_->accounts.account_summary(r); });
  ASSERT_TRUE(summary.has_value());
  std::map<std::string, std::int64_t> m(summary->begin(), summary->end());
  int reported = 0;
  for (const QuotaInfo& info : kQuotaTable) {
    if (info.summary_key.empty()) continue;
    ++reported;
    ASSERT_TRUE(m.count(std::string(info.summary_key))) << info.summary_key;
    EXPECT_EQ(m[std::string(info.summary_key)], q[info.id]) << info.summary_key;
  }
  EXPECT_EQ(reported, 19);
  EXPECT_EQ(m["AttachedPoliciesPerUserQuota"], 20);
  EXPECT_EQ(m["UsersQuota"], 7);
}

TEST_F(DomainTest, AttachedManagedPoliciesPerUserGroupAndRole) {
  std::vector<std::string> arns;
  for (int i = 0; i < 11; ++i) arns.push_back(policy(i));
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "u", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->groups.create_group(w, "g", "/"); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->roles.create_role(w, role_spec("r")); }).has_value());
  struct Kind {
    std::function<Result<void>(const std::string&)> attach;
    std::string_view message;
  };
  std::vector<Kind> kinds = {
      {[&](const std::string& a) {
         return write([&](const Write& w) { return domain_->users.attach_user_policy(w, "u", a); });
       },
       "Cannot exceed quota for PoliciesPerUser: 10"},
      {[&](const std::string& a) {
         return write([&](const Write& w) { return domain_->groups.attach_group_policy(w, "g", a); });
       },
       "Cannot exceed quota for PoliciesPerGroup: 10"},
      {[&](const std::string& a) {
         return write([&](const Write& w) { return domain_->roles.attach_role_policy(w, "r", a); });
       },
       "Cannot exceed quota for PoliciesPerRole: 10"},
  };
  for (const Kind& k : kinds) {
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(k.attach(arns[i]).has_value()) << k.message << " " << i;
    auto eleventh = k.attach(arns[10]);
    ASSERT_FALSE(eleventh.has_value()) << k.message;
    expect_error(eleventh.error(), "LimitExceeded", k.message);
    EXPECT_TRUE(k.attach(arns[4]).has_value());  // attached already: no new attachment
  }
  // An AWS managed policy counts the same way.
  auto aws = write([&](const Write& w) {
    return domain_->users.attach_user_policy(w, "u", "arn:aws:iam::aws:policy/ReadOnlyAccess");
  });
  ASSERT_FALSE(aws.has_value());
  EXPECT_EQ(aws.error().message, "Cannot exceed quota for PoliciesPerUser: 10");
}

TEST_F(DomainTest, AttachedPoliciesQuotaHoldsUnderConcurrentAttaches) {
  std::vector<std::string> arns;
  for (int i = 0; i < 24; ++i) arns.push_back(policy(i));
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "racer", "/", "", {}); }).has_value());
  std::atomic<int> ok{0}, limited{0};
  std::vector<std::thread> threads;
  for (const std::string& arn : arns) {
    threads.emplace_back([&, arn] {
      auto r = write([&](const Write& w) { return domain_->users.attach_user_policy(w, "racer", arn); });
      if (r) {
        ++ok;
      } else if (r.error().code == "LimitExceeded") {
        ++limited;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(limited.load(), 14);
  store::ListOptions all;
  all.max_items = 100;
  EXPECT_EQ(
      read([&](const Read& r) { return domain_->users.list_attached_user_policies(r, "racer", all); })->items.size(),
      10u);
}

TEST_F(DomainTest, AccessKeysPerUserAndRoot) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "k", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_access_key(w, "k"); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_access_key(w, "k"); }).has_value());
  auto third = write([&](const Write& w) { return domain_->users.create_access_key(w, "k"); });
  ASSERT_FALSE(third.has_value());
  expect_error(third.error(), "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
  // The root user has one from bootstrap: one more, then the quota.
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_access_key(w, ""); }).has_value());
  EXPECT_EQ(write([&](const Write& w) { return domain_->users.create_access_key(w, ""); }).error().message,
            "Cannot exceed quota for AccessKeysPerUser: 2");
}

TEST_F(DomainTest, VersionsPerPolicy) {
  const std::string arn = policy(0);
  auto add_version = [&] {
    return write([&](const Write& w) { return domain_->policies.create_policy_version(w, arn, kAllowS3, false); });
  };
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(add_version());
  auto sixth = add_version();
  ASSERT_FALSE(sixth.has_value());
  expect_error(sixth.error(), "LimitExceeded",
               "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
               "existing version.");
}

TEST_F(DomainTest, AccountQuotasAsConfigured) {
  Quotas q;
  q.set(Quota::kUsersPerAccount, 2);
  q.set(Quota::kGroupsPerAccount, 1);
  q.set(Quota::kRolesPerAccount, 1);
  q.set(Quota::kPoliciesPerAccount, 1);
  make_domain(q);
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "a", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "b", "/", "", {}); }).has_value());
  expect_error(write([&](const Write& w) { return domain_->users.create_user(w, "c", "/", "", {}); }).error(),
               "LimitExceeded", "Cannot exceed quota for UsersPerAccount: 2");
  ASSERT_TRUE(write([&](const Write& w) { return domain_->groups.create_group(w, "g1", "/"); }).has_value());
  expect_error(write([&](const Write& w) { return domain_->groups.create_group(w, "g2", "/"); }).error(),
               "LimitExceeded", "Cannot exceed quota for GroupsPerAccount: 1");
  ASSERT_TRUE(write([&](const Write& w) { return domain_->roles.create_role(w, role_spec("r1")); }).has_value());
  expect_error(write([&](const Write& w) { return domain_->roles.create_role(w, role_spec("r2")); }).error(),
               "LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1");
  expect_error(write([&](const Write& w) {
                 return domain_->instance_profiles.create_service_linked_role(w, "elasticbeanstalk.amazonaws.com", "",
                                                                              "");
               }).error(),
               "LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1");
  policy(1);
  expect_error(
      write([&](const Write& w) { return domain_->policies.create_policy(w, "p2", "/", "", kAllowS3, {}); }).error(),
      "LimitExceeded", "Cannot exceed quota for PoliciesPerAccount: 1");
  // Deleting makes room again.
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.delete_user(w, "a"); }).has_value());
  EXPECT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "c", "/", "", {}); }).has_value());
}

TEST_F(DomainTest, UsersPerAccountHoldsWithDeletesAndConcurrentCreates) {
  Quotas q;
  q.set(Quota::kUsersPerAccount, 5);
  make_domain(q);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        write([&](const Write& w) { return domain_->users.create_user(w, "u" + std::to_string(i), "/", "", {}); }));
  expect_error(write([&](const Write& w) { return domain_->users.create_user(w, "u5", "/", "", {}); }).error(),
               "LimitExceeded", "Cannot exceed quota for UsersPerAccount: 5");
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.delete_user(w, "u0"); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.delete_user(w, "u1"); }).has_value());
  // A name already taken fails after the quota check: it must not use up room.
  EXPECT_EQ(write([&](const Write& w) { return domain_->users.create_user(w, "u2", "/", "", {}); }).error().code,
            "AlreadyExists");
  std::atomic<int> ok{0}, limited{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&, i] {
      auto r = write(
          [&](const Write& w) { return domain_->users.create_user(w, "racer" + std::to_string(i), "/", "", {}); });
      if (r) {
        ++ok;
      } else if (r.error().code == "LimitExceeded") {
        ++limited;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(limited.load(), 10);
  store::ListOptions all;
  all.max_items = 100;
  EXPECT_EQ(read([&](const Read& r) { return domain_->users.list_users(r, all); })->items.size(), 5u);
}

TEST_F(DomainTest, CreateUserCountsTheAccountsUsersOnlyNearTheQuota) {
  const int before = store_->counts_in_writes();
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(
        write([&](const Write& w) { return domain_->users.create_user(w, "u" + std::to_string(i), "/", "", {}); }));
  EXPECT_EQ(store_->counts_in_writes() - before, 1);  // the first CreateUser of the account only
}

TEST_F(DomainTest, InlinePolicySizesFollowTheAppliedQuota) {
  Quotas q;
  q.set(Quota::kUserPolicySize, 120);
  make_domain(q);
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "small", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) {
                return domain_->users.put_user_policy(w, "small", "one", kAllowS3);
              }).has_value());  // 89 characters
  auto second = write([&](const Write& w) { return domain_->users.put_user_policy(w, "small", "two", kAllowS3); });
  ASSERT_FALSE(second.has_value());
  expect_error(second.error(), "LimitExceeded", "Maximum policy size of 120 bytes exceeded for user small");
  // Replacing the one policy is no addition.
  EXPECT_TRUE(
      write([&](const Write& w) { return domain_->users.put_user_policy(w, "small", "one", kAllowS3); }).has_value());
}

// ---- Tag rules ----

TEST_F(DomainTest, UserTagsAreCaseInsensitiveAndFifty) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "t", "/", "", {}); }).has_value());
  store::Tags fifty;
  for (int i = 0; i < 50; ++i) fifty.push_back(store::Tag{"k" + std::to_string(i), "v"});
  ASSERT_TRUE(write([&](const Write& w) { return domain_->accounts.tag_user(w, "t", fifty); }).has_value());
  // The same key in another case replaces (and takes the new case): still 50.
  ASSERT_TRUE(write([&](const Write& w) {
                return domain_->accounts.tag_user(w, "t", {store::Tag{"K7", "new"}});
              }).has_value());
  auto u = read([&](const Read& r) { return domain_->users.get_user(r, "t"); });
  ASSERT_EQ(u->tags.size(), 50u);
  EXPECT_EQ(u->tags[7].key, "K7");
  EXPECT_EQ(u->tags[7].value, "new");
  expect_error(write([&](const Write& w) {
                 return domain_->accounts.tag_user(w, "t", {store::Tag{"one-more", "v"}});
               }).error(),
               "LimitExceeded", "The number of tags has reached the maximum limit.");
  expect_error(write([&](const Write& w) {
                 return domain_->accounts.tag_user(w, "t", {store::Tag{"a", "1"}, store::Tag{"A", "2"}});
               }).error(),
               "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  EXPECT_EQ(read([&](const Read& r) { return domain_->users.get_user(r, "t"); })->tags.size(),
            50u);  // refused calls change nothing
}

TEST_F(DomainTest, PolicyTagsAreCaseSensitive) {
  const std::string arn = policy(0);
  auto tag = [&](const store::Tags& tags) {
    return write([&](const Write& w) { return domain_->policies.tag_policy(w, arn, tags); });
  };
  ASSERT_TRUE(tag({store::Tag{"env", "a"}, store::Tag{"Env", "b"}}).has_value());
  store::ListOptions o;
  EXPECT_EQ(read([&](const Read& r) { return domain_->policies.list_policy_tags(r, arn, o); })->items.size(), 2u);
  expect_error(tag({store::Tag{"x", "1"}, store::Tag{"x", "2"}}).error(), "InvalidInput", "Duplicate tag keys found.");
}

// ---- DeleteUser's DeleteConflict order ----
// Each message is AWS's (aws-recorded-errors.md, api.md §DeleteConflict [OBS]); the order
// when several hold at once is the domain's (service.cc): [UNCERTAIN] no recording shows a
// user with several at once. Pinned here so that a change to it is deliberate.

TEST_F(DomainTest, DeleteUserReportsConflictsInAwsOrder) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "busy", "/", "", {}); }).has_value());
  ASSERT_TRUE(create_login_profile("busy", "Initial-Passw0rd!", false).has_value());
  auto key = write([&](const Write& w) { return domain_->users.create_access_key(w, "busy"); });
  ASSERT_TRUE(key.has_value());
  ASSERT_TRUE(
      write([&](const Write& w) { return domain_->users.put_user_policy(w, "busy", "inline", kAllowS3); }).has_value());
  const std::string arn = policy(0);
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.attach_user_policy(w, "busy", arn); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->groups.create_group(w, "team", "/"); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->groups.add_user_to_group(w, "team", "busy"); }).has_value());
  auto credential = write([&](const Write& w) {
    return domain_->certificates.create_service_specific_credential(w, "busy", "codecommit.amazonaws.com");
  });
  ASSERT_TRUE(credential.has_value());

  const std::vector<std::pair<std::string_view, std::function<Result<void>()>>> steps = {
      {"Cannot delete entity, must delete login profile first.",
       [&] { return write([&](const Write& w) { return domain_->accounts.delete_login_profile(w, "busy"); }); }},
      {"Cannot delete entity, must delete access keys first.",
       [&] { return write([&](const Write& w) { return domain_->users.delete_access_key(w, "busy", key->key.id); }); }},
      {"Cannot delete entity, must delete policies first.",
       [&] { return write([&](const Write& w) { return domain_->users.delete_user_policy(w, "busy", "inline"); }); }},
      {"Cannot delete entity, must detach all policies first.",
       [&] { return write([&](const Write& w) { return domain_->users.detach_user_policy(w, "busy", arn); }); }},
      {"Cannot delete entity, must remove user from all groups first.",
       [&] {
         return write([&](const Write& w) { return domain_->groups.remove_user_from_group(w, "team", "busy"); });
       }},
      {"Cannot delete entity, must remove referenced objects first.",
       [&] {
         return write([&](const Write& w) {
           return domain_->certificates.delete_service_specific_credential(w, "busy", credential->id);
         });
       }},
  };
  for (const auto& [message, remove] : steps) {
    auto d = write([&](const Write& w) { return domain_->users.delete_user(w, "busy"); });
    ASSERT_FALSE(d.has_value()) << message;
    expect_error(d.error(), "Conflict", message);
    ASSERT_TRUE(remove().has_value()) << message;
  }
  EXPECT_TRUE(write([&](const Write& w) { return domain_->users.delete_user(w, "busy"); }).has_value());
}

// ---- Credential report lifetime ----

TEST_F(DomainTest, CredentialReportLivesFourHours) {
  EXPECT_EQ(read([&](const Read& r) { return domain_->reports.get_credential_report(r); }).error().code,
            "ReportNotPresent");
  EXPECT_EQ(write([&](const Write& w) { return domain_->reports.generate_credential_report(w); }).value(),
            CredentialReportState::kStarted);
  EXPECT_EQ(write([&](const Write& w) { return domain_->reports.generate_credential_report(w); }).value(),
            CredentialReportState::kComplete);
  ASSERT_TRUE(read([&](const Read& r) { return domain_->reports.get_credential_report(r); }).has_value());
  clock_.set(common::Timestamp{clock_.now().seconds + 4 * 3600 - 1, 0});
  ASSERT_TRUE(read([&](const Read& r) { return domain_->reports.get_credential_report(r); }).has_value());
  clock_.set(common::Timestamp{clock_.now().seconds + 1, 0});
  expect_error(read([&](const Read& r) { return domain_->reports.get_credential_report(r); }).error(), "ReportExpired",
               "Credential report is expired. To generate a new report, call GenerateCredentialReport.");
  EXPECT_EQ(write([&](const Write& w) { return domain_->reports.generate_credential_report(w); }).value(),
            CredentialReportState::kStarted);
  EXPECT_EQ(read([&](const Read& r) { return domain_->reports.get_credential_report(r); })->generated.seconds,
            clock_.now().seconds);
}

// ---- Access key usage ----

TEST_F(DomainTest, AccessKeyUseIsBookkeepingOutsideTheGeneration) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "user", "/", "", {}); }).has_value());
  auto key = write([&](const Write& w) { return domain_->users.create_access_key(w, "user"); });
  ASSERT_TRUE(key.has_value());
  EXPECT_FALSE(
      read([&](const Read& r) { return domain_->users.access_key_usage(r, key->key.id); })->last_used.has_value());
  const std::uint64_t generation = store_->generation();
  ASSERT_TRUE(domain_->record_access_key_use(key->key.id, "iam", "us-east-1").has_value());
  EXPECT_EQ(store_->generation(), generation);  // caches of policies and keys stay warm
  auto used = read([&](const Read& r) { return domain_->users.access_key_usage(r, key->key.id); });
  ASSERT_TRUE(used->last_used.has_value());
  EXPECT_EQ(used->last_used->date.seconds, clock_.now().seconds);
  EXPECT_EQ(used->last_used->service, "iam");
  EXPECT_EQ(used->user->name, "user");
  // A key of another account is unknown here.
  EXPECT_EQ(
      in_read(*store_, "210987654321", [&](const Read& r) { return domain_->users.access_key_usage(r, key->key.id); })
          .error()
          .code,
      "NotFound");
}

// ---- Console passwords and the single writer ----

TEST_F(DomainTest, PasswordsAreNeverHashedOrVerifiedInsideAWriteTransaction) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "pw", "/", "", {}); }).has_value());
  ASSERT_TRUE(create_login_profile("pw", "Initial-Passw0rd!", true).has_value());
  ASSERT_TRUE(update_login_profile("pw", std::string("Second-Passw0rd!"), std::nullopt));
  auto user = read([&](const Read& r) { return domain_->users.get_user(r, "pw"); });
  EXPECT_EQ(change_password(user->id, "wrong", "Third-Passw0rd!").error().code, "AccessDenied");
  ASSERT_TRUE(change_password(user->id, "Second-Passw0rd!", "Third-Passw0rd!").has_value());
  EXPECT_FALSE(read([&](const Read& r) {
                 return domain_->accounts.get_login_profile(r, "pw");
               })->profile.password_reset_required);
  EXPECT_GE(hasher_->hashes.load(), 3);
  EXPECT_GE(hasher_->verifies.load(), 2);
  EXPECT_EQ(hasher_->under_write_lock.load(), 0);
}

TEST_F(DomainTest, WrongPasswordsTakeNoWriteTransaction) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "pw", "/", "", {}); }).has_value());
  ASSERT_TRUE(create_login_profile("pw", "Initial-Passw0rd!", false).has_value());
  const std::string id = read([&](const Read& r) { return domain_->users.get_user(r, "pw"); })->id;
  const int writes = store_->writes_begun();
  std::vector<std::thread> threads;
  std::atomic<int> denied{0}, created{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 4; ++j) {
        auto r = change_password(id, "wrong-" + std::to_string(i), "Another-Passw0rd!");
        if (!r && r.error().code == "AccessDenied") ++denied;
      }
    });
    threads.emplace_back([&, i] {
      if (write(
              [&](const Write& w) { return domain_->users.create_user(w, "other-" + std::to_string(i), "/", "", {}); }))
        ++created;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(denied.load(), 32);
  EXPECT_EQ(created.load(), 8);
  EXPECT_EQ(store_->writes_begun() - writes, 8);  // the CreateUser calls only
  EXPECT_EQ(hasher_->under_write_lock.load(), 0);
}

// The change is prepared (old password verified, new one hashed) in a read snapshot and
// written only if the stored hash and the policy are still those it saw: hashing cannot run
// again inside the write transaction, so a concurrent change is EntityTemporarilyUnmodifiable
// (before the operation pipeline the domain started over and answered AccessDenied here).
TEST_F(DomainTest, ChangePasswordRefusesWhenThePasswordChangesMeanwhile) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "pw", "/", "", {}); }).has_value());
  ASSERT_TRUE(create_login_profile("pw", "Initial-Passw0rd!", false).has_value());
  const std::string id = read([&](const Read& r) { return domain_->users.get_user(r, "pw"); })->id;
  // While the old password is being checked, an administrator sets another one.
  hasher_->on_verify = [&] {
    ASSERT_TRUE(update_login_profile("pw", std::string("Admin-Set-Passw0rd!"), std::nullopt));
  };
  auto r = change_password(id, "Initial-Passw0rd!", "Mine-Passw0rd!");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "EntityTemporarilyUnmodifiable");
  const std::string stored =
      read([&](const Read& r) { return domain_->accounts.get_login_profile(r, "pw"); })->profile.password_hash;
  EXPECT_TRUE(hasher_->verify("Admin-Set-Passw0rd!", stored));  // the administrator's password stands
  EXPECT_EQ(hasher_->under_write_lock.load(), 0);
}

TEST_F(DomainTest, LoginProfileChecksComeBeforeTheHash) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "pw", "/", "", {}); }).has_value());
  EXPECT_EQ(create_login_profile("pw", "short", false).error().code, "PasswordPolicyViolation");
  EXPECT_EQ(create_login_profile("nobody", "Initial-Passw0rd!", false).error().code, "NotFound");
  EXPECT_EQ(hasher_->hashes.load(), 0);
  ASSERT_TRUE(create_login_profile("pw", "Initial-Passw0rd!", false).has_value());
  EXPECT_EQ(create_login_profile("pw", "Initial-Passw0rd!", false).error().code, "AlreadyExists");
  EXPECT_EQ(hasher_->hashes.load(), 1);
}

// ---- Issue 11: AWS's recorded answers (../shared/spec/aws-recorded-errors.md) ----

TEST(IamPath, AwsRuleForPathType) {
  const std::pair<std::string_view, bool> cases[] = {
      {"/", true},      {"/a/", true},         {"/division_abc/subdivision_xyz/", true},
      {"/a!~/", true},  {"", false},           {"//", false},
      {"/a", false},    {"a/", false},         {"/a//b/", false},
      {"/a b/", false}, {"/\xC3\xA9/", false},
  };
  for (const auto& [path, valid] : cases) EXPECT_EQ(is_valid_path(path), valid) << path;
}

TEST_F(DomainTest, GroupMembershipChecksTheUserFirstAndRemovingANonMemberSucceeds) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "u", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return domain_->groups.create_group(w, "g", "/"); }).has_value());
  auto& groups = domain_->groups;
  // Both missing: the user is reported (remove_user_from_unknown_group).
  expect_error(write([&](const Write& w) { return groups.remove_user_from_group(w, "nope", "ghost"); }).error(),
               "NotFound", "The user with name ghost cannot be found.");
  expect_error(write([&](const Write& w) { return groups.add_user_to_group(w, "nope", "ghost"); }).error(), "NotFound",
               "The user with name ghost cannot be found.");
  expect_error(write([&](const Write& w) { return groups.remove_user_from_group(w, "nope", "u"); }).error(), "NotFound",
               "The group with name nope cannot be found.");
  // Not a member: nothing to remove, and no error.
  EXPECT_TRUE(write([&](const Write& w) { return groups.remove_user_from_group(w, "g", "u"); }).has_value());
  ASSERT_TRUE(write([&](const Write& w) { return groups.add_user_to_group(w, "g", "u"); }).has_value());
  EXPECT_TRUE(write([&](const Write& w) { return groups.remove_user_from_group(w, "g", "u"); }).has_value());
  EXPECT_TRUE(write([&](const Write& w) { return groups.remove_user_from_group(w, "g", "u"); }).has_value());
}

TEST_F(DomainTest, PolicyArnsThatAreNotArnsAndBoundariesAsAwsAnswers) {
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "u", "/", "", {}); }).has_value());
  auto& users = domain_->users;
  expect_error(
      write([&](const Write& w) { return users.attach_user_policy(w, "u", "longpolicynamebutnoarn"); }).error(),
      "ValidationError", "ARN longpolicynamebutnoarn is not valid.");
  expect_error(
      write([&](const Write& w) { return users.detach_user_policy(w, "u", "longpolicynamebutnoarn"); }).error(),
      "ValidationError", "ARN longpolicynamebutnoarn is not valid.");
  const std::string not_a_policy = "arn:aws:iam::" + std::string(kAccount) + ":not_a_policy/invalid";
  expect_error(write([&](const Write& w) {
                 return domain_->accounts.put_user_permissions_boundary(w, "u", not_a_policy);
               }).error(),
               "InvalidInput", "ARN " + not_a_policy + " is not valid.");
  const std::string missing = "arn:aws:iam::" + std::string(kAccount) + ":policy/nonexistent-policy";
  expect_error(
      write([&](const Write& w) { return domain_->accounts.put_user_permissions_boundary(w, "u", missing); }).error(),
      "NotFound", "Scope ARN: " + missing + " does not exist or is not attachable.");
  EXPECT_TRUE(read([&](const Read& r) { return domain_->users.get_user(r, "u"); })->permissions_boundary.empty());
}

TEST_F(DomainTest, ChangingAnAwsManagedPolicyIsAccessDenied) {
  const std::string arn = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role";
  auto& p = domain_->policies;
  expect_error(write([&](const Write& w) { return p.delete_policy(w, arn); }).error(), "AccessDenied",
               "Cannot delete policies outside your own account.");
  expect_error(write([&](const Write& w) { return p.delete_policy_version(w, arn, "v1"); }).error(), "AccessDenied",
               "Cannot delete policy versions for policies outside your own account.");
  expect_error(write([&](const Write& w) { return p.set_default_policy_version(w, arn, "v1"); }).error(),
               "AccessDenied", "Cannot update policies outside your own account.");
  const std::string own = policy(0);
  expect_error(write([&](const Write& w) { return p.set_default_policy_version(w, own + "x", "v1"); }).error(),
               "NotFound", "Policy " + own + "x version v1 does not exist or is not attachable.");
}

TEST_F(DomainTest, PasswordPolicyAndMfaMessagesAsRecorded) {
  expect_error(write([&](const Write& w) { return domain_->accounts.delete_password_policy(w); }).error(), "NotFound",
               "The account policy with name PasswordPolicy cannot be found.");
  auto& mfa = domain_->mfa_devices;
  ASSERT_TRUE(write([&](const Write& w) { return mfa.create_virtual_mfa_device(w, "d", "/", {}); }).has_value());
  expect_error(write([&](const Write& w) { return mfa.create_virtual_mfa_device(w, "d", "/", {}); }).error(),
               "AlreadyExists", "MFA device already exists.");
  const std::string serial = domain_->mfa_serial(kAccount, "/", "missing");
  expect_error(write([&](const Write& w) { return mfa.delete_virtual_mfa_device(w, serial); }).error(), "NotFound",
               "MFA Device with serial number " + serial + " does not exist.");
}

// CreateServiceLinkedRole's name rules: the table's role names, CustomSuffix only where the
// service accepts it, unknown services refused.
TEST_F(DomainTest, ServiceLinkedRoleNames) {
  struct Case {
    std::string_view service, suffix, name, error;
  };
  const Case cases[] = {
      {"autoscaling.amazonaws.com", "", "AWSServiceRoleForAutoScaling", ""},
      {"autoscaling.amazonaws.com", "fleet-1", "AWSServiceRoleForAutoScaling_fleet-1", ""},
      {"custom-resource.application-autoscaling.amazonaws.com", "",
       "AWSServiceRoleForApplicationAutoScaling_CustomResource", ""},
      {"ecs.amazonaws.com", "", "AWSServiceRoleForECS", ""},
      {"dms.amazonaws.com", "", "AWSServiceRoleForDMSServerless", ""},
      {"docdb-elastic.amazonaws.com", "", "AWSServiceRoleForDocDB-Elastic", ""},
      {"lexv2.amazonaws.com", "bot", "AWSServiceRoleForLexV2Bots_bot", ""},
      {"ecs.amazonaws.com", "x", "", "Custom suffix is not allowed for ecs.amazonaws.com"},
      {"cassandra.application-autoscaling.amazonaws.com", "x", "",
       "Custom suffix is not allowed for cassandra.application-autoscaling.amazonaws.com"},
      {"nosuchservice.amazonaws.com", "", "", "Invalid service name: nosuchservice.amazonaws.com"},
      {"nosuchservice.amazonaws.com", "x", "", "Invalid service name: nosuchservice.amazonaws.com"},
      {"my-new.service.amazonaws.com", "", "", "Invalid service name: my-new.service.amazonaws.com"},
      {"autoscaling", "", "", "Invalid service name: autoscaling"},
  };
  for (const Case& c : cases) {
    auto r = domain_->instance_profiles.service_linked_role_name(c.service, c.suffix);
    if (c.error.empty()) {
      ASSERT_TRUE(r.has_value()) << c.service << " " << r.error().message;
      EXPECT_EQ(r->name, c.name);
      EXPECT_EQ(r->path, "/aws-service-role/" + std::string(c.service) + "/");
    } else {
      ASSERT_FALSE(r.has_value()) << c.service;
      expect_error(r.error(), "InvalidInput", c.error);
    }
  }
  // A suffix that makes the name longer than RoleName's 64 characters.
  auto long_name =
      domain_->instance_profiles.service_linked_role_name("autoscaling.amazonaws.com", std::string(40, 'x'));
  ASSERT_FALSE(long_name.has_value());
  EXPECT_EQ(long_name.error().code, "InvalidInput");
}

// The role gets its service's managed policy; a refused request leaves nothing behind.
TEST_F(DomainTest, ServiceLinkedRoleGetsItsServicePolicy) {
  auto role = write([&](const Write& w) {
    return domain_->instance_profiles.create_service_linked_role(w, "ecs.amazonaws.com", "", "");
  });
  ASSERT_TRUE(role.has_value()) << role.error().message;
  auto attached = read([&](const Read& r) {
    return domain_->roles.list_attached_role_policies(r, "AWSServiceRoleForECS", store::ListOptions{});
  });
  ASSERT_TRUE(attached.has_value());
  ASSERT_EQ(attached->items.size(), 1u);
  EXPECT_EQ(attached->items[0].arn, "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy");
  auto refused = write([&](const Write& w) {
    return domain_->instance_profiles.create_service_linked_role(w, "ecs.amazonaws.com", "", "two");
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_FALSE(read([&](const Read& r) { return domain_->roles.get_role(r, "AWSServiceRoleForECS_two"); }));
}

}  // namespace
}  // namespace iamd::iam
