#include "store/dump.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "store/internal.h"

namespace iamd::store {

namespace {

using internal::make_error;

Error invalid(std::string message) {
  return make_error(kInvalidInput, std::move(message));
}

// The names of the ResourceKind values in the file, in enum order. [IMPL] A kind added to
// records.h must be added here (the static_assert catches one added after kRootLogin).
constexpr std::array<std::string_view, 15> kResourceKinds = {"MfaDevice",
                                                             "SshPublicKey",
                                                             "SigningCertificate",
                                                             "ServerCertificate",
                                                             "OpenIdConnectProvider",
                                                             "SamlProvider",
                                                             "ServiceSpecificCredential",
                                                             "CredentialReport",
                                                             "Organization",
                                                             "OrgMembership",
                                                             "OrgHandshake",
                                                             "LastAccessed",
                                                             "LastAccessedJob",
                                                             "StsPreferences",
                                                             "RootLogin"};
static_assert(static_cast<std::size_t>(ResourceKind::kRootLogin) + 1 == kResourceKinds.size());

constexpr std::array<std::string_view, 3> kEntityKinds = {"user", "group", "role"};
constexpr std::array<EntityKind, 3> kEntityKindValues = {EntityKind::kUser, EntityKind::kGroup, EntityKind::kRole};

std::string_view entity_kind_name(EntityKind kind) {
  return kEntityKinds[kind == EntityKind::kUser ? 0 : kind == EntityKind::kGroup ? 1 : 2];
}

// ---------------------------------------------------------------------------------------
// Writing: one object a line, keys in a fixed order.

std::string format_time(Timestamp t) {
  std::string s = common::format_iso8601(t);
  if (t.nanos != 0 && !s.empty() && s.back() == 'Z') {
    char frac[11];
    std::snprintf(frac, sizeof frac, ".%09d", static_cast<int>(t.nanos));
    s.insert(s.size() - 1, frac);
  }
  return s;
}

class Line {
 public:
  explicit Line(std::string_view type) { str("type", type); }
  Line& str(std::string_view k, std::string_view v) {
    key(k);
    common::append_json_string(out_, v);
    return *this;
  }
  Line& opt_str(std::string_view k, std::string_view v) { return v.empty() ? *this : str(k, v); }
  Line& integer(std::string_view k, std::int64_t v) {
    key(k);
    out_ += std::to_string(v);
    return *this;
  }
  Line& boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  Line& time(std::string_view k, Timestamp t) { return str(k, format_time(t)); }
  Line& raw(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
    return *this;
  }
  Line& tags(const Tags& tags) {
    std::string a = "[";
    for (const Tag& t : tags) {
      if (a.size() > 1) a += ',';
      a += "{\"key\":";
      common::append_json_string(a, t.key);
      a += ",\"value\":";
      common::append_json_string(a, t.value);
      a += '}';
    }
    a += ']';
    return raw("tags", a);
  }
  std::string done() { return out_ + "}\n"; }

 private:
  void key(std::string_view k) {
    out_ += out_.size() == 1 ? "" : ",";
    common::append_json_string(out_, k);
    out_ += ':';
  }
  std::string out_ = "{";
};

// ---------------------------------------------------------------------------------------
// Reading: a strict JSON parser for one line (RFC 8259; numbers are integers only, as the
// format has no others; depth at most 8; duplicate keys refused). [IMPL] The store module may
// not use the JSON library of policy/protocol (docs/architecture.md), and a dump's lines are
// flat objects, so this small parser is the store's own; fuzz/import_fuzz.cc exercises it.

struct JsonMember;

struct Json {
  enum class Type { kNull, kBool, kInteger, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string string;
  std::vector<Json> items;
  std::vector<JsonMember> members;  // in the order written
};

struct JsonMember {
  std::string first;  // the name
  Json second;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<Json> document() {
    Json v;
    if (auto r = value(v, 0); !r) return r.error();
    skip_space();
    if (i_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

 private:
  Error fail(std::string what) const { return invalid(what + " at column " + std::to_string(i_ + 1)); }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Result<void> value(Json& out, int depth) {
    if (depth > 8) return fail("nested too deeply");
    skip_space();
    if (i_ >= s_.size()) return fail("unexpected end of line");
    const char c = s_[i_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.type = Json::Type::kString;
      return string(out.string);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    if (literal("true")) {
      out.type = Json::Type::kBool;
      out.boolean = true;
      return {};
    }
    if (literal("false")) {
      out.type = Json::Type::kBool;
      return {};
    }
    if (literal("null")) {
      out.type = Json::Type::kNull;
      return {};
    }
    return fail("not a JSON value");
  }

  Result<void> object(Json& out, int depth) {
    out.type = Json::Type::kObject;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return {};
    }
    for (;;) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a member name");
      std::string name;
      if (auto r = string(name); !r) return r;
      for (const auto& [k, v] : out.members) {
        if (k == name) return fail("duplicate member \"" + name + "\"");
      }
      skip_space();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      Json member;
      if (auto r = value(member, depth + 1); !r) return r;
      out.members.push_back(JsonMember{std::move(name), std::move(member)});
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return {};
      }
      return fail("expected ',' or '}'");
    }
  }

