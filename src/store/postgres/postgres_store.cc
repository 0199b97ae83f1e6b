#include "store/postgres/postgres_store.h"

#include <poll.h>

#include <atomic>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "store/changes.h"
#include "store/internal.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "store/sql/transaction.h"

namespace iamd::store::postgres {
namespace {

constexpr const char* kChannel = "iamd_changes";
// [IMPL] The change keys of the newest this many generations stay in `changes`; a node
// further behind drops all its caches instead (pruned_through).
constexpr std::int64_t kKeptGenerations = 10000;
constexpr std::int64_t kPruneEvery = 1000;

// meta's generation and pruned_through, then the change keys committed after `?`, in
// generation order: one snapshot, one round trip (store/changes.h).
constexpr const char* kCatchUpSql =
    "SELECT m.value, p.value, c.generation, c.key FROM meta m JOIN meta p ON p.key = 'pruned_through' "
    "LEFT JOIN changes c ON c.generation > ? WHERE m.key = 'generation' ORDER BY c.generation";

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

class PgStore;

class PgTransaction final : public sql::SqlTransaction<Connection> {
 public:
  PgTransaction(PgStore& store, std::unique_ptr<Connection> connection, bool write)
      : SqlTransaction(*connection, write), store_(&store), owned_(std::move(connection)) {}
  ~PgTransaction() override { rollback(); }

  void rollback() override;
  Result<void> commit() override;

 private:
  PgStore* store_;                     // null once finished
  std::unique_ptr<Connection> owned_;  // the connection, handed back to the store at the end
};

class PgStore final : public Store {
 public:
  PgStore(std::string conninfo, std::unique_ptr<Connection> writer, std::uint64_t generation)
      : conninfo_(std::move(conninfo)), writer_(std::move(writer)), generation_(generation) {
    listener_ = std::thread([this] { listen(); });
  }
  ~PgStore() override {
    stopping_.store(true);
    if (listener_.joinable()) listener_.join();
  }

