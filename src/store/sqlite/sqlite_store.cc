#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "store/internal.h"
#include "store/sql/transaction.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema.h"

namespace iamd::store::sqlite {
namespace {

class SqliteStore;

using SqlBase = sql::SqlTransaction<Connection>;

class SqliteTransaction final : public SqlBase {
 public:
  // A read transaction on a pooled reader connection, or a write transaction on the writer
  // (owned_reader null), which the store lends while the transaction lives.
  SqliteTransaction(SqliteStore& store, Connection& connection, std::unique_ptr<Connection> owned_reader)
      : SqlBase(connection, owned_reader == nullptr), store_(&store), reader_(std::move(owned_reader)) {}
  ~SqliteTransaction() override { rollback(); }

  void rollback() override;

  Result<void> commit() override;

 private:
  SqliteStore* store_;                  // null once finished
  std::unique_ptr<Connection> reader_;  // read transactions: the pooled connection, returned at the end
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string file, int lock_fd, std::unique_ptr<Connection> writer, std::uint64_t generation, int wal_fd)
      : file_(std::move(file)),
        lock_fd_(lock_fd),
        wal_fd_(wal_fd),
        writer_(std::move(writer)),
        generation_(generation) {}
  ~SqliteStore() override {
    idle_readers_.clear();
    writer_.reset();
    if (wal_fd_ >= 0) ::close(wal_fd_);
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
  }

  // Group commit [IMPL]. The writer connection commits with synchronous=NORMAL: COMMIT writes
  // the transaction's frames to the write-ahead log without syncing it, and SQLite still syncs
  // the log before every checkpoint. The committing thread then releases the writer, so the
  // next transaction runs, and waits until the log is synced past its frames: one thread syncs
  // (fdatasync of the -wal file) for every transaction committed before it started, the others
  // that committed meanwhile wait for the next round. A write is acknowledged only once it is
  // on disk, as with synchronous=FULL, but concurrent writers share one sync. Other requests
  // may read a transaction between its COMMIT and its sync: a power loss in that window can
  // lose a write that was seen but never acknowledged (a process crash cannot: the frames are
  // in the operating system's cache).
  bool group_commit() const { return wal_fd_ >= 0; }
  std::uint64_t note_commit() { return committed_.fetch_add(1, std::memory_order_acq_rel) + 1; }
  Result<void> make_durable(std::uint64_t seq) {
    std::unique_lock lock(sync_mu_);
    while (synced_ < seq) {
      if (syncing_) {
        synced_cv_.wait(lock);
        continue;
      }
      syncing_ = true;
      const std::uint64_t target = committed_.load(std::memory_order_acquire);
      lock.unlock();
      const int rc = ::fdatasync(wal_fd_);
      const int err = errno;
      lock.lock();
      syncing_ = false;
      if (rc == 0 && target > synced_) synced_ = target;
      synced_cv_.notify_all();
      if (rc != 0) {
        return internal::make_error(kStorageFailure,
                                    "cannot sync the write-ahead log of " + file_ + ": " + std::strerror(err));
      }
    }
    return {};
  }

  Result<std::unique_ptr<ReadTransaction>> begin_read() override {
    std::unique_ptr<Connection> connection;
    {
      std::lock_guard lock(readers_mu_);
      if (!idle_readers_.empty()) {
        connection = std::move(idle_readers_.back());
        idle_readers_.pop_back();
      }
    }
    if (!connection) {
      auto opened = Connection::open(file_, true);
      if (!opened) return opened.error();
      connection = std::move(*opened);
    }
    if (auto r = connection->exec("BEGIN"); !r) {
      release_reader(std::move(connection));
      return r.error();
    }
    Connection& borrowed = *connection;
    return std::unique_ptr<ReadTransaction>(
        std::make_unique<SqliteTransaction>(*this, borrowed, std::move(connection)));
  }

  Result<std::unique_ptr<Transaction>> begin_write() override {
    if (!writer_) return internal::make_error(kStorageFailure, file_ + " is open for reading only");
    {
      std::unique_lock lock(writer_mu_);
      writer_free_.wait(lock, [&] { return !writer_active_; });
      writer_active_ = true;
    }
    if (auto r = writer_->exec("BEGIN IMMEDIATE"); !r) {
      release_writer(std::nullopt);
      return r.error();
    }
    return std::unique_ptr<Transaction>(std::make_unique<SqliteTransaction>(*this, *writer_, nullptr));
  }

  std::uint64_t generation() const override { return generation_.load(std::memory_order_acquire); }
  std::uint64_t last_change(std::string_view key) const override { return changes_.last_change(key); }

