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
#include "app/observe.h"
#include "app/root_credentials.h"
#include "app/root_login.h"
#include "app/systemd_notify.h"
#include "common/metrics.h"
#include "console/console.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "iam/catalog.h"
#include "iam/service.h"
#include "org/organizations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store/timed_store.h"

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

http::Response to_http(api::ApiResponse r) {
  http::Response out;
  out.status = r.status;
  for (const auto& [k, v] : r.headers) out.headers.add(k, v);
  out.body = std::move(r.body);
  return out;
}

// The outcome of a console answer that failed: the code of its JSON error
// ({"code":"...","message":...}), else "HTTP<status>".
std::string console_error_code(const api::ApiResponse& r) {
  constexpr std::string_view kCode = "{\"code\":\"";
  if (r.body.starts_with(kCode)) {
    const std::size_t end = r.body.find('"', kCode.size());
    // The console's codes are plain words (console.cc's json_error).
    if (end != std::string::npos && end - kCode.size() <= 64) return r.body.substr(kCode.size(), end - kCode.size());
  }
  return "HTTP" + std::to_string(r.status);
}

// GET /metrics: the registry's exposition (Prometheus text format 0.0.4). Unsigned, like
// /healthz: it names operations and error codes, never a principal or a secret.
http::Response metrics_response(const http::Request& r, const common::metrics::Registry& registry) {
  http::Response out;
  out.headers.add("Cache-Control", "no-store");
  if (r.method != "GET" && r.method != "HEAD") {
    out.status = 405;
    out.headers.add("Allow", "GET, HEAD");
    out.headers.add("Content-Type", "text/plain; charset=utf-8");
    out.body = "use GET\n";
    return out;
  }
  out.headers.add("Content-Type", std::string(common::metrics::kContentType));
  if (r.method == "GET") out.body = registry.render();
  return out;
}

