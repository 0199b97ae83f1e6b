#include "iam/catalog.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <vector>

#include "arn/arn.h"
#include "crypto/crypto.h"
#include "policy/json.h"

// The catalogue file, linked in by catalog_data.S.
extern "C" const char iamd_managed_catalog_begin[];
extern "C" const char iamd_managed_catalog_end[];

namespace iamd::iam {

using common::Error;
using common::Result;

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A forward reader of JSON text that finds tokens and the extent of values without building
// anything: the index needs a handful of short strings per policy and the place of each
// document. Values it skips are checked only for balanced brackets and well-formed strings;
// load() checks every document with the full parser.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }

  // A string token, quotes included.
  std::optional<std::string_view> string_token() {
    skip_space();
    if (i_ >= s_.size() || s_[i_] != '"') return std::nullopt;
    std::size_t begin = i_++;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return s_.substr(begin, i_ - begin);
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c == '\\') {
        if (i_ >= s_.size()) return std::nullopt;
        ++i_;
      }
    }
    return std::nullopt;
  }

  // The text of the next value (object, array, string or scalar).
  std::optional<std::string_view> value() {
    skip_space();
    if (i_ >= s_.size()) return std::nullopt;
    std::size_t begin = i_;
    char c = s_[i_];
    if (c == '"') return string_token();
    if (c == '{' || c == '[') {
      std::string open;  // the brackets not yet closed
      while (i_ < s_.size()) {
        c = s_[i_];
        if (c == '"') {
          if (!string_token()) return std::nullopt;
          continue;
        }
        ++i_;
        if (c == '{' || c == '[') {
          open.push_back(c);
        } else if (c == '}' || c == ']') {
          if (open.empty() || open.back() != (c == '}' ? '{' : '[')) return std::nullopt;
          open.pop_back();
          if (open.empty()) return s_.substr(begin, i_ - begin);
        }
      }
      return std::nullopt;
    }
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '+' || s_[i_] == '.')) {
      ++i_;
    }
    if (i_ == begin) return std::nullopt;
    return s_.substr(begin, i_ - begin);
  }

 private:
  void skip_space() {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// The characters of a string token.
std::optional<std::string> decode_string(std::string_view token) {
  if (token.find('\\') == std::string_view::npos) return std::string(token.substr(1, token.size() - 2));
  auto v = policy::parse_json(token);
  if (!v || !v->is_string()) return std::nullopt;
  return v->text;
}

// A JSON value without its insignificant white space; strings are kept as written.
std::string compact(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool in_string = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < raw.size()) {
        out.push_back(raw[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (!is_space(c)) {
      out.push_back(c);
    }
  }
  return out;
}

// A document given as a JSON string holds the policy text itself.
std::string make_document(std::string_view raw) {
  if (!raw.empty() && raw.front() == '"') return decode_string(raw).value_or(std::string());
  return compact(raw);
}

Error invalid(std::string message) {
  return Error{"InvalidCatalog", std::move(message), ""};
}

}  // namespace

struct ManagedCatalog::Index {
  std::unique_ptr<AwsManagedPolicy[]> policies;
  std::size_t size = 0;
  // Views of the policies' own strings (which never move).
  std::unordered_map<std::string_view, std::size_t> by_arn;
  std::unordered_map<std::string_view, std::size_t> by_name;
};

struct ManagedCatalog::State {
  std::string_view text;
  std::string partition;
  std::once_flag once;
  std::unique_ptr<Index> index;
  std::atomic<bool> indexed{false};
  std::atomic<std::size_t> documents_made{0};
};

namespace {

struct Entry {
  std::string name, path, default_version_id, create_date, update_date;
  std::string_view document;
  long long boundary_usage = 0;
};

// One pass over the catalogue: {"policies": {NAME: {"Path": ..., "Document": ..., ...}, ...}, ...}.
Result<std::vector<Entry>> scan(std::string_view text) {
  Scanner s(text);
  if (!s.eat('{')) return invalid("the managed policy catalogue is not a JSON object");
  std::vector<Entry> entries;
  bool seen_policies = false;
  if (!s.eat('}')) {
    do {
      auto key = s.string_token();
      if (!key || !s.eat(':')) return invalid("the managed policy catalogue is not JSON");
      if (*key != "\"policies\"" || seen_policies) {
        if (!s.value()) return invalid("the managed policy catalogue is not JSON");
        continue;
      }
      seen_policies = true;
      if (!s.eat('{')) return invalid("the managed policy catalogue has no \"policies\" object");
      if (s.eat('}')) continue;
      do {
        auto name = s.string_token();
        if (!name || !s.eat(':')) return invalid("the managed policy catalogue is not JSON");
        Entry e;
        auto decoded = decode_string(*name);
        if (!decoded) return invalid("the managed policy catalogue is not JSON");
        e.name = std::move(*decoded);
        if (!s.eat('{')) return invalid("catalogue entry " + e.name + " is not an object");
        bool has_document = false;
        if (!s.eat('}')) {
          do {
            auto member = s.string_token();
            if (!member || !s.eat(':')) return invalid("catalogue entry " + e.name + " is not JSON");
            auto v = s.value();
            if (!v) return invalid("catalogue entry " + e.name + " is not JSON");
            auto text_of = [&](std::string& out) {
              if (v->front() == '"') out = decode_string(*v).value_or(std::string());
            };
            if (*member == "\"Document\"") {
              e.document = *v;
              has_document = true;
            } else if (*member == "\"Path\"") {
              text_of(e.path);
            } else if (*member == "\"DefaultVersionId\"") {
              text_of(e.default_version_id);
            } else if (*member == "\"CreateDate\"") {
              text_of(e.create_date);
            } else if (*member == "\"UpdateDate\"") {
              text_of(e.update_date);
            } else if (*member == "\"PermissionsBoundaryUsageCount\"") {
              e.boundary_usage = std::strtoll(std::string(*v).c_str(), nullptr, 10);
            }
          } while (s.eat(','));
          if (!s.eat('}')) return invalid("catalogue entry " + e.name + " is not JSON");
        }
        if (!has_document) return invalid("catalogue entry " + e.name + " has no Document");
        entries.push_back(std::move(e));
      } while (s.eat(','));
      if (!s.eat('}')) return invalid("the managed policy catalogue is not JSON");
    } while (s.eat(','));
    if (!s.eat('}')) return invalid("the managed policy catalogue is not JSON");
  }
  if (!s.at_end()) return invalid("the managed policy catalogue has text after its object");
  if (!seen_policies) return invalid("the managed policy catalogue has no \"policies\" object");
  return entries;
}

}  // namespace

std::string stable_policy_id(std::string_view arn) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = crypto::sha256(arn);
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i)
    id.push_back(kBase32[static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]) % 32]);
  return id;
}

