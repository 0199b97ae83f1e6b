// A minimal server for load tests (wrk, ab): every request gets a short text body.
// Usage: http_bench_server [host:port] [threads]. Stops on SIGINT or SIGTERM, which a
// sigwait() loop in main receives, as an application's signal-handling thread would.
#include <csignal>
#include <cstdio>
#include <string>

#include "http/server.h"

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before the workers start, so that they inherit the mask and main gets the signal.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  iamd::http::ServerOptions options;
  options.listen = argc > 1 ? argv[1] : "127.0.0.1:8080";
  options.threads = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 0;
  iamd::http::Server server(options, [](const iamd::http::Request&) {
    iamd::http::Response response;
    response.headers.add("Content-Type", "text/plain");
    response.body = "ok\n";
    return response;
  });
  auto started = server.start();
  if (!started) {
    std::fprintf(stderr, "http_bench_server: %s\n", started.error().message.c_str());
    return 1;
  }
  std::printf("listening on port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  server.stop();
  return 0;
}