  Result<void> array(Json& out, int depth) {
    out.type = Json::Type::kArray;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return {};
    }
    for (;;) {
      Json item;
      if (auto r = value(item, depth + 1); !r) return r;
      out.items.push_back(std::move(item));
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return {};
      }
      return fail("expected ',' or ']'");
    }
  }

  Result<void> number(Json& out) {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return fail("bad number");
    if (s_[i_] == '0' && i_ + 1 < s_.size() && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9') {
      return fail("bad number (leading zero)");
    }
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return fail("expected an integer");
    auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + i_, out.integer);
    if (ec != std::errc() || end != s_.data() + i_) return fail("integer out of range");
    out.type = Json::Type::kInteger;
    return {};
  }

  Result<unsigned> hex4() {
    if (i_ + 4 > s_.size()) return fail("bad \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return fail("bad \\u escape");
      }
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  Result<void> string(std::string& out) {
    ++i_;  // the opening quote
    for (;;) {
      if (i_ >= s_.size()) return fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return {};
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return fail("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          auto cp = hex4();
          if (!cp) return cp.error();
          unsigned code = *cp;
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (!literal("\\u")) return fail("unpaired surrogate");
            auto low = hex4();
            if (!low) return low.error();
            if (*low < 0xDC00 || *low > 0xDFFF) return fail("unpaired surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return fail("unpaired surrogate");
          }
          append_utf8(out, code);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// The members of one record, each read at most once; finish() refuses members left unread
// (an unknown field: a file of another version or a typo).
class Fields {
 public:
  explicit Fields(const Json& object) : object_(object), used_(object.members.size(), false) {}

  const Json* find(std::string_view key) {
    for (std::size_t k = 0; k < object_.members.size(); ++k) {
      if (object_.members[k].first == key) {
        used_[k] = true;
        return &object_.members[k].second;
      }
    }
    return nullptr;
  }
  Result<std::string> str(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr) return invalid("missing \"" + std::string(key) + "\"");
    if (v->type != Json::Type::kString) return invalid("\"" + std::string(key) + "\" must be a string");
    return v->string;
  }
  Result<std::string> opt_str(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr) return std::string();
    if (v->type != Json::Type::kString) return invalid("\"" + std::string(key) + "\" must be a string");
    return v->string;
  }
  Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const Json* v = find(key);
    if (v == nullptr) return invalid("missing \"" + std::string(key) + "\"");
    if (v->type != Json::Type::kInteger || v->integer < min || v->integer > max) {
      return invalid("\"" + std::string(key) + "\" must be an integer from " + std::to_string(min) + " to " +
                     std::to_string(max));
    }
    return v->integer;
  }
  Result<bool> boolean(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr) return invalid("missing \"" + std::string(key) + "\"");
    if (v->type != Json::Type::kBool) return invalid("\"" + std::string(key) + "\" must be true or false");
    return v->boolean;
  }
  Result<Timestamp> time(std::string_view key) {
    auto s = str(key);
    if (!s) return s.error();
    auto t = common::parse_aws_date(*s);
    // Only what format_time writes: parsing and writing again gives the same text.
    if (!t || format_time(*t) != *s) return invalid("\"" + std::string(key) + "\" is not a time of this format");
    return *t;
  }
  Result<std::optional<Timestamp>> opt_time(std::string_view key) {
    if (find_quiet(key) == nullptr) return std::optional<Timestamp>();
    auto t = time(key);
    if (!t) return t.error();
    return std::optional<Timestamp>(*t);
  }
  Result<std::string> base64(std::string_view key) {
    auto s = str(key);
    if (!s) return s.error();
    std::string out;
    if (!common::base64_decode(*s, out) || common::base64_encode(out) != *s) {
      return invalid("\"" + std::string(key) + "\" is not base64");
    }
    return out;
  }
  Result<Tags> tags() {
    const Json* v = find("tags");
    Tags out;
    if (v == nullptr) return out;
    if (v->type != Json::Type::kArray) return invalid("\"tags\" must be an array");
    for (const Json& item : v->items) {
      if (item.type != Json::Type::kObject) return invalid("a tag must be an object");
      Fields f(item);
      auto k = f.str("key");
      if (!k) return k.error();
      auto val = f.str("value");
      if (!val) return val.error();
      if (auto r = f.finish(); !r) return r.error();
      out.push_back(Tag{*k, *val});
    }
    return out;
  }
  Result<Fields> object(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || v->type != Json::Type::kObject) {
      return invalid("\"" + std::string(key) + "\" must be an object");
    }
    return Fields(*v);
  }
  bool has(std::string_view key) const { return find_quiet(key) != nullptr; }
  Result<void> finish() const {
    for (std::size_t k = 0; k < used_.size(); ++k) {
      if (!used_[k]) return invalid("unknown field \"" + object_.members[k].first + "\"");
    }
    return {};
  }

