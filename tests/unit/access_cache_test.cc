// Precise invalidation of the server's caches (api::Access's policy sets, the gateway's
// resolved access keys) and compiled documents keyed by their text: on the memory store
// with a fixed clock and seeded randomness, requests signed by the project's signer.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/access.h"
#include "api/gateway.h"
#include "common/random.h"
#include "common/strings.h"
#include "common/time.h"
#include "crypto/crypto.h"
#include "iam/catalog.h"
#include "iam/service.h"
#include "sigv4/signer.h"
#include "store/store.h"

namespace iamd::api {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kAllowGetUser =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]})";
constexpr const char* kDenyGetUser =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"}]})";
constexpr const char* kAllowListUsers =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]})";

class CacheTest : public ::testing::Test {
 protected:
  // One domain call in a write transaction of its own, committed when it succeeds.
  template <class F>
  auto write(F&& f) {
    return iam::in_write(*domain_->env().store, kAccount, std::forward<F>(f));
  }

  void SetUp() override {
    auto opened = store::open_store("memory:");
    ASSERT_TRUE(opened.has_value());
    store_ = std::move(*opened);
    iam::DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(crypto::kSealKeySize, 'k'));
    env.catalog = &iam::ManagedCatalog::builtin();
    domain_ = std::make_unique<iam::IamDomain>(env);
    ASSERT_TRUE(domain_->bootstrap(kAccount, "AKIAROOTROOTROOT0000", "root-secret").has_value());
    for (const char* name : {"alice", "bob"}) {
      ASSERT_TRUE(
          write([&](const iam::Write& w) { return domain_->users.create_user(w, name, "/", "", {}); }).has_value());
      ASSERT_TRUE(write([&](const iam::Write& w) {
                    return domain_->users.put_user_policy(w, name, "get", kAllowGetUser);
                  }).has_value());
    }
    ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->groups.create_group(w, "team", "/"); }).has_value());
  }

  Caller caller(const std::string& name) {
    auto u = iam::in_read(*domain_->env().store, kAccount,
                          [&](const iam::Read& r) { return domain_->users.get_user(r, name); });
    EXPECT_TRUE(u.has_value());
    Caller c;
    c.account_id = kAccount;
    c.user = *u;
    c.arn = domain_->user_arn(*u);
    return c;
  }
  bool allowed(Access& access, const std::string& name, const char* action = "iam:GetUser") {
    return access.authorize(caller(name), action, "*", condition::Context{}).has_value();
  }
  std::string create_policy(const std::string& name, const char* document) {
    auto p =
        write([&](const iam::Write& w) { return domain_->policies.create_policy(w, name, "/", "", document, {}); });
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
    return p ? p->arn : "";
  }

  common::FixedClock clock_{common::Timestamp{1'750'000'000, 0}};
  common::SeededRandom random_{42};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<iam::IamDomain> domain_;
};

// Every kind of write that changes alice's policies rebuilds hers at the very next request
// (and the decision follows it); bob's stays cached through all of them.
TEST_F(CacheTest, AWriteToOnePrincipalKeepsTheOthersPolicySetWarm) {
  Access access(*domain_);
  EXPECT_TRUE(allowed(access, "alice"));
  EXPECT_TRUE(allowed(access, "bob"));
  EXPECT_EQ(access.policy_set_builds(), 2u);
  EXPECT_TRUE(allowed(access, "alice"));
  EXPECT_TRUE(allowed(access, "bob"));
  EXPECT_EQ(access.policy_set_builds(), 2u);

  const std::string deny = create_policy("DenyGet", kDenyGetUser);
  const std::string list = create_policy("List", kAllowListUsers);
  std::uint64_t builds = access.policy_set_builds();
  // Writes that change no principal's policies: nobody rebuilds.
  ASSERT_TRUE(
      write([&](const iam::Write& w) { return domain_->users.create_user(w, "carol", "/", "", {}); }).has_value());
  ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->users.create_access_key(w, "bob"); }).has_value());
  ASSERT_TRUE(write([&](const iam::Write& w) {
                return domain_->accounts.tag_user(w, "carol", {{"k", "v"}});
              }).has_value());
  EXPECT_TRUE(allowed(access, "alice"));
  EXPECT_TRUE(allowed(access, "bob"));
  EXPECT_EQ(access.policy_set_builds(), builds);

  struct Step {
    const char* what;
    std::function<void()> write;
    bool alice_may_get;
    bool alice_may_list;
  };
  const Step steps[] = {
      {"inline policy",
       [&] {
         ASSERT_TRUE(write(
             [&](const iam::Write& w) { return domain_->users.put_user_policy(w, "alice", "list", kAllowListUsers); }));
       },
       true, true},
      {"attach",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->users.attach_user_policy(w, "alice", deny); }));
       },
       false, true},
      {"detach",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->users.detach_user_policy(w, "alice", deny); }));
       },
       true, true},
      {"inline deleted",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->users.delete_user_policy(w, "alice", "list"); }));
       },
       true, false},
      {"boundary",
       [&] {
         ASSERT_TRUE(write(
             [&](const iam::Write& w) { return domain_->accounts.put_user_permissions_boundary(w, "alice", list); }));
       },
       false, false},
      {"boundary deleted",
       [&] {
         ASSERT_TRUE(write(
             [&](const iam::Write& w) { return domain_->accounts.delete_user_permissions_boundary(w, "alice"); }));
       },
       true, false},
      {"group joined",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->groups.add_user_to_group(w, "team", "alice"); }));
       },
       true, false},
      {"group policy",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) {
           return domain_->groups.put_group_policy(w, "team", "list", kAllowListUsers);
         }));
       },
       true, true},
      {"group attachment",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->groups.attach_group_policy(w, "team", deny); }));
       },
       false, true},
      {"new default version",
       [&] {
         ASSERT_TRUE(write([&](const iam::Write& w) {
           return domain_->policies.create_policy_version(w, deny, kAllowListUsers, true);
         }));
       },
       true, true},
      {"old default again",
       [&] {
         ASSERT_TRUE(
             write([&](const iam::Write& w) { return domain_->policies.set_default_policy_version(w, deny, "v1"); }));
       },
       false, true},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.what);
    builds = access.policy_set_builds();
    step.write();
    EXPECT_TRUE(allowed(access, "bob"));
    EXPECT_EQ(access.policy_set_builds(), builds);  // bob's set stayed warm
    EXPECT_EQ(allowed(access, "alice"), step.alice_may_get);
    EXPECT_EQ(allowed(access, "alice", "iam:ListUsers"), step.alice_may_list);
    EXPECT_EQ(access.policy_set_builds(), builds + 1);  // alice's was rebuilt once
  }
  EXPECT_EQ(access.cached_policy_sets(), 2u);
}

