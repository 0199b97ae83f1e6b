// What only the SQLite backend promises: durability across reopen and kill -9, the schema
// version check, and clear open errors.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store_test_util.h"

namespace iamd::store {
namespace {

using namespace iamd::store::testing;  // NOLINT(google-build-using-namespace)

std::unique_ptr<Store> open_ok(const TempFolder& folder) {
  auto store = open_store("sqlite:" + folder.str());
  EXPECT_TRUE(store.has_value()) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

std::string database_file(const TempFolder& folder) {
  return (folder.path() / sqlite::kDatabaseFile).string();
}

// SQLite's database header keeps user_version at byte 60 and application_id at byte 68, as
// 4-byte big-endian integers.
std::uint32_t read_header_field(const std::string& file, std::streamoff offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  unsigned char bytes[4] = {};
  in.read(reinterpret_cast<char*>(bytes), 4);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

void write_header_field(const std::string& file, std::streamoff offset, std::uint32_t value) {
  std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
  io.seekp(offset);
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  io.write(bytes, 4);
}

TEST(SqliteStore, ReopenKeepsEverything) {
  TempFolder folder;
  Account acct = account(kAccount);
  acct.alias = "acme";
  acct.password_policy = PasswordPolicy{};
  acct.password_policy->password_reuse_prevention = 5;
  User alice = user("Alice", "AIDAALICE", "/eng/");
  alice.tags = {{"team", "core"}};
  alice.password_last_used = ts(1'700'000'123, 456'789'012);
  ManagedPolicy p = policy("Read", "ANPAREAD");
  AccessKey key;
  key.id = "AKIAALICE";
  key.account_id = kAccount;
  key.user_id = "AIDAALICE";
  key.secret_ciphertext = std::string("\0\1\2ciphertext", 13);
  key.create_date = ts(1'700'000'000, 999'999'999);
  std::uint64_t generation = 0;
  {
    auto store = open_ok(folder);
    ASSERT_TRUE(store);
    auto txn = store->begin_write();
    IAMD_ASSERT_OK(txn);
    IAMD_ASSERT_OK((*txn)->create_account(acct));
    IAMD_ASSERT_OK((*txn)->create_user(alice));
    IAMD_ASSERT_OK((*txn)->create_policy(p));
    IAMD_ASSERT_OK((*txn)->create_policy_version(p.arn, version("v1", R"({"Version":"2012-10-17"})")));
    IAMD_ASSERT_OK((*txn)->attach_policy(EntityKind::kUser, alice.id, p.arn));
    IAMD_ASSERT_OK((*txn)->create_access_key(key));
    IAMD_ASSERT_OK((*txn)->commit());
    generation = store->generation();
    EXPECT_EQ(generation, 1u);
  }
  EXPECT_EQ(read_header_field(database_file(folder), 60), static_cast<std::uint32_t>(sqlite::kSchemaVersion));

  auto store = open_ok(folder);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->generation(), generation);
  auto r = store->begin_read();
  IAMD_ASSERT_OK(r);
  auto got_account = (*r)->get_account(kAccount);
  IAMD_ASSERT_OK(got_account);
  EXPECT_EQ(*got_account, acct);
  auto got_user = (*r)->get_user(kAccount, "alice");
  IAMD_ASSERT_OK(got_user);
  EXPECT_EQ(*got_user, alice);
  auto got_key = (*r)->get_access_key("AKIAALICE");
  IAMD_ASSERT_OK(got_key);
  EXPECT_EQ(*got_key, key);
  auto got_policy = (*r)->get_policy(p.arn);
  IAMD_ASSERT_OK(got_policy);
  EXPECT_EQ(got_policy->attachment_count, 1);
  auto v1 = (*r)->get_policy_version(p.arn, "v1");
  IAMD_ASSERT_OK(v1);
  EXPECT_TRUE(v1->is_default);
  (*r)->rollback();

  // Writing after a reopen continues the generation.
  auto w = store->begin_write();
  IAMD_ASSERT_OK(w);
  IAMD_EXPECT_ERROR((*w)->delete_user("AIDANOPE"), kNotFound);
  IAMD_ASSERT_OK((*w)->create_group(group("g", "AGPAG")));
  IAMD_ASSERT_OK((*w)->commit());
  EXPECT_EQ(store->generation(), generation + 1);
}

// A child process commits one transaction, starts another and is killed with SIGKILL before
// committing it: after reopening, the first is there and the second is not.
TEST(SqliteStore, CommittedWriteSurvivesKill) {
  TempFolder folder;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = open_store("sqlite:" + folder.str());
    if (!store) ::_exit(2);
    {
      auto txn = (*store)->begin_write();
      if (!txn || !(*txn)->create_account(account(kAccount)) || !(*txn)->create_user(user("durable", "AIDADURABLE")) ||
          !(*txn)->commit()) {
        ::_exit(3);
      }
    }
    auto txn = (*store)->begin_write();
    if (!txn || !(*txn)->create_user(user("lost", "AIDALOST"))) ::_exit(4);
    ::raise(SIGKILL);
    ::_exit(5);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto store = open_ok(folder);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->generation(), 1u);
  auto r = store->begin_read();
  IAMD_ASSERT_OK(r);
  IAMD_EXPECT_OK((*r)->get_user(kAccount, "durable"));
  IAMD_EXPECT_ERROR((*r)->get_user(kAccount, "lost"), kNotFound);
}

// Group commit: writers on 8 threads commit concurrently (sharing syncs of the log); each
// acknowledged commit is reported through a pipe the moment commit() returns, and the process
// is killed while writers are still busy. Every acknowledged user is there after reopen, and
// the generation counts exactly the committed transactions.
TEST(SqliteStore, ConcurrentAcknowledgedWritesSurviveKill) {
  TempFolder folder;
  {
    auto store = open_ok(folder);
    ASSERT_TRUE(store);
    auto txn = store->begin_write();
    IAMD_ASSERT_OK(txn);
    IAMD_ASSERT_OK((*txn)->create_account(account(kAccount)));
    IAMD_ASSERT_OK((*txn)->commit());
  }
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;  // more than can commit before the kill
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    auto store = open_store("sqlite:" + folder.str());
    if (!store) ::_exit(2);
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const int n = t * kPerThread + i;
          auto txn = (*store)->begin_write();
          if (!txn || !(*txn)->create_user(user("u" + std::to_string(n), "AIDAGROUP" + std::to_string(n)))) ::_exit(3);
          if (!(*txn)->commit()) ::_exit(4);
          if (::write(acks[1], &n, sizeof n) != sizeof n) ::_exit(5);
        }
      });
    }
    for (auto& w : writers) w.join();
    ::_exit(0);
  }
  ::close(acks[1]);
  std::set<int> acknowledged;
  int n = 0;
  while (acknowledged.size() < 200 && ::read(acks[0], &n, sizeof n) == sizeof n) acknowledged.insert(n);
  ::kill(child, SIGKILL);
  while (::read(acks[0], &n, sizeof n) == sizeof n) acknowledged.insert(n);  // sent before the kill
  ::close(acks[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_GE(acknowledged.size(), 200u);

  auto store = open_ok(folder);
  ASSERT_TRUE(store);
  auto r = store->begin_read();
  IAMD_ASSERT_OK(r);
  for (int id : acknowledged) IAMD_EXPECT_OK((*r)->get_user(kAccount, "u" + std::to_string(id)));
  std::size_t stored = 0;
  ListOptions all;
  all.max_items = 1000;
  for (std::string marker = "first"; !marker.empty();) {
    all.marker = marker == "first" ? "" : marker;
    auto page = (*r)->list_users(kAccount, all);
    IAMD_ASSERT_OK(page);
    stored += page->items.size();
    marker = page->next_marker;
  }
  EXPECT_GE(stored, acknowledged.size());
  EXPECT_EQ(store->generation(), 1u + stored);  // the account, then one per committed user
}

TEST(SqliteStore, NewerSchemaIsRefused) {
  TempFolder folder;
  { ASSERT_TRUE(open_ok(folder)); }
  write_header_field(database_file(folder), 60, sqlite::kSchemaVersion + 1);
  auto store = open_store("sqlite:" + folder.str());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, kStorageFailure);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

// `iamd audit` reads the store while the server holds it: a read-only open takes no lock,
// sees what the owner commits, and refuses to write; a folder without a database stays so.
TEST(SqliteStore, ReadOnlyOpenReadsBesideTheOwner) {
  TempFolder folder;
  auto owner = open_ok(folder);
  ASSERT_TRUE(owner);
  EXPECT_FALSE(open_store("sqlite:" + folder.str()).has_value());  // the owner's lock
  auto reader = open_store_read_only("sqlite:" + folder.str());
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  {
    auto w = owner->begin_write();
    IAMD_ASSERT_OK(w);
    AuditEvent e;
    e.event_id = "e1";
    e.time = ts(100);
    e.event_name = "CreateUser";
    e.json = "{}";
    IAMD_ASSERT_OK((*w)->append_audit_event(e));
    IAMD_ASSERT_OK((*w)->commit());
  }
  auto r = (*reader)->begin_read();
  IAMD_ASSERT_OK(r);
  auto page = (*r)->list_audit_events(AuditQuery{});
  IAMD_ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].event_name, "CreateUser");
  (*r)->rollback();
  auto w = (*reader)->begin_write();
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, kStorageFailure);

  TempFolder empty;
  auto none = open_store_read_only("sqlite:" + empty.str());
  ASSERT_FALSE(none.has_value());
  EXPECT_FALSE(std::filesystem::exists(empty.path() / sqlite::kDatabaseFile));
}

