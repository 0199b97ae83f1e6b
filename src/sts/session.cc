#include "sts/session.h"

#include <cassert>

#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::sts {

namespace {

constexpr char kMagic = 'I';
constexpr char kLegacyVersion = 1;  // no key id (before key rings)
constexpr char kVersion = 2;        // crypto::KeyRing's keyed form

common::Error does_not_open() {
  return common::Error{std::string(kTokenDoesNotOpen), "the session token does not open", ""};
}

// Fields: varint length + bytes; integers as their decimal text.
class Writer {
 public:
  Writer& str(std::string_view s) {
    std::size_t n = s.size();
    do {
      auto b = static_cast<unsigned char>(n & 0x7f);
      n >>= 7;
      if (n != 0) b |= 0x80;
      out_.push_back(static_cast<char>(b));
    } while (n != 0);
    out_.append(s);
    return *this;
  }
  Writer& num(std::int64_t v) { return str(std::to_string(v)); }
  Writer& list(const std::vector<std::string>& items) {
    num(static_cast<std::int64_t>(items.size()));
    for (const std::string& i : items) str(i);
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool str(std::string& out) {
    std::size_t n = 0;
    for (int shift = 0;; shift += 7) {
      if (in_.empty() || shift > 28) return false;
      const auto b = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      n |= static_cast<std::size_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (n > in_.size()) return false;
    out.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool num(std::int64_t& out) {
    std::string s;
    if (!str(s) || s.empty() || s.size() > 19) return false;
    std::int64_t v = 0;
    bool negative = s[0] == '-';
    for (std::size_t i = negative ? 1 : 0; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    out = negative ? -v : v;
    return true;
  }
  bool list(std::vector<std::string>& out, std::int64_t max) {
    std::int64_t n = 0;
    if (!num(n) || n < 0 || n > max) return false;
    out.resize(static_cast<std::size_t>(n));
    for (std::string& s : out) {
      if (!str(s)) return false;
    }
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

constexpr std::int64_t kMaxListed = 1000;  // far above AWS's limits (50 tags, 10 policy ARNs)

std::string encode(const Session& s) {
  Writer w;
  w.num(static_cast<std::int64_t>(s.kind)).str(s.account_id).str(s.access_key_id).str(s.secret_access_key);
  w.num(s.issued.seconds).num(s.expires.seconds);
  w.str(s.principal_id).str(s.principal_name).str(s.principal_arn).str(s.session_name);
  w.num(s.mfa ? 1 : 0).num(s.mfa_time.seconds).str(s.source_identity).str(s.policy).list(s.policy_arns);
  std::vector<std::string> tags;
  for (const auto& [k, v] : s.tags) {
    tags.push_back(k);
    tags.push_back(v);
  }
  w.list(tags).list(s.transitive_tag_keys);
  return w.take();
}

bool decode(std::string_view plain, Session& s) {
  Reader r(plain);
  std::int64_t kind = 0;
  std::int64_t mfa = 0;
  std::vector<std::string> tags;
  const bool ok = r.num(kind) && r.str(s.account_id) && r.str(s.access_key_id) && r.str(s.secret_access_key) &&
                  r.num(s.issued.seconds) && r.num(s.expires.seconds) && r.str(s.principal_id) &&
                  r.str(s.principal_name) && r.str(s.principal_arn) && r.str(s.session_name) && r.num(mfa) &&
                  r.num(s.mfa_time.seconds) && r.str(s.source_identity) && r.str(s.policy) &&
                  r.list(s.policy_arns, kMaxListed) && r.list(tags, 2 * kMaxListed) &&
                  r.list(s.transitive_tag_keys, kMaxListed) && r.done();
  if (!ok || kind < 1 || kind > 3 || tags.size() % 2 != 0) return false;
  s.kind = static_cast<SessionKind>(kind);
  s.mfa = mfa != 0;
  for (std::size_t i = 0; i < tags.size(); i += 2) s.tags.emplace_back(std::move(tags[i]), std::move(tags[i + 1]));
  return true;
}

}  // namespace

common::Error expired_token() {
  return common::Error{"ExpiredToken", "The security token included in the request is expired", ""};
}

TokenSealer::TokenSealer(crypto::KeyRing keys) : keys_(std::move(keys)) {
  assert(!keys_.empty());
}

common::Result<std::string> TokenSealer::seal(const Session& session, common::Random& random) const {
  auto sealed = keys_.seal(encode(session), session.access_key_id, random);
  if (!sealed) return sealed.error();
  std::string raw;
  raw.reserve(2 + sealed->size());
  raw.push_back(kMagic);
  raw.push_back(kVersion);
  raw += *sealed;
  return common::base64_encode(raw);
}

common::Result<Session> TokenSealer::open(std::string_view access_key_id, std::string_view token) const {
  constexpr std::size_t kMaxToken = 8192;  // a token of the largest session AWS allows is far smaller
  std::string raw;
  if (token.size() > kMaxToken || !common::base64_decode(token, raw)) return does_not_open();
  if (raw.size() < 2 || raw[0] != kMagic || (raw[1] != kVersion && raw[1] != kLegacyVersion)) return does_not_open();
  auto plain = keys_.open(std::string_view(raw).substr(2), access_key_id);
  if (!plain) return does_not_open();
  Session s;
  if (!decode(*plain, s) || s.access_key_id != access_key_id) return does_not_open();
  return s;
}

}  // namespace iamd::sts
