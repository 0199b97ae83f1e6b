// A thin RAII layer over one libpq connection (libpq-fe.h stays in connection.cc), with the
// interface store/sql/transaction.h expects of a connection: statements prepared once per
// connection (the SQL's `?`/`?N` placeholders rewritten to `$N`), typed binding, rows read
// as text (bytea decoded), and the mapping of SQLSTATEs to store errors.
// Thread-safety: a Connection and its Statements are used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/values.h"
#include "store/store.h"

struct pg_conn;
struct pg_result;

namespace iamd::store::postgres {

using sql::Blob;

class Connection;

// One execution of a prepared statement: bind the parameters in order, then step() through
// the rows (the whole result is fetched on the first step) or run() it.
class Statement {
 public:
  Statement(Connection& connection, std::string name, int params);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <class... Args>
  Statement& bind(const Args&... args) {
    (bind_one(args), ...);
    return *this;
  }

  // True with a row to read, false when done.
  Result<bool> step();
  // Executes, expecting no rows to read.
  Result<void> run();

  bool is_null(int column) const;
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  Timestamp timestamp(int column) const;
  std::optional<Timestamp> optional_timestamp(int column) const;

 private:
  Result<void> execute();
  void bind_text(std::string value);
  void bind_one(std::string_view value) { bind_text(std::string(value)); }
  void bind_one(const std::string& value) { bind_text(value); }
  void bind_one(const char* value) { bind_text(value); }
  void bind_one(Blob value);
  void bind_one(std::int64_t value) { bind_text(std::to_string(value)); }
  void bind_one(int value) { bind_text(std::to_string(value)); }
  void bind_one(std::size_t value) { bind_text(std::to_string(value)); }
  void bind_one(bool value) { bind_text(value ? "1" : "0"); }
  void bind_one(Timestamp value);
  void bind_one(std::nullptr_t);
  template <class T>
  void bind_one(const std::optional<T>& value) {
    if (value) {
      bind_one(*value);
    } else {
      bind_one(nullptr);
    }
  }

  Connection& connection_;
  std::string name_;
  int params_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
  pg_result* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

class Connection {
 public:
  using Statement = postgres::Statement;
  // The tags of several owners, given as a JSON array of owner ids (store/sql/transaction.h).
  static constexpr const char* kTagsOfOwnersSql =
      "SELECT owner_id, key, value FROM tags WHERE owner_id IN (SELECT json_array_elements_text(?::json)) "
      "ORDER BY owner_id, position";

  // Connects with a libpq connection string or URI (postgresql://user@host:port/db?...).
  static Result<std::unique_ptr<Connection>> open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement prepared on this connection at its first use.
  Result<std::unique_ptr<Statement>> prepare(std::string_view sql);
  // Runs one statement, or several separated by semicolons, without parameters; rows ignored.
  Result<void> exec(std::string_view sql);
  Result<void> exec_script(const std::string& sql) { return exec(sql); }
  // COMMIT, checking that it committed: a transaction that an earlier failed statement left
  // aborted answers COMMIT with a rollback, which is a StorageFailure here.
  Result<void> commit();
  // Runs a parameterless query and returns its rows' first columns (NULL as nullopt).
  Result<std::vector<std::vector<std::optional<std::string>>>> query(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE run().
  std::int64_t changes() const { return changes_; }
  // Sends `sql` without waiting for its answer, which the next use of the connection reads
  // first (a read transaction's ROLLBACK: one round trip off the request's path). Nothing
  // is sent when a begin_lazily() transaction never ran a statement.
  void send_later(const char* sql);
  // Begins a transaction with `begin` (a BEGIN statement) together with the next statement,
  // in one round trip (libpq's pipeline mode): a read transaction's BEGIN costs nothing of
  // its own.
  void begin_lazily(std::string begin) { begin_pending_ = std::move(begin); }
  // False once the server connection is lost: the connection must not be reused.
  bool ok() const;
  // The socket, for waiting on notifications; the pending notifications' payloads on the
  // channels this connection listens to (consumes the socket's input first).
  int socket() const;
  Result<std::vector<std::string>> notifications();

  // The store error for `result` (or the connection's error when null).
  Error error(const pg_result* result, std::string_view context = {}) const;

  // `?` / `?N` placeholders to `$N` (SQLite's numbering: a bare `?` is one more than the
  // largest number so far); quoted text is left alone. Sets `params` to the count.
  static std::string rewrite_placeholders(std::string_view sql, int& params);

 private:
  friend class postgres::Statement;
  explicit Connection(pg_conn* conn) : conn_(conn) {}

  struct Prepared {
    std::string name;
    int params = 0;
  };
  // Reads the answers of a send_later(); false when the connection failed meanwhile.
  bool drain();

  pg_conn* conn_;
  bool pending_ = false;       // a send_later() whose answer is unread
  std::string begin_pending_;  // a begin_lazily() not sent yet
  std::unordered_map<std::string, Prepared> cache_;
  std::int64_t changes_ = 0;
};

}  // namespace iamd::store::postgres