  // A read-only store (open_sqlite_store_read_only) starts with the connection it checked.
  void release_reader(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(readers_mu_);
    idle_readers_.push_back(std::move(connection));
  }
  // `generation` is the committed generation when the write transaction wrote something,
  // `changes` the change keys of its writes: published before the generation is.
  void release_writer(std::optional<std::uint64_t> generation, const std::vector<std::string>& changes = {}) {
    if (generation) {
      changes_.publish(*generation, changes);
      generation_.store(*generation, std::memory_order_release);
    }
    {
      std::lock_guard lock(writer_mu_);
      writer_active_ = false;
    }
    writer_free_.notify_one();
  }

 private:
  const std::string file_;
  const int lock_fd_;
  const int wal_fd_;                         // the -wal file, synced by group commit; -1: the writer syncs every commit
  std::atomic<std::uint64_t> committed_{0};  // write transactions committed (COMMIT returned)
  std::mutex sync_mu_;                       // guards synced_ and syncing_
  std::condition_variable synced_cv_;
  std::uint64_t synced_ = 0;  // every transaction up to this one is on disk
  bool syncing_ = false;
  std::unique_ptr<Connection> writer_;  // lent to the one write transaction
  std::mutex writer_mu_;                // guards writer_active_
  std::condition_variable writer_free_;
  bool writer_active_ = false;
  std::mutex readers_mu_;  // guards idle_readers_
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::atomic<std::uint64_t> generation_;
  ChangeLog changes_;
};

void SqliteTransaction::rollback() {
  if (store_ == nullptr) return;
  // A read transaction holds no changes: ending it either way only drops its snapshot.
  (void)conn().exec("ROLLBACK");
  connection_ = nullptr;
  SqliteStore* store = std::exchange(store_, nullptr);
  if (write_) {
    store->release_writer(std::nullopt);
  } else {
    store->release_reader(std::move(reader_));
  }
}

Result<void> SqliteTransaction::commit() {
  assert(write_ && store_ != nullptr && "commit on a read transaction or a finished one");
  std::optional<std::uint64_t> generation;
  if (dirty_) {
    auto bumped =
        query_one<std::int64_t>("UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value",
                                "generation", [](Statement& s) -> Result<std::int64_t> { return s.integer(0); });
    if (!bumped) {
      rollback();
      return bumped.error();
    }
    generation = static_cast<std::uint64_t>(*bumped);
  }
  if (auto r = conn().exec("COMMIT"); !r) {
    rollback();
    return r;
  }
  connection_ = nullptr;
  SqliteStore* store = std::exchange(store_, nullptr);
  const std::uint64_t seq = dirty_ && store->group_commit() ? store->note_commit() : 0;
  store->release_writer(generation, changes_);
  if (seq != 0) return store->make_durable(seq);  // after the writer is free for the next one
  return {};
}

Error open_failure(const std::string& what) {
  return internal::make_error(kStorageFailure, what);
}

// The store is private whatever the process's umask (docs/operations.md): its folder is
// created 0700 and its files 0600 before SQLite opens them; SQLite gives the -wal and -shm
// files the mode of the database file. Links in place of the files are not followed.
Result<void> make_private_folder(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(folder, ec)) {
    if (!fs::is_directory(folder, ec)) return open_failure("data folder " + folder + " is not a directory");
    return {};
  }
  const fs::path path(folder);
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return open_failure("cannot create data folder " + folder + ": " + ec.message());
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    return open_failure("cannot create data folder " + folder + ": " + std::strerror(errno));
  }
  if (::chmod(folder.c_str(), 0700) != 0) return open_failure("cannot chmod " + folder + ": " + std::strerror(errno));
  return {};
}

