#include "store/postgres/connection.h"

#include <libpq-fe.h>

#include <cassert>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "store/internal.h"

namespace iamd::store::postgres {

namespace {

constexpr unsigned kByteaOid = 17;  // pg_type.oid of bytea

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea's text output (bytea_output = hex, the default): "\x" then two hex digits a byte.
std::string decode_bytea(const char* text, std::size_t size) {
  if (size < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, size);
  std::string out;
  out.reserve((size - 2) / 2);
  for (std::size_t i = 2; i + 1 < size; i += 2) {
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) break;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace

Statement::Statement(Connection& connection, std::string name, int params)
    : connection_(connection), name_(std::move(name)), params_(params) {
  values_.reserve(static_cast<std::size_t>(params));
}

Statement::~Statement() {
  if (result_ != nullptr) PQclear(result_);
}

void Statement::bind_text(std::string value) {
  values_.push_back(std::move(value));
  null_.push_back(false);
  formats_.push_back(0);
}
void Statement::bind_one(Blob value) {
  values_.emplace_back(value.bytes);
  null_.push_back(false);
  formats_.push_back(1);  // binary: bytea takes the bytes as they are
}
// Timestamps are nanoseconds since the epoch in one BIGINT (good until 2262).
void Statement::bind_one(Timestamp value) {
  bind_text(std::to_string(internal::to_nanos(value)));
}
void Statement::bind_one(std::nullptr_t) {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
}

Result<void> Statement::execute() {
  assert(static_cast<int>(values_.size()) == params_ && "parameter count differs from the statement's");
  std::vector<const char*> values(values_.size());
  std::vector<int> lengths(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    values[i] = null_[i] ? nullptr : values_[i].c_str();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  connection_.drain();
  pg_conn* conn = connection_.conn_;
  if (connection_.begin_pending_.empty()) {
    result_ = PQexecPrepared(conn, name_.c_str(), static_cast<int>(values.size()), values.data(), lengths.data(),
                             formats_.data(), 0);
  } else {
    // BEGIN and this statement in one pipeline: sent together, answered together.
    const std::string begin = std::move(connection_.begin_pending_);
    connection_.begin_pending_.clear();
    const bool sent = PQenterPipelineMode(conn) == 1 &&
                      PQsendQueryParams(conn, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
                      PQsendQueryPrepared(conn, name_.c_str(), static_cast<int>(values.size()), values.data(),
                                          lengths.data(), formats_.data(), 0) == 1 &&
                      PQpipelineSync(conn) == 1;
    pg_result* begun = nullptr;
    if (sent) {
      begun = PQgetResult(conn);
      while (pg_result* extra = PQgetResult(conn)) PQclear(extra);  // the BEGIN's end (NULL)
      result_ = PQgetResult(conn);
      while (pg_result* extra = PQgetResult(conn)) PQclear(extra);
      // The pipeline's sync answer, then out of pipeline mode.
      while (pg_result* r = PQgetResult(conn)) {
        const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
      }
    }
    PQexitPipelineMode(conn);
    const ExecStatusType begin_status = begun == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(begun);
    if (begin_status != PGRES_COMMAND_OK) {
      Error e = connection_.error(begun, begin);
      if (begun != nullptr) PQclear(begun);
      return e;
    }
    PQclear(begun);
  }
  const ExecStatusType status = result_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result_);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return connection_.error(result_);
  rows_ = PQntuples(result_);
  const char* changed = PQcmdTuples(result_);
  connection_.changes_ = (changed != nullptr && *changed != '\0') ? std::strtoll(changed, nullptr, 10) : 0;
  return {};
}

Result<bool> Statement::step() {
  if (result_ == nullptr) {
    if (auto r = execute(); !r) return r.error();
  }
  ++row_;
  return row_ < rows_;
}

Result<void> Statement::run() {
  if (result_ == nullptr) return execute();
  return {};
}

bool Statement::is_null(int column) const {
  return PQgetisnull(result_, row_, column) != 0;
}

std::string Statement::text(int column) const {
  const char* value = PQgetvalue(result_, row_, column);
  const auto size = static_cast<std::size_t>(PQgetlength(result_, row_, column));
  if (PQftype(result_, column) == kByteaOid) return decode_bytea(value, size);
  return std::string(value, size);
}

std::int64_t Statement::integer(int column) const {
  const char* value = PQgetvalue(result_, row_, column);
  const int size = PQgetlength(result_, row_, column);
  std::int64_t n = 0;
  std::from_chars(value, value + size, n);
  return n;
}

Timestamp Statement::timestamp(int column) const {
  return internal::from_nanos(integer(column));
}

std::optional<Timestamp> Statement::optional_timestamp(int column) const {
  if (is_null(column)) return std::nullopt;
  return timestamp(column);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo) {
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return internal::make_error(kUnavailable, "cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn);
    return internal::make_error(kUnavailable, "cannot connect to PostgreSQL: " + message);
  }
  auto connection = std::unique_ptr<Connection>(new Connection(conn));
  // Every statement's text is iamd's; the server's notices (e.g. "relation already exists,
  // skipping") are not worth a line on stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (auto r = connection->exec("SET client_min_messages = warning; SET application_name = 'iamd'"); !r) {
    return r.error();
  }
  return connection;
}

Connection::~Connection() {
  PQfinish(conn_);
}

void Connection::send_later(const char* sql) {
  if (!begin_pending_.empty()) {
    begin_pending_.clear();
    return;
  }
  drain();
  pending_ = PQsendQuery(conn_, sql) == 1;
}

bool Connection::drain() {
  if (!pending_) return true;
  pending_ = false;
  bool ok = true;
  while (pg_result* r = PQgetResult(conn_)) {
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) ok = false;
    PQclear(r);
  }
  return ok;
}

bool Connection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

int Connection::socket() const {
  return PQsocket(conn_);
}

std::string Connection::rewrite_placeholders(std::string_view sql, int& params) {
  std::string out;
  out.reserve(sql.size() + 8);
  int largest = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted || c != '?') {
      out.push_back(c);
      continue;
    }
    std::size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = largest + 1;
    if (n > largest) largest = n;
    out += '$';
    out += std::to_string(n);
    i = j - 1;
  }
  params = largest;
  return out;
}

