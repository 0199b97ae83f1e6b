// Managed policies: customer managed policies with their versions and tags, and read access
// to the AWS managed policy catalogue (api.md §7.5, identifiers.md §5).
#include <algorithm>
#include <charconv>
#include <map>

#include "arn/arn.h"
#include "common/ids.h"
#include "iam/internal.h"
#include "iam/service.h"
#include "policy/document.h"

namespace iamd::iam {

namespace {

using internal::conflict;
using internal::invalid_input;
using internal::not_found;
using internal::page_of;
using internal::validate_tags;

using common::Error;

Error policy_not_found(std::string_view arn) {
  return not_found("Policy " + std::string(arn) + " was not found.");
}
// A version of a policy that is missing, or of a policy that is missing (recorded:
// policy_version_errors, both the same message).
Error version_not_found(std::string_view arn, std::string_view version_id) {
  return not_found("Policy " + std::string(arn) + " version " + std::string(version_id) +
                   " does not exist or is not attachable.");
}

// The number of a version id "v<n>"; 0 when it has another form.
long version_number(std::string_view version_id) {
  if (version_id.size() < 2 || version_id[0] != 'v') return 0;
  long n = 0;
  auto [end, ec] = std::from_chars(version_id.data() + 1, version_id.data() + version_id.size(), n);
  if (ec != std::errc() || end != version_id.data() + version_id.size()) return 0;
  return n;
}

std::string make_policy_arn(const DomainEnv& env, std::string_view account_id, std::string_view path,
                            std::string_view name) {
  return arn::iam_arn(env.partition, account_id,
                      "policy" + (path.empty() ? std::string("/") : std::string(path)) + std::string(name));
}

bool is_aws_managed_arn(const DomainEnv& env, std::string_view arn) {
  const std::string prefix = arn::iam_arn(env.partition, "aws", "");
  return arn.substr(0, prefix.size()) == prefix;
}

// The record of a catalogue policy as GetPolicy shows it before anything is attached to it.
store::ManagedPolicy from_catalogue(const AwsManagedPolicy& aws) {
  store::ManagedPolicy m;
  m.arn = aws.arn;
  m.account_id = "aws";
  m.name = aws.name;
  m.path = aws.path;
  m.id = aws.policy_id;
  m.default_version_id = aws.default_version_id;
  m.aws_managed = true;
  m.create_date = common::parse_aws_date(aws.create_date).value_or(common::Timestamp{});
  m.update_date = common::parse_aws_date(aws.update_date).value_or(m.create_date);
  return m;
}

// An AWS managed policy: the store's record when it has one (it carries the counts), else
// the catalogue's.
Result<store::ManagedPolicy> aws_policy(const DomainEnv& env, store::ReadTransaction& tx, std::string_view arn) {
  const AwsManagedPolicy* aws = env.catalog != nullptr ? env.catalog->find_by_arn(arn) : nullptr;
  if (aws == nullptr) return policy_not_found(arn);
  auto stored = tx.get_policy(arn);
  if (stored) return stored;
  if (!store::is_not_found(stored.error())) return stored.error();
  return from_catalogue(*aws);
}

// The one version of an AWS managed policy the catalogue holds: its default.
Result<store::PolicyVersion> catalogue_version(const DomainEnv& env, const store::ManagedPolicy& p) {
  const AwsManagedPolicy* aws = env.catalog != nullptr ? env.catalog->find_by_arn(p.arn) : nullptr;
  if (aws == nullptr) return version_not_found(p.arn, p.default_version_id);
  store::PolicyVersion v;
  v.version_id = aws->default_version_id;
  v.document = aws->document();
  v.create_date = p.update_date;
  v.is_default = true;
  return v;
}

// A policy the caller may read: a customer managed policy of the account or an AWS one.
Result<store::ManagedPolicy> readable_policy(const DomainEnv& env, store::ReadTransaction& tx,
                                             std::string_view account_id, std::string_view arn) {
  if (is_aws_managed_arn(env, arn)) return aws_policy(env, tx, arn);
  auto p = tx.get_policy(arn);
  if (!p) {
    if (store::is_not_found(p.error())) return policy_not_found(arn);
    return p.error();
  }
  if (p->account_id != account_id) return policy_not_found(arn);
  return p;
}

// What the caller tried on an AWS managed policy, for AWS's AccessDenied message (recorded:
// aws_managed_policy_errors).
enum class Change { kTag, kDelete, kDeleteVersion, kUpdate };

// A policy the caller may change: only customer managed policies of its account. Deleting or
// updating an AWS managed policy is AccessDenied with AWS's own message, whether the catalogue
// holds it or not; tagging one is NoSuchEntity [UNCERTAIN: not recorded].
Result<store::ManagedPolicy> own_policy(const DomainEnv& env, store::ReadTransaction& tx, std::string_view account_id,
                                        std::string_view arn, Change change = Change::kTag) {
  if (change != Change::kTag && is_aws_managed_arn(env, arn)) {
    std::string message = change == Change::kDelete          ? "Cannot delete policies outside your own account."
                          : change == Change::kDeleteVersion ? "Cannot delete policy versions for policies outside "
                                                               "your own account."
                                                             : "Cannot update policies outside your own account.";
    return Error{"AccessDenied", std::move(message), ""};
  }
  auto p = tx.get_policy(arn);
  if (!p) {
    if (store::is_not_found(p.error())) return policy_not_found(arn);
    return p.error();
  }
  if (p->aws_managed || p->account_id != account_id) return policy_not_found(arn);
  return p;
}

Result<void> validate_managed_document(const Quotas& quotas, std::string_view document) {
  auto doc = policy::parse_policy(document, internal::validate_options(quotas, policy::PolicyKind::kManaged));
  if (!doc) return doc.error();
  return {};
}

}  // namespace

Result<store::ManagedPolicy> IamDomain::find_policy(const Read& rd, std::string_view arn) {
  return readable_policy(env_, rd.tx, rd.account_id, arn);
}

std::string IamDomain::policy_arn(std::string_view account_id, std::string_view path, std::string_view name) const {
  return make_policy_arn(env_, account_id, path, name);
}

Result<store::ManagedPolicy> Policies::create_policy(const Write& wr, std::string_view name, std::string_view path,
                                                     std::string_view description, std::string_view document,
                                                     const store::Tags& tags) {
  if (auto r = validate_tags(tags); !r) return r.error();
  if (auto r = validate_managed_document(env_.quotas, document); !r) return r.error();
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id,
                                            {Quota::kPoliciesPerAccount, Quota::kPolicyVersionsInUse});
      !q) {
    return q.error();
  }
  store::ManagedPolicy p;
  p.account_id = std::string(wr.account_id);
  p.name = std::string(name);
  p.path = path.empty() ? std::string("/") : std::string(path);
  p.arn = make_policy_arn(env_, wr.account_id, p.path, name);
  p.id = common::make_unique_id("ANPA", *env_.random);
  p.description = std::string(description);
  p.default_version_id = "v1";
  p.create_date = env_.clock->now();
  p.update_date = p.create_date;
  p.tags = tags;
  if (auto r = wr.tx.create_policy(p); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists),
                   "A policy called " + p.name + " already exists. Duplicate names are not allowed.", ""};
    }
    return r.error();
  }
  store::PolicyVersion v;
  v.version_id = "v1";
  v.document = std::string(document);
  v.create_date = p.create_date;
  if (auto r = wr.tx.create_policy_version(p.arn, v); !r) return r.error();
  return p;
}

