// `iamd account create`: a standalone account on the server's data folder, with its root user
// and a root access key, for people who do not use Organizations (issue 12). Each account is
// its own: its names resolve only in it, and nothing of it is visible from another account
// except through policies that allow it (a role's trust policy).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "app/data_dir.h"

namespace iamd::app {

struct CreateAccountOptions {
  std::filesystem::path data = "iamd-data";
  std::string account_id;      // empty: a new random 12-digit id
  MasterKeyFiles master_keys;  // as the server's (docs/operations.md)
};

// Creates the account in the data folder's store (the server must be stopped: a running
// server holds the store) and prints its id, root access key and the aws CLI lines once.
// Returns the process exit status; errors go to `err` with a clear message.
int create_account(const CreateAccountOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
