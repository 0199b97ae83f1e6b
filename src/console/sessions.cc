#include "console/sessions.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/json_writer.h"
#include "common/strings.h"
#include "crypto/crypto.h"
#include "policy/json.h"
#include "store/store.h"

namespace iamd::console {

namespace {

using common::Error;
using common::Result;
using store::ResourceKind;

constexpr ResourceKind kSessionKind = ResourceKind::kConsoleSession;
constexpr ResourceKind kThrottleKind = ResourceKind::kConsoleThrottle;

std::string random_hex(common::Random& random) {
  std::string bytes(32, '\0');
  random.fill(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size());
  return common::to_hex(bytes);
}

// The record id of a cookie value: its SHA-256, so the store never holds a usable cookie.
std::string session_record_id(std::string_view cookie) {
  return common::to_hex(crypto::sha256(cookie));
}

std::string read_string(const policy::JsonValue& body, std::string_view key) {
  const policy::JsonValue* v = body.find(key);
  return v != nullptr && v->is_string() ? v->text : std::string();
}
std::int64_t read_int(const policy::JsonValue& body, std::string_view key) {
  const policy::JsonValue* v = body.find(key);
  std::int64_t n = 0;
  if (v == nullptr || v->kind != policy::JsonValue::Kind::kNumber) return 0;
  std::from_chars(v->text.data(), v->text.data() + v->text.size(), n);
  return n;
}
bool read_bool(const policy::JsonValue& body, std::string_view key) {
  const policy::JsonValue* v = body.find(key);
  return v != nullptr && v->kind == policy::JsonValue::Kind::kBool && v->boolean;
}

Error corrupt(std::string_view id) {
  return Error{std::string(store::kStorageFailure), "the console record " + std::string(id) + " is corrupt", ""};
}

// The record of a session: everything but the cookie value; the role's credentials sealed.
Result<store::Resource> to_record(const Session& s, const std::string& account, const iam::DomainEnv& env,
                                  common::Timestamp now) {
  store::Resource r;
  r.kind = kSessionKind;
  r.account_id = account;
  r.id = session_record_id(s.id);
  r.name = r.id;
  r.create_date = now;
  common::JsonWriter w;
  w.begin_object()
      .key("Csrf")
      .value(s.csrf)
      .key("Account")
      .value(s.who.account_id)
      .key("UserId")
      .value(s.who.user_id)
      .key("SignedIn")
      .value(static_cast<long long>(s.who.signed_in.seconds))
      .key("Mfa")
      .value(s.who.mfa)
      .key("MfaTime")
      .value(static_cast<long long>(s.who.mfa_time.seconds))
      .key("UserName")
      .value(s.user_name)
      .key("Arn")
      .value(s.arn)
      .key("AccountName")
      .value(s.account_name)
      .key("PasswordResetRequired")
      .value(s.password_reset_required)
      .key("Expires")
      .value(static_cast<long long>(s.expires.seconds));
  if (s.role) {
    const SwitchedRole& role = *s.role;
    auto sealed = env.master_key.seal(role.access_key_id + "\n" + role.session_token, r.id, *env.random);
    if (!sealed) return sealed.error();
    w.key("Role")
        .begin_object()
        .key("Account")
        .value(role.account_id)
        .key("RoleName")
        .value(role.role_name)
        .key("DisplayName")
        .value(role.display_name)
        .key("Arn")
        .value(role.arn)
        .key("SessionArn")
        .value(role.session_arn)
        .key("Credentials")
        .value(common::base64_encode(*sealed))
        .key("Expires")
        .value(static_cast<long long>(role.expires.seconds))
        .end_object();
  }
  w.end_object();
  r.body = w.str();
  return r;
}

Result<Session> from_record(const store::Resource& r, std::string_view cookie, const iam::DomainEnv& env) {
  auto body = policy::parse_json(r.body);
  if (!body || !body->is_object()) return corrupt(r.id);
  Session s;
  s.id = std::string(cookie);
  s.csrf = read_string(*body, "Csrf");
  s.who.account_id = read_string(*body, "Account");
  s.who.user_id = read_string(*body, "UserId");
  s.who.signed_in = common::Timestamp{read_int(*body, "SignedIn"), 0};
  s.who.mfa = read_bool(*body, "Mfa");
  s.who.mfa_time = common::Timestamp{read_int(*body, "MfaTime"), 0};
  s.user_name = read_string(*body, "UserName");
  s.arn = read_string(*body, "Arn");
  s.account_name = read_string(*body, "AccountName");
  s.password_reset_required = read_bool(*body, "PasswordResetRequired");
  s.expires = common::Timestamp{read_int(*body, "Expires"), 0};
  if (const policy::JsonValue* role = body->find("Role"); role != nullptr && role->is_object()) {
    SwitchedRole out;
    out.account_id = read_string(*role, "Account");
    out.role_name = read_string(*role, "RoleName");
    out.display_name = read_string(*role, "DisplayName");
    out.arn = read_string(*role, "Arn");
    out.session_arn = read_string(*role, "SessionArn");
    out.expires = common::Timestamp{read_int(*role, "Expires"), 0};
    std::string sealed;
    if (!common::base64_decode(read_string(*role, "Credentials"), sealed)) return corrupt(r.id);
    auto credentials = env.master_key.open(sealed, r.id);
    if (!credentials) return credentials.error();
    const std::size_t cut = credentials->find('\n');
    if (cut == std::string::npos) return corrupt(r.id);
    out.access_key_id = credentials->substr(0, cut);
    out.session_token = credentials->substr(cut + 1);
    s.role = std::move(out);
  }
  return s;
}

// Every record of `kind` in `account` (all pages).
Result<std::vector<store::Resource>> all_records(store::ReadTransaction& tx, ResourceKind kind,
                                                 const std::string& account) {
  std::vector<store::Resource> out;
  store::ListOptions o;
  o.max_items = 1000;
  for (;;) {
    auto page = tx.list_resources(kind, account, std::nullopt, o);
    if (!page) return page.error();
    for (store::Resource& r : page->items) out.push_back(std::move(r));
    if (!page->is_truncated()) return out;
    o.marker = page->next_marker;
  }
}

}  // namespace

Result<std::string> ConsoleStore::account() {
  std::lock_guard lock(mu_);
  if (!home_account_.empty()) return home_account_;
  auto tx = domain_.env().store->begin_read();
  if (!tx) return tx.error();
  store::ListOptions o;
  o.max_items = 1;
  auto first = (*tx)->list_accounts(o);
  if (!first) return first.error();
  if (first->items.empty()) return Error{std::string(store::kStorageFailure), "the store has no account", ""};
  home_account_ = first->items.front().id;
  return home_account_;
}

SessionTable::SessionTable(ConsoleStore& store, std::size_t cache_capacity)
    : store_(store), cache_(*store.domain().env().store, cache_capacity) {}

Result<Session> SessionTable::create(Session s, common::Random& random, common::Timestamp now) {
  s.id = random_hex(random);
  s.csrf = random_hex(random);
  auto account = store_.account();
  if (!account) return account.error();
  const iam::DomainEnv& env = store_.domain().env();
  auto record = to_record(s, *account, env, now);
  if (!record) return record.error();
  auto tx = env.store->begin_write();
  if (!tx) return tx.error();
  if (auto c = (*tx)->create_resource(*record); !c) return c.error();
  if (auto c = (*tx)->commit(); !c) return c.error();
  return s;
}

std::optional<Session> SessionTable::find(std::string_view id, common::Timestamp now) {
  if (id.empty()) return std::nullopt;
  const std::string record_id = session_record_id(id);
  using Built = store::DerivedCache<std::shared_ptr<const Session>>::Built;
  // [IMPL] A cookie of no session is not cached (a read each time): caching it would let
  // made-up cookies push real sessions out of the cache.
  auto found = cache_.get(record_id, [&]() -> Result<Built> {
    const iam::DomainEnv& env = store_.domain().env();
    auto tx = env.store->begin_read();
    if (!tx) return tx.error();
    auto r = (*tx)->get_resource(kSessionKind, record_id);
    if (!r) return r.error();
    auto s = from_record(*r, id, env);
    if (!s) return s.error();
    return Built{std::make_shared<const Session>(std::move(s).value()),
                 {store::resource_change_key(kSessionKind, record_id)}};
  });
  if (!found || (*found)->expires.seconds <= now.seconds) return std::nullopt;
  return **found;
}

Result<void> SessionTable::update(const Session& s) {
  const iam::DomainEnv& env = store_.domain().env();
  auto account = store_.account();
  if (!account) return account.error();
  auto tx = env.store->begin_write();
  if (!tx) return tx.error();
  auto current = (*tx)->get_resource(kSessionKind, session_record_id(s.id));
  if (!current) return store::is_not_found(current.error()) ? Result<void>{} : Result<void>{current.error()};
  auto record = to_record(s, current->account_id, env, current->create_date);
  if (!record) return record.error();
  if (auto u = (*tx)->update_resource(*record); !u) return u.error();
  return (*tx)->commit();
}

Result<void> SessionTable::erase(std::string_view id) {
  auto tx = store_.domain().env().store->begin_write();
  if (!tx) return tx.error();
  auto d = (*tx)->delete_resource(kSessionKind, session_record_id(id));
  if (!d && !store::is_not_found(d.error())) return d.error();
  return (*tx)->commit();
}

Result<std::size_t> SessionTable::prune(common::Timestamp now) {
  auto account = store_.account();
  if (!account) return account.error();
  const iam::DomainEnv& env = store_.domain().env();
  auto tx = env.store->begin_write();
  if (!tx) return tx.error();
  auto records = all_records(**tx, kSessionKind, *account);
  if (!records) return records.error();
  std::size_t pruned = 0;
  for (const store::Resource& r : *records) {
    auto body = policy::parse_json(r.body);
    // A corrupt record is dropped too: it signs no one in.
    if (body && body->is_object() && read_int(*body, "Expires") > now.seconds) continue;
    if (auto d = (*tx)->delete_resource(kSessionKind, r.id); !d) return d.error();
    ++pruned;
  }
  if (pruned == 0) return std::size_t{0};  // the transaction rolls back: nothing written
  if (auto c = (*tx)->commit(); !c) return c.error();
  return pruned;
}

std::size_t SessionTable::size() {
  auto account = store_.account();
  if (!account) return 0;
  auto tx = store_.domain().env().store->begin_read();
  if (!tx) return 0;
  auto records = all_records(**tx, kSessionKind, *account);
  return records ? records->size() : 0;
}

std::string Throttle::record_id(std::string_view key) const {
  std::string text = name_;
  text += '\n';
  text += key;
  return common::to_hex(crypto::sha256(text));
}

std::int64_t Throttle::wait(std::string_view key, common::Timestamp now) const {
  auto tx = store_.domain().env().store->begin_read();
  if (!tx) return 0;
  auto r = (*tx)->get_resource(kThrottleKind, record_id(key));
  if (!r) return 0;
  auto body = policy::parse_json(r->body);
  if (!body || !body->is_object()) return 0;
  const std::int64_t failures = read_int(*body, "Failures");
  if (failures < free_) return 0;
  const std::int64_t over = std::min<std::int64_t>(failures - free_, 10);
  const std::int64_t delay = std::min<std::int64_t>(std::int64_t{1} << over, kMaxWait);
  const std::int64_t until = read_int(*body, "Last") + delay;
  return std::max<std::int64_t>(0, until - now.seconds);
}

Result<void> Throttle::failed(std::string_view key, common::Timestamp now) {
  auto account = store_.account();
  if (!account) return account.error();
  auto tx = store_.domain().env().store->begin_write();
  if (!tx) return tx.error();
  store::Resource r;
  r.kind = kThrottleKind;
  r.account_id = *account;
  r.id = record_id(key);
  r.name = r.id;
  r.create_date = now;
  std::int64_t failures = 0;
  auto current = (*tx)->get_resource(kThrottleKind, r.id);
  if (current) {
    if (auto body = policy::parse_json(current->body); body && body->is_object())
      failures = read_int(*body, "Failures");
  } else if (!store::is_not_found(current.error())) {
    return current.error();
  }
  failures = std::min<std::int64_t>(failures + 1, 1000);
  common::JsonWriter w;
  w.begin_object()
      .key("Failures")
      .value(static_cast<long long>(failures))
      .key("Last")
      .value(static_cast<long long>(now.seconds))
      .end_object();
  r.body = w.str();
  auto written = current ? (*tx)->update_resource(r) : (*tx)->create_resource(r);
  if (!written) return written.error();
  return (*tx)->commit();
}

Result<void> Throttle::succeeded(std::string_view key) {
  const std::string id = record_id(key);
  {
    // Most sign-ins follow no failure: a read, no write.
    auto rtx = store_.domain().env().store->begin_read();
    if (!rtx) return rtx.error();
    auto r = (*rtx)->get_resource(kThrottleKind, id);
    if (!r) return store::is_not_found(r.error()) ? Result<void>{} : Result<void>{r.error()};
  }
  auto tx = store_.domain().env().store->begin_write();
  if (!tx) return tx.error();
  auto d = (*tx)->delete_resource(kThrottleKind, id);
  if (!d && !store::is_not_found(d.error())) return d.error();
  return (*tx)->commit();
}

Result<std::size_t> Throttle::prune(common::Timestamp now) {
  auto account = store_.account();
  if (!account) return account.error();
  auto tx = store_.domain().env().store->begin_write();
  if (!tx) return tx.error();
  auto records = all_records(**tx, kThrottleKind, *account);
  if (!records) return records.error();
  std::size_t pruned = 0;
  for (const store::Resource& r : *records) {
    auto body = policy::parse_json(r.body);
    if (body && body->is_object() && now.seconds - read_int(*body, "Last") <= kForgetAfter) continue;
    if (auto d = (*tx)->delete_resource(kThrottleKind, r.id); !d) return d.error();
    ++pruned;
  }
  if (pruned == 0) return std::size_t{0};
  if (auto c = (*tx)->commit(); !c) return c.error();
  return pruned;
}

}  // namespace iamd::console
