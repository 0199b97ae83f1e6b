// The HTTP/1.1 server iamd serves IAM and STS on (Boost.Beast/Asio, kept inside server.cc).
//
// What it does: HTTP/1.1 (over TLS 1.2/1.3 when given a certificate and key) keep-alive and HTTP/1.0, pipelined
// requests answered in order, Expect: 100-continue, chunked request bodies, GET/HEAD/POST (anything else: 405). It
// enforces limits on the header's size and its number of fields (431) and on the body's
// size (413), and on the connections open at once (over it a new connection is answered
// 503 and closed at once), answers a malformed request with 400
// and closes that connection, and closes connections whose client is too slow (header, body
// and write timeouts) or idle too long between requests. Every response carries
// Content-Length, Date and Server; the handler decides the rest (see message.h).
//
// How it runs: `threads` worker threads share one io_context; each connection lives on its
// own strand, reads one request at a time into buffers it reuses, and runs the handler
// synchronously on the worker thread that completed the read, except requests that
// ServerOptions::may_block marks, which run on a small pool of their own. There is no thread
// per request or per connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"

namespace iamd::http {

struct ServerOptions {
  // "host:port" with a numeric IPv4 host, a bracketed IPv6 host ("[::1]:8080"), "localhost"
  // (127.0.0.1) or an empty host (all IPv4 interfaces). Port 0 asks for an ephemeral port;
  // Server::port() reports the one bound.
  std::string listen = "127.0.0.1:8080";
  // Worker threads; 0 means std::thread::hardware_concurrency() (at least 1).
  unsigned threads = 0;
  // The request line plus all header fields, in bytes; more gets 431.
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  // Header fields of one request; more gets 431 ("Request Header Fields Too Large",
  // RFC 6585 §5, which covers too many fields as well as too large ones). [IMPL] AWS's
  // front end refuses requests with too many headers but documents no number; 100 is
  // Apache httpd's LimitRequestFields, far above what SDKs send (about ten).
  std::size_t max_header_count = 100;
  // Connections open at once (being served, kept alive or closing). [IMPL] A connection
  // accepted while this many are open is answered 503 with Retry-After and closed at once,
  // so that a flood of connections fails fast instead of queueing behind, or starving, the
  // ones being served. The cap in force is also kept 64 below the process's limit on open
  // files (RLIMIT_NOFILE), so that accepting never fails for want of descriptors; 0 leaves
  // only that bound. Over TLS such a connection is closed without the 503 (which would need
  // a handshake first).
  std::size_t max_connections = 4096;
  // The request body after de-chunking, in bytes; more gets 413.
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  // From the first byte of a request (from accept, for a connection's first request) to the
  // end of its header.
  std::chrono::milliseconds read_header_timeout{10'000};
  // From the end of the header to the end of the body.
  std::chrono::milliseconds read_body_timeout{30'000};
  // For writing one response (and the interim 100 Continue).
  std::chrono::milliseconds write_timeout{30'000};
  // How long a kept-alive connection may wait for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // TLS: the PEM files of the certificate (the server's first, then the intermediates of its
  // chain) and of its unencrypted private key, which must be open to its owner only. Both
  // set: the listener speaks only HTTPS (TLS 1.2 and 1.3, Mozilla's "intermediate" suites,
  // no renegotiation or compression) and Request::tls is true; both empty: plain HTTP. The
  // handshake counts against read_header_timeout; a failed one closes its connection and
  // logs one line.
  std::string tls_certificate_file;
  std::string tls_key_file;
  // How long stop() lets in-flight requests finish before it closes their connections.
  std::chrono::milliseconds shutdown_grace{5'000};
  // Requests served on one connection before the server closes it; 0 means no limit.
  unsigned max_requests_per_connection = 10'000;
  // Requests that may wait on something slower than the CPU (iamd: operations that write and
  // wait for the store's log sync). Those for which this returns true run on a separate pool
  // of `blocking_threads` threads instead of their connection's event loop, so that the wait
  // never stalls the loop's other connections; their connection resumes on its loop with the
  // response. Called on the event loop for every request: it must be cheap and must not
  // throw. Null: every request runs on its event loop.
  std::function<bool(const Request&)> may_block;
  // Threads of that pool; 0 means 4 per worker thread. [IMPL] More concurrent writers let
  // group commit share one sync among more of them.
  unsigned blocking_threads = 0;
  // The value of the Server header.
  std::string server_name = "iamd";
  // The answer to a request the server refuses itself, given its status: 400 (malformed),
  // 405 (method), 413, 431, 500 (the handler threw or returned an invalid response) and 503
  // (over max_connections), so that the service on top can answer in its own error format
  // (iamd: AWS's XML error with its x-amzn-RequestId). The status, Connection,
  // Content-Length, Date and Server stay the server's, and 405 gets Allow. Null, or one that
  // throws or returns an invalid header: the reason phrase as plain text. Called from worker
  // threads and the accepting thread, concurrently.
  std::function<Response(int status)> error_response;
  // Receives one line per server-side failure (a handler that threw, an accept error).
  // Lines name the method and path, never the query, headers or body. Called from worker
  // threads, possibly concurrently; null means no log.
  std::function<void(std::string_view)> error_log;
};

// Thread-safety: start() and stop() may be called from any thread except the server's own
// worker threads (so not from a handler); calls are serialized internally. port() and
// open_connections() may be called concurrently with anything.
// Lifecycle: a Server starts at most once. stop() is idempotent, and the destructor calls it.
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the worker threads. Errors (code: meaning):
  //   InvalidListenAddress: `listen` is not "host:port" as described above
  //   AddressInUse:         another socket holds the address
  //   ListenFailed:         any other failure to open, bind or listen, or to start threads
  //   InvalidState:         start() was already called
  //   TlsConfig:            one TLS file without the other, a file that cannot be read or
  //                         parsed, a key that does not match the certificate, or a key
  //                         file open to group or others
  common::Result<void> start();

  // Reads the TLS certificate and key files again (after a renewal); connections accepted
  // from then on use them, open ones keep theirs. On error (TlsConfig as for start(), or
  // InvalidState when the server is not serving TLS) the files in use stay.
  common::Result<void> reload_tls();

  // Stops accepting, closes idle connections at once, lets requests already being read or
  // handled finish (their responses say Connection: close) for up to shutdown_grace, then
  // closes every remaining connection and joins the worker threads. A handler that is
  // still running is waited for: stop() cannot interrupt it. Safe to call from a thread
  // that handles signals (e.g. one blocked in sigwait), not from inside a signal handler.
  void stop();

  // The bound port once start() has succeeded, else 0.
  std::uint16_t port() const;

  // Connections currently open (accepted and not yet fully closed).
  std::size_t open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iamd::http
