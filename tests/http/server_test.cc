// Starts the real server on 127.0.0.1:0 and talks raw HTTP to it over POSIX sockets. Every
// socket has a receive timeout, so no case can hang.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace iamd::http {
namespace {

using namespace std::chrono_literals;
using namespace std::string_view_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxHeader = 1024;
constexpr std::size_t kMaxBody = 4096;
constexpr std::size_t kMaxFields = 20;

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
    }
    return std::nullopt;
  }
};

// A blocking loopback client. Reads give up after `timeout`.
class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::milliseconds timeout = 5s) : timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_receive_timeout(50ms);
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; `head` means the response to a HEAD request (no body despite its length).
  std::optional<Reply> read_reply(bool head = false) {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Reply reply;
    std::string_view head_text(buffer_.data(), end);
    std::size_t line_end = head_text.find("\r\n");
    std::string_view status_line = head_text.substr(0, line_end);
    if (status_line.substr(0, 9) != "HTTP/1.1 " || status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(std::string(status_line.substr(9, 3)));
    while (line_end != std::string_view::npos) {
      std::size_t start = line_end + 2;
      line_end = head_text.find("\r\n", start);
      std::string_view line = head_text.substr(start, line_end == std::string_view::npos ? line_end : line_end - start);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      reply.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    buffer_.erase(0, end + 4);
    std::size_t length = 0;
    if (auto cl = reply.header("content-length"); cl && !head) length = std::stoul(*cl);
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  // Whether the server closes the connection (EOF or reset) within `within`; bytes that
  // arrive meanwhile are discarded.
  bool closed_by_peer(std::chrono::milliseconds within = 2s) {
    auto deadline = Clock::now() + within;
    char scratch[4096];
    while (Clock::now() < deadline) {
      ssize_t n = ::recv(fd_, scratch, sizeof scratch, 0);
      if (n == 0) return true;
      if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
    }
    return false;
  }

  // Bytes already received but not yet consumed by read_reply.
  const std::string& pending() const { return buffer_; }

 private:
  void set_receive_timeout(std::chrono::milliseconds t) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  bool fill() {
    auto deadline = Clock::now() + timeout_;
    char chunk[16384];
    while (Clock::now() < deadline) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    }
    return false;
  }

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

std::string post(std::string_view target, std::string_view body, std::string_view extra = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

// Routes of the test handler; anything else echoes the request back.
Response test_handler(const Request& r) {
  if (r.path() == "/throw") throw std::runtime_error("secret-access-key-material");
  if (r.path() == "/sleep") {
    std::this_thread::sleep_for(300ms);
    return Response{200, {}, "slept"};
  }
  if (r.path() == "/close") {
    Response resp{200, {}, "bye"};
    resp.headers.add("Connection", "close");
    return resp;
  }
  if (r.path() == "/split") {
    Response resp{200, {}, "x"};
    resp.headers.add("X-Bad", "a\r\nInjected: yes");
    return resp;
  }
  if (r.path() == "/no-content") return Response{204, {}, "ignored"};
  if (r.path() == "/big") return Response{200, {}, std::string(std::size_t{32} << 20, 'x')};
  Response resp;
  resp.headers.add("Content-Type", "text/plain");
  resp.body = "method=" + r.method + "\npath=" + std::string(r.path()) + "\nquery=" + std::string(r.query()) +
              "\nversion=" + std::to_string(r.version) + "\npeer=" + r.peer_address +
              "\nx-test=" + std::string(r.headers.get("x-test").value_or("")) + "\nbody=" + r.body;
  return resp;
}

ServerOptions test_options() {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  o.max_header_bytes = kMaxHeader;
  o.max_body_bytes = kMaxBody;
  o.max_header_count = kMaxFields;
  o.read_header_timeout = 3s;
  o.read_body_timeout = 3s;
  o.write_timeout = 3s;
  o.idle_timeout = 3s;
  o.shutdown_grace = 2s;
  return o;
}

ServerOptions fast_timeouts() {
  ServerOptions o = test_options();
  o.read_header_timeout = 100ms;
  o.read_body_timeout = 100ms;
  o.idle_timeout = 100ms;
  return o;
}

std::unique_ptr<Server> start_server(ServerOptions o = test_options(), Handler h = test_handler) {
  auto server = std::make_unique<Server>(std::move(o), std::move(h));
  auto started = server->start();
  EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().message);
  EXPECT_NE(server->port(), 0);
  return server;
}

// Waits (bounded) until the server has let go of every connection.
bool connections_drain(const Server& server, std::chrono::milliseconds within = 2s) {
  auto deadline = Clock::now() + within;
  while (Clock::now() < deadline) {
    if (server.open_connections() == 0) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST(Server, GetRoundTrip) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(get("/users/a?Action=ListUsers&x=1", "X-Test: Hello\r\n")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body,
            "method=GET\npath=/users/a\nquery=Action=ListUsers&x=1\nversion=11\npeer=127.0.0.1\nx-test=Hello\nbody=");
  EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("Server"), "iamd");
  auto date = r->header("Date");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->size(), 29u) << *date;
  EXPECT_EQ(date->substr(26), "GMT");
  EXPECT_FALSE(r->header("Connection"));
}

TEST(Server, PostRoundTrip) {
  auto server = start_server();
  Client c(server->port());
  std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  ASSERT_TRUE(c.send(post("/", body, "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("method=POST\n"), std::string::npos);
  EXPECT_NE(r->body.find("\nbody=" + body), std::string::npos);
}

TEST(Server, BodyUpToTheLimitArrivesInPieces) {
  auto server = start_server();
  Client c(server->port());
  std::string body(kMaxBody, 'b');
  std::string request = post("/", body);
  for (std::size_t i = 0; i < request.size(); i += 700) {
    ASSERT_TRUE(c.send(std::string_view(request).substr(i, 700)));
    std::this_thread::sleep_for(1ms);
  }
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\nbody=" + body), std::string::npos);
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = start_server();
  Client c(server->port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send(i % 2 ? post("/k", std::to_string(i)) : get("/k?i=" + std::to_string(i))));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->header("Connection")) << i;
    EXPECT_NE(r->body.find(i % 2 ? "\nbody=" + std::to_string(i) : "query=i=" + std::to_string(i)), std::string::npos);
  }
  EXPECT_EQ(server->open_connections(), 1u);
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/a") + post("/b", "second") + get("/c") +
                     "POST /d HTTP/1.1\r\nHost: t\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
                     get("/e")));
  const char* expected[] = {"path=/a\n", "path=/b\n", "path=/c\n", "path=/d\n", "path=/e\n"};
  for (const char* path : expected) {
    auto r = c.read_reply();
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->body.find(path), std::string::npos) << r->body;
  }
}

