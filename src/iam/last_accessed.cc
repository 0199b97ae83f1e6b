#include "iam/last_accessed.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "common/wildcard.h"
#include "iam/internal.h"

// The table file, linked in by services_data.S.
extern "C" const char iamd_services_begin[];
extern "C" const char iamd_services_end[];

namespace iamd::iam {

using internal::all_pages;
using internal::invalid_input;
using internal::not_found;

// ---- The service vocabulary ----

common::Result<std::vector<AwsService>> parse_services(std::string_view text) {
  std::vector<AwsService> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = common::split(line, '\t');
    if (f.size() != 3 || f[0].empty() || f[1].empty()) {
      return common::Error{"ServiceFailure", "services.tsv line " + std::to_string(line_no) + " is malformed"};
    }
    AwsService s{f[0], f[1], {}};
    if (!f[2].empty()) s.actions = common::split(f[2], ',');
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const AwsService& a, const AwsService& b) { return a.ns < b.ns; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].ns == out[i - 1].ns) {
      return common::Error{"ServiceFailure", "services.tsv lists " + std::string(out[i].ns) + " twice"};
    }
  }
  return out;
}

std::span<const AwsService> aws_services() {
  static const std::vector<AwsService> table = [] {
    const std::string_view text(iamd_services_begin, static_cast<std::size_t>(iamd_services_end - iamd_services_begin));
    auto parsed = parse_services(text);
    // The file is part of the build and checked by tests/iam/last_accessed_test.cc.
    if (!parsed) std::abort();
    return std::move(parsed).value();
  }();
  return table;
}

const AwsService* find_aws_service(std::string_view ns) {
  const std::span<const AwsService> all = aws_services();
  auto it =
      std::lower_bound(all.begin(), all.end(), ns, [](const AwsService& s, std::string_view n) { return s.ns < n; });
  return it != all.end() && it->ns == ns ? &*it : nullptr;
}

namespace {

// An action pattern of a policy ("s3:Get*", "*"), lowercased and split at its colon.
struct ActionPattern {
  std::string vendor;  // encoded glob
  std::string action;  // encoded glob
  bool vendor_literal = true;
};

ActionPattern split_action(std::string_view value) {
  const std::string lower = common::to_lower(value);
  ActionPattern p;
  const std::size_t colon = lower.find(':');
  if (colon == std::string::npos) {  // "*" alone
    p.vendor = common::encode_glob(lower);
    p.action = common::encode_glob("*");
  } else {
    p.vendor = common::encode_glob(std::string_view(lower).substr(0, colon));
    p.action = common::encode_glob(std::string_view(lower).substr(colon + 1));
  }
  p.vendor_literal = !common::has_wildcard(p.vendor);
  return p;
}

bool matches_some_action(const std::string& action_glob, const AwsService& service) {
  for (std::string_view a : service.actions) {
    if (common::glob_match(action_glob, common::to_lower(a))) return true;
  }
  return false;
}

}  // namespace

bool grants_service(const policy::PolicyDocument& doc, const AwsService& service) {
  const std::string ns = common::to_lower(service.ns);
  for (const policy::StatementDoc& st : doc.statements) {
    if (st.effect != "Allow") continue;
    std::vector<ActionPattern> patterns;
    for (const std::string& v : st.action.values) patterns.push_back(split_action(v));
    if (!st.not_action) {
      for (const ActionPattern& p : patterns) {
        if (!common::glob_match(p.vendor, ns)) continue;
        if (p.vendor_literal || matches_some_action(p.action, service)) return true;
      }
      continue;
    }
    // NotAction: some action of the service that no pattern names.
    for (std::string_view a : service.actions) {
      const std::string action = common::to_lower(a);
      const bool excluded = std::any_of(patterns.begin(), patterns.end(), [&](const ActionPattern& p) {
        return common::glob_match(p.vendor, ns) && common::glob_match(p.action, action);
      });
      if (!excluded) return true;
    }
  }
  return false;
}

std::optional<policy::PolicyDocument> parse_stored_policy(std::string_view document) {
  policy::ValidateOptions o;
  o.kind = policy::PolicyKind::kIdentity;
  o.managed_policy_quota = 0;
  o.inline_policy_quota = 1 << 30;  // stored documents passed their quota when written
  auto doc = policy::parse_policy(document, o);
  if (!doc) return std::nullopt;
  return std::move(doc).value();
}

