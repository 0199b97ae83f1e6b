// IAM roles: create, update, delete, the trust policy, the role's inline and attached
// policies, and its tags, each function one step of the caller's unit of work (iam/scope.h).
#include <algorithm>
#include <charconv>

#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "iam/internal.h"
#include "iam/service.h"
#include "policy/document.h"

namespace iamd::iam {

namespace {

using internal::all_pages;
using internal::check_modifiable;
using internal::conflict;
using internal::find_role;
using internal::invalid_input;
using internal::not_found;

using common::Error;

Error role_exists(std::string_view name) {
  return Error{std::string(store::kAlreadyExists), "Role with name " + std::string(name) + " already exists.", ""};
}

Error role_policy_not_found(std::string_view name) {
  return not_found("The role policy with name " + std::string(name) + " cannot be found.");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Tag keys of roles are case-insensitive (identifiers.md §4).
Result<void> check_tag_keys(const Quotas& quotas, const store::Tags& tags) {
  if (auto r = internal::validate_tags(tags, internal::TagKeys::kCaseInsensitive); !r) return r;
  if (tags.size() > quotas.size_of(Quota::kTagsPerResource)) return quotas.exceeded(Quota::kTagsPerResource);
  return {};
}

// A marker of the tag listing: the index of the next tag.
Result<store::Page<store::Tag>> page_of_tags(store::Tags tags, const store::ListOptions& options) {
  internal::sort_tags(tags);  // AWS's order
  std::size_t start = 0;
  if (!options.marker.empty()) {
    auto decoded = store::decode_marker(options.marker);
    if (!decoded) return decoded.error();
    auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), start);
    if (ec != std::errc() || end != decoded->data() + decoded->size()) return store::invalid_marker();
  }
  const std::size_t limit = std::max<std::size_t>(options.max_items, 1);
  store::Page<store::Tag> page;
  for (std::size_t i = start; i < tags.size(); ++i) {
    if (page.items.size() == limit) {
      page.next_marker = store::encode_marker(std::to_string(i));
      break;
    }
    page.items.push_back(tags[i]);
  }
  return page;
}

// Validates a trust policy: its form is the policy module's (the same answers as
// `iamd policy validate --type trust`); here only that the IAM users and roles it names
// exist when it is saved (policy-language.md §1.2).
Result<void> check_trust_policy(const DomainEnv& env, store::ReadTransaction& tx, std::string_view document) {
  policy::ValidateOptions o = internal::validate_options(env.quotas, policy::PolicyKind::kTrust);
  o.partition = env.partition;
  auto doc = policy::parse_policy(document, o);
  if (!doc) return doc.error();
  for (const policy::StatementDoc& st : doc->statements) {
    for (const policy::PrincipalEntry& p : st.principals) {
      if (p.type != "AWS" || p.value == "*" || all_digits(p.value)) continue;
      const std::string& v = p.value;
      if (v.rfind("AIDA", 0) == 0 || v.rfind("AROA", 0) == 0) {
        bool exists = v[1] == 'I' ? static_cast<bool>(tx.get_user_by_id(v)) : static_cast<bool>(tx.get_role_by_id(v));
        if (!exists) return policy::invalid_trust_principal(p);
        continue;
      }
      // An ARN in one of the forms parse_policy accepted; the resource part follows the
      // fifth colon.
      auto parts = common::split(v, ':');
      std::size_t at = 0;
      for (int i = 0; i < 5; ++i) at = v.find(':', at) + 1;
      const std::string resource = v.substr(at);
      const std::string_view account = parts[4];
      if (parts[2] != "iam" || resource == "root") continue;
      const std::string name = resource.substr(resource.rfind('/') + 1);
      if (resource.rfind("user/", 0) == 0) {
        auto u = tx.get_user(account, name);
        if (!u || arn::iam_arn(env.partition, u->account_id, "user" + u->path + u->name) != v) {
          return policy::invalid_trust_principal(p);
        }
      } else if (resource.rfind("role/", 0) == 0) {
        auto r = tx.get_role(account, name);
        if (!r || arn::iam_arn(env.partition, r->account_id, "role" + r->path + r->name) != v) {
          return policy::invalid_trust_principal(p);
        }
      }
    }
  }
  return {};
}

}  // namespace

