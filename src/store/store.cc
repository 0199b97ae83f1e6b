#include "store/store.h"

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

}  // namespace iamd::store