// A policy deleted and created again under the same name (same ARN, same version id v1)
// with other text is evaluated with the new text at the very next request.
TEST_F(CacheTest, ARecreatedPolicyNeverEvaluatesTheOldText) {
  Access access(*domain_);
  ASSERT_TRUE(
      write([&](const iam::Write& w) { return domain_->users.delete_user_policy(w, "alice", "get"); }).has_value());
  std::string arn = create_policy("Reused", kAllowListUsers);
  ASSERT_TRUE(
      write([&](const iam::Write& w) { return domain_->users.attach_user_policy(w, "alice", arn); }).has_value());
  EXPECT_TRUE(allowed(access, "alice", "iam:ListUsers"));
  ASSERT_TRUE(
      write([&](const iam::Write& w) { return domain_->users.detach_user_policy(w, "alice", arn); }).has_value());
  ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->policies.delete_policy(w, arn); }).has_value());
  EXPECT_EQ(create_policy("Reused", kAllowGetUser), arn);
  ASSERT_TRUE(
      write([&](const iam::Write& w) { return domain_->users.attach_user_policy(w, "alice", arn); }).has_value());
  EXPECT_FALSE(allowed(access, "alice", "iam:ListUsers"));
  EXPECT_TRUE(allowed(access, "alice", "iam:GetUser"));
}