  Result<std::unique_ptr<ReadTransaction>> begin_read() override {
    auto connection = take_reader();
    if (!connection) return connection.error();
    // Sent with the transaction's first statement (one round trip for both).
    (*connection)->begin_lazily("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return std::unique_ptr<ReadTransaction>(std::make_unique<PgTransaction>(*this, std::move(*connection), false));
  }

  Result<std::unique_ptr<Transaction>> begin_write() override {
    std::unique_ptr<Connection> connection;
    {
      std::unique_lock lock(writer_mu_);
      writer_free_.wait(lock, [&] { return !writer_active_; });
      writer_active_ = true;
      connection = std::move(writer_);
    }
    if (!connection || !connection->ok()) {
      auto opened = Connection::open(conninfo_);
      if (!opened) {
        release_writer(nullptr);
        return opened.error();
      }
      connection = std::move(*opened);
    }
    // The lock on meta's generation row orders this node's writers after every other
    // node's: held until commit or rollback.
    auto locked = connection->query("BEGIN; SELECT value FROM meta WHERE key = 'generation' FOR UPDATE");
    if (!locked || locked->empty() || !(*locked)[0][0]) {
      (void)connection->exec("ROLLBACK");
      release_writer(std::move(connection));
      if (!locked) return locked.error();
      return internal::make_error(kStorageFailure, "PostgreSQL store: meta has no generation");
    }
    if (std::stoull(*(*locked)[0][0]) > generation()) {
      if (auto r = catch_up(*connection); !r) {
        (void)connection->exec("ROLLBACK");
        release_writer(std::move(connection));
        return r.error();
      }
    }
    return std::unique_ptr<Transaction>(std::make_unique<PgTransaction>(*this, std::move(connection), true));
  }

  std::uint64_t generation() const override { return generation_.load(std::memory_order_acquire); }
  std::uint64_t last_change(std::string_view key) const override { return changes_.last_change(key); }

  Result<void> sync() override {
    auto connection = take_reader();
    if (!connection) return connection.error();
    auto r = catch_up(**connection);
    release_reader(std::move(*connection));
    return r;
  }

  // A pooled connection, or a new one. A pooled connection the server dropped since (a
  // restart of the database) is discarded here rather than failing the request.
  Result<std::unique_ptr<Connection>> take_reader() {
    {
      std::lock_guard lock(readers_mu_);
      while (!idle_readers_.empty()) {
        auto connection = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        if (connection->ok()) return connection;
      }
    }
    return Connection::open(conninfo_);
  }
  void release_reader(std::unique_ptr<Connection> connection) {
    if (!connection->ok()) return;
    std::lock_guard lock(readers_mu_);
    idle_readers_.push_back(std::move(connection));
  }
  void release_writer(std::unique_ptr<Connection> connection) {
    {
      std::lock_guard lock(writer_mu_);
      writer_ = std::move(connection);
      writer_active_ = false;
    }
    writer_free_.notify_one();
  }

  // After this node's commit of generation `g` with `keys`: published before the generation
  // is, unless the listener or a sync() got there first; a gap (which the lock on meta
  // makes impossible) is filled from `changes`.
  void committed(std::uint64_t g, const std::vector<std::string>& keys) {
    {
      std::lock_guard lock(apply_mu_);
      const std::uint64_t applied = generation();
      if (applied >= g) return;
      if (applied + 1 == g) {
        changes_.publish(g, keys);
        generation_.store(g, std::memory_order_release);
        return;
      }
    }
    (void)sync();
  }

  // Applies what `changes` holds after this node's generation (one query on `connection`,
  // which must not be inside a REPEATABLE READ transaction).
  Result<void> catch_up(Connection& connection) {
    const std::uint64_t from = generation();
    auto stmt = connection.prepare(kCatchUpSql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(static_cast<std::int64_t>(from));
    std::uint64_t newest = 0;
    std::uint64_t pruned = 0;
    std::vector<std::pair<std::uint64_t, std::string>> rows;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) break;
      newest = static_cast<std::uint64_t>((*stmt)->integer(0));
      pruned = static_cast<std::uint64_t>((*stmt)->integer(1));
      if (!(*stmt)->is_null(2)) rows.emplace_back(static_cast<std::uint64_t>((*stmt)->integer(2)), (*stmt)->text(3));
    }
    std::lock_guard lock(apply_mu_);
    const std::uint64_t applied = generation();
    if (newest <= applied) return {};
    if (pruned > applied) {
      changes_.forget_all(newest);
    } else {
      // One publish per generation, in order; rows another thread applied meanwhile skipped.
      std::size_t i = 0;
      while (i < rows.size()) {
        const std::uint64_t g = rows[i].first;
        std::vector<std::string> keys;
        for (; i < rows.size() && rows[i].first == g; ++i) keys.push_back(std::move(rows[i].second));
        if (g > applied) changes_.publish(g, keys);
      }
    }
    generation_.store(newest, std::memory_order_release);
    return {};
  }

 private:
  // The listener: LISTEN on a connection of its own, applying changes as notifications come.
  // A lost connection is reopened; having possibly missed notifications meanwhile, the node
  // then forgets every change key it knew (all caches rebuild once) before it carries on.
  void listen() {
    std::unique_ptr<Connection> connection;
    bool lost = false;
    while (!stopping_.load()) {
      if (!connection || !connection->ok()) {
        if (connection) lost = true;
        connection.reset();
        auto opened = Connection::open(conninfo_);
        if (!opened || !(*opened)->exec(std::string("LISTEN ") + kChannel)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(250));
          continue;
        }
        connection = std::move(*opened);
        if (lost) forget_everything(*connection);
        (void)catch_up(*connection);
      }
      pollfd fd{connection->socket(), POLLIN, 0};
      const int ready = ::poll(&fd, 1, 200);
      if (ready <= 0) continue;
      auto notes = connection->notifications();
      if (!notes) continue;  // the connection is checked at the top
      if (!notes->empty()) (void)catch_up(*connection);
    }
  }

