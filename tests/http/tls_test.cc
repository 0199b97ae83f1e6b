// The server over TLS: a certificate and key generated at test time with OpenSSL's API, a
// blocking OpenSSL client over a POSIX socket with a receive timeout (no case can hang).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace iamd::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key new_key() {
  return Key(EVP_EC_gen("P-256"));
}

// A self-signed certificate for `cn` with 127.0.0.1 and localhost as its names.
Cert self_signed(EVP_PKEY* key, const std::string& cn) {
  Cert x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), static_cast<long>(std::rand() % 100000 + 1));
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  X509_add_ext(x.get(), san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x.get(), key, EVP_sha256());
  return x;
}

void write_cert(const fs::path& path, X509* x) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, x);
  std::fclose(f);
}

void write_key(const fs::path& path, EVP_PKEY* k, mode_t mode = 0600) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  ::chmod(path.c_str(), mode);
}

// A temporary folder with cert.pem / key.pem (CN "first") and a second key.
class Pki {
 public:
  Pki() {
    char tmpl[] = "/tmp/iamd-tls-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    key_ = new_key();
    other_ = new_key();
    cert_ = self_signed(key_.get(), "first");
    write_cert(cert(), cert_.get());
    write_key(key(), key_.get());
    write_key(dir_ / "other-key.pem", other_.get());
  }
  ~Pki() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir() const { return dir_; }
  std::string cert() const { return dir_ / "cert.pem"; }
  std::string key() const { return dir_ / "key.pem"; }
  std::string other_key() const { return dir_ / "other-key.pem"; }
  // Replaces cert.pem and key.pem by a new pair for `cn`.
  void renew(const std::string& cn) {
    key_ = new_key();
    cert_ = self_signed(key_.get(), cn);
    write_cert(cert(), cert_.get());
    write_key(key(), key_.get());
  }

 private:
  fs::path dir_;
  Key key_, other_;
  Cert cert_;
};

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
  bool has(std::string_view header_line) const { return head.find(header_line) != std::string::npos; }
};

int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{};
  tv.tv_sec = 5;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Whether the peer closes `fd` (EOF or reset) within `within`, discarding what arrives.
bool raw_closed_by_peer(int fd, std::chrono::milliseconds within) {
  timeval tv{};
  tv.tv_usec = 20'000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto deadline = Clock::now() + within;
  char scratch[4096];
  while (Clock::now() < deadline) {
    ssize_t n = ::recv(fd, scratch, sizeof scratch, 0);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
  }
  return false;
}

