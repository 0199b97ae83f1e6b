#include "app/keys_tool.h"

#include <ostream>

#include "common/time.h"
#include "crypto/crypto.h"
#include "crypto/key_ring.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::app {

int generate_key(const std::filesystem::path& path, std::ostream& out, std::ostream& err) {
  crypto::OsRandom random;
  if (auto g = generate_key_file(path, random); !g) {
    err << "iamd: " << g.error().message << "\n";
    return 1;
  }
  auto key = read_key_file(path);
  if (!key) {
    err << "iamd: " << key.error().message << "\n";
    return 1;
  }
  out << "iamd: new master key " << crypto::KeyRing::id_of(*key) << " in " << path.string() << "\n";
  return 0;
}

int reseal_keys(const ResealOptions& options, std::ostream& out, std::ostream& err) {
  crypto::OsRandom random;
  common::SystemClock clock;
  std::string url = options.store;
  if (url.empty()) {
    const std::filesystem::path store_dir = options.data / "store";
    std::error_code ec;
    if (!std::filesystem::is_directory(store_dir, ec)) {
      err << "iamd: no iamd data in " << options.data.string() << "\n";
      return 1;
    }
    url = "sqlite:" + store_dir.string();
  }
  auto dir = open_data_dir(options.data, random, options.master_keys.current.empty());
  if (!dir) {
    err << "iamd: " << dir.error().message << "\n";
    return 1;
  }
  auto keys = load_master_keys(*dir, options.master_keys);
  if (!keys) {
    err << "iamd: " << keys.error().message << "\n";
    return 1;
  }
  auto store = store::open_store(url);
  if (!store) {
    err << "iamd: cannot open the store (with SQLite, stop the server that uses " << options.data.string()
        << " first): " << store.error().message << "\n";
    return 1;
  }
  iam::DomainEnv denv;
  denv.store = store->get();
  denv.clock = &clock;
  denv.random = &random;
  denv.master_key = *keys;
  denv.catalog = &iam::ManagedCatalog::builtin();
  iam::IamDomain domain(denv);
  auto counts = domain.reseal_secrets();
  if (!counts) {
    err << "iamd: nothing re-sealed: " << counts.error().message << "\n";
    return 1;
  }
  out << "iamd: re-sealed under master key " << keys->current_id() << ": " << counts->access_keys << " access keys, "
      << counts->mfa_devices << " MFA devices, " << counts->certificates << " certificate keys and service passwords; "
      << counts->unchanged << " sealed with it already\n";
  return 0;
}

}  // namespace iamd::app