std::string IamDomain::role_arn(const store::Role& r) const {
  return arn::iam_arn(env_.partition, r.account_id, "role" + r.path + r.name);
}

Result<store::Role> Roles::create_role(const Write& wr, const store::Role& spec) {
  if (auto r = check_tag_keys(env_.quotas, spec.tags); !r) return r.error();
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id, {Quota::kRolesPerAccount}); !q) {
    return q.error();
  }
  if (auto r = check_trust_policy(env_, wr.tx, spec.trust_policy); !r) return r.error();
  if (!spec.permissions_boundary.empty()) {
    if (auto p = internal::boundary_policy(env_, wr.tx, wr.account_id, spec.permissions_boundary); !p) {
      return p.error();
    }
  }
  store::Role role = spec;
  role.account_id = std::string(wr.account_id);
  if (role.path.empty()) role.path = "/";
  role.id = common::make_unique_id("AROA", *env_.random);
  role.create_date = env_.clock->now();
  role.last_used.reset();
  if (auto r = wr.tx.create_role(role); !r) {
    if (store::is_already_exists(r.error())) return role_exists(role.name);
    return r.error();
  }
  return role;
}

Result<store::Role> Roles::get_role(const Read& rd, std::string_view name) {
  return find_role(rd.tx, rd.account_id, name);
}

Result<store::Page<store::Role>> Roles::list_roles(const Read& rd, const store::ListOptions& options) {
  return rd.tx.list_roles(rd.account_id, options);
}

Result<void> Roles::delete_role(const Write& wr, std::string_view name) {
  auto role = find_role(wr.tx, wr.account_id, name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  // DeleteConflict reasons in this order: instance profiles, inline, then attached policies.
  auto profiles = wr.tx.list_instance_profiles_for_role(role->id);
  if (!profiles) return profiles.error();
  if (!profiles->empty()) return conflict("Cannot delete entity, must remove roles from instance profile first.");
  store::ListOptions one;
  one.max_items = 1;
  auto inline_policies = wr.tx.list_inline_policies(store::EntityKind::kRole, role->id, one);
  if (!inline_policies) return inline_policies.error();
  if (!inline_policies->items.empty()) return conflict("Cannot delete entity, must delete policies first.");
  auto attached = wr.tx.list_attached_policies(store::EntityKind::kRole, role->id, one);
  if (!attached) return attached.error();
  if (!attached->items.empty()) return conflict("Cannot delete entity, must detach all policies first.");
  if (auto r = wr.tx.delete_role(role->id); !r) return r;
  return {};
}

Result<store::Role> Roles::update_role(const Write& wr, std::string_view name,
                                       const std::optional<std::string>& description,
                                       std::optional<int> max_session_duration) {
  auto role = find_role(wr.tx, wr.account_id, name);
  if (!role) return role.error();
  store::Role updated = *role;
  if (description) updated.description = *description;
  if (max_session_duration) updated.max_session_duration = *max_session_duration;
  if (updated == *role) return updated;
  if (auto r = wr.tx.update_role(updated); !r) return r.error();
  return updated;
}

Result<void> Roles::update_assume_role_policy(const Write& wr, std::string_view name, std::string_view document) {
  auto role = find_role(wr.tx, wr.account_id, name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  if (auto r = check_trust_policy(env_, wr.tx, document); !r) return r;
  store::Role updated = *role;
  updated.trust_policy = std::string(document);
  if (updated == *role) return {};
  if (auto r = wr.tx.update_role(updated); !r) return r;
  return {};
}

Result<void> Roles::put_role_policy(const Write& wr, std::string_view role_name, std::string_view policy_name,
                                    std::string_view document) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  if (auto r = internal::check_inline_policy(wr.tx, env_.quotas, policy::EntityType::kRole, role->id, role->name,
                                             policy_name, document);
      !r) {
    return r;
  }
  if (auto r = wr.tx.put_inline_policy(store::EntityKind::kRole, role->id,
                                       store::InlinePolicy{std::string(policy_name), std::string(document)});
      !r) {
    return r;
  }
  return {};
}

Result<store::InlinePolicy> Roles::get_role_policy(const Read& rd, std::string_view role_name,
                                                   std::string_view policy_name) {
  auto role = find_role(rd.tx, rd.account_id, role_name);
  if (!role) return role.error();
  auto p = rd.tx.get_inline_policy(store::EntityKind::kRole, role->id, policy_name);
  if (!p && store::is_not_found(p.error())) return role_policy_not_found(policy_name);
  return p;
}

Result<void> Roles::delete_role_policy(const Write& wr, std::string_view role_name, std::string_view policy_name) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  if (auto r = wr.tx.delete_inline_policy(store::EntityKind::kRole, role->id, policy_name); !r) {
    if (store::is_not_found(r.error())) return role_policy_not_found(policy_name);
    return r;
  }
  return {};
}