 private:
  const Json* find_quiet(std::string_view key) const {
    for (const auto& [k, v] : object_.members) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  const Json& object_;
  std::vector<bool> used_;
};

Result<EntityKind> entity_kind(Fields& f) {
  auto s = f.str("entityKind");
  if (!s) return s.error();
  for (std::size_t k = 0; k < kEntityKinds.size(); ++k) {
    if (*s == kEntityKinds[k]) return kEntityKindValues[k];
  }
  return invalid("\"entityKind\" must be user, group or role");
}

#define IAMD_TRY(var, expr)             \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(*var##_r)

// ---------------------------------------------------------------------------------------
// Export.

class Exporter {
 public:
  Exporter(ReadTransaction& tx, std::ostream& out) : tx_(tx), out_(out) {}

  Result<DumpCounts> run(const ExportOptions& options) {
    std::string header = "{\"format\":";
    common::append_json_string(header, kDumpFormat);
    header += ",\"version\":" + std::to_string(kDumpVersion) + ",\"exported\":";
    common::append_json_string(header, options.exported);
    header += ",\"masterKeyCheck\":";
    common::append_json_string(header, options.master_key_check);
    header += "}\n";
    out_ << header;

    std::vector<Account> accounts;
    if (auto r = pages<Account>([&](const ListOptions& o) { return tx_.list_accounts(o); },
                                [&](const Account& a) {
                                  accounts.push_back(a);
                                  return emit(account_line(a));
                                });
        !r) {
      return r.error();
    }
    counts_.accounts = accounts.size();
    // The AWS managed policy records (made when first attached; versions live in the
    // catalogue, so usually none here). [IMPL] list_policies needs an account: with
    // PolicyScope::kAws every backend lists the same records for any.
    if (auto r = policies(accounts.empty() ? std::string("aws") : accounts.front().id, PolicyScope::kAws); !r) {
      return r.error();
    }
    for (const Account& a : accounts) {
      if (auto r = entities(a.id); !r) return r.error();
    }
    for (const Account& a : accounts) {
      if (auto r = relations(a.id); !r) return r.error();
    }
    out_ << "{\"type\":\"end\",\"records\":" << counts_.records << "}\n";
    out_.flush();
    if (!out_) return make_error(kStorageFailure, "cannot write the export");
    return counts_;
  }

 private:
  template <class T, class List, class Each>
  static Result<void> pages(List&& list, Each&& each, ListOptions options = {}) {
    options.path_prefix.clear();  // every path
    options.max_items = 1000;
    for (;;) {
      auto page = list(options);
      if (!page) return page.error();
      for (const T& item : page->items) {
        if (auto r = each(item); !r) return r;
      }
      if (!page->is_truncated()) return {};
      options.marker = page->next_marker;
    }
  }

  Result<void> emit(const std::string& line) {
    out_ << line;
    ++counts_.records;
    if (!out_) return make_error(kStorageFailure, "cannot write the export");
    return {};
  }

  static std::string account_line(const Account& a) {
    Line l("account");
    l.str("id", a.id);
    if (a.alias) l.str("alias", *a.alias);
    l.time("created", a.create_date);
    if (a.password_policy) {
      const PasswordPolicy& p = *a.password_policy;
      std::string json = "{\"minimumPasswordLength\":" + std::to_string(p.minimum_password_length);
      auto flag = [&](const char* k, bool v) { json += std::string(",\"") + k + "\":" + (v ? "true" : "false"); };
      flag("requireSymbols", p.require_symbols);
      flag("requireNumbers", p.require_numbers);
      flag("requireUppercaseCharacters", p.require_uppercase_characters);
      flag("requireLowercaseCharacters", p.require_lowercase_characters);
      flag("allowUsersToChangePassword", p.allow_users_to_change_password);
      if (p.max_password_age) json += ",\"maxPasswordAge\":" + std::to_string(*p.max_password_age);
      if (p.password_reuse_prevention) {
        json += ",\"passwordReusePrevention\":" + std::to_string(*p.password_reuse_prevention);
      }
      flag("hardExpiry", p.hard_expiry);
      json += "}";
      l.raw("passwordPolicy", json);
    }
    return l.done();
  }

  Result<void> policies(const std::string& account_id, PolicyScope scope) {
    PolicyListOptions po;
    po.scope = scope;
    return pages<ManagedPolicy>(
        [&](const ListOptions& o) {
          po.list = o;
          return tx_.list_policies(account_id, po);
        },
        [&](const ManagedPolicy& p) -> Result<void> {
          Line l("policy");
          l.str("arn", p.arn).str("account", p.account_id).str("id", p.id).str("name", p.name).str("path", p.path);
          l.str("description", p.description).str("defaultVersion", p.default_version_id);
          l.time("created", p.create_date).time("updated", p.update_date).tags(p.tags);
          l.boolean("awsManaged", p.aws_managed).integer("highestVersion", p.highest_version_number);
          if (auto r = emit(l.done()); !r) return r;
          auto versions = tx_.list_policy_versions(p.arn);
          if (!versions) return versions.error();
          for (const PolicyVersion& v : *versions) {
            Line vl("policy_version");
            vl.str("policy", p.arn).str("version", v.version_id).str("document", v.document);
            vl.time("created", v.create_date);
            if (auto r = emit(vl.done()); !r) return r;
          }
          return {};
        });
  }

