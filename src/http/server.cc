// The server on Boost.Beast/Asio. Beast parses (through a basic_parser subclass that writes
// straight into the connection's reused Request, so no beast::http::fields are built);
// responses are serialized by hand into a reused buffer and written with one gathered write.
#include "http/server.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/strings.h"

// OpenSSL (through Asio's SSL stream) for TLS; the options only Asio does not wrap.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace iamd::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ErrorCode = boost::system::error_code;
using common::Error;
using common::Result;

// Bytes asked for when waiting for the start of a request, and when draining.
constexpr std::size_t kReadChunk = 8192;
// After an error response the server reads and discards what the client still sends, for
// at most this long and this many bytes, so that closing does not reset the connection
// before the client has read the response (RFC 9112 §9.6).
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 1 << 20;
// A connection keeps body buffers up to this capacity for its next request.
constexpr std::size_t kKeptBodyCapacity = std::size_t{64} * 1024;
// How long stop() waits for connections it force-closed after the grace period.
constexpr std::chrono::milliseconds kForceCloseWait{1000};
constexpr std::chrono::milliseconds kAcceptRetry{50};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Descriptors kept free below RLIMIT_NOFILE for everything but connections (the store, the
// listener, logs).
constexpr std::size_t kReservedDescriptors = 64;
// A refused connection is logged at most this often.
constexpr std::chrono::seconds kRefusalLogInterval{1};

// Mozilla's "intermediate" server configuration (version 5.7): TLS 1.2 with forward-secret
// AEAD suites only, and TLS 1.3 with its three suites; ECDHE over X25519, P-256 and P-384,
// DHE over OpenSSL's built-in groups. No compression, no renegotiation, no session tickets.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kTlsGroups = "X25519:prime256v1:secp384r1";

using TlsContext = net::ssl::context;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

class Connection;

Error tls_error(std::string message) {
  return Error{"TlsConfig", std::move(message), ""};
}

// OpenSSL's queued errors as one line (the last, most specific reason), and clears them.
std::string openssl_reason() {
  std::string reason = "unknown OpenSSL error";
  while (unsigned long e = ERR_get_error()) {
    const char* r = ERR_reason_error_string(e);
    reason = r != nullptr ? r : "OpenSSL error " + std::to_string(e);
  }
  return reason;
}

// An encrypted key would make OpenSSL ask for a passphrase on the terminal: no passphrase.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

// The TLS context of `o`'s certificate and key files; null when neither is set.
Result<std::shared_ptr<TlsContext>> load_tls(const ServerOptions& o) {
  const std::string& cert = o.tls_certificate_file;
  const std::string& key = o.tls_key_file;
  if (cert.empty() && key.empty()) return std::shared_ptr<TlsContext>();
  if (cert.empty()) return tls_error("a TLS key file was given without a certificate file");
  if (key.empty()) return tls_error("a TLS certificate file was given without a key file");
  for (const std::string* file : {&cert, &key}) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      return tls_error("cannot read the TLS " + std::string(file == &cert ? "certificate" : "key") + " file " + *file +
                       ": " + std::strerror(errno));
    }
  }
  // [IMPL] As ssh does with its keys: a private key that others may read (or change) is
  // refused rather than served, so that the mistake is fixed before the key leaks.
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0) {
    return tls_error("cannot read the TLS key file " + key + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return tls_error("the TLS key file " + key + " is open to group or others (mode " + mode +
                     "); make it readable by its owner only (chmod 600 " + key + ")");
  }
  std::shared_ptr<TlsContext> context;
  try {
    context = std::make_shared<TlsContext>(TlsContext::tls_server);
  } catch (const std::exception& e) {
    return tls_error(std::string("cannot create a TLS context: ") + e.what());
  }
  SSL_CTX* ctx = context->native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1 || SSL_CTX_set1_groups_list(ctx, kTlsGroups) != 1 ||
      SSL_CTX_set_dh_auto(ctx, 1) != 1) {
    return tls_error("cannot configure TLS: " + openssl_reason());
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);  // Mozilla: the client chooses
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);              // idle keep-alive connections stay small
  static constexpr unsigned char kSessionContext[] = "iamd";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    return tls_error("cannot load the TLS certificate file " + cert +
                     " (PEM, the server's certificate first): " + openssl_reason());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      return tls_error("the TLS key in " + key + " does not match the certificate in " + cert);
    }
    return tls_error("cannot load the TLS key file " + key + " (an unencrypted PEM private key): " + openssl_reason());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return tls_error("the TLS key in " + key + " does not match the certificate in " + cert + ": " + openssl_reason());
  }
  return context;
}