// The server's own families: caches, store, connections, build, start time.
void collect_server(common::metrics::Exposition& x, const api::Gateway& gateway, const store::StoreMetrics& sm,
                    const http::Server& server, std::chrono::system_clock::time_point started) {
  using common::metrics::Exposition;
  x.family("iamd_cache_lookups_total", "Lookups of the server's caches, by cache and result (hit or miss)",
           Exposition::Type::kCounter);
  for (const api::CacheStats& c : gateway.cache_stats()) {
    x.sample({{"cache", c.name}, {"result", "hit"}}, static_cast<double>(c.hits));
    x.sample({{"cache", c.name}, {"result", "miss"}}, static_cast<double>(c.misses));
  }
  x.family("iamd_store_seconds",
           "Time to begin a read snapshot, begin a write transaction, commit one, sync with other nodes",
           Exposition::Type::kHistogram);
  x.histogram({{"op", "begin_read"}}, sm.begin_read.values());
  x.histogram({{"op", "sync"}}, sm.sync.values());
  x.histogram({{"op", "begin_write"}}, sm.begin_write.values());
  x.histogram({{"op", "commit"}}, sm.commit.values());
  x.family("iamd_store_errors_total",
           "Store calls that failed for the store's own reasons (unavailable, I/O, corruption)",
           Exposition::Type::kCounter);
  x.sample({}, static_cast<double>(sm.errors.value()));
  x.family("iamd_http_connections_open", "HTTP connections open now", Exposition::Type::kGauge);
  x.sample({}, static_cast<double>(server.open_connections()));
  x.family("iamd_build_info", "The running iamd's version (value 1)", Exposition::Type::kGauge);
  x.sample({{"version", IAMD_VERSION}}, 1);
  x.family("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds",
           Exposition::Type::kGauge);
  x.sample({}, std::chrono::duration<double>(started.time_since_epoch()).count());
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

  const auto started = std::chrono::system_clock::now();
  if (options.log_format != "text" && options.log_format != "json") {
    err << "iamd: --log-format: '" << options.log_format << "' is neither text nor json\n";
    return 1;
  }
  const bool json_log = options.log_format == "json";
  Log log(err, json_log ? Log::Format::kJson : Log::Format::kText);
  // [IMPL] The access log is on by default with the JSON log (a log collector's input) and
  // off with the text log (a person's terminal).
  const bool access_log = options.access_log.value_or(json_log);

  crypto::OsRandom random;
  common::SystemClock clock;
  iam::Quotas quotas;  // checked before anything is opened or written
  for (const std::string& q : options.quotas) {
    if (auto a = quotas.apply(q); !a) {
      log.error("--quota: " + a.error().message);
      return 1;
    }
  }
  org::Env org_quotas;
  for (const std::string& q : options.org_quotas) {
    if (auto a = org_quotas.apply(q); !a) {
      log.error("--org-quota: " + a.error().message);
      return 1;
    }
  }
  auto web_identity = load_oidc_jwks(options.oidc_jwks);
  if (!web_identity) {
    log.error("--oidc-jwks: " + web_identity.error().message);
    return 1;
  }
  auto dir = open_data_dir(options.data, random, options.master_keys.current.empty());
  if (!dir) {
    log.error(dir.error().message);
    return 1;
  }
  auto master_keys = load_master_keys(*dir, options.master_keys);
  if (!master_keys) {
    log.error(master_keys.error().message);
    return 1;
  }
  if (auto t = tighten_data_dir(options.data, options.store.empty(), dir->notes); !t) {
    log.error(t.error().message);
    return 1;
  }
  for (const std::string& note : dir->notes) log.warn(note);
  auto opened =
      store::open_store(options.store.empty() ? "sqlite:" + (options.data / kStoreFolder).string() : options.store);
  if (!opened) {
    log.error("cannot open the store: " + opened.error().message);
    return 1;
  }
  // With the metrics on, every transaction goes through a TimedStore that measures the
  // store's begin and commit times and its failures (store/timed_store.h).
  store::StoreMetrics store_metrics;
  std::unique_ptr<store::TimedStore> timed;
  if (options.metrics) timed = std::make_unique<store::TimedStore>(**opened, store_metrics);
  store::Store* store = timed ? static_cast<store::Store*>(timed.get()) : opened->get();
  auto plan = plan_root_credentials(options.data, root_credentials_from_environment(), random);
  if (!plan) {
    log.error(plan.error().message);
    return 1;
  }
  const RootCredentials& root = plan->credentials;
  iam::DomainEnv denv;
  denv.store = store;
  denv.clock = &clock;
  denv.random = &random;
  denv.master_key = *master_keys;
  denv.catalog = &iam::ManagedCatalog::builtin();
  denv.quotas = quotas;
  denv.last_accessed_interval = options.last_accessed_interval;
  iam::IamDomain domain(denv);
  if (plan->apply) {
    if (auto w = save_root_credentials(options.data, *plan, false); !w) {
      log.error(w.error().message);
      return 1;
    }
  }
  auto present = domain.bootstrap_root(root.account_id, root.access_key_id, root.secret_access_key, plan->apply,
                                       plan->applied_key_id);
  if (!present) {
    log.error("cannot set up the account: " + present.error().message);
    return 1;
  }
  if (auto w = save_root_credentials(options.data, *plan, plan->apply); !w) {
    log.error(w.error().message);
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
    log.warn("the root access key " + root.access_key_id +
             " was deleted through the API and stays deleted; to issue a new one, see docs/operations.md"
             " (Rotating the root access key)");
  }
  auto root_login = ensure_root_login(domain, root.account_id, options.data, random);
  if (!root_login) {
    log.error("cannot set up the root user's console sign-in: " + root_login.error().message);
    return 1;
  }
  crypto::OsRandom gateway_random;
  api::Gateway gateway(domain, clock, gateway_random, *web_identity, org_quotas);
  // ---- the audit trail (docs/operations.md "Audit trail") ----
  crypto::OsRandom audit_random;
  auto audit = api::AuditTrail::open(*store, clock, audit_random, options.audit_log.string());
  if (!audit) {
    log.error("--audit-log: " + audit.error().message);
    return 1;
  }
  auto prune_audit = [&] {
    if (options.audit_retention_days <= 0) return;
    common::Timestamp before = clock.now();
    before.seconds -= options.audit_retention_days * 86400;
    if (auto p = (*audit)->prune(before); !p) {
      log.warn("old audit records not pruned: " + p.error().message);
    }
  };
  prune_audit();
  gateway.set_audit(audit->get());
  http::ServerOptions hopts;
  hopts.listen = options.listen;
  hopts.threads = options.threads;
  hopts.max_connections = options.max_connections;
  hopts.tls_certificate_file = options.tls_cert.string();
  hopts.tls_key_file = options.tls_key.string();
  hopts.shutdown_grace = std::chrono::seconds(options.shutdown_grace);
  hopts.error_response = [&gateway](int status) { return to_http(gateway.error_response(status)); };
  hopts.error_log = [&log](std::string_view line) { log.error(line); };
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
  store::Store& the_store = *store;
  const std::string account_id = root.account_id;
  common::metrics::Registry registry;
  RequestMetrics request_metrics;
  // Every request: its answer, then its record into the metrics and the access log.
  auto observe = [&](const http::Request& r, api::CallRecord& record) {
    if (options.metrics) request_metrics.record(record);
    if (access_log) {
      log_access(log, AccessInfo{r.method, r.path(), r.peer_address, r.headers.get("User-Agent").value_or("")}, record);
    }
  };
  // A request the gateway did not answer (health, metrics, the console's own endpoints): its
  // record is the HTTP exchange's.
  auto plain_record = [&gateway](api::CallRecord& record, int status, std::chrono::steady_clock::time_point start) {
    record.status = status;
    if (record.outcome.empty()) record.outcome = status < 400 ? "ok" : "HTTP" + std::to_string(status);
    if (record.request_id.empty()) record.request_id = gateway.next_request_id();
    record.duration = std::chrono::steady_clock::now() - start;
  };
  http::Server server(hopts, [&](const http::Request& r) {
    const std::string_view path = r.path();
    if (is_health_path(path) || (options.metrics && path == "/metrics")) {
      const auto start = std::chrono::steady_clock::now();
      http::Response out =
          is_health_path(path) ? health_response(r, the_store, account_id) : metrics_response(r, registry);
      api::CallRecord record;
      plain_record(record, out.status, start);
      out.headers.add("x-amzn-RequestId", record.request_id);
      observe(r, record);
      return out;
    }
    api::ApiRequest a;
    a.method = r.method;
    a.path = std::string(path);
    a.query = std::string(r.query());
    a.headers.reserve(r.headers.size());
    for (const auto& f : r.headers) a.headers.emplace_back(f.name, f.value);
    a.body = r.body;
    a.source_ip = r.peer_address;
    a.secure_transport = r.tls;
    api::ApiResponse answer;
    if (console::Console::serves(a)) {
      // The gateway times its own calls; the console's endpoints are timed here.
      const auto start = std::chrono::steady_clock::now();
      answer = web_console.handle(a);
      if (answer.record.service.empty()) {
        // One of the console's own endpoints or files, not an IAM or STS call.
        answer.record.service = "console";
        answer.record.outcome = answer.status < 400 ? "ok" : console_error_code(answer);
        plain_record(answer.record, answer.status, start);
      }
    } else {
      answer = gateway.handle(a);
    }
    observe(r, answer.record);
    return to_http(std::move(answer));
  });
  if (auto s = server.start(); !s) {
    if (s.error().code == "TlsConfig") {
      log.error("TLS: " + s.error().message);
    } else {
      log.error("cannot listen on " + options.listen + ": " + s.error().message);
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
  if (options.metrics) {
    registry.add([&](common::metrics::Exposition& x) { request_metrics.collect(x); });
    registry.add([&](common::metrics::Exposition& x) { collect_server(x, gateway, store_metrics, server, started); });
  }
  const std::string address = std::string(tls ? "https://" : "http://") + (host.empty() ? "0.0.0.0" : host) + ":" +
                              std::to_string(server.port());
  if (json_log) {
    // [IMPL] The lines above went to stdout, for the person starting the server; a log
    // collector gets the same facts (never the secrets) as JSON.
    log.info("started", {{"version", IAMD_VERSION},
                         {"account", root.account_id},
                         {"data", options.data.string()},
                         {"address", address},
                         {"metrics", options.metrics ? "on" : "off"},
                         {"access_log", access_log ? "on" : "off"}});
  }
  out << "iamd: listening on " << address << std::endl;
  // The last accesses noted and not yet written (iam/last_accessed.h) and RoleLastUsed kept in
  // memory (api/role_usage.h), written once an interval even when no request comes to do it,
  // so that a crash loses at most that, and at the stop. A failed write keeps them for the next.
  PeriodicFlusher access_flusher([&] { (void)domain.tracker.flush(*store, clock.now()); },
                                 std::chrono::seconds(options.last_accessed_interval));
  PeriodicFlusher role_flusher([&] { (void)gateway.flush_usage(); },
                               std::chrono::seconds(api::RoleUsage::kDefaultInterval));
  // systemd (Type=notify): ready once the port answers and the lines above are out.
  notify_systemd("READY=1\nSTATUS=listening on " + address);
  // Expired console sessions and sign-in counters quiet for a day (console/sessions.h).
  PeriodicFlusher console_pruner([&] { (void)web_console.prune(); }, std::chrono::hours(1));
  // Reads' audit records are written once a second (what a crash can lose); old ones pruned hourly.
  PeriodicFlusher audit_flusher([&] { (void)(*audit)->flush(); }, std::chrono::seconds(1));
  PeriodicFlusher audit_pruner(prune_audit, std::chrono::seconds(3600));
  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    if (auto r = server.reload_tls(); r) {
      out << "iamd: TLS certificate and key read again (SIGHUP)" << std::endl;
    } else {
      log.warn("TLS certificate not reloaded, the one in use stays: " + r.error().message);
    }
  }
  notify_systemd("STOPPING=1");
  out << "iamd: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
  if (json_log) log.info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  server.stop();
  access_flusher.stop();
  if (auto f = domain.tracker.flush(*store, clock.now()); !f) {
    log.warn("last accessed information not written: " + f.error().message);
  }
  role_flusher.stop();
  if (auto f = gateway.flush_usage(); !f) log.error("RoleLastUsed not written: " + f.error().message);
  audit_pruner.stop();
  audit_flusher.stop();
  if (auto f = (*audit)->flush(); !f) log.warn("audit records not written: " + f.error().message);
  return 0;
}

}  // namespace iamd::app