  Result<void> access_key(const AccessKey& k) {
    Line l("access_key");
    l.str("id", k.id).str("account", k.account_id).opt_str("user", k.user_id);
    l.str("status", k.status == AccessKeyStatus::kActive ? "Active" : "Inactive").time("created", k.create_date);
    if (k.last_used) {
      l.time("lastUsedDate", k.last_used->date).str("lastUsedService", k.last_used->service);
      l.str("lastUsedRegion", k.last_used->region);
    }
    l.str("secret", common::base64_encode(k.secret_ciphertext));
    return emit(l.done());
  }

  Result<void> entities(const std::string& account_id) {
    if (auto r = policies(account_id, PolicyScope::kLocal); !r) return r;
    auto users = pages<User>([&](const ListOptions& o) { return tx_.list_users(account_id, o); },
                             [&](const User& u) -> Result<void> {
                               Line l("user");
                               l.str("account", u.account_id).str("id", u.id).str("name", u.name).str("path", u.path);
                               l.time("created", u.create_date).opt_str("permissionsBoundary", u.permissions_boundary);
                               l.tags(u.tags);
                               if (u.password_last_used) l.time("passwordLastUsed", *u.password_last_used);
                               if (auto r = emit(l.done()); !r) return r;
                               auto keys = tx_.list_access_keys(account_id, u.id);
                               if (!keys) return keys.error();
                               for (const AccessKey& k : *keys) {
                                 if (auto r = access_key(k); !r) return r;
                               }
                               auto profile = tx_.get_login_profile(u.id);
                               if (!profile) {
                                 if (is_not_found(profile.error())) return {};
                                 return profile.error();
                               }
                               Line pl("login_profile");
                               pl.str("user", profile->user_id).str("passwordHash", profile->password_hash);
                               pl.boolean("passwordResetRequired", profile->password_reset_required);
                               pl.time("created", profile->create_date);
                               return emit(pl.done());
                             });
    if (!users) return users;
    auto root_keys = tx_.list_access_keys(account_id, "");
    if (!root_keys) return root_keys.error();
    for (const AccessKey& k : *root_keys) {
      if (auto r = access_key(k); !r) return r;
    }
    auto groups = pages<Group>(
        [&](const ListOptions& o) { return tx_.list_groups(account_id, o); },
        [&](const Group& g) -> Result<void> {
          Line l("group");
          l.str("account", g.account_id).str("id", g.id).str("name", g.name);
          l.str("path", g.path).time("created", g.create_date);
          if (auto r = emit(l.done()); !r) return r;
          ListOptions o;
          o.with_tags = false;
          return pages<User>(
              [&](const ListOptions& lo) { return tx_.list_users_in_group(g.id, lo); },
              [&](const User& u) { return emit(Line("group_member").str("group", g.id).str("user", u.id).done()); }, o);
        });
    if (!groups) return groups;
    auto roles = pages<Role>([&](const ListOptions& o) { return tx_.list_roles(account_id, o); },
                             [&](const Role& r) -> Result<void> {
                               Line l("role");
                               l.str("account", r.account_id).str("id", r.id).str("name", r.name).str("path", r.path);
                               l.str("trustPolicy", r.trust_policy).str("description", r.description);
                               l.integer("maxSessionDuration", r.max_session_duration).time("created", r.create_date);
                               l.opt_str("permissionsBoundary", r.permissions_boundary).tags(r.tags);
                               if (r.last_used) {
                                 l.time("lastUsedDate", r.last_used->date).str("lastUsedRegion", r.last_used->region);
                               }
                               return emit(l.done());
                             });
    if (!roles) return roles;
    return pages<InstanceProfile>(
        [&](const ListOptions& o) { return tx_.list_instance_profiles(account_id, o); },
        [&](const InstanceProfile& p) -> Result<void> {
          Line l("instance_profile");
          l.str("account", p.account_id).str("id", p.id).str("name", p.name).str("path", p.path);
          l.time("created", p.create_date).tags(p.tags);
          if (auto r = emit(l.done()); !r) return r;
          for (const std::string& role_id : p.role_ids) {
            if (auto r = emit(Line("instance_profile_role").str("profile", p.id).str("role", role_id).done()); !r) {
              return r;
            }
          }
          return {};
        });
  }