Result<std::unique_ptr<Statement>> Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    drain();
    Prepared p;
    p.name = std::to_string(cache_.size() + 1);
    p.name.insert(0, 1, 's');
    const std::string text = rewrite_placeholders(sql, p.params);
    pg_result* result = PQprepare(conn_, p.name.c_str(), text.c_str(), 0, nullptr);
    const bool ok = result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK;
    Error e = ok ? Error{} : error(result, sql);
    if (result != nullptr) PQclear(result);
    if (!ok) return e;
    it = cache_.emplace(std::string(sql), std::move(p)).first;
  }
  return std::make_unique<Statement>(*this, it->second.name, it->second.params);
}

Result<void> Connection::exec(std::string_view sql) {
  drain();
  std::string text(sql);
  if (!begin_pending_.empty()) {
    if (sql == "ROLLBACK") {  // nothing ran: nothing to end
      begin_pending_.clear();
      return {};
    }
    text = std::exchange(begin_pending_, std::string()) + "; " + text;
  }
  pg_result* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  Result<void> out;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) out = error(result, sql);
  if (result != nullptr) PQclear(result);
  return out;
}

Result<void> Connection::commit() {
  drain();
  if (!begin_pending_.empty()) {  // nothing ran: nothing to commit
    begin_pending_.clear();
    return {};
  }
  pg_result* result = PQexec(conn_, "COMMIT");
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  Result<void> out;
  if (status != PGRES_COMMAND_OK) {
    out = error(result, "COMMIT");
  } else if (std::strcmp(PQcmdStatus(result), "COMMIT") != 0) {
    out = internal::make_error(kStorageFailure, "the transaction was rolled back after an earlier error");
  }
  if (result != nullptr) PQclear(result);
  return out;
}

Result<std::vector<std::vector<std::optional<std::string>>>> Connection::query(std::string_view sql) {
  drain();
  std::string text(sql);
  if (!begin_pending_.empty()) text = std::exchange(begin_pending_, std::string()) + "; " + text;
  pg_result* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    Error e = error(result, sql);
    if (result != nullptr) PQclear(result);
    return e;
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (int r = 0; r < PQntuples(result); ++r) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < PQnfields(result); ++c) {
      if (PQgetisnull(result, r, c) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
      }
    }
  }
  PQclear(result);
  return rows;
}

Result<std::vector<std::string>> Connection::notifications() {
  drain();
  if (PQconsumeInput(conn_) == 0) return error(nullptr, "notifications");
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.emplace_back(n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

Error Connection::error(const pg_result* result, std::string_view context) const {
  std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.empty()) message = PQerrorMessage(conn_);
  if (!context.empty()) message += " (" + std::string(context.substr(0, 80)) + ")";
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state != nullptr ? state : "";
  if (sqlstate == "23505") return internal::make_error(kAlreadyExists, std::move(message));  // unique_violation
  if (sqlstate == "23503") return internal::make_error(kConflict, std::move(message));       // foreign_key_violation
  // Serialization failures, deadlocks, lock and statement timeouts, a lost or refused
  // connection, a server shutting down: the call may be retried.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014" ||
      sqlstate.starts_with("08") || sqlstate.starts_with("57P") || PQstatus(conn_) != CONNECTION_OK) {
    return internal::make_error(kUnavailable, std::move(message));
  }
  return internal::make_error(kStorageFailure, std::move(message));
}

}  // namespace iamd::store::postgres