Result<store::ManagedPolicy> Policies::get_policy(const Read& rd, std::string_view arn) {
  return readable_policy(env_, rd.tx, rd.account_id, arn);
}

Result<store::Page<store::ManagedPolicy>> Policies::list_policies(const Read& rd,
                                                                  const store::PolicyListOptions& options) {
  // The store has every attached policy, AWS managed ones included, and every customer
  // managed one: it answers these listings alone.
  if (options.only_attached || options.scope == store::PolicyScope::kLocal || env_.catalog == nullptr) {
    return rd.tx.list_policies(rd.account_id, options);
  }
  std::string after;
  if (!options.list.marker.empty()) {
    auto decoded = store::decode_marker(options.list.marker);
    if (!decoded) return decoded.error();
    after = std::move(decoded).value();
  }
  const std::size_t limit = std::max<std::size_t>(options.list.max_items, 1);
  store::Page<store::ManagedPolicy> page;
  // Customer managed policies first: their ARNs (a 12-digit account) sort before "aws".
  // The store's markers are the encoded ARN of the last item, as ours are.
  if (options.scope == store::PolicyScope::kAll && (after.empty() || !is_aws_managed_arn(env_, after))) {
    store::PolicyListOptions local = options;
    local.scope = store::PolicyScope::kLocal;
    local.list.max_items = limit;
    auto locals = rd.tx.list_policies(rd.account_id, local);
    if (!locals) return locals.error();
    if (locals->is_truncated()) return locals;
    page.items = std::move(locals->items);
    after.clear();
  }
  std::vector<const AwsManagedPolicy*> catalogue;
  catalogue.reserve(env_.catalog->all().size());
  for (const AwsManagedPolicy& a : env_.catalog->all()) catalogue.push_back(&a);
  std::sort(catalogue.begin(), catalogue.end(),
            [](const AwsManagedPolicy* a, const AwsManagedPolicy* b) { return a->arn < b->arn; });
  auto first = catalogue.begin();
  if (!after.empty()) {
    first = std::upper_bound(catalogue.begin(), catalogue.end(), after,
                             [](const std::string& key, const AwsManagedPolicy* a) { return key < a->arn; });
  }
  const std::string& prefix = options.list.path_prefix;
  for (auto it = first; it != catalogue.end(); ++it) {
    const AwsManagedPolicy& a = **it;
    if (a.path.substr(0, prefix.size()) != prefix) continue;
    if (page.items.size() == limit) {
      page.next_marker = store::encode_marker(page.items.back().arn);
      break;
    }
    auto p = aws_policy(env_, rd.tx, a.arn);
    if (!p) return p.error();
    page.items.push_back(std::move(p).value());
  }
  return page;
}