bool is_tracked_action(std::string_view ns, std::string_view action) {
  if (ns != "iam") return false;
  for (std::string_view read : {"Get", "List", "Simulate", "Generate"}) {
    if (action.starts_with(read)) return false;
  }
  return true;
}

// ---- Access records ----

namespace {

std::uint64_t entry_hash(std::string_view entity_id, std::string_view ns, std::string_view action) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(entity_id);
  mix(ns);
  mix(action);
  return h;
}

}  // namespace

namespace {

// Each thread's memory of the entries it saw renewed, so that the common case (an entry
// renewed within the interval, from the same Region) takes no lock and touches no shared
// cache line: direct-mapped by a hash of (tracker, entity, namespace, action). A collision
// only makes a note take the shard's lock. [IMPL] A Region change made by another thread is
// not seen here until the entry's interval ends: the Region reported is one the entity used
// within the last interval.
struct SeenEntry {
  std::uint64_t tracker = 0;
  std::uint64_t key = 0;
  std::uint64_t region = 0;
  std::int64_t until = 0;  // renewed at + interval
};
thread_local std::array<SeenEntry, 64> seen_entries;

std::atomic<std::uint64_t> next_tracker_id{1};

}  // namespace

AccessTracker::AccessTracker(std::int64_t interval_seconds)
    : interval_(interval_seconds), id_(next_tracker_id.fetch_add(1, std::memory_order_relaxed)) {}

bool AccessTracker::note(const Note& n, common::Timestamp now) {
  const std::uint64_t h = entry_hash(n.entity_id, n.ns, n.action);
  const std::uint64_t key = h ^ (id_ * 0x9e3779b97f4a7c15ull);
  std::uint64_t region = 1469598103934665603ull;
  for (unsigned char c : n.region) region = (region ^ c) * 1099511628211ull;
  SeenEntry& seen = seen_entries[key % seen_entries.size()];
  if (seen.tracker == id_ && seen.key == key && seen.region == region && now.seconds < seen.until) return false;

  Shard& shard = shards_[h % kShards];
  auto recent = [&](const std::unordered_map<std::uint64_t, Entry>& entries) {
    auto it = entries.find(h);
    const bool is_recent = it != entries.end() && it->second.entity_id == n.entity_id &&
                           it->second.access.action == n.action && it->second.access.ns == n.ns &&
                           it->second.access.region == n.region &&
                           now.seconds - it->second.access.at.seconds < interval_;
    if (is_recent) seen = SeenEntry{id_, key, region, it->second.access.at.seconds + interval_};
    return is_recent;
  };
  {
    std::shared_lock lock(shard.mu);  // noted within the interval by another thread
    if (recent(shard.entries)) return false;
  }
  {
    std::unique_lock lock(shard.mu);
    if (recent(shard.entries)) return false;
    auto [it, inserted] = shard.entries.try_emplace(h);
    Entry& e = it->second;
    if (inserted) size_.fetch_add(1, std::memory_order_relaxed);
    // [IMPL] A hash collision of two (entity, action) pairs replaces the older entry, which
    // a flush has written already or writes now.
    if (!e.dirty) pending_.fetch_add(1, std::memory_order_relaxed);
    e.account_id = std::string(n.account_id);
    e.entity_id = std::string(n.entity_id);
    e.access = ActionAccess{std::string(n.ns), std::string(n.action), now, std::string(n.region)};
    e.dirty = true;
    seen = SeenEntry{id_, key, region, now.seconds + interval_};
  }
  return size_.load(std::memory_order_relaxed) >= kMaxEntries ||
         now.seconds - last_flush_.load(std::memory_order_relaxed) >= interval_;
}

