// Values the SQL backends bind beside text, integers and timestamps.
#pragma once

#include <string_view>

namespace iamd::store::sql {

// Bytes bound as a BLOB (SQLite) / bytea (PostgreSQL); a string_view binds as text.
struct Blob {
  std::string_view bytes;
};

}  // namespace iamd::store::sql
