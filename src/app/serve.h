// `iamd serve`: the server's composition root. Opens the data folder (master key), the
// SQLite store, creates the account and its root user on first start (or takes them from
// IAMD_ACCOUNT_ID / IAMD_ROOT_ACCESS_KEY_ID / IAMD_ROOT_SECRET_ACCESS_KEY), and serves IAM
// and STS over HTTP until SIGINT or SIGTERM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/web_identity.h"
#include "app/data_dir.h"
#include "common/result.h"

namespace iamd::app {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data = "iamd-data";
  // The store: empty for the data folder's SQLite store (<data>/store), or a URL of
  // store::open_store (postgresql://... for a store several nodes share).
  std::string store;
  unsigned threads = 0;  // 0: one per core
  // Connections open at once; more are answered 503 and closed (http::ServerOptions).
  std::size_t max_connections = 4096;
  // "NAME=VALUE" settings of IAM quotas (iam::Quotas::apply); AWS's defaults otherwise.
  std::vector<std::string> quotas;
  // "NAME=VALUE" settings of Organizations quotas (org::Env::apply).
  std::vector<std::string> org_quotas;
  // "ISSUER=SOURCE": the keys of an OIDC issuer for AssumeRoleWithWebIdentity; SOURCE is a
  // JWKS file's path, or the JWKS JSON itself when it starts with '{' (load_oidc_jwks).
  std::vector<std::string> oidc_jwks;
  // Seconds between writes of the last accessed information (iam::AccessTracker): what a
  // crash can lose. At least 1.
  std::int64_t last_accessed_interval = 60;
  // The console (console/console.h): sign-up allowed, and a folder to serve its files from
  // instead of the embedded ones (empty: embedded).
  bool allow_signup = false;
  std::filesystem::path console_dir;
  // TLS (http::ServerOptions::tls_certificate_file): both set, the listener speaks only HTTPS
  // and SIGHUP reads the files again; both empty, plain HTTP.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Seconds a stop signal lets requests in flight finish (http::ServerOptions::shutdown_grace).
  std::int64_t shutdown_grace = 5;
  // The master keys (app/data_dir.h; docs/operations.md "Keys and their rotation").
  MasterKeyFiles master_keys;
  // Observability (docs/operations.md "Metrics", "Logs"): GET /metrics in the Prometheus text
  // format; the log on stderr as text or one JSON object a line ("text", "json"); the access
  // log, a line per request (unset: on with json, off with text).
  bool metrics = true;
  std::string log_format = "text";
  std::optional<bool> access_log;
  // The audit trail (api/audit.h): a JSON-lines file that gets every record too (empty: the
  // store only), and how many days records are kept (0: forever), pruned at start and hourly.
  std::filesystem::path audit_log;
  std::int64_t audit_retention_days = 90;
};

// The issuers' keys of `specs` ("ISSUER=SOURCE" each; an issuer given twice gets the keys of
// both). An error naming the spec when one is not ISSUER=SOURCE, its file cannot be read, or
// its text is no usable JWKS (api::WebIdentityKeys::add).
common::Result<std::shared_ptr<const api::WebIdentityKeys>> load_oidc_jwks(const std::vector<std::string>& specs);

// Runs until a stop signal; returns the process exit status. Prints the bound address
// ("iamd: listening on http://HOST:PORT", https:// with TLS) and, on first start only, the
// root credentials, on `out`; the log (options.log_format) goes to `err`. Under systemd
// (Type=notify) it sends READY=1 once listening and STOPPING=1 at the stop signal
// (app/systemd_notify.h).
int serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
