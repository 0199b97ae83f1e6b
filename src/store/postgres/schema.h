// The PostgreSQL schema's versioned migrations (store/postgres/postgres_store.h).
#pragma once

#include <cstdint>

#include "store/postgres/connection.h"

namespace iamd::store::postgres {

// Brings the database to the schema this build writes, in one transaction under an advisory
// lock (nodes starting together migrate once). StorageFailure when the database holds a
// newer schema or tables of ours without iamd's schema version.
Result<void> migrate(Connection& connection);

}  // namespace iamd::store::postgres
