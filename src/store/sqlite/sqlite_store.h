// The SQLite backend: one database file, `iamd.db`, in a data folder that the backend owns.
//
// Durability: WAL journal with synchronous=FULL, so a commit that returned has reached the
// disk and survives kill -9 or power loss. Foreign keys are on; the store still checks
// references itself so that both backends report the same errors.
//
// Schema: versioned migrations run at open inside one write transaction each; the version
// is SQLite's user_version and the file is marked with application_id 'iamd'. A database of
// a newer schema than this build knows, a file that is not an iamd database, a corrupt file
// or an unwritable folder make open fail with a StorageFailure that says which.
//
// Threads and processes: one process owns the folder at a time (an exclusive flock on
// `iamd.lock`; a second open, in this or another process, fails while the first Store
// lives), which is what lets generation() and the change log (store/changes.h) live in
// memory. Inside the process there is one writer connection, lent to one write transaction
// at a time (begin_write() waits for it), and a pool of reader connections, one per
// concurrent read transaction, created on demand and reused. WAL lets the readers run beside
// the writer on their own snapshot.
// Connections are opened in SQLite's multi-thread mode: each is used by one transaction,
// hence one thread, at a time. Each connection caches its prepared statements.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace iamd::store::sqlite {

// The schema version this build writes and the newest it can open.
inline constexpr int kSchemaVersion = 4;
inline constexpr std::string_view kDatabaseFile = "iamd.db";
inline constexpr std::string_view kLockFile = "iamd.lock";

// Opens (creating when missing) the data folder and its database, migrating it to
// kSchemaVersion. The folder is created 0700 and the lock and database files 0600 (also
// -wal and -shm, which SQLite creates with the database's mode), whatever the umask.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& folder);
// Opens the data folder's database for reading only, beside the process that owns it: no
// lock is taken and nothing is created or migrated; WAL lets this process read committed
// snapshots while the owner writes. begin_write() fails (StorageFailure). The database must
// exist with exactly kSchemaVersion.
Result<std::unique_ptr<Store>> open_sqlite_store_read_only(const std::string& folder);

// Copies the data folder's database into `destination` (a new file, 0600; an existing one is
// refused) with SQLite's online backup API: a consistent copy while a server writes to it
// (the copy restarts when a write lands in the middle; it does not take the folder's lock).
// Restore: with the server stopped, put the copy at <folder>/iamd.db and remove iamd.db-wal
// and iamd.db-shm there.
Result<void> backup_sqlite_store(const std::string& folder, const std::string& destination);

}  // namespace iamd::store::sqlite