TEST(Server, ConnectionCloseClosesAfterTheResponse) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/", "Connection: close\r\n")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_TRUE(connections_drain(*server));
}

TEST(Server, Http10ClosesUnlessKeepAliveIsAsked) {
  auto server = start_server();
  {
    Client c(server->port());
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("version=10\n"), std::string::npos);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.closed_by_peer());
  }
  Client c(server->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send("POST /old HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Connection"), "keep-alive");
    EXPECT_NE(r->body.find("\nbody=hi"), std::string::npos);
  }
}

TEST(Server, ExpectContinue) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  auto interim = c.read_reply();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  EXPECT_TRUE(interim->headers.empty());
  ASSERT_TRUE(c.send("hello"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\nbody=hello"), std::string::npos);
}

TEST(Server, ExpectContinueWithTooLargeABodyGets413WithoutContinue) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: " +
                     std::to_string(kMaxBody + 1) + "\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Server, ChunkedRequestBody) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"));
  std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(c.send("6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\nbody=hello world"), std::string::npos) << r->body;
  ASSERT_TRUE(c.send(get("/after")));
  r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("path=/after\n"), std::string::npos);
}

struct Rejection {
  const char* name;
  std::string request;
  int status;
};

// Each of these gets its status, Connection: close and a closed connection; a new
// connection is served afterwards.
TEST(Server, RejectsBadRequestsAndKeepsServing) {
  std::string chunk(kMaxBody / 2 + 1, 'c');
  char hex[16];
  std::snprintf(hex, sizeof hex, "%zx", chunk.size());
  const Rejection cases[] = {
      {"garbage", std::string("\x01\x02\x03 nonsense \xff\r\n\r\n"), 400},
      {"no request line", "\r\n\r\n\r\n", 400},
      {"bad method token", "G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"bad version", "GET / HTTQ/1.1\r\nHost: t\r\n\r\n", 400},
      {"space in field name", "GET / HTTP/1.1\r\nHost: t\r\nBad Name: v\r\n\r\n", 400},
      {"missing Host in HTTP/1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400},
      {"bad Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 12a\r\n\r\n", 400},
      {"two Content-Lengths", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
      {"Content-Length and chunked",
       "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       400},
      {"Transfer-Encoding not ending in chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc",
       400},
      {"bad chunk size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400},
      {"HTTP/2.0 (Beast parses HTTP/1.x only)", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 400},
      {"header too large", get("/", "X-Big: " + std::string(kMaxHeader, 'h') + "\r\n"), 431},
      {"header line never ends", "GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(kMaxHeader * 3, 'h'), 431},
      {"Content-Length too large", post("/", std::string(kMaxBody + 1, 'b')), 413},
      {"chunked body too large",
       "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(hex) + "\r\n" + chunk + "\r\n" +
           std::string(hex) + "\r\n" + chunk + "\r\n0\r\n\r\n",
       413},
  };
  auto server = start_server();
  for (const Rejection& c : cases) {
    Client client(server->port());
    ASSERT_TRUE(client.send(c.request)) << c.name;
    auto r = client.read_reply();
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name;
    EXPECT_EQ(r->header("Connection"), "close") << c.name;
    EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size())) << c.name;
    EXPECT_TRUE(client.closed_by_peer()) << c.name;

    Client next(server->port());
    ASSERT_TRUE(next.send(get("/next")));
    auto ok = next.read_reply();
    ASSERT_TRUE(ok) << c.name;
    EXPECT_EQ(ok->status, 200) << c.name;
  }
  EXPECT_TRUE(connections_drain(*server));
}

// Host plus 19 fields is the most a request may have; one more gets 431 and a closed
// connection, however small the fields are.
TEST(Server, TooManyHeaderFieldsGet431) {
  auto server = start_server();
  auto fields = [](std::size_t n) {
    std::string extra;
    for (std::size_t i = 0; i < n; ++i) extra += "X-F" + std::to_string(i) + ": v\r\n";
    return extra;
  };
  Client ok(server->port());
  ASSERT_TRUE(ok.send(get("/fields", fields(kMaxFields - 1))));
  auto r = ok.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  Client over(server->port());
  ASSERT_TRUE(over.send(get("/fields", fields(kMaxFields))));
  r = over.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(over.closed_by_peer());

  // Repeated fields count one by one.
  Client repeated(server->port());
  std::string same;
  for (std::size_t i = 0; i < kMaxFields; ++i) same += "X-Same: v\r\n";
  ASSERT_TRUE(repeated.send(get("/fields", same)));
  r = repeated.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(ServerOptions{}.max_header_count, 100u);
}

// Over max_connections a new connection is answered 503 and closed at once; the ones open
// keep being served, and a freed slot serves a new connection.
TEST(Server, ConnectionsOverTheCapAreRefusedAtOnce) {
  constexpr std::size_t kCap = 3;
  ServerOptions o = test_options();
  o.max_connections = kCap;
  auto server = start_server(o);
  std::vector<std::unique_ptr<Client>> held;
  for (std::size_t i = 0; i < kCap; ++i) {
    held.push_back(std::make_unique<Client>(server->port()));
    ASSERT_TRUE(held.back()->send(get("/held")));
    auto r = held.back()->read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(server->open_connections(), kCap);

  for (int attempt = 0; attempt < 3; ++attempt) {
    auto started = Clock::now();
    Client refused(server->port());
    ASSERT_TRUE(refused.connected());
    refused.send(get("/refused"));  // may fail: the server may already have closed
    auto r = refused.read_reply();
    if (r) {
      EXPECT_EQ(r->status, 503);
      EXPECT_EQ(r->header("Retry-After"), "1");
      EXPECT_EQ(r->header("Connection"), "close");
    }
    EXPECT_TRUE(refused.closed_by_peer(1s));
    EXPECT_LT(Clock::now() - started, 1500ms);
  }
  EXPECT_EQ(server->open_connections(), kCap);

  for (auto& c : held) {
    ASSERT_TRUE(c->send(get("/still-served")));
    auto r = c->read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  held.pop_back();
  auto deadline = Clock::now() + 2s;
  while (server->open_connections() >= kCap && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  Client next(server->port());
  ASSERT_TRUE(next.send(get("/next")));
  auto r = next.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(ServerOptions{}.max_connections, 4096u);
}

// error_response shapes every answer the server gives by itself; the status, Connection,
// Content-Length and (for 405) Allow stay the server's. One that throws or returns an
// invalid header falls back to plain text.
TEST(Server, ErrorResponseShapesTheServersOwnErrors) {
  ServerOptions o = test_options();
  o.max_connections = 2;
  o.error_response = [](int status) {
    Response r;
    r.status = 299;  // ignored: the server's status wins
    r.headers.add("Content-Type", "text/xml");
    r.headers.add("X-Error-Id", "id-" + std::to_string(status));
    r.headers.add("Connection", "keep-alive");  // ignored: the connection closes
    r.body = "<Error>" + std::to_string(status) + "</Error>";
    return r;
  };
  auto server = start_server(o);
  const Rejection cases[] = {
      {"malformed", "G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"header too large", get("/", "X-Big: " + std::string(kMaxHeader, 'h') + "\r\n"), 431},
      {"body too large", post("/", std::string(kMaxBody + 1, 'b')), 413},
      {"handler threw", get("/throw"), 500},
      {"method", "PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405},
  };
  for (const Rejection& c : cases) {
    // The cap is 2: the previous case's connection (closed by its client) must be gone first.
    ASSERT_TRUE(connections_drain(*server)) << c.name;
    Client client(server->port());
    ASSERT_TRUE(client.send(c.request)) << c.name;
    auto r = client.read_reply();
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name;
    EXPECT_EQ(r->header("X-Error-Id"), "id-" + std::to_string(c.status)) << c.name;
    EXPECT_EQ(r->body, "<Error>" + std::to_string(c.status) + "</Error>") << c.name;
    EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size())) << c.name;
    if (c.status == 405) {
      EXPECT_EQ(r->header("Allow"), "GET, HEAD, POST");
    }
    // Malformed or oversized requests close their connection; 405 and 500 keep it.
    if (c.status != 405 && c.status != 500) {
      EXPECT_EQ(r->header("Connection"), "close") << c.name;
    }
  }
  ASSERT_TRUE(connections_drain(*server));
  Client a(server->port()), b(server->port());
  ASSERT_TRUE(a.send(get("/a")) && a.read_reply());
  ASSERT_TRUE(b.send(get("/b")) && b.read_reply());
  Client refused(server->port());
  auto r = refused.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("X-Error-Id"), "id-503");
  EXPECT_EQ(r->header("Retry-After"), "1");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(r->body, "<Error>503</Error>");
}

TEST(Server, FailingErrorResponseFallsBackToPlainText) {
  for (int variant = 0; variant < 2; ++variant) {
    ServerOptions o = test_options();
    if (variant == 0) {
      o.error_response = [](int) -> Response { throw std::runtime_error("no"); };
    } else {
      o.error_response = [](int) {
        Response r;
        r.headers.add("X-Bad", "a\r\nInjected: yes");
        return r;
      };
    }
    auto server = start_server(o);
    Client c(server->port());
    ASSERT_TRUE(c.send(get("/throw")));
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, "Internal Server Error\n");
    EXPECT_FALSE(r->header("Injected"));
  }
}

TEST(Server, OneConnectionsFailureLeavesOthersAlone) {
  auto server = start_server();
  Client good(server->port());
  ASSERT_TRUE(good.send(get("/1")));
  ASSERT_TRUE(good.read_reply());
  Client bad(server->port());
  ASSERT_TRUE(bad.send("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"sv));  // a TLS ClientHello
  auto r = bad.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(bad.closed_by_peer());
  ASSERT_TRUE(good.send(get("/2")));
  auto again = good.read_reply();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(Server, UnsupportedMethodGets405AndKeepsTheConnection) {
  auto server = start_server();
  Client c(server->port());
  const char* methods[] = {"DELETE", "PUT", "OPTIONS", "PATCH", "FROB"};
  for (const char* m : methods) {
    ASSERT_TRUE(c.send(std::string(m) + " / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << m;
    EXPECT_EQ(r->status, 405) << m;
    EXPECT_EQ(r->header("Allow"), "GET, HEAD, POST") << m;
    EXPECT_FALSE(r->header("Connection")) << m;
  }
  ASSERT_TRUE(c.send(get("/still")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, HeadSendsTheLengthButNoBody) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.read_reply(true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->header("Content-Length"), "0");
  ASSERT_TRUE(c.send(get("/after-head")));
  r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("method=GET\npath=/after-head\n"), std::string::npos) << r->body;
}

TEST(Server, NoContentHasNoLengthOrBody) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/no-content") + get("/after")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->header("Content-Length"));
  r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("path=/after\n"), std::string::npos);
}

TEST(Server, ThrowingHandlerGets500AndLeaksNothing) {
  std::mutex mu;
  std::vector<std::string> log;
  ServerOptions o = test_options();
  o.error_log = [&](std::string_view line) {
    std::lock_guard lock(mu);
    log.emplace_back(line);
  };
  auto server = start_server(o);
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/throw?X-Amz-Signature=abc")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "Internal Server Error\n");
  ASSERT_TRUE(c.send(get("/fine")));
  r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  server->stop();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0], "handler threw an exception on GET /throw");
}

TEST(Server, InvalidHandlerResponseGets500) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/split")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_FALSE(r->header("Injected"));
  EXPECT_FALSE(r->header("X-Bad"));
}

TEST(Server, HandlerCanCloseTheConnection) {
  auto server = start_server();
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/close")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "bye");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Server, MaxRequestsPerConnection) {
  ServerOptions o = test_options();
  o.max_requests_per_connection = 2;
  auto server = start_server(o);
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/1") + get("/2") + get("/3")));
  auto first = c.read_reply();
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->header("Connection"));
  auto second = c.read_reply();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(c.pending(), "");
}

struct SlowClient {
  const char* name;
  std::string sent;  // then the client stalls
};

TEST(Server, SlowOrIdleClientsAreClosedAfterTheirTimeout) {
  const SlowClient cases[] = {
      {"sends nothing", ""},
      {"half a request line", "GET /slo"},
      {"half a header", "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: "},
      {"part of the body", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"},
      {"part of a chunked body", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"},
      {"idle after a request", get("/once")},
  };
  auto server = start_server(fast_timeouts());
  std::vector<std::unique_ptr<Client>> clients;
  auto began = Clock::now();
  for (const SlowClient& c : cases) {
    clients.push_back(std::make_unique<Client>(server->port()));
    ASSERT_TRUE(clients.back()->send(c.sent)) << c.name;
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_TRUE(clients[i]->closed_by_peer(2s)) << cases[i].name;
  }
  auto took = Clock::now() - began;
  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(connections_drain(*server));
  Client fresh(server->port());
  ASSERT_TRUE(fresh.send(get("/fresh")));
  auto r = fresh.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, ClientThatDoesNotReadIsClosedAfterTheWriteTimeout) {
  ServerOptions o = test_options();
  o.write_timeout = 100ms;
  auto server = start_server(o);
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/big")));
  // The 32 MiB response cannot fit in the socket buffers of an unread connection.
  EXPECT_TRUE(connections_drain(*server, 3s));
  Client fresh(server->port());
  ASSERT_TRUE(fresh.send(get("/fresh")));
  auto r = fresh.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, ManyConcurrentConnections) {
  constexpr int kConnections = 48;
  constexpr int kRequests = 20;
  auto server = start_server();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(kConnections);
  for (int t = 0; t < kConnections; ++t) {
    threads.emplace_back([&, t] {
      Client c(server->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!c.send(post("/many", id))) return;
        auto r = c.read_reply();
        if (!r || r->status != 200 || r->body.find("\nbody=" + id) == std::string::npos) return;
        ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kConnections * kRequests);
}

TEST(Server, StopLetsInFlightRequestsFinishAndClosesIdleConnections) {
  std::atomic<bool> handler_entered{false};
  auto server = start_server(test_options(), [&](const Request& r) {
    if (r.path() == "/sleep") handler_entered = true;
    return test_handler(r);
  });
  Client idle(server->port());
  ASSERT_TRUE(idle.send(get("/first")));
  ASSERT_TRUE(idle.read_reply());
  Client busy(server->port());
  ASSERT_TRUE(busy.send(get("/sleep")));
  auto deadline = Clock::now() + 2s;
  while (!handler_entered && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(handler_entered);

  auto began = Clock::now();
  std::thread stopper([&] { server->stop(); });
  auto r = busy.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slept");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_TRUE(idle.closed_by_peer());
  stopper.join();
  EXPECT_LT(Clock::now() - began, 1500ms);
  EXPECT_EQ(server->open_connections(), 0u);
  EXPECT_EQ(server->port(), 0);
  server->stop();  // idempotent
}

// A request marked may_block runs off the event loop: with one worker thread, a second
// connection is answered while the first one's handler is still waiting, the blocked
// connection then gets its answer and keeps serving, and stop() waits for such a handler.
TEST(Server, BlockingRequestsDoNotStallTheEventLoop) {
  ServerOptions o = test_options();
  o.threads = 1;
  o.may_block = [](const Request& r) { return r.path() == "/sleep"; };
  std::atomic<bool> handler_entered{false};
  auto server = start_server(o, [&](const Request& r) {
    if (r.path() == "/sleep") handler_entered = true;
    return test_handler(r);
  });
  Client blocked(server->port());
  ASSERT_TRUE(blocked.send(get("/sleep")));
  auto deadline = Clock::now() + 2s;
  while (!handler_entered && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(handler_entered);
  auto began = Clock::now();
  Client other(server->port());
  ASSERT_TRUE(other.send(get("/quick")));
  auto quick = other.read_reply();
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->status, 200);
  EXPECT_LT(Clock::now() - began, 200ms);  // the sleeping handler holds 300 ms
  auto slept = blocked.read_reply();
  ASSERT_TRUE(slept);
  EXPECT_EQ(slept->body, "slept");
  ASSERT_TRUE(blocked.send(get("/again")));  // the connection carries on, on its loop
  auto again = blocked.read_reply();
  ASSERT_TRUE(again);
  EXPECT_NE(again->body.find("path=/again"), std::string::npos);

  handler_entered = false;
  ASSERT_TRUE(blocked.send(get("/sleep")));
  deadline = Clock::now() + 2s;
  while (!handler_entered && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(handler_entered);
  std::thread stopper([&] { server->stop(); });
  auto last = blocked.read_reply();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body, "slept");
  EXPECT_EQ(last->header("Connection"), "close");
  stopper.join();
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST(Server, StopClosesConnectionsStillBusyAfterTheGracePeriod) {
  ServerOptions o = test_options();
  o.read_body_timeout = 10s;
  o.shutdown_grace = 100ms;
  auto server = start_server(o);
  std::uint16_t port = server->port();
  Client stalled(port);
  ASSERT_TRUE(stalled.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab"));
  auto deadline = Clock::now() + 2s;
  while (server->open_connections() == 0 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);
  auto began = Clock::now();
  server->stop();
  auto took = Clock::now() - began;
  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 1500ms);
  EXPECT_TRUE(stalled.closed_by_peer(1s));
  Client refused(port);
  EXPECT_FALSE(refused.connected());
}

TEST(Server, StartOnAPortInUse) {
  auto first = start_server();
  ServerOptions o = test_options();
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  Server second(o, test_handler);
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, "AddressInUse");
  EXPECT_NE(started.error().message.find(o.listen), std::string::npos) << started.error().message;
  EXPECT_EQ(second.port(), 0);
  Client c(first->port());
  ASSERT_TRUE(c.send(get("/")));
  EXPECT_TRUE(c.read_reply());
}

TEST(Server, RejectsBadListenAddresses) {
  const char* cases[] = {"nonsense",     "127.0.0.1",    "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:8o",
                         "127.0.0.1:-1", "300.1.1.1:80", "::1:80",     "[::1:80",         "iam.example.com:80"};
  for (const char* listen : cases) {
    ServerOptions o = test_options();
    o.listen = listen;
    Server server(o, test_handler);
    auto started = server.start();
    ASSERT_FALSE(started) << listen;
    EXPECT_EQ(started.error().code, "InvalidListenAddress") << listen;
  }
}

TEST(Server, StartsOnceAndStopIsIdempotent) {
  auto server = start_server();
  auto again = server->start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "InvalidState");
  server->stop();
  server->stop();
  auto after_stop = server->start();
  ASSERT_FALSE(after_stop);
  EXPECT_EQ(after_stop.error().code, "InvalidState");
}

TEST(Server, LocalhostAndDefaultThreadCount) {
  ServerOptions o = test_options();
  o.listen = "localhost:0";
  o.threads = 0;
  auto server = start_server(o);
  Client c(server->port());
  ASSERT_TRUE(c.send(get("/")));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace iamd::http
