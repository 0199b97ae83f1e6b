// A thin RAII layer over one SQLite connection (sqlite3.h stays in connection.cc): opening
// with iamd's pragmas, a per-connection cache of prepared statements, typed binding and
// column access, and the mapping of SQLite result codes to store errors.
// Thread-safety: a Connection and its Statements are used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql/values.h"
#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace iamd::store::sqlite {

using sql::Blob;

class Connection;

// A cached prepared statement, borrowed for one use: the destructor resets it and clears
// its bindings so the cache can hand it out again. Parameters are bound in order.
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* stmt, bool& in_use);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <class... Args>
  Statement& bind(const Args&... args) {
    int index = 1;
    (bind_one(index++, args), ...);
    return *this;
  }

  // True with a row to read, false when done.
  Result<bool> step();
  // Steps to the end, expecting no rows.
  Result<void> run();

  bool is_null(int column) const;
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  Timestamp timestamp(int column) const;
  std::optional<Timestamp> optional_timestamp(int column) const;

 private:
  void bind_one(int index, std::string_view value);
  void bind_one(int index, const std::string& value) { bind_one(index, std::string_view(value)); }
  void bind_one(int index, const char* value) { bind_one(index, std::string_view(value)); }
  void bind_one(int index, Blob value);
  void bind_one(int index, std::int64_t value);
  void bind_one(int index, int value) { bind_one(index, static_cast<std::int64_t>(value)); }
  void bind_one(int index, std::size_t value) { bind_one(index, static_cast<std::int64_t>(value)); }
  void bind_one(int index, bool value) { bind_one(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  void bind_one(int index, Timestamp value);
  void bind_one(int index, std::nullptr_t);
  template <class T>
  void bind_one(int index, const std::optional<T>& value) {
    if (value) {
      bind_one(index, *value);
    } else {
      bind_one(index, nullptr);
    }
  }

  Connection& connection_;
  sqlite3_stmt* stmt_;
  bool& in_use_;
};

class Connection {
 public:
  using Statement = sqlite::Statement;
  // The tags of several owners, given as a JSON array of owner ids (store/sql/transaction.h).
  static constexpr const char* kTagsOfOwnersSql =
      "SELECT owner_id, key, value FROM tags WHERE owner_id IN (SELECT value FROM json_each(?)) "
      "ORDER BY owner_id, position";

  // Opens `file` (creating it when missing; a symbolic link is refused), sets the busy
  // timeout and the pragmas (WAL, synchronous=FULL, foreign_keys=ON, temp_store=MEMORY;
  // query_only for readers).
  static Result<std::unique_ptr<Connection>> open(const std::string& file, bool reader);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement from the cache, prepared on first use. The same SQL must not be in use twice
  // at once (asserted).
  Result<std::unique_ptr<Statement>> prepare(std::string_view sql);
  // Runs one statement without rows.
  Result<void> exec(std::string_view sql);
  // Runs a script of several statements (migrations), uncached.
  Result<void> exec_script(const std::string& sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;

  // The store error for the connection's last failure with result code `rc`.
  Error error(int rc, std::string_view context = {}) const;

 private:
  friend class sqlite::Statement;
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace iamd::store::sqlite