// What the connections share with the server. Outlives every connection (see Impl).
struct State {
  State(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  void log(std::string_view line) const {
    if (!options.error_log) return;
    try {
      options.error_log(line);
    } catch (...) {
      // A failing log sink must not take a connection down with it.
    }
  }

  const ServerOptions options;
  const Handler handler;
  std::atomic<bool> stopping{false};
  // Runs the requests options.may_block marks (created by start() when it is set).
  std::unique_ptr<net::thread_pool> blocking;
  // The TLS context new connections get (null: plain HTTP); replaced by reload_tls().
  std::shared_ptr<TlsContext> tls() const {
    std::lock_guard lock(tls_mu);
    return tls_context;
  }
  mutable std::mutex tls_mu;
  std::shared_ptr<TlsContext> tls_context;

  mutable std::mutex mu;
  std::condition_variable drained;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections;
};

// Set on worker threads, to catch stop() called from a handler (it would join itself).
thread_local const State* tl_worker_of = nullptr;

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7), formatted once per second per thread.
std::string_view http_date() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached = -1;
  thread_local char text[40];
  std::time_t now = std::time(nullptr);
  if (now != cached) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                  kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached = now;
  }
  return text;
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

// A header name is an RFC 9110 token; a value has no CR, LF or NUL. Checked on what a
// handler returns, so that no handler can split a response.
bool valid_field(const Field& f) {
  if (f.name.empty()) return false;
  for (char c : f.name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == ':' || c == '(' || c == ')' || c == ',' || c == '/' || c == ';' || c == '<' ||
        c == '=' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '{' || c == '}' ||
        c == '"') {
      return false;
    }
  }
  for (char c : f.value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

// The response `options.error_response` gives for `status`, with the status forced; nullopt
// when there is none, it threw or it returned an invalid header.
std::optional<Response> error_page(const State& state, int status) {
  if (!state.options.error_response) return std::nullopt;
  try {
    Response r = state.options.error_response(status);
    r.status = status;
    for (const Field& f : r.headers) {
      if (!valid_field(f)) {
        state.log("error_response returned an invalid header");
        return std::nullopt;
      }
    }
    return r;
  } catch (...) {
    state.log("error_response threw an exception");
    return std::nullopt;
  }
}

// Whether a comma-separated header value holds `token` (ASCII case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  for (std::string_view part : common::split(value, ',')) {
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (common::iequals(part, token)) return true;
  }
  return false;
}

// Feeds Beast's parser events straight into a Request.
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  RequestParser(Request& request, std::size_t max_fields) : request_(request), max_fields_(max_fields) {}
  bhttp::verb verb() const { return verb_; }

 private:
  void on_request_impl(bhttp::verb method, beast::string_view method_text, beast::string_view target, int version,
                       ErrorCode&) override {
    verb_ = method;
    request_.method.assign(method_text.data(), method_text.size());
    request_.target.assign(target.data(), target.size());
    request_.version = version;
  }
  void on_response_impl(int, beast::string_view, int, ErrorCode& ec) override { ec = bhttp::error::bad_version; }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, ErrorCode& ec) override {
    if (request_.headers.size() >= max_fields_) {
      ec = bhttp::error::header_limit;  // answered 431, as a header over the size limit is
      return;
    }
    request_.headers.add({name.data(), name.size()}, {value.data(), value.size()});
  }
  void on_header_impl(ErrorCode&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, ErrorCode&) override {
    // The parser has already checked the length against the body limit.
    if (length) request_.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, ErrorCode&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, ErrorCode&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, ErrorCode&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(ErrorCode&) override {}

  Request& request_;
  const std::size_t max_fields_;
  bhttp::verb verb_ = bhttp::verb::unknown;
};

