#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <cassert>

#include "store/internal.h"

namespace iamd::store::sqlite {

namespace {
// Long enough to ride out a checkpoint or another process's short transaction.
constexpr int kBusyTimeoutMs = 5000;
}  // namespace

Statement::Statement(Connection& connection, sqlite3_stmt* stmt, bool& in_use)
    : connection_(connection), stmt_(stmt), in_use_(in_use) {}

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  in_use_ = false;
}

void Statement::bind_one(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay an empty string.
  sqlite3_bind_text(stmt_, index, value.data() != nullptr ? value.data() : "", static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}
void Statement::bind_one(int index, Blob value) {
  sqlite3_bind_blob(stmt_, index, value.bytes.data() != nullptr ? value.bytes.data() : "",
                    static_cast<int>(value.bytes.size()), SQLITE_TRANSIENT);
}
void Statement::bind_one(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}
// Timestamps are nanoseconds since the epoch in one INTEGER (good until 2262).
void Statement::bind_one(int index, Timestamp value) {
  sqlite3_bind_int64(stmt_, index, internal::to_nanos(value));
}
void Statement::bind_one(int index, std::nullptr_t) {
  sqlite3_bind_null(stmt_, index);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_.error(rc);
}

Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::text(int column) const {
  // sqlite3_column_blob returns the bytes of TEXT and BLOB values alike.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Timestamp Statement::timestamp(int column) const {
  return internal::from_nanos(integer(column));
}

std::optional<Timestamp> Statement::optional_timestamp(int column) const {
  if (is_null(column)) return std::nullopt;
  return timestamp(column);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& file, bool reader) {
  sqlite3* db = nullptr;
  // NOFOLLOW: a symbolic link in place of the database file is refused, not followed.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open " + file + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return internal::make_error(kStorageFailure, std::move(message));
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // journal_mode is the first statement to read the file: a file that is not a database
  // fails here.
  // The writer switches the file to WAL (persistent); readers only check it.
  auto mode = connection->prepare(reader ? "PRAGMA journal_mode" : "PRAGMA journal_mode=WAL");
  if (!mode) return internal::make_error(kStorageFailure, file + ": " + mode.error().message);
  auto row = (*mode)->step();
  if (!row) return internal::make_error(kStorageFailure, file + ": " + row.error().message);
  if (!*row || (*mode)->text(0) != "wal") {
    return internal::make_error(kStorageFailure, file + ": cannot switch the journal to WAL mode");
  }
  mode->reset();
  // temp_store=MEMORY: no temporary files (which SQLite would create 0644 less the umask).
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    if (auto r = connection->exec(pragma); !r)
      return internal::make_error(kStorageFailure, file + ": " + r.error().message);
  }
  if (reader) {
    if (auto r = connection->exec("PRAGMA query_only=ON"); !r) return r.error();
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) {
    assert(!cached.in_use);
    sqlite3_finalize(cached.stmt);
  }
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Statement>> Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error(rc, sql);
    it = cache_.emplace(std::string(sql), Cached{stmt, false}).first;
  }
  assert(!it->second.in_use && "the same cached statement used twice at once");
  it->second.in_use = true;
  return std::make_unique<Statement>(*this, it->second.stmt, it->second.in_use);
}

Result<void> Connection::exec(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  return (*stmt)->run();
}

Result<void> Connection::exec_script(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return internal::make_error(kStorageFailure, std::move(text));
}

std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

Error Connection::error(int rc, std::string_view context) const {
  std::string message = sqlite3_errmsg(db_);
  if (!context.empty()) message += " (" + std::string(context.substr(0, 80)) + ")";
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return internal::make_error(kAlreadyExists, std::move(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return internal::make_error(kConflict, std::move(message));
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return internal::make_error(kUnavailable, std::move(message));
    default:
      return internal::make_error(kStorageFailure, std::move(message));
  }
}

}  // namespace iamd::store::sqlite
