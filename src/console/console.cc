#include "console/console.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/errors.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "console/assets.h"
#include "console/sessions.h"
#include "iam/password.h"
#include "iam/root_login.h"
#include "iam/scope.h"
#include "policy/document.h"
#include "policy/json.h"
#include "protocol/form.h"
#include "protocol/json.h"
#include "store/store.h"

namespace iamd::console {

namespace {

constexpr std::string_view kCookie = "iamd-console";
// [IMPL] The console's pages load only their own scripts, styles and data: URLs for images
// (the MFA QR code); nothing inline, no frames.
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
constexpr std::string_view kInvalidCredentials = "Your authentication information is incorrect. Please try again.";
// [IMPL] Failed sign-ins before the brake: per principal and address, and per principal from
// anywhere (a guess spread over many addresses).
constexpr int kFreeFailuresPerAddress = 5;
constexpr int kFreeFailuresPerPrincipal = 20;
constexpr std::size_t kMaxBody = 1 << 20;

std::string header(const api::ApiRequest& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (common::iequals(k, name)) return v;
  }
  return {};
}

std::string cookie_value(const api::ApiRequest& req) {
  const std::string cookies = header(req, "Cookie");
  std::string_view rest = cookies;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > kCookie.size() && part.starts_with(kCookie) && part[kCookie.size()] == '=') {
      return std::string(part.substr(kCookie.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return {};
}

// Constant-time comparison of two tokens.
bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void security_headers(api::ApiResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

api::ApiResponse json_response(int status, std::string body) {
  api::ApiResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  security_headers(r);
  r.body = std::move(body);
  return r;
}

api::ApiResponse json_error(int status, std::string_view code, std::string_view message,
                            std::optional<std::int64_t> retry_after = std::nullopt) {
  common::JsonWriter w;
  w.begin_object().key("code").value(code).key("message").value(message);
  if (retry_after) w.key("retryAfter").value(static_cast<long long>(*retry_after));
  w.end_object();
  api::ApiResponse r = json_response(status, w.str());
  if (retry_after) r.headers.emplace_back("Retry-After", std::to_string(*retry_after));
  return r;
}

api::ApiResponse redirect(std::string location) {
  api::ApiResponse r;
  r.status = 302;
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Cache-Control", "no-store");
  security_headers(r);
  return r;
}

const std::string* string_member(const protocol::JsonNode& body, std::string_view key) {
  const protocol::JsonNode* n = body.find(key);
  if (n == nullptr || n->type != protocol::JsonNode::Type::kString) return nullptr;
  return &n->text;
}

std::string member_or_empty(const protocol::JsonNode& body, std::string_view key) {
  const std::string* s = string_member(body, key);
  return s == nullptr ? std::string() : *s;
}

// The text of the first <tag> element of an XML answer (the console's own AssumeRole call).
std::string xml_text(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::size_t b = xml.find(open);
  if (b == std::string_view::npos) return {};
  const std::size_t e = xml.find(close, b + open.size());
  if (e == std::string_view::npos) return {};
  std::string text(xml.substr(b + open.size(), e - b - open.size()));
  // The XML encoder escapes these five.
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"&lt;", "<"},
                          {"&gt;", ">"},
                          {"&quot;", "\""},
                          {"&apos;", "'"},
                          {"&amp;", "&"}}) {
    for (std::size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
      text.replace(p, from.size(), to);
    }
  }
  return text;
}

std::string form_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '_' ||
        u == '.' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// A domain error of a console endpoint's own work, in IAM's words and status (the API edge's
// table, api/errors.h).
api::ApiResponse domain_error(common::Error error) {
  error = api::to_aws_error(std::move(error));
  int status = 400;
  if (error.code == "NoSuchEntity") status = 404;
  if (error.code == "EntityAlreadyExists" || error.code == "LimitExceeded" || error.code == "DeleteConflict") {
    status = 409;
  }
  if (error.code == "InvalidAuthenticationCode" || error.code == "AccessDenied") status = 403;
  if (error.code == "ServiceFailure" || error.code == "InternalFailure") status = 500;
  return json_error(status, error.code, error.message);
}

bool is_mfa_code(std::string_view code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Byte offset in `doc` of the place a validation error's JSONPath ($.Statement[0].Effect)
// names, when the document parses; 0 otherwise.
std::size_t path_offset(std::string_view doc, std::string_view path) {
  auto tree = policy::parse_json(doc);
  if (!tree || !path.starts_with('$')) return 0;
  const policy::JsonValue* at = &*tree;
  std::string_view rest = path.substr(1);
  while (!rest.empty() && at != nullptr) {
    if (rest.front() == '[') {
      const std::size_t close = rest.find(']');
      if (close == std::string_view::npos || !at->is_array()) break;
      std::size_t index = 0;
      for (char c : rest.substr(1, close - 1)) index = index * 10 + static_cast<std::size_t>(c - '0');
      if (index >= at->items.size()) break;
      at = &at->items[index];
      rest.remove_prefix(close + 1);
    } else if (rest.front() == '.') {
      rest.remove_prefix(1);
      if (!at->is_object()) break;
      // The longest member name the rest starts with (condition keys hold dots and colons).
      const policy::JsonMember* best = nullptr;
      for (const policy::JsonMember& m : at->members) {
        if (rest.starts_with(m.key) &&
            (rest.size() == m.key.size() || rest[m.key.size()] == '.' || rest[m.key.size()] == '[')) {
          if (best == nullptr || m.key.size() > best->key.size()) best = &m;
        }
      }
      if (best == nullptr) break;
      // The member's key: the value's offset is where its line is; the key is on it too
      // for the usual layout.
      at = &best->value;
      rest.remove_prefix(best->key.size());
    } else {
      break;
    }
  }
  return at == nullptr ? 0 : at->begin;
}

}  // namespace

struct Console::State {
  State(api::Gateway& g, iam::IamDomain& d, const common::Clock& c, common::Random& r, ConsoleOptions o)
      : gateway(g),
        domain(d),
        clock(c),
        random(r),
        options(std::move(o)),
        records(d, options.home_account),
        sessions(records),
        per_address(records, "address", kFreeFailuresPerAddress),
        per_principal(records, "principal", kFreeFailuresPerPrincipal) {}