// One accepted TCP connection, as the server sees it whatever its stream. Every member
// function runs on the thread of the event loop the connection belongs to (one loop per
// worker thread, so no strand is needed); outstanding operations hold a shared_ptr to it, so
// it lives until its last one completes.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(State& state) : state_(state) {}
  virtual ~Connection() {
    std::lock_guard lock(state_.mu);
    state_.connections.erase(this);
    if (state_.connections.empty()) state_.drained.notify_all();
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual net::any_io_executor executor() = 0;
  virtual void start() = 0;
  // The server is stopping: a connection waiting for a request (or in its TLS handshake)
  // closes now; one in the middle of a request finishes it (read_next sees `stopping` and
  // closes).
  virtual void on_server_stop() = 0;
  virtual void force_close() = 0;

 protected:
  State& state_;
};

// A connection over plain TCP (PlainStream) or TLS (TlsStream).
template <class Stream>
class StreamConnection final : public Connection {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  StreamConnection(State& state, tcp::socket socket) requires(!kTls) : Connection(state), stream_(std::move(socket)) {}
  StreamConnection(State& state, tcp::socket socket, std::shared_ptr<TlsContext> tls) requires(kTls)
      : Connection(state), tls_(std::move(tls)), stream_(std::move(socket), *tls_) {}

  net::any_io_executor executor() override { return stream_.get_executor(); }

