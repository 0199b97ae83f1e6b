// Two PostgreSQL stores over one database, as two iamd nodes see it: what one commits, the
// other applies to its change log (sync() at once, the listener on NOTIFY soon after);
// uniqueness holds between writers of both; a database that is not iamd's is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres_server.h"
#include "store/changes.h"
#include "store/derived_cache.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "store_test_util.h"

namespace iamd::store {
namespace {

using namespace iamd::store::testing;  // NOLINT(google-build-using-namespace)

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = PostgresServer::get();
    ASSERT_FALSE(server.url().empty()) << server.error();
    url_ = server.fresh_schema_url();
    ASSERT_FALSE(url_.empty());
    auto a = open_store(url_);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    a_ = std::move(*a);
    auto b = open_store(url_);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    b_ = std::move(*b);
    auto tx = a_->begin_write();
    IAMD_ASSERT_OK(tx);
    IAMD_ASSERT_OK((*tx)->create_account(account(kAccount)));
    IAMD_ASSERT_OK((*tx)->commit());
    IAMD_ASSERT_OK(b_->sync());
  }

  // Waits up to 5 s for `store` to reach `generation` without sync(): the listener's work.
  static bool reaches(const Store& store, std::uint64_t generation) {
    for (int i = 0; i < 500; ++i) {
      if (store.generation() >= generation) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string url_;
  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
};

TEST_F(TwoNodes, SyncAppliesTheOtherNodesChangesAtOnce) {
  const std::uint64_t before = b_->generation();
  EXPECT_EQ(before, a_->generation());
  auto tx = a_->begin_write();
  IAMD_ASSERT_OK(tx);
  IAMD_ASSERT_OK((*tx)->create_user(user("alice", "AIDAALICE")));
  IAMD_ASSERT_OK((*tx)->commit());
  EXPECT_EQ(a_->generation(), before + 1);
  IAMD_ASSERT_OK(b_->sync());
  EXPECT_EQ(b_->generation(), before + 1);
  EXPECT_EQ(b_->last_change(change_key(Topic::kUser, "AIDAALICE")), before + 1);
  EXPECT_LT(b_->last_change(change_key(Topic::kUser, "AIDAOTHER")), before + 1);
  auto read = b_->begin_read();
  IAMD_ASSERT_OK(read);
  IAMD_EXPECT_OK((*read)->get_user(kAccount, "ALICE"));
}

TEST_F(TwoNodes, TheListenerAppliesChangesWithoutARequest) {
  const std::uint64_t before = b_->generation();
  auto tx = a_->begin_write();
  IAMD_ASSERT_OK(tx);
  IAMD_ASSERT_OK((*tx)->create_group(group("admins", "AGPAADMINS")));
  IAMD_ASSERT_OK((*tx)->commit());
  ASSERT_TRUE(reaches(*b_, before + 1)) << "NOTIFY did not reach the other node";
  EXPECT_EQ(b_->last_change(change_key(Topic::kGroup, "AGPAADMINS")), before + 1);
}

TEST_F(TwoNodes, ACacheOnOneNodeRebuildsAfterAWriteOnTheOther) {
  {
    auto tx = a_->begin_write();
    IAMD_ASSERT_OK(tx);
    IAMD_ASSERT_OK((*tx)->create_user(user("bob", "AIDABOB", "/one/")));
    IAMD_ASSERT_OK((*tx)->commit());
  }
  IAMD_ASSERT_OK(b_->sync());
  DerivedCache<std::string> paths(*b_, 16);
  int builds = 0;
  auto build = [&]() -> Result<DerivedCache<std::string>::Built> {
    ++builds;
    auto rd = b_->begin_read();
    if (!rd) return rd.error();
    auto u = (*rd)->get_user_by_id("AIDABOB");
    if (!u) return u.error();
    return DerivedCache<std::string>::Built{u->path, {change_key(Topic::kUser, "AIDABOB")}};
  };
  auto first = paths.get("bob", build);
  IAMD_ASSERT_OK(first);
  EXPECT_EQ(*first, "/one/");
  auto again = paths.get("bob", build);
  IAMD_ASSERT_OK(again);
  EXPECT_EQ(builds, 1);
  {
    auto tx = a_->begin_write();
    IAMD_ASSERT_OK(tx);
    auto u = (*tx)->get_user_by_id("AIDABOB");
    IAMD_ASSERT_OK(u);
    u->path = "/two/";
    IAMD_ASSERT_OK((*tx)->update_user(*u));
    IAMD_ASSERT_OK((*tx)->commit());
  }
  IAMD_ASSERT_OK(b_->sync());
  auto after = paths.get("bob", build);
  IAMD_ASSERT_OK(after);
  EXPECT_EQ(*after, "/two/");
  EXPECT_EQ(builds, 2);
}

TEST_F(TwoNodes, WritersOfBothNodesNeverBreakUniqueness) {
  // Both nodes race to create the same 20 users (different ids, same names): each name is
  // created exactly once, the other attempt is AlreadyExists.
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  auto racer = [&](Store& store, const char* prefix) {
    for (int i = 0; i < 20; ++i) {
      auto tx = store.begin_write();
      if (!tx) {
        ++other;
        continue;
      }
      auto r = (*tx)->create_user(user("user" + std::to_string(i), std::string(prefix) + std::to_string(i)));
      if (r) {
        if ((*tx)->commit()) {
          ++created;
        } else {
          ++other;
        }
      } else if (is_already_exists(r.error())) {
        ++refused;
      } else {
        ++other;
      }
    }
  };
  std::thread t1(racer, std::ref(*a_), "AIDAA");
  std::thread t2(racer, std::ref(*b_), "AIDAB");
  t1.join();
  t2.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(refused.load(), 20);
  EXPECT_EQ(other.load(), 0);
  auto read = a_->begin_read();
  IAMD_ASSERT_OK(read);
  ListOptions all;
  all.max_items = 1000;
  auto users = (*read)->list_users(kAccount, all);
  IAMD_ASSERT_OK(users);
  EXPECT_EQ(users->items.size(), 20u);
}

TEST_F(TwoNodes, WritesOfBothNodesGetOneTotalOrderOfGenerations) {
  const std::uint64_t before = a_->generation();
  auto writer = [&](Store& store, const char* prefix) {
    for (int i = 0; i < 10; ++i) {
      auto tx = store.begin_write();
      ASSERT_TRUE(tx.has_value());
      IAMD_ASSERT_OK((*tx)->create_group(
          group(std::string(prefix) + std::to_string(i), std::string(prefix) + "ID" + std::to_string(i))));
      IAMD_ASSERT_OK((*tx)->commit());
    }
  };
  std::thread t1(writer, std::ref(*a_), "a");
  std::thread t2(writer, std::ref(*b_), "b");
  t1.join();
  t2.join();
  IAMD_ASSERT_OK(a_->sync());
  IAMD_ASSERT_OK(b_->sync());
  EXPECT_EQ(a_->generation(), before + 20);
  EXPECT_EQ(b_->generation(), before + 20);
  for (int i = 0; i < 10; ++i) {
    for (const char* prefix : {"a", "b"}) {
      const std::string key = change_key(Topic::kGroup, std::string(prefix) + "ID" + std::to_string(i));
      EXPECT_GT(a_->last_change(key), before);
      EXPECT_EQ(a_->last_change(key), b_->last_change(key)) << key;
    }
  }
}

TEST(PostgresStore, RefusesADatabaseThatIsNotIamds) {
  auto& server = PostgresServer::get();
  ASSERT_FALSE(server.url().empty()) << server.error();
  const std::string url = server.fresh_schema_url();
  ASSERT_FALSE(url.empty());
  const std::string schema = url.substr(url.rfind("%3D") + 3);
  const std::string command =
      "psql -q '" + server.url() + "' -c 'CREATE TABLE " + schema + ".users (id int)' >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto opened = open_store(url);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, kStorageFailure);
  EXPECT_NE(opened.error().message.find("not an iamd database"), std::string::npos) << opened.error().message;
}

TEST(PostgresStore, AnUnreachableServerIsUnavailable) {
  auto opened = open_store("postgresql://iamd@127.0.0.1:1/iamd?connect_timeout=2");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, kUnavailable);
  EXPECT_NE(opened.error().message.find("cannot connect to PostgreSQL"), std::string::npos);
}

TEST(PostgresStore, PlaceholdersAreRewrittenOutsideQuotes) {
  // Through the store: a name with a question mark and a quote is stored as given.
  auto& server = PostgresServer::get();
  ASSERT_FALSE(server.url().empty()) << server.error();
  auto store = open_store(server.fresh_schema_url());
  IAMD_ASSERT_OK(store);
  auto tx = (*store)->begin_write();
  IAMD_ASSERT_OK(tx);
  IAMD_ASSERT_OK((*tx)->create_account(account(kAccount)));
  User u = user("who?'s", "AIDAQ");
  u.tags = {Tag{"k?1", "v'?"}};
  IAMD_ASSERT_OK((*tx)->create_user(u));
  IAMD_ASSERT_OK((*tx)->commit());
  auto rd = (*store)->begin_read();
  IAMD_ASSERT_OK(rd);
  auto back = (*rd)->get_user(kAccount, "WHO?'S");
  IAMD_ASSERT_OK(back);
  EXPECT_EQ(back->name, "who?'s");
  ASSERT_EQ(back->tags.size(), 1u);
  EXPECT_EQ(back->tags[0].value, "v'?");
}

}  // namespace
}  // namespace iamd::store