// Migrations 3 and 4 on a database of schema 2 (made here by taking the column and the audit
// table away again): each
// policy starts from the highest version number still stored.
TEST(SqliteStore, Schema2DatabaseGetsItsPoliciesHighestVersionNumbers) {
  TempFolder folder;
  const ManagedPolicy p = policy("Old", "ANPAOLD");
  {
    auto store = open_ok(folder);
    ASSERT_TRUE(store);
    auto w = store->begin_write();
    ASSERT_TRUE(w.has_value());
    IAMD_ASSERT_OK((*w)->create_account(account(kAccount)));
    IAMD_ASSERT_OK((*w)->create_policy(p));
    for (const char* v : {"v1", "v2", "v3"}) IAMD_ASSERT_OK((*w)->create_policy_version(p.arn, version(v, "{}")));
    IAMD_ASSERT_OK((*w)->delete_policy_version(p.arn, "v2"));
    IAMD_ASSERT_OK((*w)->commit());
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(database_file(folder).c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db,
                           "DROP TABLE audit_events; ALTER TABLE policies DROP COLUMN highest_version_number; "
                           "PRAGMA user_version = 2;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  EXPECT_EQ(read_header_field(database_file(folder), 60), 2u);
  auto store = open_ok(folder);
  ASSERT_TRUE(store);
  auto r = store->begin_read();
  ASSERT_TRUE(r.has_value());
  auto got = (*r)->get_policy(p.arn);
  IAMD_ASSERT_OK(got);
  EXPECT_EQ(got->highest_version_number, 3);
}

TEST(SqliteStore, ForeignSqliteDatabaseIsRefused) {
  TempFolder folder;
  { ASSERT_TRUE(open_ok(folder)); }
  write_header_field(database_file(folder), 68, 0x12345678);
  auto store = open_store("sqlite:" + folder.str());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, kStorageFailure);
  EXPECT_NE(store.error().message.find("not an iamd database"), std::string::npos) << store.error().message;
}

TEST(SqliteStore, CorruptFileIsRefused) {
  TempFolder folder;
  std::filesystem::create_directories(folder.path());
  {
    std::ofstream out(database_file(folder), std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not a database ";
  }
  auto store = open_store("sqlite:" + folder.str());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, kStorageFailure);
  EXPECT_NE(store.error().message.find("iamd.db"), std::string::npos) << store.error().message;
}

TEST(SqliteStore, UnusableFolderIsRefused) {
  TempFolder folder;
  std::filesystem::create_directories(folder.path());
  const auto file = folder.path() / "plain-file";
  { std::ofstream(file) << "x"; }
  // A folder below a regular file cannot be created, even by root.
  auto store = open_store("sqlite:" + (file / "data").string());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, kStorageFailure);
  EXPECT_NE(store.error().message.find("cannot create data folder"), std::string::npos) << store.error().message;
  auto on_file = open_store("sqlite:" + file.string());
  ASSERT_FALSE(on_file.has_value());
  EXPECT_EQ(on_file.error().code, kStorageFailure);
}

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(SqliteStore, FolderAndFilesArePrivateWhateverTheUmask) {
  TempFolder folder;
  const mode_t old = ::umask(0);
  auto store = open_ok(folder);
  ::umask(old);
  ASSERT_TRUE(store);
  {
    auto tx = store->begin_write();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->create_account(account(kAccount)).has_value());
    ASSERT_TRUE((*tx)->commit().has_value());
  }
  EXPECT_EQ(mode_of(folder.path()), 0700u);
  const std::string db = database_file(folder);
  for (const std::string& file : {db, db + "-wal", db + "-shm", (folder.path() / sqlite::kLockFile).string()}) {
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(mode_of(file), 0600u) << file;
  }
  store.reset();
  // A database file left open to others (an earlier version) is made private on open.
  ::chmod(db.c_str(), 0644);
  EXPECT_TRUE(open_ok(folder));
  EXPECT_EQ(mode_of(db), 0600u);
}

