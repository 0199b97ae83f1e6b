#include "app/dump_tool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <istream>
#include <ostream>

#include "app/data_dir.h"
#include "common/strings.h"
#include "common/time.h"
#include "crypto/crypto.h"
#include "store/dump.h"
#include "store/store.h"

namespace iamd::app {

namespace {

constexpr const char* kMasterKeyFile = "master.key";

// The data folder's master key, without creating anything: export and import never make a
// key (a new key would seal nothing the file holds).
common::Result<std::string> existing_master_key(const std::filesystem::path& data, const char* hint) {
  std::error_code ec;
  if (!std::filesystem::exists(data / kMasterKeyFile, ec)) {
    return common::Error{"NotFound", "no " + std::string(kMasterKeyFile) + " in " + data.string() + ": " + hint, ""};
  }
  crypto::OsRandom random;
  auto dir = open_data_dir(data, random);
  if (!dir) return dir.error();
  return dir->master_key;
}

common::Result<std::unique_ptr<store::Store>> open_target(const DumpToolOptions& options) {
  const std::string url = options.store_url.empty() ? "sqlite:" + (options.data / "store").string() : options.store_url;
  auto store = store::open_store(url);
  if (!store && store.error().message.find("in use") != std::string::npos) {
    return common::Error{store.error().code,
                         "the store is in use by a running iamd: stop the server first (" + store.error().message + ")",
                         ""};
  }
  return store;
}

}  // namespace

std::string master_key_check(const std::string& master_key) {
  return common::to_hex(crypto::derive_key(master_key, "iamd export master key check v1"));
}

int export_data(const DumpToolOptions& options, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (options.store_url.empty() && !std::filesystem::is_directory(options.data / "store", ec)) {
    err << "iamd: no iamd store in " << options.data.string() << " (give --store URL for another store)\n";
    return 1;
  }
  auto key = existing_master_key(options.data, "give the data folder of the deployment to export");
  if (!key) {
    err << "iamd: " << key.error().message << "\n";
    return 1;
  }
  auto store = open_target(options);
  if (!store) {
    err << "iamd: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  store::ExportOptions eo;
  common::SystemClock clock;
  eo.exported = common::format_iso8601(clock.now());
  eo.master_key_check = master_key_check(*key);
  if (options.file == "-") {
    auto counts = store::export_store(**store, eo, out);
    if (!counts) {
      err << "iamd: export failed: " << counts.error().message << "\n";
      return 1;
    }
    err << "iamd: exported " << counts->records << " records of " << counts->accounts << " accounts\n";
    return 0;
  }
  // The file holds sealed secrets and password hashes: private (0600) whatever the umask.
  const int fd = ::open(options.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    if (fd >= 0) ::close(fd);
    err << "iamd: cannot write " << options.file << "\n";
    return 1;
  }
  ::close(fd);
  std::ofstream file(options.file, std::ios::binary | std::ios::trunc);
  auto counts = store::export_store(**store, eo, file);
  file.close();
  if (!counts || !file) {
    std::filesystem::remove(options.file, ec);
    err << "iamd: export failed: " << (counts ? std::string("cannot write ") + options.file : counts.error().message)
        << "\n";
    return 1;
  }
  err << "iamd: exported " << counts->records << " records of " << counts->accounts << " accounts to " << options.file
      << "\n";
  return 0;
}

int import_data(const DumpToolOptions& options, std::istream& in, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options.data, ec)) {
    err << "iamd: no folder " << options.data.string()
        << ": create it and copy the source deployment's master.key into it first\n";
    return 1;
  }
  auto key = existing_master_key(options.data, "copy the source deployment's master.key into it first");
  if (!key) {
    err << "iamd: " << key.error().message << "\n";
    return 1;
  }
  std::ifstream file;
  std::istream* source = &in;
  if (options.file != "-") {
    if (std::filesystem::is_directory(options.file, ec)) {
      err << "iamd: cannot read " << options.file << ": it is a directory\n";
      return 1;
    }
    file.open(options.file, std::ios::binary);
    if (!file) {
      err << "iamd: cannot read " << options.file << "\n";
      return 1;
    }
    source = &file;
  }
  auto store = open_target(options);
  if (!store) {
    err << "iamd: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  auto counts = store::import_store(**store, store::ImportOptions{master_key_check(*key)}, *source);
  if (!counts) {
    err << "iamd: import failed, nothing was imported: " << counts.error().message << "\n";
    return 1;
  }
  err << "iamd: imported " << counts->records << " records of " << counts->accounts << " accounts\n";
  // [IMPL] `iamd serve` makes a new account on a folder without root-credentials: say so.
  if (options.store_url.empty() && !std::filesystem::exists(options.data / "root-credentials", ec)) {
    err << "iamd: note: copy the source's root-credentials (and root-console-login) into " << options.data.string()
        << " before `iamd serve`, or its first start makes a new account beside the imported ones\n";
  }
  return 0;
}

}  // namespace iamd::app