Result<store::Page<store::InlinePolicy>> Roles::list_role_policies(const Read& rd, std::string_view role_name,
                                                                   const store::ListOptions& options) {
  auto role = find_role(rd.tx, rd.account_id, role_name);
  if (!role) return role.error();
  return rd.tx.list_inline_policies(store::EntityKind::kRole, role->id, options);
}

Result<void> Roles::attach_role_policy(const Write& wr, std::string_view role_name, std::string_view arn) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  auto p = internal::attachable_policy(env_, wr.tx, wr.account_id, arn);
  if (!p) return p.error();
  auto attached = all_pages<store::AttachedPolicy>([&](const store::ListOptions& lo) {
    return wr.tx.list_attached_policies(store::EntityKind::kRole, role->id, lo);
  });
  if (!attached) return attached.error();
  for (const store::AttachedPolicy& a : *attached) {
    if (a.arn == arn) return {};  // attaching again is a no-op, as in AWS
  }
  if (auto q = env_.quotas.check_room(Quota::kAttachedPoliciesPerRole, attached->size()); !q) return q;
  if (auto r = wr.tx.attach_policy(store::EntityKind::kRole, role->id, arn); !r) return r;
  return {};
}

Result<void> Roles::detach_role_policy(const Write& wr, std::string_view role_name, std::string_view arn) {
  auto role = find_role(wr.tx, wr.account_id, role_name);
  if (!role) return role.error();
  if (auto m = check_modifiable(*role); !m) return m;
  if (auto valid = internal::check_policy_arn(arn); !valid) return valid;
  if (auto r = wr.tx.detach_policy(store::EntityKind::kRole, role->id, arn); !r) {
    if (store::is_not_found(r.error())) return not_found("Policy " + std::string(arn) + " was not found.");
    return r;
  }
  return {};
}

Result<store::Page<store::AttachedPolicy>> Roles::list_attached_role_policies(const Read& rd,
                                                                              std::string_view role_name,
                                                                              const store::ListOptions& options) {
  auto role = find_role(rd.tx, rd.account_id, role_name);
  if (!role) return role.error();
  return rd.tx.list_attached_policies(store::EntityKind::kRole, role->id, options);
}

Result<void> Roles::tag_role(const Write& wr, std::string_view role_name, const store::Tags& tags) {
  using internal::TagKeys;
  if (auto r = check_tag_keys(env_.quotas, tags); !r) return r;
  return internal::update_tags([&] { return find_role(wr.tx, wr.account_id, role_name); },
                               [&](store::Tags& t) { internal::merge_tags(t, tags, TagKeys::kCaseInsensitive); },
                               [&](const store::Role& r) { return wr.tx.update_role(r); },
                               env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<void> Roles::untag_role(const Write& wr, std::string_view role_name, const std::vector<std::string>& keys) {
  using internal::TagKeys;
  return internal::update_tags([&] { return find_role(wr.tx, wr.account_id, role_name); },
                               [&](store::Tags& t) { internal::remove_tags(t, keys, TagKeys::kCaseInsensitive); },
                               [&](const store::Role& r) { return wr.tx.update_role(r); },
                               env_.quotas.size_of(Quota::kTagsPerResource));
}

Result<store::Page<store::Tag>> Roles::list_role_tags(const Read& rd, std::string_view role_name,
                                                      const store::ListOptions& options) {
  auto role = find_role(rd.tx, rd.account_id, role_name);
  if (!role) return role.error();
  return page_of_tags(role->tags, options);
}

}  // namespace iamd::iam