  Result<void> relations(const std::string& account_id) {
    std::vector<std::pair<EntityKind, std::string>> ids;
    auto collect = [&](EntityKind kind) {
      return [&ids, kind](const auto& e) -> Result<void> {
        ids.emplace_back(kind, e.id);
        return {};
      };
    };
    ListOptions bare;
    bare.with_tags = false;
    if (auto r = pages<User>([&](const ListOptions& o) { return tx_.list_users(account_id, o); },
                             collect(EntityKind::kUser), bare);
        !r) {
      return r;
    }
    if (auto r = pages<Group>([&](const ListOptions& o) { return tx_.list_groups(account_id, o); },
                              collect(EntityKind::kGroup), bare);
        !r) {
      return r;
    }
    if (auto r = pages<Role>([&](const ListOptions& o) { return tx_.list_roles(account_id, o); },
                             collect(EntityKind::kRole), bare);
        !r) {
      return r;
    }
    for (const auto& entry : ids) {
      const EntityKind kind = entry.first;  // not a structured binding: the lambdas capture it
      const std::string& id = entry.second;
      auto attached =
          pages<AttachedPolicy>([&](const ListOptions& o) { return tx_.list_attached_policies(kind, id, o); },
                                [&](const AttachedPolicy& p) {
                                  Line l("attachment");
                                  l.str("entityKind", entity_kind_name(kind)).str("entity", id).str("policy", p.arn);
                                  return emit(l.done());
                                });
      if (!attached) return attached;
      auto inline_policies =
          pages<InlinePolicy>([&](const ListOptions& o) { return tx_.list_inline_policies(kind, id, o); },
                              [&](const InlinePolicy& p) {
                                Line l("inline_policy");
                                l.str("entityKind", entity_kind_name(kind)).str("entity", id).str("name", p.name);
                                l.str("document", p.document);
                                return emit(l.done());
                              });
      if (!inline_policies) return inline_policies;
    }
    for (std::size_t k = 0; k < kResourceKinds.size(); ++k) {
      const auto kind = static_cast<ResourceKind>(k);
      auto listed = pages<Resource>(
          [&](const ListOptions& o) { return tx_.list_resources(kind, account_id, std::nullopt, o); },
          [&](const Resource& r) {
            Line l("resource");
            l.str("kind", kResourceKinds[k]).str("account", r.account_id).str("id", r.id).str("name", r.name);
            l.str("path", r.path).opt_str("owner", r.owner_id).time("created", r.create_date);
            l.str("body", common::base64_encode(r.body));
            return emit(l.done());
          });
      if (!listed) return listed;
    }
    return {};
  }

