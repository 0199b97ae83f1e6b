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

#include "api/gateway.h"
#include "api/role_usage.h"
#include "app/data_dir.h"
#include "app/root_credentials.h"
#include "app/root_login.h"
#include "app/systemd_notify.h"
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
common::Result<void> tighten_data_dir(const std::filesystem::path& data, bool sqlite, std::vector<std::string>& notes) {
  const std::filesystem::path folder = data / kStoreFolder;
  if (sqlite) {
    if (auto r = ensure_private_dir(folder, notes); !r) return r;
    const std::string db(store::sqlite::kDatabaseFile);
    for (const std::string& name : {db, db + "-wal", db + "-shm", std::string(store::sqlite::kLockFile)}) {
      if (auto r = tighten_private_file(folder / name, notes); !r) return r;
    }
  }
  for (const char* name : {kRootCredentialsFile, kAwsCredentialsFile, kRootLoginFile}) {
    if (auto r = tighten_private_file(data / name, notes); !r) return r;
  }
  return {};
}

// The endpoint a client on this machine uses for `listen` (a wildcard address means loopback).
std::string client_endpoint(const std::string& listen, unsigned short port, bool tls) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(port);
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
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls) sigaddset(&signals, SIGHUP);  // reads the certificate again; without TLS it keeps its default
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    err << "iamd: " << (options.tls_cert.empty() ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key")
        << " (TLS takes a certificate and its key)\n";
    return 1;
  }

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
  if (auto t = tighten_data_dir(options.data, options.store.empty(), dir->notes); !t) {
    err << "iamd: " << t.error().message << "\n";
    return 1;
  }
  for (const std::string& note : dir->notes) err << "iamd: warning: " << note << "\n";
  auto store =
      store::open_store(options.store.empty() ? "sqlite:" + (options.data / kStoreFolder).string() : options.store);
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
  denv.master_key = *master_keys;
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
  std::mutex log_mu;  // the server's own failures (a failed TLS handshake, a handler that threw): one line each
  http::ServerOptions hopts;
  hopts.error_log = [&err, &log_mu](std::string_view line) {
    std::lock_guard lock(log_mu);
    err << "iamd: " << line << std::endl;
  };
  hopts.listen = options.listen;
  hopts.threads = options.threads;
  hopts.max_connections = options.max_connections;
  hopts.tls_certificate_file = options.tls_cert.string();
  hopts.tls_key_file = options.tls_key.string();
  hopts.shutdown_grace = std::chrono::seconds(options.shutdown_grace);
  hopts.error_response = [&gateway](int status) { return to_http(gateway.error_response(status)); };
  // Operations that write wait for the store's log sync: off the event loops.
  console::ConsoleOptions copts;
  copts.allow_signup = options.allow_signup;
  copts.assets_dir = options.console_dir;
  copts.home_account = root.account_id;  // the console's sessions and sign-in counters
  crypto::OsRandom console_random;
  console::Console web_console(gateway, domain, clock, console_random, copts);
  // With the store on PostgreSQL every request waits on the network (the per-request sync,
  // the read transaction): all of them run on the blocking pool, so that the event loops keep
  // reading while requests wait on the database.
  const bool remote_store = !options.store.empty();
  hopts.may_block = [remote_store](const http::Request& r) {
    if (remote_store) return true;
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
    if (s.error().code == "TlsConfig") {
      err << "iamd: TLS: " << s.error().message << "\n";
    } else {
      err << "iamd: cannot listen on " << options.listen << ": " << s.error().message << "\n";
    }
    return 1;
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  const std::string endpoint = client_endpoint(options.listen, server.port(), tls);
  out << "iamd: account " << root.account_id << ", data in " << options.data.string()
      << (options.store.empty() ? "" : ", store on PostgreSQL") << "\n";
  out << "iamd: master key " << master_keys->current_id();
  for (std::size_t i = 1; i < master_keys->ids().size(); ++i)
    out << (i == 1 ? " (also opens " : ", ") << master_keys->ids()[i];
  out << (master_keys->size() > 1 ? ")\n" : "\n");
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
  const std::string listening = std::string(tls ? "https://" : "http://") + (host.empty() ? "0.0.0.0" : host) + ":" +
                                std::to_string(server.port());
  out << "iamd: listening on " << listening << std::endl;
  // The last accesses noted and not yet written (iam/last_accessed.h) and RoleLastUsed kept in
  // memory (api/role_usage.h), written once an interval even when no request comes to do it,
  // so that a crash loses at most that, and at the stop. A failed write keeps them for the next.
  PeriodicFlusher access_flusher([&] { (void)domain.tracker.flush(**store, clock.now()); },
                                 std::chrono::seconds(options.last_accessed_interval));
  PeriodicFlusher role_flusher([&] { (void)gateway.flush_usage(); },
                               std::chrono::seconds(api::RoleUsage::kDefaultInterval));
  // systemd (Type=notify): ready once the port answers and the lines above are out.
  notify_systemd("READY=1\nSTATUS=listening on " + listening);
  // Expired console sessions and sign-in counters quiet for a day (console/sessions.h).
  PeriodicFlusher console_pruner([&] { (void)web_console.prune(); }, std::chrono::hours(1));
  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    if (auto r = server.reload_tls(); r) {
      out << "iamd: TLS certificate and key read again (SIGHUP)" << std::endl;
    } else {
      err << "iamd: warning: TLS certificate not reloaded, the one in use stays: " << r.error().message << std::endl;
    }
  }
  notify_systemd("STOPPING=1");
  out << "iamd: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
  server.stop();
  access_flusher.stop();
  if (auto f = domain.tracker.flush(**store, clock.now()); !f) {
    err << "iamd: warning: last accessed information not written: " << f.error().message << "\n";
  }
  role_flusher.stop();
  if (auto f = gateway.flush_usage(); !f) err << "iamd: RoleLastUsed not written: " << f.error().message << "\n";
  return 0;
}

}  // namespace iamd::app