const std::string& AwsManagedPolicy::document() const {
  std::call_once(document_once_, [this] {
    document_ = make_document(raw_document_);
    if (documents_made_ != nullptr) documents_made_->fetch_add(1, std::memory_order_relaxed);
  });
  return document_;
}

Result<std::unique_ptr<ManagedCatalog::Index>> ManagedCatalog::build_index(std::string_view text,
                                                                           std::string_view partition,
                                                                           std::atomic<std::size_t>* counter) {
  auto entries = scan(text);
  if (!entries) return entries.error();
  auto index = std::make_unique<ManagedCatalog::Index>();
  index->size = entries->size();
  index->policies = std::make_unique<AwsManagedPolicy[]>(index->size);
  index->by_arn.reserve(index->size);
  index->by_name.reserve(index->size);
  for (std::size_t i = 0; i < index->size; ++i) {
    Entry& e = (*entries)[i];
    AwsManagedPolicy& a = index->policies[i];
    a.name = std::move(e.name);
    a.path = e.path.empty() ? std::string("/") : std::move(e.path);
    a.arn = arn::iam_arn(partition, "aws", "policy" + a.path + a.name);
    a.policy_id = stable_policy_id(a.arn);
    a.default_version_id = std::move(e.default_version_id);
    a.create_date = std::move(e.create_date);
    a.update_date = std::move(e.update_date);
    a.permissions_boundary_usage_count = e.boundary_usage;
    a.raw_document_ = e.document;
    a.documents_made_ = counter;
    // The first of two entries of one name wins, as a JSON reader keeping the first would.
    index->by_arn.emplace(a.arn, i);
    index->by_name.emplace(a.name, i);
  }
  return index;
}