// A blocking TLS client that trusts the test certificate.
class TlsClient {
 public:
  // `max_version`/`ciphers`: what the client offers (0 / empty: OpenSSL's defaults).
  TlsClient(std::uint16_t port, const std::string& ca_file, int max_version = 0, const char* ciphers = nullptr,
            int min_version = 0) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (min_version != 0) SSL_CTX_set_min_proto_version(ctx_, min_version);
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_, max_version);
    if (ciphers != nullptr) SSL_CTX_set_cipher_list(ctx_, ciphers);
    fd_ = connect_loopback(port);
    if (fd_ < 0) return;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set1_host(ssl_, "localhost");
    handshake_ok_ = SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  bool ok() const { return handshake_ok_; }
  int version() const { return SSL_version(ssl_); }
  std::string cipher() const { return SSL_get_cipher_name(ssl_); }
  std::string peer_cn() const {
    X509* peer = SSL_get1_peer_certificate(ssl_);
    if (peer == nullptr) return "";
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
    X509_free(peer);
    return cn;
  }

  // Asks for a renegotiation (TLS 1.2); the reason OpenSSL gives when it fails, 0 when it worked.
  int renegotiation_refusal() {
    if (SSL_renegotiate(ssl_) != 1) return -1;
    int done = SSL_do_handshake(ssl_);
    int reason = done == 1 ? 0 : ERR_GET_REASON(ERR_peek_last_error());
    ERR_clear_error();
    return reason;
  }

  bool send(std::string_view data) {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size());
  }

  std::optional<Reply> read_reply() {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Reply r;
    r.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    if (r.head.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    r.status = std::stoi(r.head.substr(9, 3));
    std::size_t length = 0;
    if (auto at = r.head.find("Content-Length: "); at != std::string::npos) length = std::stoul(r.head.substr(at + 16));
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // Whether the server ends the connection (close_notify, EOF or reset) within a few seconds.
  bool closed_by_peer() {
    char scratch[4096];
    for (;;) {
      int n = SSL_read(ssl_, scratch, sizeof scratch);
      if (n > 0) continue;
      int e = SSL_get_error(ssl_, n);
      ERR_clear_error();
      return e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SSL || (e == SSL_ERROR_SYSCALL && errno != EAGAIN);
    }
  }

 private:
  bool fill() {
    char chunk[16384];
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n <= 0) {
      ERR_clear_error();
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool handshake_ok_ = false;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

Response tls_handler(const Request& r) {
  if (r.path() == "/sleep") std::this_thread::sleep_for(300ms);
  Response out;
  out.body = std::string(r.tls ? "tls" : "plain") + " " + r.method + " " + std::string(r.path()) + " " + r.body;
  return out;
}

// A server's log lines, kept for the checks.
struct Log {
  std::mutex mu;
  std::vector<std::string> lines;
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return lines;
  }
  std::size_t count(std::string_view part) {
    std::size_t n = 0;
    for (const auto& l : snapshot()) n += l.find(part) != std::string::npos ? 1 : 0;
    return n;
  }
};

ServerOptions tls_options(const Pki& pki, Log* log = nullptr) {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  o.read_header_timeout = 3s;
  o.read_body_timeout = 3s;
  o.write_timeout = 3s;
  o.idle_timeout = 3s;
  o.shutdown_grace = 2s;
  o.tls_certificate_file = pki.cert();
  o.tls_key_file = pki.key();
  if (log != nullptr) {
    o.error_log = [log](std::string_view line) {
      std::lock_guard lock(log->mu);
      log->lines.emplace_back(line);
    };
  }
  return o;
}

std::unique_ptr<Server> start_tls(ServerOptions o, Handler h = tls_handler) {
  auto server = std::make_unique<Server>(std::move(o), std::move(h));
  auto started = server->start();
  EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().message);
  return server;
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds within = 2s) {
  auto deadline = Clock::now() + within;
  while (Clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return f();
}

TEST(TlsServer, RequestsOverTls13WithKeepAlive) {
  Pki pki;
  auto server = start_tls(tls_options(pki));
  TlsClient c(server->port(), pki.cert());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.version(), TLS1_3_VERSION);
  ASSERT_TRUE(c.send(get("/one")));
  auto one = c.read_reply();
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(one->body, "tls GET /one ");
  EXPECT_FALSE(one->has("Connection: close"));
  // The same connection carries the next requests (keep-alive), a POST with a body included.
  ASSERT_TRUE(c.send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  auto two = c.read_reply();
  ASSERT_TRUE(two);
  EXPECT_EQ(two->body, "tls POST /two hello");
  ASSERT_TRUE(c.send(get("/three", "Connection: close\r\n")));
  auto three = c.read_reply();
  ASSERT_TRUE(three);
  EXPECT_EQ(three->body, "tls GET /three ");
  EXPECT_TRUE(three->has("Connection: close"));
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }));
}

TEST(TlsServer, Tls12WithForwardSecretAeadSuitesOnly) {
  Pki pki;
  Log log;
  auto server = start_tls(tls_options(pki, &log));
  TlsClient c12(server->port(), pki.cert(), TLS1_2_VERSION);
  ASSERT_TRUE(c12.ok());
  EXPECT_EQ(c12.version(), TLS1_2_VERSION);
  EXPECT_EQ(c12.cipher().rfind("ECDHE-ECDSA-", 0), 0u) << c12.cipher();
  ASSERT_TRUE(c12.send(get("/v12")));
  auto r = c12.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "tls GET /v12 ");

  // A client offering only a suite without forward secrecy, or only TLS 1.1, gets no
  // connection, and each refusal is one line of the log.
  TlsClient static_rsa(server->port(), pki.cert(), TLS1_2_VERSION, "AES128-GCM-SHA256:AES256-SHA");
  EXPECT_FALSE(static_rsa.ok());
  TlsClient old(server->port(), pki.cert(), TLS1_1_VERSION, "DEFAULT:@SECLEVEL=0", TLS1_VERSION);
  EXPECT_FALSE(old.ok());
  EXPECT_TRUE(eventually([&] { return log.count("TLS handshake failed") == 2; }));
  EXPECT_EQ(log.count("unsupported protocol"), 1u);
}

