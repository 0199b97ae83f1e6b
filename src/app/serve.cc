#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <ostream>

#include "api/gateway.h"
#include "app/data_dir.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "iam/catalog.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::app {

namespace {

struct RootCredentials {
  std::string account_id;
  std::string access_key_id;
  std::string secret_access_key;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string field(const std::string& text, const std::string& key) {
  std::size_t pos = text.find(key + "=");
  if (pos == std::string::npos) return "";
  pos += key.size() + 1;
  std::size_t end = text.find('\n', pos);
  return text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

// The root credentials: the environment wins, then the file written at first start, then
// new ones (written to the file, 0600, and printed once).
common::Result<RootCredentials> root_credentials(const std::filesystem::path& dir, common::Random& random,
                                                 std::ostream& out) {
  const std::filesystem::path file = dir / "root-credentials";
  RootCredentials c;
  std::error_code ec;
  bool from_file = std::filesystem::exists(file, ec);
  if (from_file) {
    auto text = read_file(file);
    if (!text) return text.error();
    c.account_id = field(*text, "account_id");
    c.access_key_id = field(*text, "access_key_id");
    c.secret_access_key = field(*text, "secret_access_key");
  }
  if (std::string v = env("IAMD_ACCOUNT_ID"); !v.empty()) c.account_id = v;
  if (std::string v = env("IAMD_ROOT_ACCESS_KEY_ID"); !v.empty()) c.access_key_id = v;
  if (std::string v = env("IAMD_ROOT_SECRET_ACCESS_KEY"); !v.empty()) c.secret_access_key = v;
  if (!c.account_id.empty() && !arn::is_account_id(c.account_id)) {
    return common::Error{"InvalidConfiguration", "IAMD_ACCOUNT_ID must be 12 digits, got '" + c.account_id + "'", ""};
  }
  if (!c.access_key_id.empty() && (c.access_key_id.size() < 16 || c.access_key_id.size() > 128)) {
    return common::Error{"InvalidConfiguration", "IAMD_ROOT_ACCESS_KEY_ID must be 16 to 128 characters", ""};
  }
  bool generated = false;
  if (c.account_id.empty()) c.account_id = common::make_account_id(random), generated = true;
  if (c.access_key_id.empty()) c.access_key_id = common::make_access_key_id("AKIA", random), generated = true;
  if (c.secret_access_key.empty()) c.secret_access_key = common::make_secret_access_key(random), generated = true;
  std::string text = "account_id=" + c.account_id + "\naccess_key_id=" + c.access_key_id +
                     "\nsecret_access_key=" + c.secret_access_key + "\n";
  if (auto w = write_private_file(file, text); !w) return w.error();
  if (generated) {
    out << "iamd: created account " << c.account_id << " with root access key\n"
        << "  aws_access_key_id     = " << c.access_key_id << "\n"
        << "  aws_secret_access_key = " << c.secret_access_key << "\n"
        << "  (shown once; also in " << file.string() << ", readable only by you)\n";
  }
  return c;
}

http::Response to_http(const api::ApiResponse& r) {
  http::Response out;
  out.status = r.status;
  for (const auto& [k, v] : r.headers) out.headers.add(k, v);
  out.body = r.body;
  return out;
}

}  // namespace

int serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  // Stop signals are taken by this thread with sigwait; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  crypto::OsRandom random;
  common::SystemClock clock;
  auto dir = open_data_dir(options.data, random);
  if (!dir) {
    err << "iamd: " << dir.error().message << "\n";
    return 1;
  }
  auto store = store::open_store("sqlite:" + (options.data / "store").string());
  if (!store) {
    err << "iamd: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  auto root = root_credentials(options.data, random, out);
  if (!root) {
    err << "iamd: " << root.error().message << "\n";
    return 1;
  }
  iam::DomainEnv denv;
  denv.store = store->get();
  denv.clock = &clock;
  denv.random = &random;
  denv.master_key = dir->master_key;
  denv.catalog = &iam::ManagedCatalog::builtin();
  iam::IamDomain domain(denv);
  if (auto b = domain.bootstrap(root->account_id, root->access_key_id, root->secret_access_key); !b) {
    err << "iamd: cannot create the account: " << b.error().message << "\n";
    return 1;
  }
  crypto::OsRandom gateway_random;
  api::Gateway gateway(domain, clock, gateway_random);
  http::ServerOptions hopts;
  hopts.listen = options.listen;
  hopts.threads = options.threads;
  hopts.max_connections = options.max_connections;
  hopts.error_response = [&gateway](int status) { return to_http(gateway.error_response(status)); };
  http::Server server(hopts, [&gateway](const http::Request& r) {
    api::ApiRequest a;
    a.method = r.method;
    a.path = std::string(r.path());
    a.query = std::string(r.query());
    for (const auto& f : r.headers) a.headers.emplace_back(f.name, f.value);
    a.body = r.body;
    a.source_ip = r.peer_address;
    a.secure_transport = r.tls;
    return to_http(gateway.handle(a));
  });
  if (auto s = server.start(); !s) {
    err << "iamd: cannot listen on " << options.listen << ": " << s.error().message << "\n";
    return 1;
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  out << "iamd: account " << root->account_id << ", data in " << options.data.string() << "\n";
  out << "iamd: listening on http://" << (host.empty() ? "0.0.0.0" : host) << ":" << server.port() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  out << "iamd: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
  server.stop();
  return 0;
}

}  // namespace iamd::app