// Opens (creating it when missing) a file of the store with mode 0600; returns the descriptor.
Result<int> open_private_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == ELOOP) return open_failure(file + " is a symbolic link; the store follows no links");
    return open_failure("cannot open " + file + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return open_failure(file + " is not a regular file");
  }
  if ((st.st_mode & 0777) != 0600 && ::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    return open_failure("cannot chmod " + file + ": " + std::strerror(err));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& folder) {
  namespace fs = std::filesystem;
  if (sqlite3_threadsafe() == 0) return open_failure("this SQLite library was built without thread support");
  // Before SQLite's first use in the process: no global allocation statistics. With them on
  // (SQLite's default), every sqlite3_malloc/free takes one process-wide mutex, and Debian's
  // build has no lookaside allocator, so concurrent readers on different connections queue on
  // that mutex for every row (reads stopped scaling at ~2 threads). Nothing of iamd reads
  // sqlite3_memory_used(). Fails harmlessly (SQLITE_MISUSE) when SQLite is already initialized.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  if (auto r = make_private_folder(folder); !r) return r.error();

  const std::string lock_path = (fs::path(folder) / kLockFile).string();
  auto lock = open_private_file(lock_path);
  if (!lock) return lock.error();
  const int lock_fd = *lock;
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd);
    if (err == EWOULDBLOCK) return open_failure("data folder " + folder + " is in use by another iamd store");
    return open_failure("cannot lock " + lock_path + ": " + std::strerror(err));
  }

  const std::string file = (fs::path(folder) / kDatabaseFile).string();
  // Created (or tightened) here so that SQLite, which would create it 0644 less the umask,
  // finds it private; the -wal and -shm files take its mode.
  auto db_fd = open_private_file(file);
  if (!db_fd) {
    ::close(lock_fd);
    return db_fd.error();
  }
  ::close(*db_fd);
  // Left by an earlier version or a crash: made private too before SQLite reuses them.
  for (const char* suffix : {"-wal", "-shm"}) {
    struct stat st {};
    const std::string side = file + suffix;
    if (::lstat(side.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0077) != 0) {
      ::chmod(side.c_str(), 0600);
    }
  }
  auto writer = Connection::open(file, false);
  if (!writer) {
    ::close(lock_fd);
    return writer.error();
  }
  auto generation = migrate(**writer, file);
  if (!generation) {
    writer->reset();
    ::close(lock_fd);
    return generation.error();
  }
  // Group commit (see SqliteStore::make_durable): the writer stops syncing at COMMIT once the
  // -wal file can be synced here; otherwise it keeps synchronous=FULL.
  int wal_fd = ::open((file + "-wal").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (wal_fd >= 0) {
    if (auto r = (*writer)->exec("PRAGMA synchronous=NORMAL"); !r) {
      ::close(wal_fd);
      wal_fd = -1;
    }
  }
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(file, lock_fd, std::move(*writer), *generation, wal_fd));
}

Result<void> backup_sqlite_store(const std::string& folder, const std::string& destination) {
  namespace fs = std::filesystem;
  const std::string file = (fs::path(folder) / kDatabaseFile).string();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return open_failure("no iamd database in " + folder);
  // The copy is private from its first byte, and never written through a link or over a file.
  const int fd = ::open(destination.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return open_failure("cannot create " + destination + ": " + std::strerror(errno));
  ::close(fd);
  auto failed = [&](std::string message) {
    fs::remove(destination, ec);
    return open_failure(std::move(message));
  };
  sqlite3* source = nullptr;
  sqlite3* copy = nullptr;
  auto close_both = [&] {
    sqlite3_close_v2(source);
    sqlite3_close_v2(copy);
  };
  if (sqlite3_open_v2(file.c_str(), &source, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
      sqlite3_open_v2(destination.c_str(), &copy, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = source != nullptr ? sqlite3_errmsg(source) : "out of memory";
    close_both();
    return failed("cannot open " + file + " for a backup: " + message);
  }
  sqlite3_busy_timeout(source, 5000);
  sqlite3_backup* backup = sqlite3_backup_init(copy, "main", source, "main");
  if (backup == nullptr) {
    std::string message = sqlite3_errmsg(copy);
    close_both();
    return failed("cannot back up " + file + ": " + message);
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  std::string message = rc == SQLITE_DONE ? std::string() : sqlite3_errstr(rc);
  if (rc == SQLITE_DONE && sqlite3_exec(copy, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    message = sqlite3_errmsg(copy);
  }
  close_both();
  if (!message.empty()) return failed("backup of " + file + " failed: " + message);
  return {};
}

// [IMPL] How `iamd audit` reads while the server runs: the server's flock on iamd.lock is not
// taken (it would fail), and no writer connection is opened. Readers need only the WAL
// index (-shm), which SQLite shares between processes; they see each committed snapshot.
// Nothing is created: a folder without a database is an error, not a new store.
Result<std::unique_ptr<Store>> open_sqlite_store_read_only(const std::string& folder) {
  namespace fs = std::filesystem;
  const std::string file = (fs::path(folder) / kDatabaseFile).string();
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return open_failure("no iamd database in " + folder + " (" + file + ")");
  if (!S_ISREG(st.st_mode)) return open_failure(file + " is not a regular file; the store follows no links");
  auto reader = Connection::open(file, true);
  if (!reader) return reader.error();
  auto version = (*reader)->prepare("PRAGMA user_version");
  if (!version) return version.error();
  auto row = (*version)->step();
  if (!row) return row.error();
  const std::int64_t v = *row ? (*version)->integer(0) : 0;
  version->reset();
  if (v != kSchemaVersion) {
    return open_failure(file + ": schema version " + std::to_string(v) + ", this iamd reads " +
                        std::to_string(kSchemaVersion) + " (start the server of this version once to migrate it)");
  }
  auto store = std::make_unique<SqliteStore>(file, -1, nullptr, 0, -1);
  store->release_reader(std::move(*reader));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace iamd::store::sqlite