TEST(TlsServer, RefusesRenegotiation) {
  Pki pki;
  auto server = start_tls(tls_options(pki));
  TlsClient c(server->port(), pki.cert(), TLS1_2_VERSION);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.renegotiation_refusal(), SSL_R_NO_RENEGOTIATION);
}

TEST(TlsServer, PlainHttpClientOnTheTlsPortIsClosedAndLoggedOnce) {
  Pki pki;
  Log log;
  auto server = start_tls(tls_options(pki, &log));
  int fd = connect_loopback(server->port());
  ASSERT_GE(fd, 0);
  std::string request = get("/plain");
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  EXPECT_TRUE(raw_closed_by_peer(fd, 2s));
  ::close(fd);
  EXPECT_TRUE(eventually([&] { return log.count("TLS handshake failed") == 1; }));
  EXPECT_EQ(log.snapshot().size(), 1u);
  // A TCP probe that sends nothing and closes is not worth a line.
  int probe = connect_loopback(server->port());
  ASSERT_GE(probe, 0);
  ::close(probe);
  // Bytes that are no TLS at all: closed, logged.
  int junk = connect_loopback(server->port());
  ASSERT_GE(junk, 0);
  ASSERT_EQ(::send(junk, "\x16\x03\x01\x00\x05junk!", 10, MSG_NOSIGNAL), 10);
  EXPECT_TRUE(raw_closed_by_peer(junk, 2s));
  ::close(junk);
  EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }));
  EXPECT_EQ(log.count("TLS handshake failed"), 2u);
  // The server goes on serving TLS clients.
  TlsClient c(server->port(), pki.cert());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send(get("/after")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// The handshake counts against read_header_timeout: the first request's header is due that
// long after accept, however long the handshake took.
TEST(TlsServer, HandshakeCountsAgainstTheHeaderTimeout) {
  Pki pki;
  Log log;
  ServerOptions o = tls_options(pki, &log);
  o.read_header_timeout = 500ms;
  auto server = start_tls(o);

  auto began = Clock::now();
  int silent = connect_loopback(server->port());  // no handshake at all
  ASSERT_GE(silent, 0);
  EXPECT_TRUE(raw_closed_by_peer(silent, 3s));
  auto took = Clock::now() - began;
  ::close(silent);
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(eventually([&] { return log.count("timed out") == 1; }));

  began = Clock::now();
  TlsClient slow(server->port(), pki.cert());
  ASSERT_TRUE(slow.ok());
  std::this_thread::sleep_for(350ms);
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\n"));  // half a header, 350 ms after accept
  EXPECT_TRUE(slow.closed_by_peer());
  took = Clock::now() - began;
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 850ms);  // a fresh header timeout from the first byte would close at 850 ms
}

// An error answer (413 here) reaches a client still sending its body: the server sends
// close_notify after it and waits (bounded) for the client's before closing, without a reset.
TEST(TlsServer, ErrorAnswerReachesAClientStillSending) {
  Pki pki;
  ServerOptions o = tls_options(pki);
  o.max_body_bytes = 1024;
  auto server = start_tls(o);
  std::signal(SIGPIPE, SIG_IGN);  // a reset shows as a failed send, not the end of the process
  for (int round = 0; round < 5; ++round) {
    TlsClient c(server->port(), pki.cert());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 60000\r\n\r\n"));
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(c.send(std::string(10000, 'x'))) << i;
    auto r = c.read_reply();
    ASSERT_TRUE(r) << "round " << round;
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(r->has("Connection: close"));
    EXPECT_TRUE(c.closed_by_peer());
  }
}