  ReadTransaction& tx_;
  std::ostream& out_;
  DumpCounts counts_;
};

// ---------------------------------------------------------------------------------------
// Import.

Result<PasswordPolicy> password_policy(Fields& f) {
  PasswordPolicy p;
  IAMD_TRY(length, f.integer("minimumPasswordLength", 0, 1000));
  p.minimum_password_length = static_cast<int>(length);
  IAMD_TRY(symbols, f.boolean("requireSymbols"));
  IAMD_TRY(numbers, f.boolean("requireNumbers"));
  IAMD_TRY(upper, f.boolean("requireUppercaseCharacters"));
  IAMD_TRY(lower, f.boolean("requireLowercaseCharacters"));
  IAMD_TRY(change, f.boolean("allowUsersToChangePassword"));
  IAMD_TRY(hard, f.boolean("hardExpiry"));
  p.require_symbols = symbols;
  p.require_numbers = numbers;
  p.require_uppercase_characters = upper;
  p.require_lowercase_characters = lower;
  p.allow_users_to_change_password = change;
  p.hard_expiry = hard;
  if (f.has("maxPasswordAge")) {
    IAMD_TRY(age, f.integer("maxPasswordAge", 0, 100000));
    p.max_password_age = static_cast<int>(age);
  }
  if (f.has("passwordReusePrevention")) {
    IAMD_TRY(reuse, f.integer("passwordReusePrevention", 0, 100000));
    p.password_reuse_prevention = static_cast<int>(reuse);
  }
  if (auto r = f.finish(); !r) return r.error();
  return p;
}

// One record line: decoded and written into `tx`. Store errors keep their code (NotFound,
// AlreadyExists) for the caller to word.
// A policy's highestVersion goes to `highest`, applied once its versions are in.
// What the import keeps across lines.
struct ImportState {
  // A policy's highestVersion, applied once its versions are in.
  std::vector<std::pair<std::string, std::int64_t>> highest_versions;
  // The account a first start of `iamd serve` made in the target (target_state), and whether
  // the file held it.
  std::string first_start_account;
  bool first_start_seen = false;
};

// The records a first start made in `account_id` (its root access keys and root console
// sign-in) give way to the file's account of the same id. [UNCERTAIN] The account keeps the
// first start's creation date: update_account replaces only alias and password policy.
Result<void> replace_first_start(Transaction& tx, const Account& a) {
  auto keys = tx.list_access_keys(a.id, "");
  if (!keys) return keys.error();
  for (const AccessKey& k : *keys) {
    if (auto r = tx.delete_access_key(k.id); !r) return r;
  }
  ListOptions all;
  all.path_prefix.clear();
  all.max_items = 1000;
  auto logins = tx.list_resources(ResourceKind::kRootLogin, a.id, std::nullopt, all);
  if (!logins) return logins.error();
  for (const Resource& r : logins->items) {
    if (auto d = tx.delete_resource(r.kind, r.id); !d) return d;
  }
  return tx.update_account(a);
}

Result<void> apply_record(const std::string& type, Fields& f, Transaction& tx, ImportState& state) {
  if (type == "account") {
    Account a;
    IAMD_TRY(id, f.str("id"));
    a.id = id;
    if (f.has("alias")) {
      IAMD_TRY(alias, f.str("alias"));
      a.alias = alias;
    }
    IAMD_TRY(created, f.time("created"));
    a.create_date = created;
    if (f.has("passwordPolicy")) {
      IAMD_TRY(pf, f.object("passwordPolicy"));
      IAMD_TRY(policy, password_policy(pf));
      a.password_policy = policy;
    }
    if (auto r = f.finish(); !r) return r;
    if (a.id == state.first_start_account && !state.first_start_seen) {
      state.first_start_seen = true;
      return replace_first_start(tx, a);
    }
    if (auto r = tx.create_account(Account{a.id, std::nullopt, std::nullopt, a.create_date}); !r) return r;
    if (!a.alias && !a.password_policy) return {};
    return tx.update_account(a);
  }
  if (type == "policy") {
    ManagedPolicy p;
    IAMD_TRY(arn, f.str("arn"));
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(description, f.str("description"));
    IAMD_TRY(default_version, f.str("defaultVersion"));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(updated, f.time("updated"));
    IAMD_TRY(tags, f.tags());
    IAMD_TRY(aws, f.boolean("awsManaged"));
    IAMD_TRY(highest, f.integer("highestVersion", 0, 999'999'999));
    if (auto r = f.finish(); !r) return r;
    p.arn = arn;
    p.account_id = account;
    p.id = id;
    p.name = name;
    p.path = path;
    p.description = description;
    p.default_version_id = default_version;
    p.create_date = created;
    p.update_date = updated;
    p.tags = tags;
    p.aws_managed = aws;
    if (auto r = tx.create_policy(p); !r) return r;
    if (highest > 0) state.highest_versions.emplace_back(arn, highest);
    return {};
  }
  if (type == "policy_version") {
    IAMD_TRY(arn, f.str("policy"));
    PolicyVersion v;
    IAMD_TRY(version, f.str("version"));
    IAMD_TRY(document, f.str("document"));
    IAMD_TRY(created, f.time("created"));
    if (auto r = f.finish(); !r) return r;
    v.version_id = version;
    v.document = document;
    v.create_date = created;
    return tx.create_policy_version(arn, v);
  }
  if (type == "user") {
    User u;
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(boundary, f.opt_str("permissionsBoundary"));
    IAMD_TRY(tags, f.tags());
    IAMD_TRY(last, f.opt_time("passwordLastUsed"));
    if (auto r = f.finish(); !r) return r;
    u.account_id = account;
    u.id = id;
    u.name = name;
    u.path = path;
    u.create_date = created;
    u.permissions_boundary = boundary;
    u.tags = tags;
    u.password_last_used = last;
    return tx.create_user(u);
  }
  if (type == "access_key") {
    AccessKey k;
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(user, f.opt_str("user"));
    IAMD_TRY(status, f.str("status"));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(secret, f.base64("secret"));
    if (status != "Active" && status != "Inactive") return invalid("\"status\" must be Active or Inactive");
    if (f.has("lastUsedDate")) {
      IAMD_TRY(date, f.time("lastUsedDate"));
      IAMD_TRY(service, f.str("lastUsedService"));
      IAMD_TRY(region, f.str("lastUsedRegion"));
      k.last_used = AccessKeyLastUsed{date, service, region};
    }
    if (auto r = f.finish(); !r) return r;
    k.id = id;
    k.account_id = account;
    k.user_id = user;
    k.status = status == "Active" ? AccessKeyStatus::kActive : AccessKeyStatus::kInactive;
    k.create_date = created;
    k.secret_ciphertext = secret;
    return tx.create_access_key(k);
  }
  if (type == "login_profile") {
    IAMD_TRY(user, f.str("user"));
    IAMD_TRY(hash, f.str("passwordHash"));
    IAMD_TRY(reset, f.boolean("passwordResetRequired"));
    IAMD_TRY(created, f.time("created"));
    if (auto r = f.finish(); !r) return r;
    return tx.create_login_profile(LoginProfile{user, hash, reset, created});
  }
  if (type == "group") {
    Group g;
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(created, f.time("created"));
    if (auto r = f.finish(); !r) return r;
    return tx.create_group(Group{account, name, path, id, created});
  }
  if (type == "group_member") {
    IAMD_TRY(group, f.str("group"));
    IAMD_TRY(user, f.str("user"));
    if (auto r = f.finish(); !r) return r;
    return tx.add_user_to_group(group, user);
  }
  if (type == "role") {
    Role r;
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(trust, f.str("trustPolicy"));
    IAMD_TRY(description, f.str("description"));
    IAMD_TRY(duration, f.integer("maxSessionDuration", 0, 1'000'000));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(boundary, f.opt_str("permissionsBoundary"));
    IAMD_TRY(tags, f.tags());
    if (f.has("lastUsedDate")) {
      IAMD_TRY(date, f.time("lastUsedDate"));
      IAMD_TRY(region, f.str("lastUsedRegion"));
      r.last_used = RoleLastUsed{date, region};
    }
    if (auto done = f.finish(); !done) return done;
    r.account_id = account;
    r.id = id;
    r.name = name;
    r.path = path;
    r.trust_policy = trust;
    r.description = description;
    r.max_session_duration = static_cast<int>(duration);
    r.create_date = created;
    r.permissions_boundary = boundary;
    r.tags = tags;
    return tx.create_role(r);
  }
  if (type == "instance_profile") {
    InstanceProfile p;
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(tags, f.tags());
    if (auto r = f.finish(); !r) return r;
    p.account_id = account;
    p.id = id;
    p.name = name;
    p.path = path;
    p.create_date = created;
    p.tags = tags;
    return tx.create_instance_profile(p);
  }
  if (type == "instance_profile_role") {
    IAMD_TRY(profile, f.str("profile"));
    IAMD_TRY(role, f.str("role"));
    if (auto r = f.finish(); !r) return r;
    return tx.add_role_to_instance_profile(profile, role);
  }
  if (type == "attachment") {
    IAMD_TRY(kind, entity_kind(f));
    IAMD_TRY(entity, f.str("entity"));
    IAMD_TRY(policy, f.str("policy"));
    if (auto r = f.finish(); !r) return r;
    return tx.attach_policy(kind, entity, policy);
  }
  if (type == "inline_policy") {
    IAMD_TRY(kind, entity_kind(f));
    IAMD_TRY(entity, f.str("entity"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(document, f.str("document"));
    if (auto r = f.finish(); !r) return r;
    // put_inline_policy replaces: a second line of the same name is a duplicate here.
    auto existing = tx.get_inline_policy(kind, entity, name);
    if (existing) return internal::already_exists("inline policy " + name + " of " + entity);
    if (!is_not_found(existing.error())) return existing.error();
    return tx.put_inline_policy(kind, entity, InlinePolicy{name, document});
  }
  if (type == "resource") {
    Resource r;
    IAMD_TRY(kind, f.str("kind"));
    std::size_t k = 0;
    while (k < kResourceKinds.size() && kResourceKinds[k] != kind) ++k;
    if (k == kResourceKinds.size()) return invalid("unknown resource kind \"" + kind + "\"");
    IAMD_TRY(account, f.str("account"));
    IAMD_TRY(id, f.str("id"));
    IAMD_TRY(name, f.str("name"));
    IAMD_TRY(path, f.str("path"));
    IAMD_TRY(owner, f.opt_str("owner"));
    IAMD_TRY(created, f.time("created"));
    IAMD_TRY(body, f.base64("body"));
    if (auto done = f.finish(); !done) return done;
    r.kind = static_cast<ResourceKind>(k);
    r.account_id = account;
    r.id = id;
    r.name = name;
    r.path = path;
    r.owner_id = owner;
    r.create_date = created;
    r.body = body;
    return tx.create_resource(r);
  }
  return invalid("unknown record type \"" + type + "\"");
}

// A policy's highest version number, when above its versions' (versions deleted before the
// export): raised through the interface by creating and deleting that version.
Result<void> restore_highest_version(Transaction& tx, const std::string& arn, std::int64_t highest) {
  auto p = tx.get_policy(arn);
  if (!p) return p.error();
  if (p->highest_version_number >= highest) return {};
  const std::string id = "v" + std::to_string(highest);
  if (auto r = tx.create_policy_version(arn, PolicyVersion{id, "{}", p->create_date, false}); !r) return r;
  return tx.delete_policy_version(arn, id);
}

// Whether the target may take an import: empty (no account, no AWS managed policy record),
// or as a first start of `iamd serve` leaves it — one account without alias or password
// policy whose only records are root access keys and the root console sign-in. Sets
// `first_start_account` in the second case; false when the store holds anything else.
Result<bool> target_state(ReadTransaction& tx, std::string& first_start_account) {
  ListOptions one;
  one.max_items = 1;
  one.path_prefix.clear();
  one.with_tags = false;
  ListOptions two = one;
  two.max_items = 2;
  auto accounts = tx.list_accounts(two);
  if (!accounts) return accounts.error();
  PolicyListOptions policies;
  policies.list = one;
  policies.scope = accounts->items.empty() ? PolicyScope::kAws : PolicyScope::kAll;
  const std::string id = accounts->items.empty() ? "aws" : accounts->items.front().id;
  auto listed = tx.list_policies(id, policies);  // with kAll: the account's and AWS's
  if (!listed) return listed.error();
  if (!listed->items.empty() || accounts->items.size() > 1) return false;
  if (accounts->items.empty()) return true;
  const Account& a = accounts->items.front();
  if (a.alias || a.password_policy) return false;
  auto none = [](const auto& page) -> Result<bool> {
    if (!page) return page.error();
    return page->items.empty();
  };
  for (auto result : {none(tx.list_users(id, one)), none(tx.list_groups(id, one)), none(tx.list_roles(id, one)),
                      none(tx.list_instance_profiles(id, one))}) {
    if (!result) return result.error();
    if (!*result) return false;
  }
  for (std::size_t k = 0; k < kResourceKinds.size(); ++k) {
    const auto kind = static_cast<ResourceKind>(k);
    if (kind == ResourceKind::kRootLogin) continue;
    auto result = none(tx.list_resources(kind, id, std::nullopt, one));
    if (!result) return result.error();
    if (!*result) return false;
  }
  first_start_account = id;
  return true;
}

Result<void> first_start_held(const ImportState& state) {
  if (state.first_start_account.empty() || state.first_start_seen) return {};
  return make_error(kConflict, "the target store holds account " + state.first_start_account +
                                   ", made by a first `iamd serve` start, which the export does not hold: import "
                                   "into a new data folder or an empty database");
}

Error at_line(std::uint64_t line, const Error& e) {
  std::string what = e.message;
  if (is_already_exists(e)) what = "duplicate record: " + what + " exists already";
  if (is_not_found(e)) what = "refers to a missing record: " + what;
  return make_error(e.code == kStorageFailure || e.code == kUnavailable ? e.code : std::string(kInvalidInput),
                    "line " + std::to_string(line) + ": " + what);
}

}  // namespace

Result<DumpCounts> export_store(Store& store, const ExportOptions& options, std::ostream& out) {
  auto tx = store.begin_read();
  if (!tx) return tx.error();
  Exporter exporter(**tx, out);
  auto counts = exporter.run(options);
  (*tx)->rollback();
  return counts;
}

Result<DumpCounts> import_store(Store& store, const ImportOptions& options, std::istream& in) {
  auto tx = store.begin_write();
  if (!tx) return tx.error();
  Transaction& t = **tx;
  ImportState state;
  auto empty = target_state(t, state.first_start_account);
  if (!empty) return empty.error();
  if (!*empty) {
    return make_error(kConflict,
                      "the target store is not empty: import only into a new data folder or an empty database "
                      "(or one that only a first `iamd serve` start has written to)");
  }
  DumpCounts counts;
  std::uint64_t line_no = 0;
  bool ended = false;
  std::string line;
  std::vector<std::uint64_t> highest_lines;  // the policy's line of each highest_versions entry
  while (std::getline(in, line)) {
    ++line_no;
    if (ended) return at_line(line_no, invalid("text after the \"end\" record"));
    auto parsed = Parser(line).document();
    if (!parsed) return at_line(line_no, parsed.error());
    if (parsed->type != Json::Type::kObject) return at_line(line_no, invalid("a line must be a JSON object"));
    Fields f(*parsed);
    if (line_no == 1) {
      auto format = f.str("format");
      if (!format || *format != kDumpFormat) {
        return at_line(line_no, invalid("not an iamd export (the first line must have \"format\":\"iamd-export\")"));
      }
      auto version = f.integer("version", 0, INT64_MAX);
      if (!version) return at_line(line_no, version.error());
      if (*version != kDumpVersion) {
        return at_line(line_no,
                       invalid("export format version " + std::to_string(*version) +
                               " is not supported (this iamd reads version " + std::to_string(kDumpVersion) + ")"));
      }
      auto exported = f.str("exported");
      if (!exported) return at_line(line_no, exported.error());
      auto check = f.str("masterKeyCheck");
      if (!check) return at_line(line_no, check.error());
      if (auto r = f.finish(); !r) return at_line(line_no, r.error());
      if (*check != options.master_key_check) {
        return make_error(kConflict,
                          "line 1: the export was made with another master key: copy the source's master.key into "
                          "the target's data folder (secrets stay sealed under it)");
      }
      continue;
    }
    auto type = f.str("type");
    if (!type) return at_line(line_no, type.error());
    if (*type == "end") {
      auto n = f.integer("records", 0, INT64_MAX);
      if (!n) return at_line(line_no, n.error());
      if (auto r = f.finish(); !r) return at_line(line_no, r.error());
      if (static_cast<std::uint64_t>(*n) != counts.records) {
        return at_line(line_no, invalid("the trailer counts " + std::to_string(*n) + " records, the file has " +
                                        std::to_string(counts.records)));
      }
      ended = true;
      continue;
    }
    // The accounts come first: after them, the first start's account must have been one.
    if (*type != "account") {
      if (auto r = first_start_held(state); !r) return r.error();
    }
    if (auto r = apply_record(*type, f, t, state); !r) return at_line(line_no, r.error());
    highest_lines.resize(state.highest_versions.size(), line_no);
    ++counts.records;
    if (*type == "account") ++counts.accounts;
  }
  if (in.bad()) return make_error(kStorageFailure, "cannot read the input");
  if (line_no == 0) return invalid("line 1: empty input: not an iamd export");
  if (!ended) {
    return invalid("line " + std::to_string(line_no + 1) +
                   ": the file ends without its \"end\" record (truncated): nothing was imported");
  }
  if (auto r = first_start_held(state); !r) return r.error();
  const auto& highest = state.highest_versions;
  for (std::size_t k = 0; k < highest.size(); ++k) {
    if (auto r = restore_highest_version(t, highest[k].first, highest[k].second); !r) {
      return at_line(highest_lines[k], invalid("\"highestVersion\" cannot be restored: " + r.error().message));
    }
  }
  if (auto r = t.commit(); !r) return r.error();
  return counts;
}

}  // namespace iamd::store