Result<void> Policies::delete_policy(const Write& wr, std::string_view arn) {
  auto p = own_policy(env_, wr.tx, wr.account_id, arn, Change::kDelete);
  if (!p) return p.error();
  if (p->attachment_count > 0 || p->permissions_boundary_usage_count > 0) {
    return conflict("Cannot delete a policy attached to entities.");
  }
  auto versions = wr.tx.list_policy_versions(arn);
  if (!versions) return versions.error();
  if (versions->size() > 1) {
    return conflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
        "The default version is deleted with the policy.");
  }
  if (auto r = wr.tx.delete_policy(arn); !r) return r;
  return {};
}

Result<store::PolicyVersion> Policies::create_policy_version(const Write& wr, std::string_view arn,
                                                             std::string_view document, bool set_as_default) {
  // [UNCERTAIN] CreatePolicyVersion on an AWS managed policy is not recorded: taken as an update.
  auto p = own_policy(env_, wr.tx, wr.account_id, arn, Change::kUpdate);
  if (!p) return p.error();
  if (auto r = validate_managed_document(env_.quotas, document); !r) return r.error();
  auto versions = wr.tx.list_policy_versions(arn);
  if (!versions) return versions.error();
  if (auto q = env_.quotas.check_room(Quota::kVersionsPerPolicy, versions->size()); !q) return q.error();
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id, {Quota::kPolicyVersionsInUse}); !q) {
    return q.error();
  }
  // The next number after every version the policy ever had: as in AWS, the number of a
  // deleted version is not given again (the store keeps the highest one).
  long highest = std::max(version_number(p->default_version_id), static_cast<long>(p->highest_version_number));
  for (const store::PolicyVersion& v : *versions) highest = std::max(highest, version_number(v.version_id));
  store::PolicyVersion v;
  v.version_id = "v" + std::to_string(highest + 1);
  v.document = std::string(document);
  v.create_date = env_.clock->now();
  if (auto r = wr.tx.create_policy_version(arn, v); !r) return r.error();
  if (set_as_default) {
    store::ManagedPolicy updated = *p;
    updated.default_version_id = v.version_id;
    updated.update_date = v.create_date;
    if (auto r = wr.tx.update_policy(updated); !r) return r.error();
    v.is_default = true;
  }
  return v;
}