common::Result<void> AccessTracker::flush(store::Store& store, common::Timestamp now) {
  std::lock_guard flush_lock(flush_mu_);
  last_flush_.store(now.seconds, std::memory_order_relaxed);
  // The dirty entries by entity, taken (and marked clean) under each shard's lock.
  struct Batch {
    std::string account_id;
    std::vector<ActionAccess> accesses;
  };
  std::map<std::string, Batch> batches;
  std::vector<std::uint64_t> taken;
  for (Shard& shard : shards_) {
    std::unique_lock lock(shard.mu);
    for (auto& [h, e] : shard.entries) {
      if (!e.dirty) continue;
      Batch& b = batches[e.entity_id];
      b.account_id = e.account_id;
      b.accesses.push_back(e.access);
      e.dirty = false;
      pending_.fetch_sub(1, std::memory_order_relaxed);
    }
    // A full table keeps only what is still waiting: the written entries are in the store.
    if (size_.load(std::memory_order_relaxed) >= kMaxEntries) {
      size_.fetch_sub(shard.entries.size(), std::memory_order_relaxed);
      shard.entries.clear();
    }
  }
  if (batches.empty()) return {};
  auto write = [&]() -> common::Result<void> {
    auto tx = store.begin_write();
    if (!tx) return tx.error();
    for (auto& [entity_id, batch] : batches) {
      auto existing = (*tx)->get_resource(store::ResourceKind::kLastAccessed, entity_id);
      if (!existing && !store::is_not_found(existing.error())) return existing.error();
      std::vector<ActionAccess> merged;
      if (existing) merged = decode_accesses(existing->body);
      merge_accesses(merged, batch.accesses);
      store::Resource r;
      r.kind = store::ResourceKind::kLastAccessed;
      r.account_id = batch.account_id;
      r.id = entity_id;
      r.name = entity_id;
      r.create_date = existing ? existing->create_date : now;
      r.body = encode_accesses(merged);
      auto w = existing ? (*tx)->update_resource(r) : (*tx)->create_resource(r);
      // An account deleted meanwhile: nothing to keep for it.
      if (!w && !store::is_not_found(w.error())) return w.error();
    }
    return (*tx)->commit();
  };
  auto written = write();
  if (!written) {
    // Put the batch back, to be written by the next flush.
    for (auto& [entity_id, batch] : batches) {
      for (const ActionAccess& a : batch.accesses) {
        const std::uint64_t h = entry_hash(entity_id, a.ns, a.action);
        Shard& shard = shards_[h % kShards];
        std::unique_lock lock(shard.mu);
        auto [it, inserted] = shard.entries.try_emplace(h);
        if (inserted) size_.fetch_add(1, std::memory_order_relaxed);
        Entry& e = it->second;
        if (e.dirty && e.access.at >= a.at) continue;
        if (!e.dirty) pending_.fetch_add(1, std::memory_order_relaxed);
        e.account_id = batch.account_id;
        e.entity_id = entity_id;
        e.access = a;
        e.dirty = true;
      }
    }
  }
  return written;
}

std::vector<ActionAccess> AccessTracker::recent(std::string_view entity_id) const {
  std::vector<ActionAccess> out;
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mu);
    for (const auto& [h, e] : shard.entries) {
      if (e.entity_id == entity_id) out.push_back(e.access);
    }
  }
  return out;
}

std::size_t AccessTracker::pending() const {
  return pending_.load(std::memory_order_relaxed);
}

void merge_accesses(std::vector<ActionAccess>& into, const std::vector<ActionAccess>& more) {
  for (const ActionAccess& m : more) {
    auto it = std::find_if(into.begin(), into.end(),
                           [&](const ActionAccess& a) { return a.ns == m.ns && a.action == m.action; });
    if (it == into.end()) {
      into.push_back(m);
    } else if (m.at > it->at) {
      *it = m;
    }
  }
}

// One line per access: "<ns>\t<action>\t<epoch seconds>\t<region>". Namespaces, action names
// and Regions hold no tab or newline (the operation table's names, sigv4/regions.h).
std::string encode_accesses(const std::vector<ActionAccess>& accesses) {
  std::string out;
  for (const ActionAccess& a : accesses) {
    out += a.ns;
    out += '\t';
    out += a.action;
    out += '\t';
    out += std::to_string(a.at.seconds);
    out += '\t';
    out += a.region;
    out += '\n';
  }
  return out;
}

