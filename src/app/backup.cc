#include "app/backup.h"

#include <ostream>

#include "store/sqlite/sqlite_store.h"

namespace iamd::app {

int backup(const std::filesystem::path& data, const std::string& output, std::ostream& out, std::ostream& err) {
  if (auto r = store::sqlite::backup_sqlite_store((data / "store").string(), output); !r) {
    err << "iamd: " << r.error().message << "\n";
    return 1;
  }
  out << "iamd: backup of " << (data / "store").string() << " written to " << output
      << " (with the folder's master.key it restores the deployment: docs/operations.md)\n";
  return 0;
}

}  // namespace iamd::app