TEST(SqliteStore, LinkInPlaceOfTheDatabaseIsRefused) {
  TempFolder folder;
  std::filesystem::create_directories(folder.path());
  const auto elsewhere = folder.path() / "elsewhere.db";
  { std::ofstream(elsewhere) << ""; }
  std::filesystem::create_symlink(elsewhere, database_file(folder));
  auto store = open_store("sqlite:" + folder.str());
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("symbolic link"), std::string::npos) << store.error().message;
  EXPECT_EQ(std::filesystem::file_size(elsewhere), 0u);
}

TEST(SqliteStore, OneOwnerAtATime) {
  TempFolder folder;
  auto first = open_ok(folder);
  ASSERT_TRUE(first);
  auto second = open_store("sqlite:" + folder.str());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, kStorageFailure);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos) << second.error().message;
  first.reset();
  EXPECT_TRUE(open_ok(folder));
}

TEST(OpenStore, RejectsUnknownUrls) {
  for (const char* url :
       {"", "memory", "sqlite:", "postgres:/localhost/iamd", "mysql://localhost/iamd", "file:/tmp/x"}) {
    auto store = open_store(url);
    ASSERT_FALSE(store.has_value()) << url;
    EXPECT_EQ(store.error().code, kInvalidInput) << url;
  }
  auto memory = open_store("memory:");
  IAMD_EXPECT_OK(memory);
  // A PostgreSQL URL is taken; a server that does not answer is Unavailable.
  auto postgres = open_store("postgres://iamd@127.0.0.1:1/iamd?connect_timeout=2");
  ASSERT_FALSE(postgres.has_value());
  EXPECT_EQ(postgres.error().code, kUnavailable);
}

// The change log is bounded: a shard that overflows forgets its keys and answers with its
// floor, never with less than the true generation of a key's last change.
TEST(ChangeLog, ForgetsSafelyWhenFull) {
  ChangeLog log(16);  // one key per shard
  EXPECT_EQ(log.last_change("u:nobody"), 0u);
  for (std::uint64_t g = 1; g <= 100; ++g) log.publish(g, {"u:AIDA" + std::to_string(g)});
  EXPECT_LE(log.size(), 16u);
  for (std::uint64_t g = 1; g <= 100; ++g) EXPECT_GE(log.last_change("u:AIDA" + std::to_string(g)), g) << g;
  log.publish(101, {"u:AIDA100"});
  EXPECT_EQ(log.last_change("u:AIDA100"), 101u);
}

TEST(Markers, RoundTripAndRejectForeignText) {
  for (const char* key : {"a", "user01", "Gname", "arn:aws:iam::aws:policy/x"}) {
    auto decoded = decode_marker(encode_marker(key));
    IAMD_ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, key);
  }
  for (const char* bad : {"!", "abc", "bTE6", "eHg6YQ=="}) {
    IAMD_EXPECT_ERROR(decode_marker(bad), "ValidationError");
  }
}

}  // namespace
}  // namespace iamd::store
