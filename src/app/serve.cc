#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/audit.h"
#include "api/gateway.h"
#include "api/role_usage.h"
#include "app/data_dir.h"
#include "app/root_credentials.h"
#include "app/root_login.h"
#include "console/console.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "iam/catalog.h"
#include "iam/service.h"
#include "org/organizations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace iamd::app {

namespace {

// Runs Gateway::flush_usage every `period` on a thread of its own until stop() (a failed
// flush keeps the uses for the next one).
class PeriodicFlusher {
 public:
  // Calls `flush` every `period` on a thread of its own until stop() (which does not call it).
  PeriodicFlusher(std::function<void()> flush, std::chrono::seconds period)
      : thread_([this, flush = std::move(flush), period] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
            lock.unlock();
            flush();
            lock.lock();
          }
        }) {}
  ~PeriodicFlusher() { stop(); }
  PeriodicFlusher(const PeriodicFlusher&) = delete;
  PeriodicFlusher& operator=(const PeriodicFlusher&) = delete;
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

// The data folder's store subfolder (the SQLite backend).
constexpr const char* kStoreFolder = "store";

// Makes the store's folder and files and the credential files private before anything opens
// them, noting what was open to others (docs/operations.md).
common::Result<void> tighten_data_dir(const std::filesystem::path& data, std::vector<std::string>& notes) {
  const std::filesystem::path folder = data / kStoreFolder;
  if (auto r = ensure_private_dir(folder, notes); !r) return r;
  const std::string db(store::sqlite::kDatabaseFile);
  for (const std::string& name : {db, db + "-wal", db + "-shm", std::string(store::sqlite::kLockFile)}) {
    if (auto r = tighten_private_file(folder / name, notes); !r) return r;
  }
  for (const char* name : {kRootCredentialsFile, kAwsCredentialsFile, kRootLoginFile}) {
    if (auto r = tighten_private_file(data / name, notes); !r) return r;
  }
  return {};
}

// The endpoint a client on this machine uses for `listen` (a wildcard address means loopback).
std::string client_endpoint(const std::string& listen, unsigned short port) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return "http://" + host + ":" + std::to_string(port);
}

http::Response to_http(const api::ApiResponse& r) {
  http::Response out;
  out.status = r.status;
  for (const auto& [k, v] : r.headers) out.headers.add(k, v);
  out.body = r.body;
  return out;
}

// GET /healthz: the process answers. GET /readyz: the store answers a read (the account's
// record), 503 otherwise. Unsigned and without a body worth hiding, as load balancers and
// orchestrators probe them; no AWS API uses these paths.
bool is_health_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz";
}

http::Response health_response(const http::Request& r, store::Store& store, const std::string& account_id) {
  http::Response out;
  out.headers.add("Content-Type", "text/plain; charset=utf-8");
  out.headers.add("Cache-Control", "no-store");
  if (r.method != "GET" && r.method != "HEAD") {
    out.status = 405;
    out.headers.add("Allow", "GET, HEAD");
    out.body = "use GET\n";
    return out;
  }
  if (r.path() == "/healthz") {
    out.body = "ok\n";
  } else {
    auto tx = store.begin_read();
    common::Result<void> ready = tx ? common::Result<void>() : common::Result<void>(tx.error());
    if (tx) {
      if (auto a = (*tx)->get_account(account_id); !a) ready = a.error();
    }
    out.status = ready ? 200 : 503;
    out.body = ready ? "ready\n" : "not ready: the store does not answer: " + ready.error().message + "\n";
  }
  if (r.method == "HEAD") out.body.clear();
  return out;
}

}  // namespace

common::Result<std::shared_ptr<const api::WebIdentityKeys>> load_oidc_jwks(const std::vector<std::string>& specs) {
  auto keys = std::make_shared<api::WebIdentityKeys>();
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return common::Error{"InvalidArgument", "'" + spec + "' is not ISSUER=SOURCE", ""};
    }
    const std::string issuer = spec.substr(0, eq);
    const std::string source = spec.substr(eq + 1);
    std::string text = source;
    if (!source.starts_with('{')) {
      std::ifstream in(source, std::ios::binary);
      std::ostringstream buffer;
      buffer << in.rdbuf();
      if (!in) return common::Error{"InvalidArgument", issuer + ": cannot read the JWKS file " + source, ""};
      text = buffer.str();
    }
    if (auto a = keys->add(issuer, text); !a) {
      return common::Error{"InvalidArgument", issuer + ": " + a.error().message, ""};
    }
  }
  return std::shared_ptr<const api::WebIdentityKeys>(std::move(keys));
}

int serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  // Stop signals are taken by this thread with sigwait; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  crypto::OsRandom random;
  common::SystemClock clock;
  iam::Quotas quotas;  // checked before anything is opened or written
  for (const std::string& q : options.quotas) {
    if (auto a = quotas.apply(q); !a) {
      err << "iamd: --quota: " << a.error().message << "\n";
      return 1;
    }
  }
  org::Env org_quotas;
  for (const std::string& q : options.org_quotas) {
    if (auto a = org_quotas.apply(q); !a) {
      err << "iamd: --org-quota: " << a.error().message << "\n";
      return 1;
    }
  }
  auto web_identity = load_oidc_jwks(options.oidc_jwks);
  if (!web_identity) {
    err << "iamd: --oidc-jwks: " << web_identity.error().message << "\n";
    return 1;
  }
  auto dir = open_data_dir(options.data, random);
  if (!dir) {
    err << "iamd: " << dir.error().message << "\n";
    return 1;
  }
  if (auto t = tighten_data_dir(options.data, dir->notes); !t) {
    err << "iamd: " << t.error().message << "\n";
    return 1;
  }
  for (const std::string& note : dir->notes) err << "iamd: warning: " << note << "\n";
  auto store = store::open_store("sqlite:" + (options.data / kStoreFolder).string());
  if (!store) {
    err << "iamd: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  auto plan = plan_root_credentials(options.data, root_credentials_from_environment(), random);
  if (!plan) {
    err << "iamd: " << plan.error().message << "\n";
    return 1;
  }
  const RootCredentials& root = plan->credentials;
  iam::DomainEnv denv;
  denv.store = store->get();
  denv.clock = &clock;
  denv.random = &random;
  denv.master_key = dir->master_key;
  denv.catalog = &iam::ManagedCatalog::builtin();
  denv.quotas = quotas;
  denv.last_accessed_interval = options.last_accessed_interval;
  iam::IamDomain domain(denv);
  if (plan->apply) {
    if (auto w = save_root_credentials(options.data, *plan, false); !w) {
      err << "iamd: " << w.error().message << "\n";
      return 1;
    }
  }
  auto present = domain.bootstrap_root(root.account_id, root.access_key_id, root.secret_access_key, plan->apply,
                                       plan->applied_key_id);
  if (!present) {
    err << "iamd: cannot set up the account: " << present.error().message << "\n";
    return 1;
  }
  if (auto w = save_root_credentials(options.data, *plan, plan->apply); !w) {
    err << "iamd: " << w.error().message << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::path aws_file = std::filesystem::absolute(options.data / kAwsCredentialsFile, ec);
  if (ec) aws_file = options.data / kAwsCredentialsFile;
  if (plan->generated) {
    out << "iamd: " << (plan->account_generated ? "created account " : "new root access key for account ")
        << root.account_id << (plan->account_generated ? " with root access key\n" : "\n")
        << "  aws_access_key_id     = " << root.access_key_id << "\n"
        << "  aws_secret_access_key = " << root.secret_access_key << "\n"
        << "  (shown once; kept in " << (options.data / kRootCredentialsFile).string() << " and, for the aws CLI, in "
        << aws_file.string() << " (profile " << kAwsProfile << "), readable only by you)\n";
  } else if (plan->apply) {
    out << "iamd: root access key " << root.access_key_id << " installed"
        << (plan->replaces.empty() ? std::string() : " (replaces " + plan->replaces + ", which no longer works)")
        << "\n";
  }
  if (!*present) {
    err << "iamd: warning: the root access key " << root.access_key_id
        << " was deleted through the API and stays deleted; to issue a new one, see docs/operations.md"
           " (Rotating the root access key)\n";
  }
  auto root_login = ensure_root_login(domain, root.account_id, options.data, random);
  if (!root_login) {
    err << "iamd: cannot set up the root user's console sign-in: " << root_login.error().message << "\n";
    return 1;
  }
  crypto::OsRandom gateway_random;
  api::Gateway gateway(domain, clock, gateway_random, *web_identity, org_quotas);
  // ---- the audit trail (docs/operations.md "Audit trail") ----
  crypto::OsRandom audit_random;
  auto audit = api::AuditTrail::open(**store, clock, audit_random, options.audit_log.string());
  if (!audit) {
    err << "iamd: --audit-log: " << audit.error().message << "\n";
    return 1;
  }
  auto prune_audit = [&] {
    if (options.audit_retention_days <= 0) return;
    common::Timestamp before = clock.now();
    before.seconds -= options.audit_retention_days * 86400;
    if (auto p = (*audit)->prune(before); !p) {
      err << "iamd: warning: old audit records not pruned: " << p.error().message << "\n";
    }
  };
  prune_audit();
  gateway.set_audit(audit->get());
  http::ServerOptions hopts;
  hopts.listen = options.listen;
  hopts.threads = options.threads;
  hopts.max_connections = options.max_connections;
  hopts.error_response = [&gateway](int status) { return to_http(gateway.error_response(status)); };
  // Operations that write wait for the store's log sync: off the event loops.
  console::ConsoleOptions copts;
  copts.allow_signup = options.allow_signup;
  copts.assets_dir = options.console_dir;
  crypto::OsRandom console_random;
  console::Console web_console(gateway, domain, clock, console_random, copts);
  hopts.may_block = [](const http::Request& r) {
    if (console::Console::may_block(r.method, r.path())) return true;
    return api::Gateway::may_write(r.query(), r.body, r.headers.get("X-Amz-Target").value_or(std::string_view()));
  };
  store::Store& the_store = **store;
  const std::string account_id = root.account_id;
  http::Server server(hopts, [&gateway, &web_console, &the_store, &account_id](const http::Request& r) {
    if (is_health_path(r.path())) return health_response(r, the_store, account_id);
    api::ApiRequest a;
    a.method = r.method;
    a.path = std::string(r.path());
    a.query = std::string(r.query());
    for (const auto& f : r.headers) a.headers.emplace_back(f.name, f.value);
    a.body = r.body;
    a.source_ip = r.peer_address;
    a.secure_transport = r.tls;
    if (console::Console::serves(a)) return to_http(web_console.handle(a));
    return to_http(gateway.handle(a));
  });
  if (auto s = server.start(); !s) {
    err << "iamd: cannot listen on " << options.listen << ": " << s.error().message << "\n";
    return 1;
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  const std::string endpoint = client_endpoint(options.listen, server.port());
  out << "iamd: account " << root.account_id << ", data in " << options.data.string() << "\n";
  if (plan->generated) {
    // [IMPL] The secret is printed only when it was just generated, like the key itself.
    out << "iamd: to keep the root key in your aws CLI configuration (profile " << kAwsProfile << "):\n"
        << "  aws configure set aws_access_key_id " << root.access_key_id << " --profile " << kAwsProfile << "\n"
        << "  aws configure set aws_secret_access_key " << root.secret_access_key << " --profile " << kAwsProfile
        << "\n"
        << "  aws configure set region " << kAwsRegion << " --profile " << kAwsProfile << "\n"
        << "  aws --profile " << kAwsProfile << " --endpoint-url " << endpoint << " iam list-users\n";
  }
  out << "iamd: aws CLI: AWS_SHARED_CREDENTIALS_FILE=" << aws_file.string() << " aws --profile " << kAwsProfile
      << " --endpoint-url " << endpoint << " sts get-caller-identity\n";
  out << "iamd: console: " << endpoint << "/console/" << (options.allow_signup ? " (sign-up allowed)" : "") << "\n";
  if (root_login->made) {
    out << "iamd: console root sign-in: " << root_login->email << " / " << root_login->password
        << "\n  (shown once; kept in " << (options.data / kRootLoginFile).string()
        << ", readable only by you; change it in the console)\n";
  } else {
    out << "iamd: console root sign-in: " << root_login->email << " (password in "
        << (options.data / kRootLoginFile).string() << " unless changed since)\n";
  }
  out << "iamd: listening on http://" << (host.empty() ? "0.0.0.0" : host) << ":" << server.port() << std::endl;
  // The last accesses noted and not yet written (iam/last_accessed.h) and RoleLastUsed kept in
  // memory (api/role_usage.h), written once an interval even when no request comes to do it,
  // so that a crash loses at most that, and at the stop. A failed write keeps them for the next.
  PeriodicFlusher access_flusher([&] { (void)domain.tracker.flush(**store, clock.now()); },
                                 std::chrono::seconds(options.last_accessed_interval));
  PeriodicFlusher role_flusher([&] { (void)gateway.flush_usage(); },
                               std::chrono::seconds(api::RoleUsage::kDefaultInterval));
  // Reads' audit records are written once a second (what a crash can lose); old ones pruned hourly.
  PeriodicFlusher audit_flusher([&] { (void)(*audit)->flush(); }, std::chrono::seconds(1));
  PeriodicFlusher audit_pruner(prune_audit, std::chrono::seconds(3600));
  int sig = 0;
  sigwait(&signals, &sig);
  out << "iamd: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
  server.stop();
  access_flusher.stop();
  if (auto f = domain.tracker.flush(**store, clock.now()); !f) {
    err << "iamd: warning: last accessed information not written: " << f.error().message << "\n";
  }
  role_flusher.stop();
  if (auto f = gateway.flush_usage(); !f) err << "iamd: RoleLastUsed not written: " << f.error().message << "\n";
  audit_pruner.stop();
  audit_flusher.stop();
  if (auto f = (*audit)->flush(); !f) err << "iamd: warning: audit records not written: " << f.error().message << "\n";
  return 0;
}

}  // namespace iamd::app