  api::Gateway& gateway;
  iam::IamDomain& domain;
  const common::Clock& clock;
  common::Random& random;
  ConsoleOptions options;
  ConsoleStore records;
  SessionTable sessions;
  Throttle per_address;
  Throttle per_principal;
  std::once_flag dummy_once;
  std::string dummy_hash;  // checked against when a sign-in names no one, so both cost the same

  bool verify_password(std::string_view password, const std::string& hash) const {
    const iam::PasswordHasher* h = domain.env().passwords;
    return h != nullptr ? h->verify(password, hash) : iam::verify_password(password, hash);
  }
  common::Result<std::string> hash_password(std::string_view password) const {
    return domain.accounts.hash_password(password);
  }
  // Spends the time of a password check on no one's hash.
  void check_nobody(std::string_view password) {
    std::call_once(dummy_once, [&] {
      auto h = hash_password("iamd-console-nobody");
      if (h) dummy_hash = *h;
    });
    if (!dummy_hash.empty()) (void)verify_password(password, dummy_hash);
  }

  std::string origin(const api::ApiRequest& req) const {
    return std::string(req.secure_transport ? "https://" : "http://") + header(req, "Host");
  }

  std::string cookie(const std::string& value, std::int64_t max_age, const api::ApiRequest& req) const {
    std::string c = std::string(kCookie) + "=" + value +
                    "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
    if (req.secure_transport) c += "; Secure";
    return c;
  }

  std::optional<Session> current(const api::ApiRequest& req) {
    const std::string id = cookie_value(req);
    if (id.empty()) return std::nullopt;
    return sessions.find(id, clock.now());
  }

  std::optional<std::string> account_alias(std::string_view account_id) const {
    auto tx = domain.env().store->begin_read();
    if (!tx) return std::nullopt;
    auto a = (*tx)->get_account(account_id);
    if (!a) return std::nullopt;
    return a->alias;
  }

  std::string session_json(const Session& s, const api::ApiRequest& req) const {
    const bool switched = s.role.has_value();
    const std::string acting_account = switched ? s.role->account_id : s.who.account_id;
    const std::optional<std::string> alias = account_alias(acting_account);
    common::JsonWriter w;
    w.begin_object();
    w.key("signedIn").value(true);
    w.key("csrfToken").value(s.csrf);
    w.key("signupAllowed").value(options.allow_signup);
    w.key("accountId").value(acting_account);
    w.key("accountAlias");
    if (alias) {
      w.value(*alias);
    } else {
      w.null_value();
    }
    if (!s.account_name.empty()) w.key("accountName").value(s.account_name);
    auto signed_in_as = [&] {
      w.begin_object();
      w.key("type").value(s.user_name.empty() ? "root" : "user");
      w.key("arn").value(s.arn);
      w.key("name").value(s.user_name.empty() ? std::string("root") : s.user_name);
      w.key("accountId").value(s.who.account_id);
      if (!s.user_name.empty()) w.key("userName").value(s.user_name);
      w.end_object();
    };
    w.key("principal");
    if (switched) {
      w.begin_object();
      w.key("type").value("assumed-role");
      w.key("arn").value(s.role->session_arn);
      w.key("name").value(s.role->display_name);
      w.key("accountId").value(s.role->account_id);
      w.end_object();
      w.key("signedInAs");
      signed_in_as();
      w.key("role").begin_object();
      w.key("accountId").value(s.role->account_id);
      w.key("roleName").value(s.role->role_name);
      w.key("displayName").value(s.role->display_name);
      w.key("arn").value(s.role->arn);
      w.key("expires").value(common::format_iso8601(s.role->expires));
      w.end_object();
    } else {
      signed_in_as();
      w.key("signedInAs").null_value();
      w.key("role").null_value();
    }
    w.key("mfa").value(s.who.mfa);
    w.key("passwordResetRequired").value(s.password_reset_required);
    // The IAM users' sign-in URL of the account the pages act in (the role's after Switch
    // role), by alias when it has one, as AWS's dashboard shows it.
    w.key("signInUrl").value(origin(req) + "/console/?account=" + (alias ? *alias : acting_account));
    w.key("expires").value(common::format_iso8601(s.expires));
    w.end_object();
    return w.str();
  }

