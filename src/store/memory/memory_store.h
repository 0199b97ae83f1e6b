// The in-memory backend, for tests and ephemeral runs: nothing survives the Store.
//
// Copy-on-write: the committed state is an immutable snapshot behind a shared_ptr<const>.
// A read transaction holds the snapshot that was current when it began (so it never blocks
// and never sees later commits). A write transaction waits for the one writer slot, copies
// the snapshot (O(size of the store) per write transaction: fine for tests and small
// ephemeral deployments, not for large ones) and, on commit, publishes its copy under a short
// mutex. Rollback drops the copy. Lookups by name and lists scan the snapshot.
// Thread-safety: the Store is thread-safe; see store/store.h for transactions.
#pragma once

#include <memory>

#include "store/store.h"

namespace iamd::store::memory {

Result<std::unique_ptr<Store>> open_memory_store();

}  // namespace iamd::store::memory