std::vector<ActionAccess> decode_accesses(std::string_view body) {
  std::vector<ActionAccess> out;
  for (std::string_view line : common::split(body, '\n')) {
    std::vector<std::string_view> f = common::split(line, '\t');
    if (f.size() != 4) continue;
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), seconds);
    if (ec != std::errc() || end != f[2].data() + f[2].size()) continue;
    out.push_back(ActionAccess{std::string(f[0]), std::string(f[1]), common::Timestamp{seconds, 0}, std::string(f[3])});
  }
  return out;
}

// ---- Reports ----

// The entity a job or ListPoliciesGrantingServiceAccess names, as read in one snapshot.
struct LastAccessed::Subject {
  std::string type;  // user | group | role | policy
  struct Policy {
    GrantingPolicy info;
    std::optional<policy::PolicyDocument> document;  // none: a stored text that does not parse
    bool grants(const AwsService& service) const { return document && grants_service(*document, service); }
  };
  std::vector<Policy> policies;  // the policies whose services the report lists
  struct Member {
    EntityAccess info;                    // without its last access
    std::vector<std::string> entity_ids;  // a user or role: itself; a group: its members
  };
  std::vector<Member> members;              // whose accesses count
  std::map<std::string, std::string> arns;  // entity id -> ARN (users and roles)
};

namespace {

constexpr std::string_view kJobBodySeparator = "\n";

std::string entity_arn(std::string_view partition, std::string_view account, std::string_view type,
                       std::string_view path, std::string_view name) {
  return arn::iam_arn(partition, account, std::string(type) + std::string(path) + std::string(name));
}

}  // namespace