TEST(TlsServer, StartRefusesBadCertificateOrKeyFilesWithNothingListening) {
  Pki pki;
  const std::string not_pem = (pki.dir() / "not.pem").string();
  {
    FILE* f = std::fopen(not_pem.c_str(), "w");
    std::fputs("not a certificate\n", f);
    std::fclose(f);
    ::chmod(not_pem.c_str(), 0600);
  }
  const std::string open_key = (pki.dir() / "open-key.pem").string();
  fs::copy_file(pki.key(), open_key);
  ::chmod(open_key.c_str(), 0640);
  struct Case {
    const char* name;
    std::string cert, key;
    const char* says;
  };
  const Case cases[] = {
      {"certificate without key", pki.cert(), "", "without a key file"},
      {"key without certificate", "", pki.key(), "without a certificate file"},
      {"missing certificate", (pki.dir() / "none.pem").string(), pki.key(), "cannot read the TLS certificate file"},
      {"missing key", pki.cert(), (pki.dir() / "none.pem").string(), "cannot read the TLS key file"},
      {"certificate not PEM", not_pem, pki.key(), "cannot load the TLS certificate file"},
      {"key not PEM", pki.cert(), not_pem, "cannot load the TLS key file"},
      {"key of another certificate", pki.cert(), pki.other_key(), "does not match the certificate"},
      {"key readable by the group", pki.cert(), open_key, "open to group or others (mode 0640)"},
  };
  for (const Case& c : cases) {
    // A port that was free a moment ago: after the refusal, nothing listens on it.
    int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(probe);
    const std::uint16_t port = ntohs(addr.sin_port);
    ServerOptions o = tls_options(pki);
    o.listen = "127.0.0.1:" + std::to_string(port);
    o.tls_certificate_file = c.cert;
    o.tls_key_file = c.key;
    Server server(o, tls_handler);
    auto started = server.start();
    ASSERT_FALSE(started.has_value()) << c.name;
    EXPECT_EQ(started.error().code, "TlsConfig") << c.name;
    EXPECT_NE(started.error().message.find(c.says), std::string::npos) << c.name << ": " << started.error().message;
    EXPECT_EQ(server.port(), 0) << c.name;
    int fd = connect_loopback(port);
    EXPECT_LT(fd, 0) << c.name << ": something listens";
    if (fd >= 0) ::close(fd);
  }
}

TEST(TlsServer, StopLetsATlsRequestInFlightFinish) {
  Pki pki;
  auto server = start_tls(tls_options(pki));
  TlsClient idle(server->port(), pki.cert());
  ASSERT_TRUE(idle.ok());
  TlsClient busy(server->port(), pki.cert());
  ASSERT_TRUE(busy.ok());
  ASSERT_TRUE(busy.send(get("/sleep")));
  std::this_thread::sleep_for(100ms);
  std::thread stopper([&] { server->stop(); });
  auto r = busy.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "tls GET /sleep ");
  EXPECT_TRUE(r->has("Connection: close"));
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_TRUE(idle.closed_by_peer());
  stopper.join();
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST(TlsServer, ReloadServesTheRenewedCertificateToNewConnections) {
  Pki pki;
  auto server = start_tls(tls_options(pki));
  TlsClient before(server->port(), pki.cert());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before.peer_cn(), "first");

  pki.renew("second");
  ASSERT_TRUE(server->reload_tls().has_value());
  TlsClient after(server->port(), pki.cert());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.peer_cn(), "second");
  ASSERT_TRUE(before.send(get("/old")));  // an open connection keeps its session
  auto r = before.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "tls GET /old ");

  // A bad pair on reload is an error and the one in use stays.
  ::chmod(pki.key().c_str(), 0644);
  auto bad = server->reload_tls();
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "TlsConfig");
  TlsClient still(server->port(), pki.cert());
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still.peer_cn(), "second");

  // A plain server has nothing to reload.
  ServerOptions plain = tls_options(pki);
  plain.tls_certificate_file.clear();
  plain.tls_key_file.clear();
  auto http = start_tls(plain);
  auto none = http->reload_tls();
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, "InvalidState");
}

}  // namespace
}  // namespace iamd::http