ManagedCatalog::ManagedCatalog(std::string_view json, std::string_view partition) : state_(std::make_unique<State>()) {
  state_->text = json;
  state_->partition = std::string(partition);
}

ManagedCatalog::ManagedCatalog(ManagedCatalog&&) noexcept = default;
ManagedCatalog& ManagedCatalog::operator=(ManagedCatalog&&) noexcept = default;
ManagedCatalog::~ManagedCatalog() = default;

Result<ManagedCatalog> ManagedCatalog::load(std::string_view json, std::string_view partition) {
  ManagedCatalog c(json, partition);
  State& st = *c.state_;
  auto index = build_index(json, partition, &st.documents_made);
  if (!index) return index.error();
  for (std::size_t i = 0; i < (*index)->size; ++i) {
    const AwsManagedPolicy& a = (*index)->policies[i];
    if (auto v = policy::parse_json(a.raw_document_); !v) {
      return invalid("catalogue entry " + a.name + " has a Document that is not JSON: " + v.error().message);
    }
    a.document();
  }
  std::call_once(st.once, [&] {
    st.index = std::move(index).value();
    st.indexed.store(true, std::memory_order_release);
  });
  return c;
}

const ManagedCatalog::Index& ManagedCatalog::index() const {
  State& st = *state_;
  std::call_once(st.once, [&st] {
    auto index = build_index(st.text, st.partition, &st.documents_made);
    // The embedded catalogue is part of the build and tested; failing here is a build defect.
    if (!index) {
      std::fprintf(stderr, "iamd: the managed policy catalogue cannot be read: %s\n", index.error().message.c_str());
      std::abort();
    }
    st.index = std::move(index).value();
    st.indexed.store(true, std::memory_order_release);
  });
  return *st.index;
}

std::string_view ManagedCatalog::embedded_text() {
  return std::string_view(iamd_managed_catalog_begin,
                          static_cast<std::size_t>(iamd_managed_catalog_end - iamd_managed_catalog_begin));
}

const ManagedCatalog& ManagedCatalog::builtin() {
  static const ManagedCatalog catalog(embedded_text());
  return catalog;
}

std::span<const AwsManagedPolicy> ManagedCatalog::all() const {
  const Index& i = index();
  return {i.policies.get(), i.size};
}

const AwsManagedPolicy* ManagedCatalog::find_by_arn(std::string_view arn) const {
  // Only arn:<partition>:iam::aws:policy/... can be in the catalogue: looking up a customer
  // managed policy (evaluating a user, attaching) does not need the index.
  std::array<std::string_view, 6> parts;
  if (!arn::split6(arn, parts) || parts[0] != "arn" || parts[1] != state_->partition || parts[2] != "iam" ||
      !parts[3].empty() || parts[4] != "aws" || !parts[5].starts_with("policy/")) {
    return nullptr;
  }
  const Index& i = index();
  auto it = i.by_arn.find(arn);
  return it == i.by_arn.end() ? nullptr : &i.policies[it->second];
}

const AwsManagedPolicy* ManagedCatalog::find_by_name(std::string_view name) const {
  const Index& i = index();
  auto it = i.by_name.find(name);
  return it == i.by_name.end() ? nullptr : &i.policies[it->second];
}

bool ManagedCatalog::indexed() const {
  return state_->indexed.load(std::memory_order_acquire);
}

std::size_t ManagedCatalog::documents_made() const {
  return state_->documents_made.load(std::memory_order_relaxed);
}

}  // namespace iamd::iam