  void start() override {
    // The first request's header is due read_header_timeout after accept, TLS handshake
    // included.
    first_deadline_ = std::chrono::steady_clock::now() + options().read_header_timeout;
    ErrorCode ec;
    auto peer = lowest().socket().remote_endpoint(ec);
    if (!ec) {
      auto address = peer.address();
      // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; aws:SourceIp wants a.b.c.d.
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
      }
      request_.peer_address = address.to_string();
      request_.peer_port = peer.port();
    }
    request_.tls = kTls;
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if constexpr (kTls) {
      phase_ = Phase::kIdle;
      lowest().expires_at(first_deadline_);
      stream_.async_handshake(net::ssl::stream_base::server, [self = me()](ErrorCode hec) {
        if (hec) return self->on_handshake_error(hec);
        self->read_next();
      });
    } else {
      read_next();
    }
  }

  void on_server_stop() override {
    if (phase_ == Phase::kIdle) close_now();
  }

  void force_close() override { close_now(); }

 private:
  enum class Phase { kIdle, kBusy, kClosing };

  std::shared_ptr<StreamConnection> me() { return std::static_pointer_cast<StreamConnection>(shared_from_this()); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // A failed handshake (a plain HTTP client, a bad client hello, a protocol or suite the
  // server does not offer, a timeout) closes the connection with one line in the log.
  // [IMPL] A client that closes before sending a byte (a load balancer's TCP probe) and the
  // server's own stop are not logged.
  void on_handshake_error(ErrorCode ec) {
    if constexpr (kTls) {
      const bool probe = (ec == net::ssl::error::stream_truncated || ec == net::error::eof) &&
                         BIO_number_read(SSL_get_rbio(stream_.native_handle())) == 0;
      close_now();
      if (probe || state_.stopping.load(std::memory_order_acquire) || ec == net::error::operation_aborted) return;
    }
    std::string line = "TLS handshake failed (client ";
    line += request_.peer_address;
    line += "): ";
    line += ec == beast::error::timeout ? std::string("timed out") : ec.message();
    state_.log(line);
  }

  const ServerOptions& options() const { return state_.options; }

  void read_next() {
    if (state_.stopping.load(std::memory_order_acquire)) return close_now();
    request_.method.clear();
    request_.target.clear();
    request_.version = 11;
    request_.headers.clear();
    if (request_.body.capacity() > kKeptBodyCapacity) request_.body = std::string();
    request_.body.clear();
    parser_.emplace(request_, options().max_header_count);
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options().max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(options().max_body_bytes));
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    phase_ = Phase::kIdle;
    if (served_ == 0) {
      lowest().expires_at(first_deadline_);
    } else {
      lowest().expires_after(options().idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = me()](ErrorCode ec, std::size_t n) {
      if (ec) return self->close_now();
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  void read_header() {
    phase_ = Phase::kBusy;
    if (served_ == 0) {
      lowest().expires_at(first_deadline_);
    } else {
      lowest().expires_after(options().read_header_timeout);
    }
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = me()](ErrorCode ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(ErrorCode ec) {
    if (ec) return on_read_error(ec);
    // RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400.
    if (request_.version >= 11 && !request_.headers.contains("host")) return send_error(400);
    // RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked has no
    // knowable length (a request-smuggling vector): 400.
    if (request_.headers.contains("transfer-encoding") && !parser_->chunked()) return send_error(400);
    if (parser_->is_done()) return handle();
    auto expect = request_.headers.get("expect");
    if (expect && request_.version >= 11 && common::iequals(*expect, "100-continue")) {
      lowest().expires_after(options().write_timeout);
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = me()](ErrorCode ec, std::size_t) {
                         if (ec) return self->close_now();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(options().read_body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = me()](ErrorCode ec, std::size_t) {
      if (ec) return self->on_read_error(ec);
      self->handle();
    });
  }

  void on_read_error(ErrorCode ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return send_error(431);
    if (ec == bhttp::error::body_limit) return send_error(413);
    // A client that closes between or inside requests has no one left to answer; timeouts
    // and socket errors close too. Any other parse error is a malformed request.
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
      return close_now();
    }
    send_error(400);
  }

  void handle() {
    ++served_;
    bool keep_alive = parser_->keep_alive() &&
                      (options().max_requests_per_connection == 0 || served_ < options().max_requests_per_connection);
    head_ = false;
    switch (parser_->verb()) {
      case bhttp::verb::head:
        head_ = true;
        [[fallthrough]];
      case bhttp::verb::get:
      case bhttp::verb::post:
        if (state_.blocking && may_block()) {
          // On the pool; the response is written back on this connection's loop.
          net::post(*state_.blocking, [self = me(), keep_alive] {
            tl_worker_of = &self->state_;
            self->call_handler();
            net::post(self->executor(), [self, keep_alive] { self->write_response(keep_alive, false); });
          });
          return;
        }
        call_handler();
        break;
      default:
        set_simple(405);
        response_.headers.add("Allow", "GET, HEAD, POST");
        break;
    }
    write_response(keep_alive, false);
  }

  bool may_block() {
    try {
      return options().may_block(request_);
    } catch (...) {
      return false;
    }
  }

  void call_handler() {
    try {
      response_ = state_.handler(request_);
    } catch (...) {
      log_failure("handler threw an exception");
      set_simple(500);
      return;
    }
    bool valid = response_.status >= 200 && response_.status <= 999;
    for (const Field& f : response_.headers) valid = valid && valid_field(f);
    if (!valid) {
      log_failure("handler returned an invalid status or header");
      set_simple(500);
    }
  }

  void log_failure(std::string_view what) {
    std::string line(what);
    line += " on ";
    line += request_.method;
    line += ' ';
    line += request_.path();
    state_.log(line);
  }

  void set_simple(int status) {
    if (auto page = error_page(state_, status)) {
      response_ = std::move(*page);
      return;
    }
    response_.status = status;
    response_.headers.clear();
    response_.headers.add("Content-Type", "text/plain; charset=utf-8");
    response_.body.assign(reason_phrase(status));
    response_.body += '\n';
  }

  // A request that cannot be served: answer, then close without resetting the connection.
  void send_error(int status) {
    phase_ = Phase::kBusy;
    head_ = false;
    set_simple(status);
    write_response(false, true);
  }

  void write_response(bool keep_alive, bool linger) {
    // A stop() that began while the handler ran closes this connection too.
    keep_alive = keep_alive && !state_.stopping.load(std::memory_order_acquire);
    const Response& r = response_;
    bool bodiless = r.status == 204 || r.status == 304;
    out_.clear();
    out_ += "HTTP/1.1 ";
    append_number(out_, static_cast<std::uint64_t>(r.status));
    out_ += ' ';
    out_ += reason_phrase(r.status);
    out_ += "\r\n";
    bool has_date = false;
    bool has_server = false;
    for (const Field& f : r.headers) {
      if (common::iequals(f.name, "connection")) {
        if (has_token(f.value, "close")) keep_alive = false;
        continue;
      }
      if (common::iequals(f.name, "content-length") || common::iequals(f.name, "transfer-encoding")) continue;
      has_date = has_date || common::iequals(f.name, "date");
      has_server = has_server || common::iequals(f.name, "server");
      out_ += f.name;
      out_ += ": ";
      out_ += f.value;
      out_ += "\r\n";
    }
    if (!bodiless) {
      out_ += "Content-Length: ";
      append_number(out_, r.body.size());
      out_ += "\r\n";
    }
    if (!has_date) {
      out_ += "Date: ";
      out_ += http_date();
      out_ += "\r\n";
    }
    if (!has_server) {
      out_ += "Server: ";
      out_ += options().server_name;
      out_ += "\r\n";
    }
    if (!keep_alive) {
      out_ += "Connection: close\r\n";
    } else if (request_.version == 10) {
      out_ += "Connection: keep-alive\r\n";
    }
    out_ += "\r\n";

    keep_alive_ = keep_alive;
    linger_ = linger;
    std::array<net::const_buffer, 2> buffers{net::buffer(out_), net::const_buffer()};
    if (!bodiless && !head_) buffers[1] = net::buffer(r.body);
    lowest().expires_after(options().write_timeout);
    net::async_write(stream_, buffers, [self = me()](ErrorCode ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(ErrorCode ec) {
    if (response_.body.capacity() > kKeptBodyCapacity) response_.body = std::string();
    if (ec) return close_now();
    if (!keep_alive_) return finish();
    read_next();
  }

  // Half-closes after the last response. After an error response, or when the client has
  // sent more than was read, drains what it sends (bounded) before closing.
  // Over TLS: drains the same way when it must (without close_notify: the response's length
  // delimits it), else sends close_notify and waits (as long) for the client's.
  void finish() {
    phase_ = Phase::kClosing;
    lowest().expires_after(std::min<std::chrono::steady_clock::duration>(kLingerTime, options().read_body_timeout));
    if constexpr (kTls) {
      ErrorCode ec;
      if (linger_ || buffer_.size() > 0 || lowest().socket().available(ec) > 0) {
        drained_ = 0;
        return drain();
      }
      stream_.async_shutdown([self = me()](ErrorCode) { self->close_now(); });
    } else {
      ErrorCode ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return close_now();
      bool unread = buffer_.size() > 0 || lowest().socket().available(ec) > 0;
      if (!linger_ && !unread) return close_now();
      drained_ = 0;
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = me()](ErrorCode ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerBytes) return self->close_now();
      self->drain();
    });
  }

  void close_now() {
    phase_ = Phase::kClosing;
    lowest().close();
  }

  std::shared_ptr<TlsContext> tls_;  // before stream_, which uses it
  Stream stream_;
  std::chrono::steady_clock::time_point first_deadline_{};
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Request request_;
  Response response_;
  std::string out_;
  Phase phase_ = Phase::kIdle;
  unsigned served_ = 0;
  std::size_t drained_ = 0;
  bool keep_alive_ = false;
  bool linger_ = false;
  bool head_ = false;
};

Error invalid_address(std::string_view listen, std::string_view why) {
  return Error{"InvalidListenAddress", "listen address \"" + std::string(listen) + "\" " + std::string(why), ""};
}

Result<tcp::endpoint> parse_listen(std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) return invalid_address(listen, "is not host:port");
  std::string_view host = listen.substr(0, colon);
  std::string_view port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || port_text.size() > 5 || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return invalid_address(listen, "has no port number between 0 and 65535");
  }
  net::ip::address address;
  ErrorCode error;
  if (host.empty()) {
    address = net::ip::address_v4::any();
  } else if (host == "localhost") {
    address = net::ip::address_v4::loopback();
  } else if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    address = net::ip::make_address_v6(std::string(host.substr(1, host.size() - 2)), error);
  } else {
    address = net::ip::make_address_v4(std::string(host), error);
  }
  if (error) return invalid_address(listen, "has no numeric IPv4 host, [IPv6] host or localhost");
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler) : state_(std::move(options), std::move(handler)) {}
  ~Impl() { stop(); }

  Result<void> start() {
    std::lock_guard lock(lifecycle_);
    if (started_) return Error{"InvalidState", "the server was already started", ""};
    auto endpoint = parse_listen(state_.options.listen);
    if (!endpoint) return endpoint.error();
    auto tls = load_tls(state_.options);  // before binding: a bad pair leaves nothing listening
    if (!tls) return tls.error();
    {
      std::lock_guard tls_lock(state_.tls_mu);
      state_.tls_context = std::move(*tls);
    }
    unsigned threads = state_.options.threads != 0 ? state_.options.threads : std::thread::hardware_concurrency();
    threads = std::max(threads, 1u);
    connection_cap_ = state_.options.max_connections != 0 ? state_.options.max_connections : SIZE_MAX;
    if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
                        files.rlim_cur > 2 * kReservedDescriptors) {
      connection_cap_ = std::min<std::size_t>(connection_cap_, files.rlim_cur - kReservedDescriptors);
    }

    // One event loop per worker thread (concurrency hint 1): a connection stays on the loop
    // it was accepted onto, round robin, so its handlers never run concurrently and the
    // loops share nothing but the handler.
    for (unsigned i = 0; i < threads; ++i) iocs_.push_back(std::make_unique<net::io_context>(1));
    acceptor_.emplace(iocs_[0]->get_executor());
    accept_timer_.emplace(acceptor_->get_executor());
    auto fail = [&](std::string code, std::string_view what, std::string_view why) {
      accept_timer_.reset();
      acceptor_.reset();
      iocs_.clear();
      return Error{std::move(code), std::string(what) + " " + state_.options.listen + ": " + std::string(why), ""};
    };
    ErrorCode ec;
    acceptor_->open(endpoint->protocol(), ec);
    if (ec) return fail("ListenFailed", "cannot open a socket for", ec.message());
    acceptor_->set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("ListenFailed", "cannot set SO_REUSEADDR on", ec.message());
    acceptor_->bind(*endpoint, ec);
    if (ec == net::error::address_in_use) return fail("AddressInUse", "cannot bind", ec.message());
    if (ec) return fail("ListenFailed", "cannot bind", ec.message());
    acceptor_->listen(net::socket_base::max_listen_connections, ec);
    if (ec == net::error::address_in_use) return fail("AddressInUse", "cannot listen on", ec.message());
    if (ec) return fail("ListenFailed", "cannot listen on", ec.message());
    auto local = acceptor_->local_endpoint(ec);
    if (ec) return fail("ListenFailed", "cannot read the bound address of", ec.message());

    if (state_.options.may_block) {
      const unsigned pool = state_.options.blocking_threads != 0 ? state_.options.blocking_threads : 4 * threads;
      try {
        state_.blocking = std::make_unique<net::thread_pool>(pool);
      } catch (const std::system_error& e) {
        return fail("ListenFailed", "cannot start the blocking threads for", e.what());
      }
    }
    for (auto& ioc : iocs_) works_.emplace_back(ioc->get_executor());
    accept();
    try {
      for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this, i] { run_worker(*iocs_[i]); });
    } catch (const std::system_error& e) {
      works_.clear();
      for (auto& ioc : iocs_) ioc->stop();
      for (auto& t : threads_) t.join();
      threads_.clear();
      if (state_.blocking) {
        state_.blocking->join();
        state_.blocking.reset();
      }
      return fail("ListenFailed", "cannot start worker threads for", e.what());
    }
    port_.store(local.port());
    started_ = true;
    running_ = true;
    return {};
  }

  void stop() {
    std::lock_guard lock(lifecycle_);
    if (!running_) return;
    running_ = false;
    assert(tl_worker_of != &state_ && "Server::stop() called from a handler");
    auto deadline = std::chrono::steady_clock::now() + state_.options.shutdown_grace;
    state_.stopping.store(true, std::memory_order_release);

    auto closed = std::make_shared<std::promise<void>>();
    net::post(acceptor_->get_executor(), [this, closed] {
      ErrorCode ec;
      accept_timer_->cancel();
      acceptor_->close(ec);
      closed->set_value();
    });
    closed->get_future().wait_until(deadline);

    for (auto& c : live_connections()) net::post(c->executor(), [c] { c->on_server_stop(); });
    if (!wait_for_connections(deadline)) {
      for (auto& c : live_connections()) net::post(c->executor(), [c] { c->force_close(); });
      wait_for_connections(std::chrono::steady_clock::now() + kForceCloseWait);
    }

    // Requests still running on the blocking pool finish (their responses are posted to loops
    // that still run, or dropped with them below).
    if (state_.blocking) {
      state_.blocking->join();
      state_.blocking.reset();
    }
    works_.clear();
    for (auto& ioc : iocs_) ioc->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    // Destroying the io_contexts destroys the handlers they still hold, and with them any
    // connection that outlived the waits above.
    accept_timer_.reset();
    acceptor_.reset();
    iocs_.clear();
    port_.store(0);
  }

  Result<void> reload_tls() {
    std::lock_guard lock(lifecycle_);
    if (!running_ || !state_.tls()) return Error{"InvalidState", "the server is not serving TLS", ""};
    auto tls = load_tls(state_.options);
    if (!tls) return tls.error();
    std::lock_guard tls_lock(state_.tls_mu);
    state_.tls_context = std::move(*tls);
    return {};
  }

  std::uint16_t port() const { return port_.load(); }

  std::size_t open_connections() const {
    std::lock_guard lock(state_.mu);
    return state_.connections.size();
  }

 private:
  void accept() {
    net::io_context& loop = *iocs_[next_loop_++ % iocs_.size()];
    acceptor_->async_accept(loop.get_executor(),
                            [this](ErrorCode ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
  }

  void on_accept(ErrorCode ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_->is_open() || state_.stopping.load()) return;
    if (ec) {
      // Out of descriptors or memory, or the peer gave up: retry shortly instead of spinning.
      state_.log("accept failed: " + ec.message());
      accept_timer_->expires_after(kAcceptRetry);
      accept_timer_->async_wait([this](ErrorCode wait_ec) {
        if (!wait_ec && acceptor_->is_open()) accept();
      });
      return;
    }
    // Only this thread adds connections, so the count cannot grow between check and add.
    std::size_t open = 0;
    {
      std::lock_guard lock(state_.mu);
      open = state_.connections.size();
    }
    if (open >= connection_cap_) {
      refuse(socket, open);
      accept();
      return;
    }
    std::shared_ptr<Connection> connection;
    if (auto tls = state_.tls()) {
      connection = std::make_shared<StreamConnection<TlsStream>>(state_, std::move(socket), std::move(tls));
    } else {
      connection = std::make_shared<StreamConnection<PlainStream>>(state_, std::move(socket));
    }
    {
      std::lock_guard lock(state_.mu);
      state_.connections.emplace(connection.get(), connection);
    }
    net::dispatch(connection->executor(), [connection] { connection->start(); });
    accept();
  }

  // Over the connection cap: one non-blocking write of a 503 (a fresh socket's send buffer
  // takes it whole), then close. Nothing of the request is read, so the client may see a
  // reset instead; either way it learns at once that it was not served.
  // [IMPL] Over TLS the 503 would need a handshake first: the connection is closed at once.
  void refuse(tcp::socket& socket, std::size_t open) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log_ >= kRefusalLogInterval) {
      last_refusal_log_ = now;
      state_.log("connection refused: " + std::to_string(open) + " connections open, the cap is " +
                 std::to_string(connection_cap_));
    }
    ErrorCode ec;
    if (state_.tls()) {
      socket.close(ec);
      return;
    }
    Response page;
    if (auto custom = error_page(state_, 503)) {
      page = std::move(*custom);
    } else {
      page.headers.add("Content-Type", "text/plain; charset=utf-8");
      page.body = "Service Unavailable\n";
    }
    std::string out = "HTTP/1.1 503 Service Unavailable\r\n";
    for (const Field& f : page.headers) {
      if (common::iequals(f.name, "connection") || common::iequals(f.name, "content-length") ||
          common::iequals(f.name, "transfer-encoding")) {
        continue;
      }
      out += f.name;
      out += ": ";
      out += f.value;
      out += "\r\n";
    }
    out += "Content-Length: ";
    append_number(out, page.body.size());
    out += "\r\nRetry-After: 1\r\nDate: ";
    out += http_date();
    out += "\r\nServer: ";
    out += state_.options.server_name;
    out += "\r\nConnection: close\r\n\r\n";
    out += page.body;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(net::buffer(out), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  void run_worker(net::io_context& ioc) {
    tl_worker_of = &state_;
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (...) {
        state_.log("worker thread caught an exception from the event loop");
      }
    }
  }

  std::vector<std::shared_ptr<Connection>> live_connections() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(state_.mu);
    out.reserve(state_.connections.size());
    for (auto& [key, weak] : state_.connections) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }

  bool wait_for_connections(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(state_.mu);
    return state_.drained.wait_until(lock, deadline, [&] { return state_.connections.empty(); });
  }

  // Declaration order is destruction order reversed: the io_contexts (and the connections
  // their handlers own) go before the State they point to.
  State state_;
  std::mutex lifecycle_;
  bool started_ = false;
  bool running_ = false;
  std::atomic<std::uint16_t> port_{0};
  std::vector<std::unique_ptr<net::io_context>> iocs_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> works_;
  std::size_t next_loop_ = 0;       // the loop of the next accepted connection (accept runs on loop 0)
  std::size_t connection_cap_ = 0;  // max_connections, bounded by RLIMIT_NOFILE (set by start)
  std::chrono::steady_clock::time_point last_refusal_log_{};  // accept thread only
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::steady_timer> accept_timer_;
  std::vector<std::thread> threads_;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Result<void> Server::start() {
  return impl_->start();
}
void Server::stop() {
  impl_->stop();
}
Result<void> Server::reload_tls() {
  return impl_->reload_tls();
}
std::uint16_t Server::port() const {
  return impl_->port();
}
std::size_t Server::open_connections() const {
  return impl_->open_connections();
}

}  // namespace iamd::http