Result<store::PolicyVersion> Policies::get_policy_version(const Read& rd, std::string_view arn,
                                                          std::string_view version_id) {
  auto p = readable_policy(env_, rd.tx, rd.account_id, arn);
  if (!p) return store::is_not_found(p.error()) ? version_not_found(arn, version_id) : p.error();
  if (p->aws_managed) {
    // The catalogue holds the default version of each AWS managed policy.
    if (version_id != p->default_version_id) return version_not_found(arn, version_id);
    return catalogue_version(env_, *p);
  }
  auto v = rd.tx.get_policy_version(arn, version_id);
  if (!v && store::is_not_found(v.error())) return version_not_found(arn, version_id);
  return v;
}

Result<store::Page<store::PolicyVersion>> Policies::list_policy_versions(const Read& rd, std::string_view arn,
                                                                         const store::ListOptions& options) {
  auto p = readable_policy(env_, rd.tx, rd.account_id, arn);
  if (!p) return p.error();
  std::vector<store::PolicyVersion> versions;
  if (p->aws_managed) {
    auto v = catalogue_version(env_, *p);
    if (!v) return v.error();
    versions.push_back(std::move(v).value());
  } else {
    auto stored = rd.tx.list_policy_versions(arn);
    if (!stored) return stored.error();
    versions = std::move(stored).value();
    std::sort(versions.begin(), versions.end(), [](const store::PolicyVersion& a, const store::PolicyVersion& b) {
      return version_number(a.version_id) > version_number(b.version_id);
    });
  }
  return page_of(std::move(versions), options);
}

Result<void> Policies::set_default_policy_version(const Write& wr, std::string_view arn, std::string_view version_id) {
  auto p = own_policy(env_, wr.tx, wr.account_id, arn, Change::kUpdate);
  if (!p) return store::is_not_found(p.error()) ? version_not_found(arn, version_id) : p.error();
  auto v = wr.tx.get_policy_version(arn, version_id);
  if (!v) {
    if (store::is_not_found(v.error())) return version_not_found(arn, version_id);
    return v.error();
  }
  if (p->default_version_id == v->version_id) return {};
  store::ManagedPolicy updated = *p;
  updated.default_version_id = v->version_id;
  updated.update_date = env_.clock->now();
  if (auto r = wr.tx.update_policy(updated); !r) return r;
  return {};
}

Result<void> Policies::delete_policy_version(const Write& wr, std::string_view arn, std::string_view version_id) {
  auto p = own_policy(env_, wr.tx, wr.account_id, arn, Change::kDeleteVersion);
  // [UNCERTAIN] a missing policy is not recorded here: as GetPolicyVersion and SetDefaultPolicyVersion.
  if (!p) return store::is_not_found(p.error()) ? version_not_found(arn, version_id) : p.error();
  if (p->default_version_id == version_id) return conflict("Cannot delete the default version of a policy.");
  if (auto r = wr.tx.delete_policy_version(arn, version_id); !r) {
    if (store::is_not_found(r.error())) return version_not_found(arn, version_id);
    return r;
  }
  return {};
}

Result<store::Page<store::EntityRef>> Policies::list_entities_for_policy(const Read& rd, std::string_view arn,
                                                                         std::optional<store::EntityKind> kind,
                                                                         const store::ListOptions& options) {
  auto p = readable_policy(env_, rd.tx, rd.account_id, arn);
  // Recorded (list_entities_for_policy_errors): "does not exist or is not attachable."
  if (!p && store::is_not_found(p.error())) {
    return not_found("Policy " + std::string(arn) + " does not exist or is not attachable.");
  }
  if (!p) return p.error();
  auto page = rd.tx.list_entities_for_policy(rd.account_id, arn, kind, options);
  // An AWS managed policy never attached has no record yet, and so no entities.
  if (!page && p->aws_managed && store::is_not_found(page.error())) return store::Page<store::EntityRef>{};
  return page;
}

