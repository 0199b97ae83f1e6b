// The server's data folder (docs/operations.md lists its contents): created on first start,
// holding the SQLite store (store/), the master key that seals access key secrets
// (master.key, kept outside the database), the root credentials (root-credentials) and the
// same key as an aws CLI shared-credentials file (aws-credentials).
// Everything in it is private whatever the umask: folders 0700, files 0600. A folder or file
// found open to group or others is tightened, with a note for the operator; a master.key
// found readable by others is refused (its secrets may have leaked). Files are written
// through exclusively created temporary files and rename; no symbolic link inside the
// folder is ever followed.
// Thread-safety: free functions; call them from one thread (start-up).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "crypto/key_ring.h"

namespace iamd::app {

struct DataDir {
  std::filesystem::path root;
  std::string master_key;          // 32 raw bytes; empty when opened without the default key
  bool created = false;            // the folder or the key was created by this call
  std::vector<std::string> notes;  // what was tightened, for stderr
};

// Opens (or creates) the folder and its master key. Fails with a clear message when the
// folder cannot be created or written, or when master.key exists with the wrong size,
// permissions readable by others or as a symbolic link.
// With `default_master_key` false (a key file is configured: --master-key-file), master.key
// is neither created nor read.
common::Result<DataDir> open_data_dir(const std::filesystem::path& root, common::Random& random,
                                      bool default_master_key = true);

// ---- Master keys by configuration (docs/operations.md "Keys and their rotation") ----
// The key files of a server or tool: `current` seals (empty: the data folder's master.key),
// `accepted` (previous or next keys) only open what they sealed. [IMPL] Flags, not a key-ring
// file: --master-key-file (IAMD_MASTER_KEY_FILE) and --accept-master-key-file (repeatable).
struct MasterKeyFiles {
  std::filesystem::path current;
  std::vector<std::filesystem::path> accepted;
};
// A key file as master.key is checked: a regular file, no symbolic link, not readable by
// group or others (refused, not tightened: it may have been read), exactly 32 bytes. The
// error names the file and says what to do.
common::Result<std::string> read_key_file(const std::filesystem::path& path);
// The ring of `files` (the data folder's key for an empty `current`): an error naming the
// bad file, or two files whose keys share an id.
common::Result<crypto::KeyRing> load_master_keys(const DataDir& dir, const MasterKeyFiles& files);
// Writes a new random 32-byte key to `path` (mode 0600); refuses an existing path.
common::Result<void> generate_key_file(const std::filesystem::path& path, common::Random& random);
// ---- end of Master keys by configuration ----

// Creates `dir` (parents as needed) with mode 0700, or tightens an existing folder open to
// group or others to 0700, adding a note. Fails when `dir` is not a folder.
common::Result<void> ensure_private_dir(const std::filesystem::path& dir, std::vector<std::string>& notes);
// Tightens `file`, when it exists, to 0600 if group or others have any access, adding a
// note. Fails when it is a symbolic link or not a regular file.
common::Result<void> tighten_private_file(const std::filesystem::path& file, std::vector<std::string>& notes);

// Writes `content` to `path` atomically with mode 0600 whatever the umask: a temporary file
// with a random name in the same folder (O_CREAT|O_EXCL|O_NOFOLLOW), fsync, rename over
// `path` (which replaces a symbolic link there instead of following it), fsync of the folder.
common::Result<void> write_private_file(const std::filesystem::path& path, std::string_view content);
// Reads a regular file; a symbolic link is refused (O_NOFOLLOW).
common::Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace iamd::app
