// `iamd export` and `iamd import` (docs/operations.md, "Export and import"): a whole
// deployment as JSON lines (store/dump.h), from and into any store URL, with the data
// folder's master key: secrets stay sealed under it, and import refuses a file made under
// another. The server must be stopped (it holds the SQLite folder's lock).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace iamd::app {

struct DumpToolOptions {
  std::filesystem::path data = "iamd-data";  // gives master.key (and the default store)
  std::string store_url;                     // empty: sqlite:<data>/store
  std::string file = "-";                    // --output / --input; "-": stdout / stdin
};

// The header's masterKeyCheck: a key derived from the master key for this purpose alone
// (it reveals nothing of the master key), in lowercase hex.
std::string master_key_check(const std::string& master_key);

// Exit status: 0 done, 1 failure (a clear line on `err`).
int export_data(const DumpToolOptions& options, std::ostream& out, std::ostream& err);
int import_data(const DumpToolOptions& options, std::istream& in, std::ostream& err);

}  // namespace iamd::app
