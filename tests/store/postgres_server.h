// The PostgreSQL server of the store tests: a throwaway one that scripts/pg-temp starts in a
// temporary folder at the first use and stops when the process exits, unless
// IAMD_TEST_POSTGRES_URL names one to use. Each store under test gets a schema of its own
// (search_path in the URL), so tests never see each other's tables.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace iamd::store::testing {

class PostgresServer {
 public:
  static PostgresServer& get() {
    static PostgresServer server;
    return server;
  }
  // Empty with a message in error() when no server could be started.
  const std::string& url() const { return url_; }
  const std::string& error() const { return error_; }

  // The URL of a new, empty schema of the test database.
  std::string fresh_schema_url() {
    if (url_.empty()) return {};
    const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(next_++);
    const std::string command =
        "psql -q -v ON_ERROR_STOP=1 '" + url_ + "' -c 'CREATE SCHEMA " + schema + "' >/dev/null";
    if (std::system(command.c_str()) != 0) return {};
    return url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  }

 private:
  PostgresServer() {
    if (const char* given = std::getenv("IAMD_TEST_POSTGRES_URL"); given != nullptr && *given != '\0') {
      url_ = given;
      return;
    }
    folder_ = std::string("/tmp/iamd-store-pg-") + std::to_string(::getpid());
    const std::string command = std::string(IAMD_SOURCE_DIR "/scripts/pg-temp start ") + folder_ + " --fast";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      error_ = "cannot run scripts/pg-temp";
      return;
    }
    char line[512];
    std::string out;
    while (std::fgets(line, sizeof line, pipe) != nullptr) out += line;
    const int status = ::pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (status != 0 || out.rfind("postgresql://", 0) != 0) {
      error_ = "scripts/pg-temp could not start PostgreSQL (install Debian's postgresql: scripts/setup)";
      return;
    }
    url_ = out;
  }
  // At exit (the static's destructor): the server stops and its folder goes.
  ~PostgresServer() { stop(); }
  void stop() {
    if (folder_.empty()) return;
    const std::string command = std::string(IAMD_SOURCE_DIR "/scripts/pg-temp stop ") + folder_;
    (void)std::system(command.c_str());
    folder_.clear();
  }

  std::string url_;
  std::string error_;
  std::string folder_;
  std::atomic<int> next_{1};
};

}  // namespace iamd::store::testing