// Version ids are never given again after DeleteVersion, so "<arn>#v3" always names one text.
TEST_F(CacheTest, VersionIdsContinueAfterADeletedOne) {
  std::string arn = create_policy("Versions", kAllowGetUser);
  auto add = [&](const char* document, bool as_default) {
    return write(
        [&](const iam::Write& w) { return domain_->policies.create_policy_version(w, arn, document, as_default); });
  };
  auto drop = [&](const char* version) {
    return write([&](const iam::Write& w) { return domain_->policies.delete_policy_version(w, arn, version); });
  };
  ASSERT_EQ(add(kAllowListUsers, false)->version_id, "v2");
  ASSERT_EQ(add(kAllowListUsers, false)->version_id, "v3");
  ASSERT_TRUE(drop("v3").has_value());
  EXPECT_EQ(add(kDenyGetUser, false)->version_id, "v4");
  ASSERT_TRUE(drop("v4").has_value());
  ASSERT_TRUE(drop("v2").has_value());
  EXPECT_EQ(add(kDenyGetUser, true)->version_id, "v5");
}

// Through the gateway: a key's resolution stays cached across writes to other users and
// keys, and a change to the key itself is seen at the very next request.
TEST_F(CacheTest, GatewayKeepsOtherKeysWarm) {
  Gateway gateway(*domain_, clock_, random_);
  auto alice_key = write([&](const iam::Write& w) { return domain_->users.create_access_key(w, "alice"); });
  auto bob_key = write([&](const iam::Write& w) { return domain_->users.create_access_key(w, "bob"); });
  ASSERT_TRUE(alice_key && bob_key);
  auto call = [&](const iam::NewAccessKey& key) {
    sigv4::Request r;
    r.method = "POST";
    r.path = "/";
    r.headers = {{"Host", "iam.amazonaws.com"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = "Action=GetUser&Version=2010-05-08";
    sigv4::sign(r, sigv4::SigningParams{key.key.id, key.secret, "", "us-east-1", "iam", clock_.now()});
    ApiRequest a;
    a.method = r.method;
    a.path = r.path;
    a.headers = r.headers;
    a.body = r.body;
    a.source_ip = "192.0.2.1";
    return gateway.handle(a).status;
  };
  EXPECT_EQ(call(*alice_key), 200);
  EXPECT_EQ(call(*bob_key), 200);
  const std::uint64_t keys = gateway.key_builds();
  const std::uint64_t sets = gateway.policy_set_builds();
  EXPECT_EQ(keys, 2u);
  EXPECT_EQ(call(*alice_key), 200);
  EXPECT_EQ(call(*bob_key), 200);
  EXPECT_EQ(gateway.key_builds(), keys);

  // Writes to alice (her record, her policies, her other key) leave bob's key and set warm.
  ASSERT_TRUE(write([&](const iam::Write& w) {
                return domain_->accounts.tag_user(w, "alice", {{"team", "a"}});
              }).has_value());
  ASSERT_TRUE(write([&](const iam::Write& w) {
                return domain_->users.put_user_policy(w, "alice", "list", kAllowListUsers);
              }).has_value());
  ASSERT_TRUE(write([&](const iam::Write& w) { return domain_->users.create_access_key(w, "alice"); }).has_value());
  EXPECT_EQ(call(*bob_key), 200);
  EXPECT_EQ(gateway.key_builds(), keys);
  EXPECT_EQ(gateway.policy_set_builds(), sets);
  EXPECT_EQ(call(*alice_key), 200);
  EXPECT_EQ(gateway.key_builds(), keys + 1);  // her record changed (tags)
  EXPECT_EQ(gateway.policy_set_builds(), sets + 1);

  // Deactivating alice's key refuses it at once; bob's is untouched.
  ASSERT_TRUE(write([&](const iam::Write& w) {
    return domain_->users.update_access_key(w, "alice", alice_key->key.id, store::AccessKeyStatus::kInactive);
  }));
  EXPECT_EQ(call(*alice_key), 403);
  EXPECT_EQ(call(*bob_key), 200);
  EXPECT_EQ(gateway.key_builds(), keys + 2);
  ASSERT_TRUE(write([&](const iam::Write& w) {
                return domain_->users.put_user_policy(w, "bob", "get", kDenyGetUser);
              }).has_value());
  EXPECT_EQ(call(*bob_key), 403);  // AccessDenied at the very next request
}

}  // namespace
}  // namespace iamd::api