Result<LastAccessed::Subject> LastAccessed::resolve(const Read& rd, std::string_view arn_text) {
  store::ReadTransaction& tx = rd.tx;
  const std::string& partition = env_.partition;
  auto invalid = [&] { return invalid_input("ARN " + std::string(arn_text) + " is not valid."); };
  auto parsed = arn::Arn::parse(arn_text);
  if (!parsed || parsed->service() != "iam") return invalid();
  const std::string_view resource = parsed->resource();
  const std::size_t slash = resource.find('/');
  const std::size_t last = resource.rfind('/');
  if (slash == std::string_view::npos) return invalid();
  const std::string type(resource.substr(0, slash));
  const std::string name(resource.substr(last + 1));
  const std::string path(resource.substr(slash, last - slash + 1));
  if (name.empty() || (type != "user" && type != "group" && type != "role" && type != "policy")) return invalid();
  auto missing = [&] {
    return not_found("The " +
                     (type == "policy" ? std::string("policy ") + std::string(arn_text) : type + " with name " + name) +
                     " cannot be found.");
  };
  const bool aws_policy = type == "policy" && parsed->account() == "aws";
  // [IMPL] An entity of another account or partition is as unknown as a missing one (the
  // gateway gives ARNs of the request's partition in the server's).
  if ((parsed->account() != rd.account_id && !aws_policy) || parsed->partition() != partition) return missing();

  Subject s;
  s.type = type;
  auto add_policies = [&](store::EntityKind kind, const std::string& id, std::string_view entity_type,
                          std::string_view entity_name) -> Result<void> {
    auto inl = all_pages<store::InlinePolicy>(
        [&](const store::ListOptions& lo) { return tx.list_inline_policies(kind, id, lo); });
    if (!inl) return inl.error();
    for (store::InlinePolicy& p : *inl) {
      s.policies.push_back({GrantingPolicy{p.name, "INLINE", "", std::string(entity_type), std::string(entity_name)},
                            parse_stored_policy(p.document)});
    }
    auto attached = all_pages<store::AttachedPolicy>(
        [&](const store::ListOptions& lo) { return tx.list_attached_policies(kind, id, lo); });
    if (!attached) return attached.error();
    for (const store::AttachedPolicy& a : *attached) {
      // [IMPL] A managed policy attached to the user and to one of its groups is listed once.
      const bool seen = std::any_of(s.policies.begin(), s.policies.end(),
                                    [&](const Subject::Policy& p) { return p.info.arn == a.arn; });
      if (seen) continue;
      std::string document;
      if (const AwsManagedPolicy* aws = env_.catalog != nullptr ? env_.catalog->find_by_arn(a.arn) : nullptr) {
        document = aws->document();
      } else {
        auto mp = tx.get_policy(a.arn);
        if (!mp) return mp.error();
        auto v = tx.get_policy_version(a.arn, mp->default_version_id);
        if (!v) return v.error();
        document = v->document;
      }
      s.policies.push_back({GrantingPolicy{a.name, "MANAGED", a.arn, "", ""}, parse_stored_policy(document)});
    }
    return {};
  };
  auto add_user = [&](const store::User& u) {
    const std::string a = entity_arn(partition, u.account_id, "user", u.path, u.name);
    s.arns[u.id] = a;
    s.members.push_back({EntityAccess{a, u.name, "USER", u.id, u.path, std::nullopt}, {u.id}});
  };
  auto add_role = [&](const store::Role& r) {
    const std::string a = entity_arn(partition, r.account_id, "role", r.path, r.name);
    s.arns[r.id] = a;
    s.members.push_back({EntityAccess{a, r.name, "ROLE", r.id, r.path, std::nullopt}, {r.id}});
  };
  auto add_group_members = [&](const store::Group& g, bool as_group) -> Result<void> {
    auto users = all_pages<store::User>([&](const store::ListOptions& lo) { return tx.list_users_in_group(g.id, lo); });
    if (!users) return users.error();
    Subject::Member group{EntityAccess{entity_arn(partition, g.account_id, "group", g.path, g.name), g.name, "GROUP",
                                       g.id, g.path, std::nullopt},
                          {}};
    for (const store::User& u : *users) {
      if (as_group) {
        s.arns[u.id] = entity_arn(partition, u.account_id, "user", u.path, u.name);
        group.entity_ids.push_back(u.id);
      } else {
        add_user(u);
      }
    }
    if (as_group) s.members.push_back(std::move(group));
    return {};
  };

  if (type == "user") {
    auto u = tx.get_user(rd.account_id, name);
    if (!u || u->path != path) return missing();
    add_user(*u);
    if (auto r = add_policies(store::EntityKind::kUser, u->id, "USER", u->name); !r) return r.error();
    auto groups =
        all_pages<store::Group>([&](const store::ListOptions& lo) { return tx.list_groups_for_user(u->id, lo); });
    if (!groups) return groups.error();
    for (const store::Group& g : *groups) {
      if (auto r = add_policies(store::EntityKind::kGroup, g.id, "GROUP", g.name); !r) return r.error();
    }
    return s;
  }
  if (type == "group") {
    auto g = tx.get_group(rd.account_id, name);
    if (!g || g->path != path) return missing();
    if (auto r = add_policies(store::EntityKind::kGroup, g->id, "GROUP", g->name); !r) return r.error();
    if (auto r = add_group_members(*g, false); !r) return r.error();
    return s;
  }
  if (type == "role") {
    auto r = tx.get_role(rd.account_id, name);
    if (!r || r->path != path) return missing();
    add_role(*r);
    if (auto a = add_policies(store::EntityKind::kRole, r->id, "ROLE", r->name); !a) return a.error();
    return s;
  }
  // A managed policy: its own document; the users, groups (their members) and roles of the
  // account it is attached to.
  std::string document;
  std::string policy_name;
  if (aws_policy) {
    const AwsManagedPolicy* aws = env_.catalog != nullptr ? env_.catalog->find_by_arn(arn_text) : nullptr;
    if (aws == nullptr) return missing();
    document = aws->document();
    policy_name = aws->name;
  } else {
    auto mp = tx.get_policy(arn_text);
    if (!mp) return missing();
    auto v = tx.get_policy_version(arn_text, mp->default_version_id);
    if (!v) return v.error();
    document = v->document;
    policy_name = mp->name;
  }
  s.policies.push_back(
      {GrantingPolicy{policy_name, "MANAGED", std::string(arn_text), "", ""}, parse_stored_policy(document)});
  auto refs = all_pages<store::EntityRef>([&](const store::ListOptions& lo) {
    return tx.list_entities_for_policy(rd.account_id, arn_text, std::nullopt, lo);
  });
  // An AWS managed policy has no record until it is first attached.
  if (!refs && !(aws_policy && store::is_not_found(refs.error()))) return refs.error();
  for (const store::EntityRef& ref : refs ? *refs : std::vector<store::EntityRef>{}) {
    if (ref.kind == store::EntityKind::kUser) {
      auto u = tx.get_user_by_id(ref.id);
      if (!u) return u.error();
      add_user(*u);
    } else if (ref.kind == store::EntityKind::kRole) {
      auto r = tx.get_role_by_id(ref.id);
      if (!r) return r.error();
      add_role(*r);
    } else {
      auto g = tx.get_group_by_id(ref.id);
      if (!g) return g.error();
      if (auto r = add_group_members(*g, true); !r) return r.error();
    }
  }
  return s;
}