namespace {

// A user or role of the account with a permissions boundary.
struct BoundaryHolder {
  store::EntityRef ref;
  std::string path;
  std::string boundary;
};

// Every user and role of the account that has a permissions boundary: roles first, then
// users, each by name (ListEntitiesForPolicy's order).
Result<std::vector<BoundaryHolder>> boundary_holders(store::ReadTransaction& tx, std::string_view account_id) {
  std::vector<BoundaryHolder> out;
  auto roles =
      internal::all_pages<store::Role>([&](const store::ListOptions& o) { return tx.list_roles(account_id, o); });
  if (!roles) return roles.error();
  for (const store::Role& r : *roles) {
    if (r.permissions_boundary.empty()) continue;
    out.push_back({store::EntityRef{store::EntityKind::kRole, r.id, r.name}, r.path, r.permissions_boundary});
  }
  auto users =
      internal::all_pages<store::User>([&](const store::ListOptions& o) { return tx.list_users(account_id, o); });
  if (!users) return users.error();
  for (const store::User& u : *users) {
    if (u.permissions_boundary.empty()) continue;
    out.push_back({store::EntityRef{store::EntityKind::kUser, u.id, u.name}, u.path, u.permissions_boundary});
  }
  return out;
}

}  // namespace

Result<store::Page<store::ManagedPolicy>> Policies::list_boundary_policies(const Read& rd,
                                                                           const store::PolicyListOptions& options) {
  auto holders = boundary_holders(rd.tx, rd.account_id);
  if (!holders) return holders.error();
  std::map<std::string, int> uses;  // by ARN, so the list comes out sorted
  for (const BoundaryHolder& h : *holders) ++uses[h.boundary];
  std::vector<store::ManagedPolicy> items;
  for (const auto& [arn, count] : uses) {
    auto p = readable_policy(env_, rd.tx, rd.account_id, arn);
    if (!p) continue;  // a boundary whose policy is gone selects nothing
    if (options.scope == store::PolicyScope::kAws && !p->aws_managed) continue;
    if (options.scope == store::PolicyScope::kLocal && p->aws_managed) continue;
    if (!p->path.starts_with(options.list.path_prefix)) continue;
    p->permissions_boundary_usage_count = count;
    items.push_back(std::move(p).value());
  }
  return internal::page_of(std::move(items), options.list);
}

Result<store::Page<store::EntityRef>> Policies::list_boundary_entities(const Read& rd, std::string_view arn,
                                                                       std::optional<store::EntityKind> kind,
                                                                       const store::ListOptions& options) {
  if (auto p = readable_policy(env_, rd.tx, rd.account_id, arn); !p) return p.error();
  auto holders = boundary_holders(rd.tx, rd.account_id);
  if (!holders) return holders.error();
  std::vector<store::EntityRef> items;
  for (BoundaryHolder& h : *holders) {
    if (h.boundary != arn || (kind && *kind != h.ref.kind) || !h.path.starts_with(options.path_prefix)) continue;
    items.push_back(std::move(h.ref));
  }
  return internal::page_of(std::move(items), options);
}

Result<void> Policies::tag_policy(const Write& wr, std::string_view arn, const store::Tags& tags) {
  if (auto r = validate_tags(tags); !r) return r;
  return internal::update_tags([&] { return own_policy(env_, wr.tx, wr.account_id, arn); },
                               [&](store::Tags& t) { internal::merge_tags(t, tags); },
                               [&](const store::ManagedPolicy& p) { return wr.tx.update_policy(p); },
                               env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> Policies::untag_policy(const Write& wr, std::string_view arn, const std::vector<std::string>& keys) {
  return internal::update_tags([&] { return own_policy(env_, wr.tx, wr.account_id, arn); },
                               [&](store::Tags& t) { internal::remove_tags(t, keys); },
                               [&](const store::ManagedPolicy& p) { return wr.tx.update_policy(p); },
                               env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<store::Page<store::Tag>> Policies::list_policy_tags(const Read& rd, std::string_view arn,
                                                           const store::ListOptions& options) {
  auto p = readable_policy(env_, rd.tx, rd.account_id, arn);
  if (!p) return p.error();
  return page_of(p->tags, options);
}

}  // namespace iamd::iam
