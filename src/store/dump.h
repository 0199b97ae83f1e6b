// `iamd export` / `iamd import`: a whole store as JSON lines, through the Store interface
// only, so that any backend can be the source or the target (docs/operations.md, "Export
// and import").
//
// The format (version 1), one JSON object a line:
//   {"format":"iamd-export","version":1,"exported":"<ISO 8601>","masterKeyCheck":"<hex>"}
//   {"type":"account",...} {"type":"policy",...} ... one line per record
//   {"type":"end","records":N}
// Records come in an order in which every relation names a record written before it:
// accounts; the AWS managed policy records (with their versions); per account its customer
// managed policies and versions, users, their access keys and login profiles, the root
// user's access keys, groups and their members, roles, instance profiles and their roles;
// then per account the attachments, the inline policies and the records of every
// ResourceKind. Times are ISO 8601 UTC with nanoseconds when there are any; secrets (sealed
// access key secrets) and resource bodies are base64. The trailer's count detects a
// truncated file.
//
// Secrets stay sealed: the caller gives a check value of its master key (masterKeyCheck),
// and import refuses a file whose check differs, before anything is written.
//
// Thread-safety: free functions; the store's own rules apply.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace iamd::store {

inline constexpr std::string_view kDumpFormat = "iamd-export";
inline constexpr std::int64_t kDumpVersion = 1;

struct ExportOptions {
  std::string exported;          // the header's time (ISO 8601)
  std::string master_key_check;  // lowercase hex, from the caller's master key
};

struct DumpCounts {
  std::uint64_t records = 0;  // lines between the header and the trailer
  std::uint64_t accounts = 0;
};

// Writes every record of `store`, read in one read transaction (one consistent snapshot).
// Fails with the store's error, or StorageFailure when `out` fails.
Result<DumpCounts> export_store(Store& store, const ExportOptions& options, std::ostream& out);

struct ImportOptions {
  std::string master_key_check;  // must equal the header's
};

// Reads a dump and writes it into `store` in one write transaction: all or nothing. The
// target must be empty (no account and no AWS managed policy record) or as a first start of
// `iamd serve` leaves it (one account with only its root access keys and root console
// sign-in, which the file must hold: the file's records of that account replace them);
// otherwise Conflict and nothing is written. A malformed line (not JSON, unknown type or
// field, a bad value), a header of another format or version, a duplicate id, a relation to
// a missing record or a missing or wrong trailer is InvalidInput, another master key
// Conflict, each with a message that starts with "line N: ".
Result<DumpCounts> import_store(Store& store, const ImportOptions& options, std::istream& in);

}  // namespace iamd::store