Result<std::string> LastAccessed::generate(const Write& wr, std::string_view arn_text, std::string_view granularity,
                                           std::string_view caller_arn) {
  if (auto s = resolve(wr, arn_text); !s) return s.error();
  store::Resource job;
  job.kind = store::ResourceKind::kLastAccessedJob;
  job.account_id = std::string(wr.account_id);
  job.id = common::make_uuid(*env_.random);
  job.name = job.id;
  job.create_date = env_.clock->now();
  // [IMPL] The job is done when it is generated (its report is made when read, from the
  // accesses recorded until then); jobs are kept like the account's other records.
  job.body = std::string(arn_text) + std::string(kJobBodySeparator) +
             std::string(granularity.empty() ? "SERVICE_LEVEL" : granularity) + std::string(kJobBodySeparator) +
             std::string(caller_arn);
  if (auto c = wr.tx.create_resource(job); !c) return c.error();
  return job.id;
}

Result<LastAccessedJob> LastAccessed::find_job(const Read& rd, std::string_view job_id, std::string_view caller_arn) {
  auto unknown = [&] { return not_found("The job with id " + std::string(job_id) + " cannot be found."); };
  auto r = rd.tx.get_resource(store::ResourceKind::kLastAccessedJob, job_id);
  if (!r) return store::is_not_found(r.error()) ? unknown() : r.error();
  std::vector<std::string_view> f = common::split(r->body, '\n');
  if (r->account_id != rd.account_id || f.size() != 3 || f[2] != caller_arn) return unknown();
  return LastAccessedJob{r->id, std::string(f[0]), std::string(f[1]), std::string(f[2]), r->create_date};
}

Result<std::vector<ActionAccess>> LastAccessed::accesses_of(const Read& rd, const std::string& entity_id) {
  std::vector<ActionAccess> out;
  auto stored = rd.tx.get_resource(store::ResourceKind::kLastAccessed, entity_id);
  if (stored) {
    out = decode_accesses(stored->body);
  } else if (!store::is_not_found(stored.error())) {
    return stored.error();
  }
  merge_accesses(out, tracker_.recent(entity_id));
  return out;
}

Result<ServiceReport> LastAccessed::service_report(const Read& rd, std::string_view job_id,
                                                   std::string_view caller_arn) {
  auto job = find_job(rd, job_id, caller_arn);
  if (!job) return job.error();
  ServiceReport report;
  report.job = std::move(job).value();
  auto subject = resolve(rd, report.job.arn);
  if (!subject) {
    if (!store::is_not_found(subject.error())) return subject.error();
    report.failure = subject.error();
    return report;
  }
  // Every entity's accesses, once.
  std::map<std::string, std::vector<ActionAccess>> accesses;
  for (const Subject::Member& m : subject->members) {
    for (const std::string& id : m.entity_ids) {
      if (accesses.contains(id)) continue;
      auto a = accesses_of(rd, id);
      if (!a) return a.error();
      accesses.emplace(id, std::move(a).value());
    }
  }
  const bool action_level = report.job.granularity == "ACTION_LEVEL";
  // [UNCERTAIN] By namespace (the table's order); AWS's order is not documented.
  for (const AwsService& service : aws_services()) {
    const bool granted = std::any_of(subject->policies.begin(), subject->policies.end(),
                                     [&](const Subject::Policy& p) { return p.grants(service); });
    if (!granted) continue;
    ServiceAccess sa;
    sa.ns = std::string(service.ns);
    sa.name = std::string(service.name);
    sa.tracked = action_level && std::any_of(service.actions.begin(), service.actions.end(),
                                             [&](std::string_view a) { return is_tracked_action(service.ns, a); });
    std::map<std::string, TrackedActionAccess> by_action;
    for (const auto& [entity_id, list] : accesses) {
      bool used = false;
      for (const ActionAccess& a : list) {
        if (a.ns != service.ns) continue;
        used = true;
        const std::string& arn = subject->arns[entity_id];
        if (!sa.last_authenticated || a.at > *sa.last_authenticated) {
          sa.last_authenticated = a.at;
          sa.last_entity_arn = arn;
          sa.last_region = a.region;
        }
        if (sa.tracked && is_tracked_action(a.ns, a.action)) {
          auto [it, inserted] = by_action.try_emplace(a.action, TrackedActionAccess{a.action, arn, a.at, a.region});
          if (!inserted && a.at > it->second.at) it->second = TrackedActionAccess{a.action, arn, a.at, a.region};
        }
      }
      if (used) ++sa.total_entities;
    }
    for (auto& [name, t] : by_action) sa.actions.push_back(std::move(t));
    report.services.push_back(std::move(sa));
  }
  return report;
}

