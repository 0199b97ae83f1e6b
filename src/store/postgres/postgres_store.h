// The PostgreSQL backend (libpq): the store of a deployment that several `iamd serve` nodes
// share. Tables and SQL are the SQLite backend's (store/sql/transaction.h); what differs is
// how transactions are isolated and how every node learns what the others wrote.
//
// Isolation [IMPL]: read transactions are REPEATABLE READ READ ONLY (one snapshot). Write
// transactions are READ COMMITTED and begin by locking the row of meta's generation (SELECT
// ... FOR UPDATE): writers of every node run one at a time, and each sees everything
// committed before it took the lock, so the store's quota counts and uniqueness checks hold
// across nodes exactly as with SQLite's single writer (the unique indexes back them up).
// Each node also keeps one writer connection, lent to one write transaction at a time.
//
// Generations and caches across nodes: a commit that wrote something bumps meta's
// generation, inserts its change keys into `changes` under that generation and sends
// NOTIFY iamd_changes (delivered at commit). Every node applies the rows of `changes` in
// generation order to its own ChangeLog before it advances its generation() (store/changes.h):
//  * a listener connection (LISTEN iamd_changes) applies them as notifications arrive;
//  * sync() (called by the gateway before each request) reads meta's generation and any
//    newer changes in one round trip, so a change made through another node is enforced by
//    this one on the very next request even when its notification is still in flight;
//  * begin_write() does the same under the lock.
// A node whose listener loses its connection drops every cache entry (ChangeLog::forget_all)
// when it reconnects; one that finds the changes it needs already pruned (meta's
// pruned_through) does the same. Missing a notification costs warmth, never freshness.
//
// Durability: a commit returns once PostgreSQL has committed (synchronous_commit as the
// server is configured: on by default, so on disk).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace iamd::store::postgres {

// The schema version this build writes and the newest it can open.
inline constexpr int kSchemaVersion = 1;

// Connects with `conninfo` (a libpq URI or key=value string), migrates the schema and starts
// the listener. Unavailable when the server cannot be reached; StorageFailure for a database
// that is not iamd's or of a newer schema.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& conninfo);

}  // namespace iamd::store::postgres
