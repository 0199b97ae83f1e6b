// `iamd keys generate` and `iamd keys reseal`: the tools of a master key rotation
// (docs/operations.md "Keys and their rotation").
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "app/data_dir.h"

namespace iamd::app {

// Writes a new random master key to `path` (mode 0600, never over an existing file) and
// prints its key id. Returns the process exit status.
int generate_key(const std::filesystem::path& path, std::ostream& out, std::ostream& err);

struct ResealOptions {
  std::filesystem::path data = "iamd-data";
  // The store's URL (store::open_store); empty: the data folder's SQLite store.
  std::string store;
  MasterKeyFiles master_keys;  // the current key seals; the others must open what it reseals
};

// Re-seals every stored secret under the current master key in one transaction
// (iam::IamDomain::reseal_secrets) and prints the counts. [IMPL] With SQLite the server must
// be stopped (it holds the store's lock); on a database several nodes share it runs beside
// them. Returns the process exit status; nothing is changed when a secret opens under no key.
int reseal_keys(const ResealOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