Result<EntitiesReport> LastAccessed::entities_report(const Read& rd, std::string_view job_id, std::string_view ns,
                                                     std::string_view caller_arn) {
  auto job = find_job(rd, job_id, caller_arn);
  if (!job) return job.error();
  EntitiesReport report;
  report.job = std::move(job).value();
  auto subject = resolve(rd, report.job.arn);
  if (!subject) {
    if (!store::is_not_found(subject.error())) return subject.error();
    report.failure = subject.error();
    return report;
  }
  // [UNCERTAIN] Every entity of the job is listed, with LastAuthenticated when it accessed the
  // namespace (a namespace iamd does not know: none did).
  for (Subject::Member& m : subject->members) {
    for (const std::string& id : m.entity_ids) {
      auto list = accesses_of(rd, id);
      if (!list) return list.error();
      for (const ActionAccess& a : *list) {
        if (a.ns != ns) continue;
        if (!m.info.last_authenticated || a.at > *m.info.last_authenticated) m.info.last_authenticated = a.at;
      }
    }
    report.entities.push_back(std::move(m.info));
  }
  // [IMPL] The latest access first, then the entities that did not access it, by name.
  std::stable_sort(report.entities.begin(), report.entities.end(), [](const EntityAccess& a, const EntityAccess& b) {
    if (a.last_authenticated.has_value() != b.last_authenticated.has_value()) return a.last_authenticated.has_value();
    if (a.last_authenticated && *a.last_authenticated != *b.last_authenticated) {
      return *a.last_authenticated > *b.last_authenticated;
    }
    return a.name < b.name;
  });
  return report;
}

