// IAM groups: create, rename, delete, membership, and the group's inline and attached
// policies. Each public call is one store transaction, like the rest of IamDomain.
#include <algorithm>

#include "arn/arn.h"
#include "common/ids.h"
#include "iam/internal.h"
#include "iam/service.h"
#include "policy/document.h"

namespace iamd::iam {

namespace {

using internal::all_pages;
using internal::conflict;
using internal::not_found;

using common::Error;

Error group_exists(std::string_view name) {
  return Error{std::string(store::kAlreadyExists), "Group with name " + std::string(name) + " already exists.", ""};
}

Result<store::Group> find_group(store::ReadTransaction& tx, std::string_view account_id, std::string_view name) {
  auto g = tx.get_group(account_id, name);
  if (!g && store::is_not_found(g.error())) {
    return not_found("The group with name " + std::string(name) + " cannot be found.");
  }
  return g;
}

Result<store::User> find_member(store::ReadTransaction& tx, std::string_view account_id, std::string_view name) {
  auto u = tx.get_user(account_id, name);
  if (!u && store::is_not_found(u.error())) {
    return not_found("The user with name " + std::string(name) + " cannot be found.");
  }
  return u;
}

}  // namespace

std::string IamDomain::group_arn(const store::Group& g) const {
  return arn::iam_arn(env_.partition, g.account_id, "group" + g.path + g.name);
}

Result<store::Group> Groups::create_group(const Write& wr, std::string_view name, std::string_view path) {
  if (auto q = internal::check_account_room(wr.tx, env_.quotas, wr.account_id, {Quota::kGroupsPerAccount}); !q) {
    return q.error();
  }
  store::Group g;
  g.account_id = std::string(wr.account_id);
  g.name = std::string(name);
  g.path = path.empty() ? std::string("/") : std::string(path);
  g.id = common::make_unique_id("AGPA", *env_.random);
  g.create_date = env_.clock->now();
  if (auto r = wr.tx.create_group(g); !r) {
    if (store::is_already_exists(r.error())) return group_exists(g.name);
    return r.error();
  }
  return g;
}

Result<store::Group> Groups::get_group(const Read& rd, std::string_view name) {
  return find_group(rd.tx, rd.account_id, name);
}

Result<Groups::GroupMembers> Groups::get_group_members(const Read& rd, std::string_view name,
                                                       const store::ListOptions& options) {
  auto g = find_group(rd.tx, rd.account_id, name);
  if (!g) return g.error();
  auto users = rd.tx.list_users_in_group(g->id, options);
  if (!users) return users.error();
  return GroupMembers{std::move(g).value(), std::move(users).value()};
}

Result<store::Page<store::Group>> Groups::list_groups(const Read& rd, const store::ListOptions& options) {
  return rd.tx.list_groups(rd.account_id, options);
}

Result<void> Groups::update_group(const Write& wr, std::string_view name, const std::optional<std::string>& new_name,
                                  const std::optional<std::string>& new_path) {
  auto g = find_group(wr.tx, wr.account_id, name);
  if (!g) return g.error();
  store::Group updated = *g;
  if (new_name) updated.name = *new_name;
  if (new_path) updated.path = *new_path;
  if (updated == *g) return {};
  if (auto r = wr.tx.update_group(updated); !r) {
    if (store::is_already_exists(r.error())) return group_exists(updated.name);
    return r;
  }
  return {};
}

Result<void> Groups::delete_group(const Write& wr, std::string_view name) {
  auto g = find_group(wr.tx, wr.account_id, name);
  if (!g) return g.error();
  store::ListOptions one;
  one.max_items = 1;
  // AWS's order of DeleteConflict reasons: members, inline policies, attached policies.
  auto members = wr.tx.list_users_in_group(g->id, one);
  if (!members) return members.error();
  if (!members->items.empty()) return conflict("Cannot delete entity, must remove users from group first.");
  auto inline_policies = wr.tx.list_inline_policies(store::EntityKind::kGroup, g->id, one);
  if (!inline_policies) return inline_policies.error();
  if (!inline_policies->items.empty()) return conflict("Cannot delete entity, must delete policies first.");
  auto attached = wr.tx.list_attached_policies(store::EntityKind::kGroup, g->id, one);
  if (!attached) return attached.error();
  if (!attached->items.empty()) return conflict("Cannot delete entity, must detach all policies first.");
  if (auto r = wr.tx.delete_group(g->id); !r) return r;
  return {};
}

Result<void> Groups::add_user_to_group(const Write& wr, std::string_view group_name, std::string_view user_name) {
  // With both missing AWS reports the user (recorded: remove_user_from_unknown_group; AddUserToGroup
  // is taken to check in the same order [UNCERTAIN]).
  auto u = find_member(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  auto groups =
      all_pages<store::Group>([&](const store::ListOptions& lo) { return wr.tx.list_groups_for_user(u->id, lo); });
  if (!groups) return groups.error();
  const bool member = std::any_of(groups->begin(), groups->end(), [&](const store::Group& x) { return x.id == g->id; });
  if (member) return {};  // adding again is a no-op, as in AWS
  if (auto q = env_.quotas.check_room(Quota::kGroupsPerUser, groups->size()); !q) return q;
  if (auto r = wr.tx.add_user_to_group(g->id, u->id); !r) {
    // The membership appeared between the listing and the write: still a no-op.
    if (store::is_already_exists(r.error())) return {};
    return r;
  }
  return {};
}

Result<void> Groups::remove_user_from_group(const Write& wr, std::string_view group_name, std::string_view user_name) {
  // The user is checked first: with both missing AWS reports the user (recorded:
  // remove_user_from_unknown_group).
  auto u = find_member(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  if (auto r = wr.tx.remove_user_from_group(g->id, u->id); !r) {
    // A user who is not a member: AWS succeeds (nothing to remove).
    if (store::is_not_found(r.error())) return {};
    return r;
  }
  return {};
}

Result<store::Page<store::Group>> Groups::list_groups_for_user(const Read& rd, std::string_view user_name,
                                                               const store::ListOptions& options) {
  auto u = find_member(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  return rd.tx.list_groups_for_user(u->id, options);
}

Result<void> Groups::put_group_policy(const Write& wr, std::string_view group_name, std::string_view policy_name,
                                      std::string_view document) {
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  if (auto r = internal::check_inline_policy(wr.tx, env_.quotas, policy::EntityType::kGroup, g->id, g->name,
                                             policy_name, document);
      !r) {
    return r;
  }
  if (auto r = wr.tx.put_inline_policy(store::EntityKind::kGroup, g->id,
                                       store::InlinePolicy{std::string(policy_name), std::string(document)});
      !r) {
    return r;
  }
  return {};
}

Result<store::InlinePolicy> Groups::get_group_policy(const Read& rd, std::string_view group_name,
                                                     std::string_view policy_name) {
  auto g = find_group(rd.tx, rd.account_id, group_name);
  if (!g) return g.error();
  auto p = rd.tx.get_inline_policy(store::EntityKind::kGroup, g->id, policy_name);
  if (!p && store::is_not_found(p.error())) {
    return not_found("The group policy with name " + std::string(policy_name) + " cannot be found.");
  }
  return p;
}

Result<void> Groups::delete_group_policy(const Write& wr, std::string_view group_name, std::string_view policy_name) {
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  if (auto r = wr.tx.delete_inline_policy(store::EntityKind::kGroup, g->id, policy_name); !r) {
    if (store::is_not_found(r.error())) {
      return not_found("The group policy with name " + std::string(policy_name) + " cannot be found.");
    }
    return r;
  }
  return {};
}

Result<store::Page<store::InlinePolicy>> Groups::list_group_policies(const Read& rd, std::string_view group_name,
                                                                     const store::ListOptions& options) {
  auto g = find_group(rd.tx, rd.account_id, group_name);
  if (!g) return g.error();
  return rd.tx.list_inline_policies(store::EntityKind::kGroup, g->id, options);
}

Result<void> Groups::attach_group_policy(const Write& wr, std::string_view group_name, std::string_view arn) {
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  auto p = internal::attachable_policy(env_, wr.tx, wr.account_id, arn);
  if (!p) return p.error();
  auto attached = all_pages<store::AttachedPolicy>(
      [&](const store::ListOptions& lo) { return wr.tx.list_attached_policies(store::EntityKind::kGroup, g->id, lo); });
  if (!attached) return attached.error();
  for (const store::AttachedPolicy& a : *attached) {
    if (a.arn == arn) return {};  // attaching again is a no-op, as in AWS
  }
  if (auto q = env_.quotas.check_room(Quota::kAttachedPoliciesPerGroup, attached->size()); !q) return q;
  if (auto r = wr.tx.attach_policy(store::EntityKind::kGroup, g->id, arn); !r) return r;
  return {};
}

Result<void> Groups::detach_group_policy(const Write& wr, std::string_view group_name, std::string_view arn) {
  auto g = find_group(wr.tx, wr.account_id, group_name);
  if (!g) return g.error();
  if (auto valid = internal::check_policy_arn(arn); !valid) return valid;
  if (auto r = wr.tx.detach_policy(store::EntityKind::kGroup, g->id, arn); !r) {
    if (store::is_not_found(r.error())) return not_found("Policy " + std::string(arn) + " was not found.");
    return r;
  }
  return {};
}

Result<store::Page<store::AttachedPolicy>> Groups::list_attached_group_policies(const Read& rd,
                                                                                std::string_view group_name,
                                                                                const store::ListOptions& options) {
  auto g = find_group(rd.tx, rd.account_id, group_name);
  if (!g) return g.error();
  return rd.tx.list_attached_policies(store::EntityKind::kGroup, g->id, options);
}

}  // namespace iamd::iam