  void forget_everything(Connection& connection) {
    auto rows = connection.query("SELECT value FROM meta WHERE key = 'generation'");
    if (!rows || rows->empty() || !(*rows)[0][0]) return;
    const std::uint64_t newest = std::stoull(*(*rows)[0][0]);
    std::lock_guard lock(apply_mu_);
    const std::uint64_t at = std::max(newest, generation());
    changes_.forget_all(at);
    generation_.store(at, std::memory_order_release);
  }

  const std::string conninfo_;
  std::mutex writer_mu_;  // guards writer_ and writer_active_
  std::condition_variable writer_free_;
  std::unique_ptr<Connection> writer_;  // lent to the one write transaction
  bool writer_active_ = false;
  std::mutex readers_mu_;  // guards idle_readers_
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::mutex apply_mu_;  // one applier of changes at a time
  std::atomic<std::uint64_t> generation_;
  ChangeLog changes_;
  std::atomic<bool> stopping_{false};
  std::thread listener_;  // last: started once the members above exist
};

void PgTransaction::rollback() {
  if (store_ == nullptr) return;
  // A read transaction wrote nothing: its ROLLBACK's answer is read by the connection's next
  // user, not waited for here.
  if (write_) {
    (void)conn().exec("ROLLBACK");
  } else {
    conn().send_later("ROLLBACK");
  }
  connection_ = nullptr;
  PgStore* store = std::exchange(store_, nullptr);
  if (write_) {
    store->release_writer(std::move(owned_));
  } else {
    store->release_reader(std::move(owned_));
  }
}

Result<void> PgTransaction::commit() {
  assert(write_ && store_ != nullptr && "commit on a read transaction or a finished one");
  std::optional<std::uint64_t> generation;
  auto fail = [&](Error e) -> Result<void> {
    rollback();
    return e;
  };
  if (dirty_) {
    auto bumped =
        query_one<std::int64_t>("UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value",
                                "generation", [](Statement& s) -> Result<std::int64_t> { return s.integer(0); });
    if (!bumped) return fail(bumped.error());
    generation = static_cast<std::uint64_t>(*bumped);
    if (auto r = run("INSERT INTO changes (generation, key) SELECT ?1, json_array_elements_text(?2::json)", *bumped,
                     json_array(changes_));
        !r) {
      return fail(r.error());
    }
    if (*bumped % kPruneEvery == 0 && *bumped > kKeptGenerations) {
      const std::int64_t through = *bumped - kKeptGenerations;
      if (auto r = run("DELETE FROM changes WHERE generation <= ?", through); !r) return fail(r.error());
      if (auto r = run("UPDATE meta SET value = ? WHERE key = 'pruned_through'", through); !r) return fail(r.error());
    }
    if (auto r = run("SELECT pg_notify(?1, ?2)", kChannel, std::to_string(*bumped)); !r) return fail(r.error());
  }
  auto committed = conn().commit();
  if (!committed) return fail(committed.error());
  connection_ = nullptr;
  PgStore* store = std::exchange(store_, nullptr);
  store->release_writer(std::move(owned_));
  if (generation) store->committed(*generation, changes_);
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& conninfo) {
  auto writer = Connection::open(conninfo);
  if (!writer) return writer.error();
  if (auto r = migrate(**writer); !r) return r.error();
  auto rows = (*writer)->query("SELECT value FROM meta WHERE key = 'generation'");
  if (!rows) return rows.error();
  if (rows->empty() || !(*rows)[0][0]) {
    return internal::make_error(kStorageFailure, "PostgreSQL store: meta has no generation");
  }
  const std::uint64_t generation = std::stoull(*(*rows)[0][0]);
  return std::unique_ptr<Store>(std::make_unique<PgStore>(conninfo, std::move(*writer), generation));
}

}  // namespace iamd::store::postgres
