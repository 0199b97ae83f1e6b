// RoleLastUsed bookkeeping (api/role_usage.h) on the memory store: what is written at once,
// what waits for flush(), and that concurrent uses and flushes keep the newest use.
#include "api/role_usage.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store.h"

namespace iamd::api {
namespace {

constexpr const char* kAccount = "123456789012";

class RoleUsageTest : public ::testing::Test {
 protected:
  RoleUsageTest() {
    auto s = store::open_store("memory:");
    EXPECT_TRUE(s.has_value());
    store_ = std::move(s).value();
    auto w = store_->begin_write();
    EXPECT_TRUE(w.has_value());
    store::Account account;
    account.id = kAccount;
    EXPECT_TRUE((*w)->create_account(account).has_value());
    for (const char* id : {"AROAONE", "AROATWO"}) {
      store::Role role;
      role.account_id = kAccount;
      role.name = id;
      role.id = id;
      role.trust_policy = "{}";
      EXPECT_TRUE((*w)->create_role(role).has_value());
    }
    EXPECT_TRUE((*w)->commit().has_value());
  }

  std::optional<store::RoleLastUsed> stored(const std::string& name) {
    auto r = store_->begin_read();
    EXPECT_TRUE(r.has_value());
    auto role = (*r)->get_role(kAccount, name);
    EXPECT_TRUE(role.has_value());
    return role->last_used;
  }
  static common::Timestamp at(std::int64_t s) { return common::Timestamp{1'764'000'000 + s, 0}; }

  std::unique_ptr<store::Store> store_;
};

TEST_F(RoleUsageTest, FirstUseAndNewRegionAtOnceLaterUsesAtFlush) {
  RoleUsage usage(*store_, 60);
  usage.note({"AROAONE", at(0), "us-east-1"});
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(0), "us-east-1"}));
  usage.note({"AROAONE", at(30), "us-east-1"});
  usage.note({"AROAONE", at(20), "us-east-1"});  // late: the newer pending use stays
  usage.note({"AROATWO", at(30), "us-east-1"});  // another role: its own first use
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(0), "us-east-1"}));
  EXPECT_EQ(stored("AROATWO"), (store::RoleLastUsed{at(30), "us-east-1"}));
  EXPECT_EQ(usage.pending(), 1u);
  EXPECT_EQ(*usage.flush(), 1u);
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(30), "us-east-1"}));
  EXPECT_EQ(usage.pending(), 0u);
  usage.note({"AROAONE", at(-5), "us-east-1"});  // older than the last written: nothing to keep
  EXPECT_EQ(usage.pending(), 0u);
  usage.note({"AROAONE", at(40), "eu-west-1"});  // a new Region: at once
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(40), "eu-west-1"}));
  usage.note({"AROAONE", at(100), "eu-west-1"});  // the interval after the last write: at once
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(100), "eu-west-1"}));
  usage.note({"AROAONE", at(90), "us-west-2"});  // older than what was written: nothing
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(100), "eu-west-1"}));
  EXPECT_EQ(usage.pending(), 0u);
}

TEST_F(RoleUsageTest, ADeletedRoleIsSkipped) {
  RoleUsage usage(*store_, 60);
  usage.note({"AROAGONE", at(0), "us-east-1"});  // no such role: nothing to keep
  usage.note({"AROAGONE", at(5), "us-east-1"});
  usage.note({"AROAONE", at(0), "us-east-1"});
  usage.note({"AROAONE", at(5), "us-east-1"});
  EXPECT_EQ(*usage.flush(), 1u);
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(5), "us-east-1"}));
}

TEST_F(RoleUsageTest, ConcurrentUsesAndFlushesKeepTheNewest) {
  RoleUsage usage(*store_, 60);
  constexpr int kThreads = 4, kUses = 2000;
  std::atomic<bool> done{false};
  std::thread flusher([&] {
    while (!done) (void)usage.flush();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUses; ++i) usage.note({"AROAONE", at(i * kThreads + t), "us-east-1"});
    });
  }
  for (std::thread& t : threads) t.join();
  done = true;
  flusher.join();
  ASSERT_TRUE(usage.flush().has_value());
  EXPECT_EQ(stored("AROAONE"), (store::RoleLastUsed{at(kUses * kThreads - 1), "us-east-1"}));
}

}  // namespace
}  // namespace iamd::api
