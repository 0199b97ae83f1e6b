// `iamd serve`: the server's composition root. Opens the data folder (master key), the
// SQLite store, creates the account and its root user on first start (or takes them from
// IAMD_ACCOUNT_ID / IAMD_ROOT_ACCESS_KEY_ID / IAMD_ROOT_SECRET_ACCESS_KEY), and serves IAM
// and STS over HTTP until SIGINT or SIGTERM.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace iamd::app {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data = "iamd-data";
  unsigned threads = 0;  // 0: one per core
  // Connections open at once; more are answered 503 and closed (http::ServerOptions).
  std::size_t max_connections = 4096;
  // "NAME=VALUE" settings of IAM quotas (iam::Quotas::apply); AWS's defaults otherwise.
  std::vector<std::string> quotas;
};

// Runs until a stop signal; returns the process exit status. Prints the bound address
// ("iamd: listening on http://HOST:PORT") and, on first start only, the root credentials.
int serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
