// `iamd audit`: searches the audit trail of a data folder's store (docs/operations.md "Audit
// trail"), also while the server runs: the store is opened read-only beside the server
// (store::open_store_read_only: no lock, WAL snapshots), newest record first.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace iamd::app {

struct AuditToolOptions {
  std::filesystem::path data = "iamd-data";
  std::optional<std::string> principal;  // userIdentity.arn, exact
  std::optional<std::string> action;     // "iam:CreateUser" (or "CreateUser": any service)
  std::optional<std::string> resource;   // the target's ARN, exact
  std::optional<std::string> since;      // ISO 8601 (or epoch seconds): records at or after
  std::optional<std::string> until;      // records before
  std::optional<std::string> outcome;    // allowed | denied | error
  std::size_t max_items = 1000;          // at most this many records (at least 1)
  std::string output = "json";           // json: one record per line; text: one summary line each
};

// Prints the matching records to `out`. Exit status: 0 (also when none matched), 1 when the
// store cannot be read, 2 for a bad option (a clear line on `err`).
int audit_query(const AuditToolOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