  api::ApiResponse signed_in(Session s, const api::ApiRequest& req) {
    const common::Timestamp now = clock.now();
    s.expires = common::Timestamp{now.seconds + options.session_seconds};
    auto made = sessions.create(std::move(s), random, now);
    if (!made) return json_error(500, "InternalFailure", made.error().message);
    api::ApiResponse r = json_response(200, session_json(*made, req));
    r.headers.emplace_back("Set-Cookie", cookie(made->id, options.session_seconds, req));
    return r;
  }

  // A sign-in attempt for `key` from this address: the wait owed, 0 when it may go on.
  std::int64_t owed(const std::string& key, const api::ApiRequest& req) const {
    const common::Timestamp now = clock.now();
    return std::max(per_address.wait(key + "|" + req.source_ip, now), per_principal.wait(key, now));
  }
  api::ApiResponse failed(const std::string& key, const api::ApiRequest& req, std::string_view code,
                          std::string_view message) {
    const common::Timestamp now = clock.now();
    // [IMPL] A failure that cannot be counted is not answered as an ordinary one: the brake
    // must not silently stop braking.
    auto a = per_address.failed(key + "|" + req.source_ip, now);
    auto p = per_principal.failed(key, now);
    if (!a || !p) return json_error(500, "InternalFailure", (!a ? a.error() : p.error()).message);
    return json_error(401, code, message);
  }
  void succeeded(const std::string& key, const api::ApiRequest& req) {
    // [IMPL] A counter not cleared only slows this principal's later mistakes.
    (void)per_address.succeeded(key + "|" + req.source_ip);
    (void)per_principal.succeeded(key);
  }

  api::ApiResponse sign_in(const api::ApiRequest& req, const protocol::JsonNode& body);
  api::ApiResponse sign_in_root(const api::ApiRequest& req, const protocol::JsonNode& body);
  api::ApiResponse sign_in_user(const api::ApiRequest& req, const protocol::JsonNode& body);
  api::ApiResponse sign_up(const api::ApiRequest& req, const protocol::JsonNode& body);
  api::ApiResponse change_password(const api::ApiRequest& req, Session s, const protocol::JsonNode& body);
  api::ApiResponse call(const api::ApiRequest& req, const Session& s);
  api::ApiResponse validate_policy(const protocol::JsonNode& body);
  api::ApiResponse switch_role(const api::ApiRequest& req, Session s, const protocol::JsonNode& body);
  api::ApiResponse root_mfa(const api::ApiRequest& req, const Session& s, std::string_view endpoint,
                            const protocol::JsonNode& body);
  api::ApiResponse api(const api::ApiRequest& req, std::string_view endpoint);
  api::ApiResponse asset(const api::ApiRequest& req, std::string_view path);

