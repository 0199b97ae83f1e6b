#include "store/store.h"

#include <exception>

#include "common/strings.h"
#include "store/changes.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace iamd::store {

namespace {
// A version tag keeps room for another marker format later.
constexpr std::string_view kMarkerTag = "m1:";
}  // namespace

std::string resource_change_key(ResourceKind kind, std::string_view id) {
  std::string kind_and_id = std::to_string(static_cast<int>(kind));
  kind_and_id += ':';
  kind_and_id += id;
  return change_key(Topic::kResource, kind_and_id);
}

std::string encode_marker(std::string_view sort_key) {
  std::string raw(kMarkerTag);
  raw.append(sort_key);
  return common::base64_encode(raw);
}

Result<std::string> decode_marker(std::string_view marker) {
  std::string raw;
  if (!common::base64_decode(marker, raw) || raw.size() <= kMarkerTag.size() ||
      std::string_view(raw).substr(0, kMarkerTag.size()) != kMarkerTag) {
    return invalid_marker();
  }
  return raw.substr(kMarkerTag.size());
}

std::string encode_audit_marker(Timestamp time, std::string_view event_id) {
  std::string key = std::to_string(time.seconds) + "." + std::to_string(time.nanos) + "|";
  key.append(event_id);
  return encode_marker(key);
}

Result<std::pair<Timestamp, std::string>> decode_audit_marker(std::string_view marker) {
  auto key = decode_marker(marker);
  if (!key) return key.error();
  const std::size_t dot = key->find('.');
  const std::size_t bar = key->find('|');
  if (dot == std::string::npos || bar == std::string::npos || dot > bar) return invalid_marker();
  Timestamp t;
  try {
    std::size_t used = 0;
    t.seconds = std::stoll(key->substr(0, dot), &used);
    if (used != dot) return invalid_marker();
    t.nanos = static_cast<std::int32_t>(std::stol(key->substr(dot + 1, bar - dot - 1), &used));
    if (used != bar - dot - 1 || t.nanos < 0 || t.nanos > 999999999) return invalid_marker();
  } catch (const std::exception&) {
    return invalid_marker();
  }
  return std::pair<Timestamp, std::string>{t, key->substr(bar + 1)};
}

std::string_view audit_outcome_name(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::kAllowed:
      return "allowed";
    case AuditOutcome::kDenied:
      return "denied";
    case AuditOutcome::kError:
      return "error";
  }
  return "error";
}

std::optional<AuditOutcome> parse_audit_outcome(std::string_view name) {
  for (AuditOutcome o : {AuditOutcome::kAllowed, AuditOutcome::kDenied, AuditOutcome::kError}) {
    if (audit_outcome_name(o) == name) return o;
  }
  return std::nullopt;
}

Error invalid_marker() {
  return Error{"ValidationError", "Invalid Marker.", ""};
}

Result<std::unique_ptr<Store>> open_store(std::string_view url) {
  if (url == "memory:") return memory::open_memory_store();
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite && url.size() > kSqlite.size()) {
    return sqlite::open_sqlite_store(std::string(url.substr(kSqlite.size())));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return postgres::open_postgres_store(std::string(url));
  }
  // The URL may hold a password: not repeated in the message.
  return Error{std::string(kInvalidInput),
               "Unsupported store URL: expected memory:, sqlite:/path/to/folder or postgresql://...", ""};
}

Result<std::unique_ptr<Store>> open_store_read_only(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite && url.size() > kSqlite.size()) {
    return sqlite::open_sqlite_store_read_only(std::string(url.substr(kSqlite.size())));
  }
  return open_store(url);
}

}  // namespace iamd::store
