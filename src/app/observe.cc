#include "app/observe.h"

#include <time.h>

#include <cstdio>
#include <map>

#include "api/operations.h"
#include "authz/authorizer.h"
#include "common/json_writer.h"

namespace iamd::app {

std::string rfc3339_ms(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const time_t seconds = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<long long>(seconds) * 1000);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

namespace {

std::string_view level_name(Log::Level level) {
  switch (level) {
    case Log::Level::kInfo:
      return "info";
    case Log::Level::kWarn:
      return "warn";
    case Log::Level::kError:
      return "error";
  }
  return "info";
}

// A text field's value: as it is when it is one plain word, else in double quotes with \ and "
// escaped (logfmt); control characters are written as \n, \r, \t or dropped.
void append_text_value(std::string& out, std::string_view v) {
  const bool plain = !v.empty() && v.find_first_of(" \"\\=\t\r\n") == std::string_view::npos;
  if (plain) {
    for (char c : v) {
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string Log::format_line(Level level, std::string_view msg, std::initializer_list<Field> fields,
                             std::chrono::system_clock::time_point now) const {
  std::string line;
  if (format_ == Format::kText) {
    // The text form of the lines iamd always wrote: "iamd: ...", "iamd: warning: ...".
    line = "iamd: ";
    if (level == Level::kWarn) line += "warning: ";
    line += msg;
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      append_text_value(line, f.value);
    }
    return line;
  }
  line = "{\"time\":\"";
  line += rfc3339_ms(now);
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":";
  common::append_json_string(line, msg);
  for (const Field& f : fields) {
    line += ',';
    common::append_json_string(line, f.key);
    line += ':';
    if (f.number) {
      line += f.value;
    } else {
      common::append_json_string(line, f.value);
    }
  }
  line += '}';
  return line;
}

void Log::write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line = format_line(level, msg, fields, std::chrono::system_clock::now());
  line += '\n';
  std::lock_guard lock(mu_);
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

void log_access(Log& log, const AccessInfo& info, const api::CallRecord& r) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", std::chrono::duration<double, std::milli>(r.duration).count());
  char status[8];
  std::snprintf(status, sizeof status, "%d", r.status);
  log.info("request", {{"request_id", r.request_id},
                       {"method", info.method},
                       {"path", info.path},
                       {"status", status, true},
                       {"service", r.service},
                       {"operation", r.operation},
                       {"outcome", r.outcome},
                       {"principal", r.principal_arn},
                       {"access_key_id", r.access_key_id},
                       {"source_ip", info.source_ip},
                       {"user_agent", info.user_agent},
                       {"duration_ms", duration, true}});
}

struct RequestMetrics::Entry {
  std::string_view service;
  std::string_view operation;
  common::metrics::Histogram latency;  // its ok_count: the "ok" outcomes
  mutable std::mutex mu;
  std::map<std::string, std::uint64_t, std::less<>> errors;  // by error code
};

struct RequestMetrics::Service {
  std::string_view name;
  std::vector<std::unique_ptr<Entry>> entries;
  std::unordered_map<std::string_view, Entry*> by_operation;
  Entry* unknown = nullptr;  // a call naming no operation iamd serves
};

RequestMetrics::RequestMetrics() {
  auto add = [&](std::string_view name, std::initializer_list<std::string_view> tables) {
    auto svc = std::make_unique<Service>();
    svc->name = name;
    auto entry = [&](std::string_view op) {
      auto e = std::make_unique<Entry>();
      e->service = name;
      e->operation = op;
      Entry* raw = e.get();
      svc->entries.push_back(std::move(e));
      return raw;
    };
    svc->unknown = entry("");
    for (std::string_view table : tables) {
      for (const api::Operation& op : api::operations(table)) svc->by_operation.emplace(op.name, entry(op.name));
    }
    services_.push_back(std::move(svc));
  };
  add("iam", {"iam"});
  add("sts", {"sts"});
  add("organizations", {"organizations"});
  add("console", {"iam", "sts"});
}

RequestMetrics::~RequestMetrics() = default;

namespace {

constexpr std::array<authz::PolicyType, 7> kTypes{
    authz::PolicyType::kIdentityBased,       authz::PolicyType::kResourceBased, authz::PolicyType::kRoleTrust,
    authz::PolicyType::kPermissionsBoundary, authz::PolicyType::kSession,       authz::PolicyType::kServiceControl,
    authz::PolicyType::kResourceControl};

std::size_t policy_type_index(std::string_view type) {
  for (std::size_t i = 0; i < kTypes.size(); ++i) {
    if (authz::policy_type_name(kTypes[i]) == type) return i + 1;
  }
  return 0;
}

}  // namespace

void RequestMetrics::record(const api::CallRecord& r) {
  if (r.decision.kind != api::DecisionNote::Kind::kNone) {
    decisions_[static_cast<std::size_t>(r.decision.kind) - 1][policy_type_index(r.decision.policy_type)].add();
  }
  if (r.service.empty()) return;
  Service* svc = nullptr;
  for (const auto& s : services_) {
    if (s->name == r.service) svc = s.get();
  }
  if (svc == nullptr) return;
  Entry* e = svc->unknown;
  if (!r.operation.empty()) {
    auto it = svc->by_operation.find(r.operation);
    if (it != svc->by_operation.end()) e = it->second;
  }
  const bool ok = r.outcome == "ok";
  e->latency.observe_ns(static_cast<std::uint64_t>(r.duration.count() < 0 ? 0 : r.duration.count()), ok);
  if (!ok) {
    std::lock_guard lock(e->mu);
    auto it = e->errors.find(r.outcome);
    if (it == e->errors.end()) it = e->errors.emplace(r.outcome, 0).first;
    ++it->second;
  }
}

void RequestMetrics::collect(common::metrics::Exposition& x) const {
  using common::metrics::Exposition;
  struct Row {
    const Entry* e;
    common::metrics::HistogramValues h;
    std::uint64_t ok;
    std::map<std::string, std::uint64_t, std::less<>> errors;
  };
  std::vector<Row> rows;
  for (const auto& svc : services_) {
    for (const auto& e : svc->entries) {
      common::metrics::HistogramValues h = e->latency.values();
      if (h.count == 0) continue;
      Row row{e.get(), std::move(h), e->latency.ok_count(), {}};
      {
        std::lock_guard lock(e->mu);
        row.errors = e->errors;
      }
      rows.push_back(std::move(row));
    }
  }
  x.family("iamd_requests_total", "API calls answered, by service, operation (empty: none iamd serves) and outcome",
           Exposition::Type::kCounter);
  for (const Row& row : rows) {
    if (row.ok > 0) {
      x.sample({{"service", row.e->service}, {"operation", row.e->operation}, {"outcome", "ok"}},
               static_cast<double>(row.ok));
    }
    for (const auto& [code, n] : row.errors) {
      x.sample({{"service", row.e->service}, {"operation", row.e->operation}, {"outcome", code}},
               static_cast<double>(n));
    }
  }
  x.family("iamd_request_duration_seconds", "Time from the request read to the answer made, by service and operation",
           Exposition::Type::kHistogram);
  for (const Row& row : rows) x.histogram({{"service", row.e->service}, {"operation", row.e->operation}}, row.h);
  x.family("iamd_decisions_total",
           "Authorization decisions, by decision and, for a denial, the policy type that blocked it",
           Exposition::Type::kCounter);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto kind = static_cast<api::DecisionNote::Kind>(k + 1);
    for (std::size_t t = 0; t < kPolicyTypes; ++t) {
      // An allow has no blocking type, an explicit deny always one.
      if (kind == api::DecisionNote::Kind::kAllowed && t > 0) break;
      if (kind == api::DecisionNote::Kind::kExplicitDeny && t == 0) continue;
      const std::string_view type = t == 0 ? std::string_view() : authz::policy_type_name(kTypes[t - 1]);
      x.sample({{"decision", api::decision_label(kind)}, {"policy_type", type}},
               static_cast<double>(decisions_[k][t].value()));
    }
  }
}

}  // namespace iamd::app
