// What `iamd serve` tells its operators: the log (text or one JSON object a line, with an
// access log line per request when asked) and the metrics served at GET /metrics
// (docs/operations.md "Logs", "Metrics"). Both are fed by the call records the gateway puts
// on its answers (api/call_record.h).
// Thread-safe: every member may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/call_record.h"
#include "common/metrics.h"

namespace iamd::app {

// The server's log on one stream (stderr). Text: "iamd: <msg>" ("iamd: warning: <msg>" for a
// warning) with the fields as key=value; JSON: one object a line with `time` (RFC 3339 UTC,
// milliseconds), `level` ("info", "warn", "error"), `msg` and the fields.
class Log {
 public:
  enum class Format { kText, kJson };
  enum class Level { kInfo, kWarn, kError };
  // A field: a string, or a number written as it is (`number` true: `value` is its text).
  struct Field {
    std::string_view key;
    std::string_view value;
    bool number = false;
  };

  Log(std::ostream& out, Format format) : out_(out), format_(format) {}
  Format format() const { return format_; }

  void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
  void info(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::kInfo, msg, fields); }
  void warn(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::kWarn, msg, fields); }
  void error(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::kError, msg, fields); }

  // The line write() makes, without its end of line, at `now`.
  std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields,
                          std::chrono::system_clock::time_point now) const;

 private:
  std::ostream& out_;
  const Format format_;
  std::mutex mu_;
};

// "2026-12-05T08:45:01.123Z".
std::string rfc3339_ms(std::chrono::system_clock::time_point t);

// What the access log says of a request besides the call record.
struct AccessInfo {
  std::string_view method;
  std::string_view path;  // without the query
  std::string_view source_ip;
  std::string_view user_agent;
};

// The access log line of one request (Log::info "request" with the fields of
// docs/operations.md "Logs"): never a secret, a header other than User-Agent, the query or
// the body.
void log_access(Log& log, const AccessInfo& info, const api::CallRecord& record);

// The request metrics: iamd_requests_total{service,operation,outcome},
// iamd_request_duration_seconds{service,operation} and iamd_decisions_total{decision,policy_type}.
// One entry per operation of the table for each service (iam, sts, organizations, and console
// for the IAM and STS operations it runs), plus one for calls naming no operation iamd
// serves, made at construction; recording is a hash lookup and a few relaxed adds, an error
// outcome also a short lock of its operation's entry.
class RequestMetrics {
 public:
  RequestMetrics();
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  void record(const api::CallRecord& r);
  // Writes the three families (only the series of operations that were called).
  void collect(common::metrics::Exposition& e) const;

 private:
  struct Entry;
  struct Service;
  std::vector<std::unique_ptr<Service>> services_;
  // [decision kind 1..3][policy type index] (index 0: no policy type).
  static constexpr std::size_t kPolicyTypes = 8;
  std::array<std::array<common::metrics::Counter, kPolicyTypes>, 3> decisions_;
};

}  // namespace iamd::app
