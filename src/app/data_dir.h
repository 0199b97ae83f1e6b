// The server's data folder: created on first start (mode 0700), holding the SQLite database,
// the master key that seals access key secrets (master.key, 0600, kept outside the
// database), and the root credentials printed once at first start (root-credentials, 0600).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace iamd::app {

struct DataDir {
  std::filesystem::path root;
  std::string master_key;  // 32 raw bytes
  bool created = false;    // the folder or the key was created by this call
};

// Opens (or creates) the folder and its master key. Fails with a clear message when the
// folder cannot be created or written, or when master.key exists with the wrong size or
// permissions readable by others.
common::Result<DataDir> open_data_dir(const std::filesystem::path& root, common::Random& random);

// Writes `content` to `path` atomically (temporary file, fsync, rename) with mode 0600.
common::Result<void> write_private_file(const std::filesystem::path& path, std::string_view content);
common::Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace iamd::app