  // The principal a console request acts as: the switched role's session, or the sign-in.
  static api::ConsolePrincipal acting(const Session& s) {
    api::ConsolePrincipal p = s.who;
    if (s.role) {
      p.access_key_id = s.role->access_key_id;
      p.session_token = s.role->session_token;
    }
    return p;
  }
};

Console::Console(api::Gateway& gateway, iam::IamDomain& domain, const common::Clock& clock, common::Random& random,
                 ConsoleOptions options)
    : state_(std::make_unique<State>(gateway, domain, clock, random, std::move(options))) {}

Console::~Console() = default;

common::Result<std::size_t> Console::prune() {
  const common::Timestamp now = state_->clock.now();
  auto sessions = state_->sessions.prune(now);
  if (!sessions) return sessions.error();
  // Both throttles' records are of one kind: one prune covers them.
  auto counters = state_->per_address.prune(now);
  if (!counters) return counters.error();
  return *sessions + *counters;
}

bool Console::serves(const api::ApiRequest& req) {
  if (req.path == "/console" || req.path.starts_with("/console/")) return true;
  // A browser opening the server's address: unsigned, no query, asking for HTML.
  return req.path == "/" && req.method == "GET" && req.query.empty() && header(req, "Authorization").empty() &&
         header(req, "Accept").find("text/html") != std::string::npos;
}

bool Console::may_block(std::string_view method, std::string_view path) {
  return method == "POST" && path.starts_with("/console/api/");
}

api::ApiResponse Console::handle(const api::ApiRequest& req) {
  State& s = *state_;
  if (req.path == "/" || req.path == "/console") return redirect("/console/");
  if (req.path.starts_with("/console/api/")) {
    // Sessions, counters and sign-ins changed through other nodes sharing the store are seen
    // before the session is read (store::Store::sync), as the gateway does for API calls.
    if (auto synced = s.domain.env().store->sync(); !synced) {
      return json_error(503, "ServiceUnavailable", "The store does not answer; try again.");
    }
    return s.api(req, std::string_view(req.path).substr(13));
  }
  return s.asset(req, std::string_view(req.path).substr(9));
}

api::ApiResponse Console::State::asset(const api::ApiRequest& req, std::string_view path) {
  if (req.method != "GET" && req.method != "HEAD") {
    api::ApiResponse r = json_error(405, "MethodNotAllowed", "The console's files are read with GET.");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const bool index = path.empty() || path == "index.html";
  auto found = find_asset(options.assets_dir, index ? std::string_view("index.html") : path);
  if (!found) {
    api::ApiResponse r;
    r.status = 404;
    r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    security_headers(r);
    r.body = "Not found\n";
    return r;
  }
  api::ApiResponse r;
  r.headers.emplace_back("Content-Type", found->content_type);
  // [IMPL] The page always asks again (a new build's modules load at once); the other files
  // are revalidated too: they are small and served from memory.
  r.headers.emplace_back("Cache-Control", "no-cache");
  security_headers(r);
  r.body = req.method == "HEAD" ? std::string() : std::move(found->body);
  return r;
}

api::ApiResponse Console::State::api(const api::ApiRequest& req, std::string_view endpoint) {
  if (endpoint == "session") {
    if (req.method != "GET") return json_error(405, "MethodNotAllowed", "Use GET.");
    auto s = current(req);
    if (!s) {
      common::JsonWriter w;
      w.begin_object().key("signedIn").value(false).key("signupAllowed").value(options.allow_signup).end_object();
      return json_response(200, w.str());
    }
    return json_response(200, session_json(*s, req));
  }
  if (req.method != "POST") return json_error(405, "MethodNotAllowed", "Use POST.");
  if (req.body.size() > kMaxBody) return json_error(413, "RequestTooLarge", "The request is too large.");
  // A POST from another site's page is refused whatever it carries (the cookie is SameSite=Strict
  // as well): the browser names the page's origin.
  // [IMPL] The host is compared, not the scheme: behind a proxy that ends TLS the page's origin
  // is https:// while this server sees plain HTTP.
  const std::string from = header(req, "Origin");
  const std::size_t scheme_end = from.find("://");
  const std::string_view from_host =
      scheme_end == std::string::npos ? std::string_view() : std::string_view(from).substr(scheme_end + 3);
  if (!from.empty() && (from_host.empty() || from_host != header(req, "Host"))) {
    return json_error(403, "InvalidOrigin", "The request comes from another site.");
  }
  const bool is_call = endpoint == "call";
  const std::string type = header(req, "Content-Type");
  const std::string_view expected = is_call ? "application/x-www-form-urlencoded" : "application/json";
  if (!std::string_view(type).starts_with(expected)) {
    return json_error(415, "UnsupportedMediaType", "The request's Content-Type must be " + std::string(expected) + ".");
  }
  std::optional<protocol::JsonNode> body;
  if (!is_call) {
    auto parsed = protocol::parse_json_body(req.body);
    if (!parsed) return json_error(400, "InvalidInput", "The request body is not a JSON object.");
    body = std::move(parsed).value();
  }
  if (endpoint == "signin") return sign_in(req, *body);
  if (endpoint == "signup") return sign_up(req, *body);

  // Everything else acts in a session and carries its CSRF token.
  auto s = current(req);
  if (!s) return json_error(401, "NotSignedIn", "Your session has ended. Sign in again.");
  if (!same_token(header(req, "X-CSRF-Token"), s->csrf)) {
    return json_error(403, "InvalidCsrfToken", "The request's CSRF token is missing or wrong. Reload the page.");
  }
  if (endpoint == "signout") {
    if (auto e = sessions.erase(s->id); !e) return json_error(500, "InternalFailure", e.error().message);
    api::ApiResponse r = json_response(200, R"({"signedIn": false})");
    r.headers.emplace_back("Set-Cookie", cookie("", 0, req));
    return r;
  }
  if (endpoint == "change-password") return change_password(req, *s, *body);
  if (s->password_reset_required) {
    return json_error(403, "PasswordResetRequired", "You must change your password before you go on.");
  }
  if (endpoint == "call") return call(req, *s);
  if (endpoint == "validate-policy") return validate_policy(*body);
  if (endpoint == "switch-role") return switch_role(req, *s, *body);
  if (endpoint == "root-mfa/enable" || endpoint == "root-mfa/deactivate") return root_mfa(req, *s, endpoint, *body);
  if (endpoint == "switch-back") {
    s->role.reset();
    if (auto u = sessions.update(*s); !u) return json_error(500, "InternalFailure", u.error().message);
    return json_response(200, session_json(*s, req));
  }
  return json_error(404, "NotFound", "No such console endpoint.");
}

api::ApiResponse Console::State::sign_in(const api::ApiRequest& req, const protocol::JsonNode& body) {
  const std::string type = member_or_empty(body, "type");
  if (type == "root") return sign_in_root(req, body);
  if (type == "user") return sign_in_user(req, body);
  return json_error(400, "InvalidInput", "type must be \"root\" or \"user\".");
}

api::ApiResponse Console::State::sign_in_root(const api::ApiRequest& req, const protocol::JsonNode& body) {
  const std::string email = member_or_empty(body, "email");
  const std::string password = member_or_empty(body, "password");
  const std::string mfa_code = member_or_empty(body, "mfaCode");
  if (email.empty() || password.empty()) {
    return json_error(400, "InvalidInput", "Enter the root user email address and password.");
  }
  const std::string key = "root:" + common::to_lower(email);
  if (std::int64_t wait = owed(key, req); wait > 0) {
    return json_error(429, "Throttling",
                      "Too many failed sign-in attempts. Try again in " + std::to_string(wait) + " seconds.", wait);
  }
  auto login = iam::in_read(*domain.env().store, "",
                            [&](const iam::Read& rd) { return domain.root_logins.find_by_email(rd, email); });
  if (!login) {
    if (!store::is_not_found(login.error())) return json_error(500, "InternalFailure", login.error().message);
    check_nobody(password);
    return failed(key, req, "InvalidCredentials", kInvalidCredentials);
  }
  if (!verify_password(password, login->password_hash)) {
    return failed(key, req, "InvalidCredentials", kInvalidCredentials);
  }
  // The root user's MFA devices (enabled on its Security credentials page): one code of any.
  store::Store& store = *domain.env().store;
  auto devices = iam::in_read(store, login->account_id, [&](const iam::Read& rd) {
    return domain.mfa_devices.list_mfa_devices(rd, "", store::ListOptions{});
  });
  if (!devices) return json_error(500, "InternalFailure", devices.error().message);
  bool mfa = false;
  if (!devices->items.empty()) {
    if (mfa_code.empty()) {
      return json_error(401, "MfaRequired", "Enter the code from the MFA device assigned to the root user.");
    }
    for (const auto& d : devices->items) {
      auto ok = iam::in_write(store, login->account_id, [&](const iam::Write& wr) {
        return domain.mfa_devices.authenticate_root(wr, d.serial_number, mfa_code);
      });
      if (ok) {
        mfa = true;
        break;
      }
    }
    if (!mfa) return failed(key, req, "InvalidMfaCode", "The MFA code is not valid. Try again.");
  }
  succeeded(key, req);
  (void)iam::in_write(store, login->account_id,
                      [&](const iam::Write& wr) { return domain.root_logins.record_sign_in(wr); });
  const common::Timestamp now = clock.now();
  Session s;
  s.who.account_id = login->account_id;
  s.who.signed_in = now;
  s.who.mfa = mfa;
  s.who.mfa_time = now;
  s.arn = domain.root_arn(login->account_id);
  s.account_name = login->account_name;
  return signed_in(std::move(s), req);
}

api::ApiResponse Console::State::sign_in_user(const api::ApiRequest& req, const protocol::JsonNode& body) {
  const std::string account = member_or_empty(body, "account");
  const std::string user_name = member_or_empty(body, "userName");
  const std::string password = member_or_empty(body, "password");
  const std::string mfa_code = member_or_empty(body, "mfaCode");
  if (account.empty() || user_name.empty() || password.empty()) {
    return json_error(400, "InvalidInput", "Enter the account ID or alias, the IAM user name and the password.");
  }
  store::Store& store = *domain.env().store;
  // The account by id, or by alias.
  std::string account_id;
  if (arn::is_account_id(account)) {
    account_id = account;
  } else {
    auto tx = store.begin_read();
    if (!tx) return json_error(500, "InternalFailure", tx.error().message);
    auto a = (*tx)->get_account_by_alias(common::to_lower(account));
    if (a) account_id = a->id;
  }
  const std::string key =
      "user:" + (account_id.empty() ? common::to_lower(account) : account_id) + "/" + common::to_lower(user_name);
  if (std::int64_t wait = owed(key, req); wait > 0) {
    return json_error(429, "Throttling",
                      "Too many failed sign-in attempts. Try again in " + std::to_string(wait) + " seconds.", wait);
  }
  struct Found {
    store::User user;
    store::LoginProfile profile;
    std::vector<std::string> devices;
    std::optional<store::PasswordPolicy> policy;
  };
  std::optional<Found> found;
  if (!account_id.empty()) {
    auto read = iam::in_read(store, account_id, [&](const iam::Read& rd) -> common::Result<Found> {
      auto user = domain.users.get_user(rd, user_name);
      if (!user) return user.error();
      auto profile = domain.accounts.get_login_profile(rd, user->name);
      if (!profile) return profile.error();
      auto devices = domain.mfa_devices.list_mfa_devices(rd, user->name, store::ListOptions{});
      if (!devices) return devices.error();
      auto account_record = rd.tx.get_account(rd.account_id);
      if (!account_record) return account_record.error();
      Found f{std::move(user).value(), std::move(profile->profile), {}, account_record->password_policy};
      for (const auto& d : devices->items) f.devices.push_back(d.serial_number);
      return f;
    });
    if (read) {
      found = std::move(read).value();
    } else if (!store::is_not_found(read.error()) && read.error().code != "NoSuchEntity") {
      return json_error(500, "InternalFailure", read.error().message);
    }
  }
  if (!found) {
    check_nobody(password);
    return failed(key, req, "InvalidCredentials", kInvalidCredentials);
  }
  if (!verify_password(password, found->profile.password_hash)) {
    return failed(key, req, "InvalidCredentials", kInvalidCredentials);
  }
  const common::Timestamp now = clock.now();
  bool mfa = false;
  if (!found->devices.empty()) {
    if (mfa_code.empty()) {
      return json_error(401, "MfaRequired", "Enter the code from the MFA device assigned to this user.");
    }
    // Any of the user's devices may give the code (AWS asks for one; iamd lets a user with two
    // use either).
    bool accepted = false;
    for (const std::string& serial : found->devices) {
      auto ok = iam::in_write(store, account_id, [&](const iam::Write& wr) {
        return domain.mfa_devices.authenticate(wr, found->user, serial, mfa_code);
      });
      if (ok) {
        accepted = true;
        break;
      }
    }
    if (!accepted) return failed(key, req, "InvalidMfaCode", "The MFA code is not valid. Try again.");
    mfa = true;
  }
  // [AWS] A password older than the password policy's MaxPasswordAge has expired: the user
  // sets a new one at sign-in, or, with HardExpiry, cannot sign in until an administrator
  // resets it.
  bool expired = false;
  if (found->policy && found->policy->max_password_age) {
    const std::int64_t age = static_cast<std::int64_t>(*found->policy->max_password_age) * 86400;
    expired = now.seconds >= found->profile.create_date.seconds + age;
  }
  if (expired && found->policy->hard_expiry) {
    return json_error(401, "PasswordExpired",
                      "Your password has expired. Contact your administrator to have it reset.");
  }
  succeeded(key, req);
  // PasswordLastUsed, as AWS records a console sign-in (bookkeeping: a failure loses only that).
  (void)iam::in_write(store, account_id, [&](const iam::Write& wr) -> common::Result<void> {
    auto user = wr.tx.get_user_by_id(found->user.id);
    if (!user) return user.error();
    user->password_last_used = now;
    return wr.tx.update_user(*user);
  });
  Session s;
  s.who.account_id = account_id;
  s.who.user_id = found->user.id;
  s.who.signed_in = now;
  s.who.mfa = mfa;
  s.who.mfa_time = now;
  s.user_name = found->user.name;
  s.arn = domain.user_arn(found->user);
  s.password_reset_required = found->profile.password_reset_required || expired;
  return signed_in(std::move(s), req);
}

api::ApiResponse Console::State::sign_up(const api::ApiRequest& req, const protocol::JsonNode& body) {
  if (!options.allow_signup) {
    return json_error(403, "SignupDisabled", "This server does not allow sign-up (iamd serve --allow-signup).");
  }
  const std::string email = member_or_empty(body, "email");
  const std::string password = member_or_empty(body, "password");
  const std::string name = member_or_empty(body, "accountName");
  if (auto c = iam::RootLogins::check_email(email); !c) return json_error(400, "InvalidInput", c.error().message);
  if (auto c = iam::RootLogins::check_account_name(name); !c) return json_error(400, "InvalidInput", c.error().message);
  if (auto c = iam::RootLogins::check_password(password); !c) {
    return json_error(400, "PasswordPolicyViolation", c.error().message);
  }
  auto hash = hash_password(password);
  if (!hash) return json_error(500, "InternalFailure", hash.error().message);
  store::Store& store = *domain.env().store;
  std::string account_id;
  common::Result<void> made = common::Error{"InternalFailure", "no free account id", ""};
  for (int attempt = 0; attempt < 20; ++attempt) {
    account_id = common::make_account_id(random);
    made = iam::in_write(store, account_id, [&](const iam::Write& wr) -> common::Result<void> {
      store::Account a;
      a.id = account_id;
      a.create_date = clock.now();
      if (auto r = wr.tx.create_account(a); !r) return r;
      return domain.root_logins.create(wr, email, name, *hash);
    });
    if (made || !store::is_already_exists(made.error())) break;  // a taken id: draw another
  }
  if (!made) {
    const common::Error& e = made.error();
    if (e.code == "EmailAlreadyExists") return json_error(400, "EmailAlreadyExists", e.message);
    if (e.code == "InvalidInput") return json_error(400, "InvalidInput", e.message);
    return json_error(500, "InternalFailure", e.message);
  }
  Session s;
  s.who.account_id = account_id;
  s.who.signed_in = clock.now();
  s.arn = domain.root_arn(account_id);
  s.account_name = name;
  return signed_in(std::move(s), req);
}

api::ApiResponse Console::State::change_password(const api::ApiRequest& req, Session s,
                                                 const protocol::JsonNode& body) {
  const std::string old_password = member_or_empty(body, "oldPassword");
  const std::string new_password = member_or_empty(body, "newPassword");
  if (s.role) return json_error(400, "InvalidInput", "Switch back before you change your password.");
  if (s.user_name.empty()) {
    // The root user: its own sign-in's password.
    store::Store& store = *domain.env().store;
    auto login =
        iam::in_read(store, s.who.account_id, [&](const iam::Read& rd) { return domain.root_logins.of_account(rd); });
    if (!login || !*login || !verify_password(old_password, (*login)->password_hash)) {
      return json_error(403, "InvalidCredentials", "The current password is incorrect.");
    }
    if (auto c = iam::RootLogins::check_password(new_password); !c) {
      return json_error(400, "PasswordPolicyViolation", c.error().message);
    }
    auto hash = hash_password(new_password);
    if (!hash) return json_error(500, "InternalFailure", hash.error().message);
    auto w = iam::in_write(store, s.who.account_id,
                           [&](const iam::Write& wr) { return domain.root_logins.set_password(wr, *hash); });
    if (!w) return json_error(500, "InternalFailure", w.error().message);
    return json_response(200, session_json(s, req));
  }
  // An IAM user: IAM's ChangePassword, through the pipeline as the user (its rules, the
  // password policy, iam:ChangePassword).
  api::ApiRequest call_req;
  call_req.method = "POST";
  call_req.path = "/";
  call_req.body = "Action=ChangePassword&Version=2010-05-08&OldPassword=" + form_escape(old_password) +
                  "&NewPassword=" + form_escape(new_password);
  call_req.source_ip = req.source_ip;
  call_req.secure_transport = req.secure_transport;
  call_req.headers = req.headers;
  std::string explanation;
  api::ApiResponse answer = gateway.handle_console(call_req, s.who, &explanation);
  if (answer.status != 200) {
    // ChangePassword's own answer (a wrong old password, the password policy, AccessDenied).
    return json_error(answer.status, xml_text(answer.body, "Code"), xml_text(answer.body, "Message"));
  }
  s.password_reset_required = false;
  if (auto u = sessions.update(s); !u) return json_error(500, "InternalFailure", u.error().message);
  return json_response(200, session_json(s, req));
}

api::ApiResponse Console::State::call(const api::ApiRequest& req, const Session& s) {
  std::string explanation;
  api::ApiResponse r = gateway.handle_console(req, acting(s), &explanation);
  r.headers.emplace_back("Cache-Control", "no-store");
  security_headers(r);
  if (!explanation.empty()) r.headers.emplace_back("X-Iamd-Explanation", common::base64_encode(explanation));
  return r;
}

api::ApiResponse Console::State::validate_policy(const protocol::JsonNode& body) {
  const std::string* document = string_member(body, "document");
  if (document == nullptr) return json_error(400, "InvalidInput", "document must be a string.");
  std::string kind_name = member_or_empty(body, "kind");
  if (kind_name.empty()) kind_name = "identity";
  std::optional<policy::PolicyKind> kind = policy::parse_kind(kind_name);
  if (!kind) return json_error(400, "InvalidInput", "kind is not a policy type iamd knows.");
  policy::ValidateOptions o;
  o.kind = *kind;
  auto parsed = policy::parse_policy(*document, o);
  common::JsonWriter w;
  w.begin_object();
  w.key("valid").value(parsed.has_value());
  if (!parsed) {
    const common::Error& e = parsed.error();
    std::size_t offset = 0;
    if (auto syntax = policy::parse_json(*document); !syntax) {
      // "<what> at offset N": the place the JSON reader stopped.
      const std::string& m = syntax.error().message;
      const std::size_t at = m.rfind("offset ");
      if (at != std::string::npos) offset = std::strtoull(m.c_str() + at + 7, nullptr, 10);
    } else {
      offset = path_offset(*document, e.path);
    }
    const auto [line, column] = policy::line_column(*document, offset);
    w.key("errors").begin_array().begin_object();
    w.key("code").value(e.code);
    w.key("message").value(e.message);
    w.key("path").value(e.path);
    w.key("line").value(static_cast<long long>(document->empty() ? 0 : line));
    w.key("column").value(static_cast<long long>(document->empty() ? 0 : column));
    w.end_object().end_array();
  }
  w.end_object();
  return json_response(200, w.str());
}

api::ApiResponse Console::State::switch_role(const api::ApiRequest& req, Session s, const protocol::JsonNode& body) {
  if (s.user_name.empty()) {
    // [AWS] "You cannot switch roles if you sign in as the AWS account root user."
    return json_error(403, "AccessDenied", "You cannot switch roles when you sign in as the root user.");
  }
  std::string account = member_or_empty(body, "account");
  const std::string role_name = member_or_empty(body, "roleName");
  std::string display = member_or_empty(body, "displayName");
  if (account.empty() || role_name.empty()) {
    return json_error(400, "InvalidInput", "Enter the account ID or alias and the IAM role name.");
  }
  if (!arn::is_account_id(account)) {
    auto tx = domain.env().store->begin_read();
    if (!tx) return json_error(500, "InternalFailure", tx.error().message);
    auto a = (*tx)->get_account_by_alias(common::to_lower(account));
    if (!a) return json_error(400, "InvalidInput", "No account has the alias " + account + ".");
    account = a->id;
  }
  if (display.empty())
    display =
        role_name.substr(role_name.rfind('/') == std::string::npos ? 0 : role_name.rfind('/') + 1) + " @ " + account;
  const std::string role_arn = arn::iam_arn(domain.env().partition, account, "role/" + role_name);
  // AssumeRole as the signed-in user, through the same pipeline and authorizer as the API.
  api::ApiRequest assume;
  assume.method = "POST";
  assume.path = "/";
  assume.body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + form_escape(role_arn) +
                "&RoleSessionName=" + form_escape(s.user_name) +
                "&DurationSeconds=" + std::to_string(options.role_seconds);
  assume.headers = req.headers;
  assume.source_ip = req.source_ip;
  assume.secure_transport = req.secure_transport;
  std::string explanation;
  api::ApiResponse answer = gateway.handle_console(assume, s.who, &explanation);
  if (answer.status != 200) {
    common::JsonWriter w;
    w.begin_object();
    w.key("code").value(xml_text(answer.body, "Code"));
    w.key("message").value(xml_text(answer.body, "Message"));
    if (!explanation.empty()) w.key("explanation").raw(explanation);
    w.end_object();
    return json_response(answer.status, w.str());
  }
  SwitchedRole role;
  role.account_id = account;
  role.role_name = role_name;
  role.display_name = display;
  role.arn = role_arn;
  role.session_arn = xml_text(answer.body, "Arn");
  role.access_key_id = xml_text(answer.body, "AccessKeyId");
  role.session_token = xml_text(answer.body, "SessionToken");
  const auto expires = common::parse_aws_date(xml_text(answer.body, "Expiration"));
  role.expires = expires ? *expires : common::Timestamp{clock.now().seconds + options.role_seconds};
  s.role = std::move(role);
  if (auto u = sessions.update(s); !u) return json_error(500, "InternalFailure", u.error().message);
  return json_response(200, session_json(s, req));
}

api::ApiResponse Console::State::root_mfa(const api::ApiRequest& req, const Session& s, std::string_view endpoint,
                                          const protocol::JsonNode& body) {
  // [AWS] The root user assigns and removes its own MFA devices in the console only; no IAM
  // user or role may (EnableMFADevice needs a UserName). [IMPL] No policy applies: the root
  // user's own credentials, as its password.
  if (!s.user_name.empty() || s.role) {
    return json_error(403, "AccessDenied", "Only the root user can manage the root user's MFA devices.");
  }
  const std::string serial = member_or_empty(body, "serialNumber");
  if (serial.empty()) return json_error(400, "InvalidInput", "serialNumber must name the MFA device.");
  const bool enable = endpoint == "root-mfa/enable";
  const std::string code1 = member_or_empty(body, "code1");
  const std::string code2 = member_or_empty(body, "code2");
  if (enable && (!is_mfa_code(code1) || !is_mfa_code(code2))) {
    return json_error(400, "InvalidInput", "Enter two consecutive 6-digit codes from the MFA device.");
  }
  auto done = iam::in_write(*domain.env().store, s.who.account_id, [&](const iam::Write& wr) {
    return enable ? domain.mfa_devices.enable_root_mfa_device(wr, serial, code1, code2)
                  : domain.mfa_devices.deactivate_root_mfa_device(wr, serial);
  });
  if (!done) return domain_error(done.error());
  return json_response(200, session_json(s, req));
}

}  // namespace iamd::console