Result<std::vector<GrantingEntry>> LastAccessed::policies_granting(const Read& rd, std::string_view arn_text,
                                                                   const std::vector<std::string>& namespaces) {
  auto subject = resolve(rd, arn_text);
  if (!subject) return subject.error();
  // [OBS] The operation takes a user, group or role.
  if (subject->type == "policy") return invalid_input("ARN " + std::string(arn_text) + " is not valid.");
  std::vector<GrantingEntry> out;
  for (const std::string& ns : namespaces) {
    GrantingEntry entry;
    entry.ns = ns;
    // [UNCERTAIN] A namespace iamd does not know is answered with no policy.
    if (const AwsService* service = find_aws_service(ns)) {
      for (const Subject::Policy& p : subject->policies) {
        if (p.grants(*service)) entry.policies.push_back(p.info);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<void> LastAccessed::set_global_endpoint_token_version(const Write& wr, std::string_view version) {
  store::Resource r;
  r.kind = store::ResourceKind::kStsPreferences;
  r.account_id = std::string(wr.account_id);
  r.id = std::string(wr.account_id);
  r.name = r.id;
  r.create_date = env_.clock->now();
  r.body = std::string(version);
  auto existing = wr.tx.get_resource(store::ResourceKind::kStsPreferences, r.id);
  if (existing) {
    if (existing->body == r.body) return {};
    return wr.tx.update_resource(r);
  }
  if (!store::is_not_found(existing.error())) return existing.error();
  return wr.tx.create_resource(r);
}

Result<std::int64_t> global_endpoint_token_version(const Read& rd) {
  auto r = rd.tx.get_resource(store::ResourceKind::kStsPreferences, rd.account_id);
  if (!r) {
    if (store::is_not_found(r.error())) return std::int64_t{1};
    return r.error();
  }
  return std::int64_t{r->body == "v2Token" ? 2 : 1};
}

// [IMPL] An Organizations report's job: "organizations", the entity path, the caller, the
// allowed namespaces (comma-separated) and the accounts ("id=path", comma-separated), one per
// line; find_job (three lines) never takes it for a last accessed job, nor the reverse.
constexpr std::string_view kOrgJobTag = "organizations";

Result<std::string> LastAccessed::generate_org_report(const Write& wr, std::string_view entity_path,
                                                      const std::vector<std::string>& namespaces,
                                                      const std::vector<OrgAccount>& accounts,
                                                      std::string_view caller_arn) {
  store::Resource job;
  job.kind = store::ResourceKind::kLastAccessedJob;
  job.account_id = std::string(wr.account_id);
  job.id = common::make_uuid(*env_.random);
  job.name = job.id;
  job.create_date = env_.clock->now();
  std::string body(kOrgJobTag);
  body += '\n';
  body += entity_path;
  body += '\n';
  body += caller_arn;
  body += '\n';
  for (std::size_t i = 0; i < namespaces.size(); ++i) body += (i ? "," : "") + namespaces[i];
  body += '\n';
  for (std::size_t i = 0; i < accounts.size(); ++i) body += (i ? "," : "") + accounts[i].id + "=" + accounts[i].path;
  job.body = std::move(body);
  if (auto c = wr.tx.create_resource(job); !c) return c.error();
  return job.id;
}

Result<OrgAccessReport> LastAccessed::org_report(const Read& rd, std::string_view job_id, std::string_view caller_arn) {
  auto unknown = [&] { return not_found("The job with id " + std::string(job_id) + " cannot be found."); };
  auto r = rd.tx.get_resource(store::ResourceKind::kLastAccessedJob, job_id);
  if (!r) return store::is_not_found(r.error()) ? unknown() : r.error();
  std::vector<std::string_view> f = common::split(r->body, '\n');
  if (r->account_id != rd.account_id || f.size() != 5 || f[0] != kOrgJobTag || f[2] != caller_arn) return unknown();
  OrgAccessReport report;
  report.job_id = r->id;
  report.created = r->create_date;
  // Every user's and role's accesses in the accounts of the report, with its account's path.
  struct Seen {
    std::vector<ActionAccess> accesses;
    std::string path;
  };
  std::vector<Seen> entities;
  for (std::string_view entry : common::split(f[4], ',')) {
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string account(entry.substr(0, eq));
    const std::string path(entry.substr(eq + 1));
    std::vector<std::string> ids;
    auto users = all_pages<store::User>([&](const store::ListOptions& lo) { return rd.tx.list_users(account, lo); });
    if (!users) return users.error();
    for (const store::User& u : *users) ids.push_back(u.id);
    auto roles = all_pages<store::Role>([&](const store::ListOptions& lo) { return rd.tx.list_roles(account, lo); });
    if (!roles) return roles.error();
    for (const store::Role& role : *roles) ids.push_back(role.id);
    for (const std::string& id : ids) {
      auto a = accesses_of(rd, id);
      if (!a) return a.error();
      if (!a->empty()) entities.push_back(Seen{std::move(a).value(), path});
    }
  }
  for (std::string_view ns : common::split(f[3], ',')) {
    const AwsService* service = find_aws_service(ns);
    if (service == nullptr) continue;
    OrgServiceAccess sa;
    sa.ns = std::string(service->ns);
    sa.name = std::string(service->name);
    for (const Seen& e : entities) {
      bool used = false;
      for (const ActionAccess& a : e.accesses) {
        if (a.ns != service->ns) continue;
        used = true;
        if (!sa.last_authenticated || a.at > *sa.last_authenticated) {
          sa.last_authenticated = a.at;
          sa.region = a.region;
          sa.entity_path = e.path;
        }
      }
      if (used) ++sa.total_entities;
    }
    report.services.push_back(std::move(sa));
  }
  return report;
}

}  // namespace iamd::iam
