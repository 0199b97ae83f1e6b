#include "app/account_tool.h"

#include <ostream>

#include "app/data_dir.h"
#include "app/root_credentials.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "common/time.h"
#include "crypto/crypto.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::app {

int create_account(const CreateAccountOptions& options, std::ostream& out, std::ostream& err) {
  crypto::OsRandom random;
  common::SystemClock clock;
  const std::filesystem::path store_dir = options.data / "store";
  std::error_code ec;
  if (!std::filesystem::is_directory(store_dir, ec)) {
    err << "iamd: no iamd data in " << options.data.string() << ": start `iamd serve --data " << options.data.string()
        << "` once first\n";
    return 1;
  }
  if (!options.account_id.empty() && !arn::is_account_id(options.account_id)) {
    err << "iamd: --account-id must be 12 digits\n";
    return 2;
  }
  auto dir = open_data_dir(options.data, random, options.master_keys.current.empty());
  if (!dir) {
    err << "iamd: " << dir.error().message << "\n";
    return 1;
  }
  auto master_keys = load_master_keys(*dir, options.master_keys);
  if (!master_keys) {
    err << "iamd: " << master_keys.error().message << "\n";
    return 1;
  }
  auto store = store::open_store("sqlite:" + store_dir.string());
  if (!store) {
    err << "iamd: cannot open the store (stop the server that uses " << options.data.string()
        << " first): " << store.error().message << "\n";
    return 1;
  }
  iam::DomainEnv denv;
  denv.store = store->get();
  denv.clock = &clock;
  denv.random = &random;
  denv.master_key = *master_keys;
  denv.catalog = &iam::ManagedCatalog::builtin();
  iam::IamDomain domain(denv);

  // The account id: the one asked for, when no account has it yet; otherwise a new one.
  std::string account_id = options.account_id;
  auto taken = [&](const std::string& id) -> common::Result<bool> {
    auto tx = (*store)->begin_read();
    if (!tx) return tx.error();
    auto a = (*tx)->get_account(id);
    if (a) return true;
    if (store::is_not_found(a.error())) return false;
    return a.error();
  };
  if (!account_id.empty()) {
    auto t = taken(account_id);
    if (!t) {
      err << "iamd: " << t.error().message << "\n";
      return 1;
    }
    if (*t) {
      err << "iamd: account " << account_id << " exists already\n";
      return 1;
    }
  } else {
    for (int i = 0; i < 100 && account_id.empty(); ++i) {
      std::string id = common::make_account_id(random);
      auto t = taken(id);
      if (!t) {
        err << "iamd: " << t.error().message << "\n";
        return 1;
      }
      if (!*t) account_id = std::move(id);
    }
  }
  const std::string key_id = common::make_access_key_id("AKIA", account_id, random);
  const std::string secret = common::make_secret_access_key(random);
  if (auto b = domain.bootstrap(account_id, key_id, secret); !b) {
    err << "iamd: cannot create the account: " << b.error().message << "\n";
    return 1;
  }
  const std::string profile = std::string(kAwsProfile) + "-" + account_id;
  out << "iamd: created account " << account_id << " with root access key\n"
      << "  aws_access_key_id     = " << key_id << "\n"
      << "  aws_secret_access_key = " << secret << "\n"
      << "  (shown once: keep it now)\n"
      << "iamd: to keep it in your aws CLI configuration (profile " << profile << "):\n"
      << "  aws configure set aws_access_key_id " << key_id << " --profile " << profile << "\n"
      << "  aws configure set aws_secret_access_key " << secret << " --profile " << profile << "\n"
      << "  aws configure set region us-east-1 --profile " << profile << "\n";
  return 0;
}

}  // namespace iamd::app
