// The SQLite schema as an ordered list of migrations, and the check-and-migrate step run
// when a store opens. Migration i (0-based) takes user_version i to i + 1; a migration is
// never edited once released, a change is a new migration.
#pragma once

#include "store/sqlite/connection.h"

namespace iamd::store::sqlite {

// Brings the database on `connection` (the writer, before any transaction) to
// kSchemaVersion: refuses a newer schema or a file that is not iamd's, applies the missing
// migrations, each in its own transaction. Returns the stored generation.
Result<std::uint64_t> migrate(Connection& connection, const std::string& file);

}  // namespace iamd::store::sqlite
