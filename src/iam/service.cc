#include "iam/service.h"

#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "crypto/crypto.h"
#include "iam/internal.h"
#include "policy/document.h"

namespace iamd::iam {

namespace {

using common::Error;
using internal::all_pages;
using internal::conflict;
using internal::find_user;
using internal::not_found;

std::string path_or_root(std::string_view path) {
  return path.empty() ? std::string("/") : std::string(path);
}

}  // namespace

IamDomain::IamDomain(DomainEnv env) : env_(std::move(env)) {}

std::string IamDomain::user_arn(const store::User& u) const {
  return arn::iam_arn(env_.partition, u.account_id, "user" + u.path + u.name);
}

std::string IamDomain::federated_user_arn(std::string_view account_id, std::string_view name) const {
  return arn::sts_arn(env_.partition, account_id, "federated-user/" + std::string(name));
}

std::string IamDomain::assumed_role_arn(std::string_view account_id, std::string_view role_name,
                                        std::string_view session_name) const {
  return arn::sts_arn(env_.partition, account_id,
                      "assumed-role/" + std::string(role_name) + "/" + std::string(session_name));
}

std::string IamDomain::root_arn(std::string_view account_id) const {
  return arn::iam_arn(env_.partition, account_id, "root");
}

Result<bool> IamDomain::bootstrap_root(std::string_view account_id, std::string_view root_key_id,
                                       std::string_view root_secret, bool install, std::string_view previous_key_id) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  auto account = (*tx)->get_account(account_id);
  if (!account) {
    if (!store::is_not_found(account.error())) return account.error();
    store::Account a;
    a.id = std::string(account_id);
    a.create_date = env_.clock->now();
    if (auto r = (*tx)->create_account(a); !r) return r.error();
  }
  if (install && !previous_key_id.empty()) {
    // The root key applied before stops working when it is another key, or the same id in
    // another account (IAMD_ACCOUNT_ID changed). Only a root key is removed; one already
    // deleted is left so.
    auto old = (*tx)->get_access_key(previous_key_id);
    if (!old && !store::is_not_found(old.error())) return old.error();
    if (old && old->user_id.empty() && (old->id != root_key_id || old->account_id != account_id)) {
      if (auto r = (*tx)->delete_access_key(previous_key_id); !r) return r.error();
    }
  }
  auto existing = (*tx)->get_access_key(root_key_id);
  if (!existing && !store::is_not_found(existing.error())) return existing.error();
  if (existing && (existing->account_id != account_id || !existing->user_id.empty())) {
    return Error{"InvalidConfiguration",
                 "the root access key id " + std::string(root_key_id) +
                     " is already the access key of an IAM user or of another account; choose another",
                 ""};
  }
  if (!install) {
    if (auto r = (*tx)->commit(); !r) return r.error();
    return existing.has_value();
  }
  auto sealed = env_.master_key.seal(root_secret, root_key_id, *env_.random);
  if (!sealed) return sealed.error();
  if (existing) {
    auto current = env_.master_key.open(existing->secret_ciphertext, root_key_id);
    if (!current || *current != root_secret) {
      // The store updates a key's status and last use only: a new secret is a new key with
      // the same id (deleted and created in this transaction). [IMPL] Its status stays, its
      // creation date and last use start again.
      store::AccessKey k;
      k.id = existing->id;
      k.account_id = existing->account_id;
      k.status = existing->status;
      k.create_date = env_.clock->now();
      k.secret_ciphertext = *sealed;
      if (auto r = (*tx)->delete_access_key(root_key_id); !r) return r.error();
      if (auto r = (*tx)->create_access_key(k); !r) return r.error();
    }
  } else {
    // [IMPL] Installed even when the root user already has two keys made through the API:
    // the operator's configuration is how root access is recovered.
    store::AccessKey k;
    k.id = std::string(root_key_id);
    k.account_id = std::string(account_id);
    k.create_date = env_.clock->now();
    k.secret_ciphertext = *sealed;
    if (auto r = (*tx)->create_access_key(k); !r) return r.error();
  }
  if (auto r = (*tx)->commit(); !r) return r.error();
  return true;
}

Result<void> IamDomain::bootstrap(std::string_view account_id, std::string_view root_key_id,
                                  std::string_view root_secret) {
  auto r = bootstrap_root(account_id, root_key_id, root_secret, true, {});
  if (!r) return r.error();
  return {};
}

Result<KeyOwner> IamDomain::resolve_access_key(std::string_view access_key_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto key = (*tx)->get_access_key(access_key_id);
  if (!key) return key.error();
  auto secret = env_.master_key.open(key->secret_ciphertext, key->id);
  if (!secret) return Error{"StorageFailure", "the secret of " + key->id + " does not open with this master key", ""};
  KeyOwner owner;
  owner.account_id = key->account_id;
  owner.secret = std::move(secret).value();
  if (!key->user_id.empty()) {
    auto user = (*tx)->get_user_by_id(key->user_id);
    if (!user) return user.error();
    owner.user = std::move(user).value();
  }
  owner.key = std::move(key).value();
  return owner;
}

Result<store::User> IamDomain::user_by_id(std::string_view user_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  return (*tx)->get_user_by_id(user_id);
}

Result<store::Role> IamDomain::role_by_id(std::string_view role_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  return (*tx)->get_role_by_id(role_id);
}

Result<store::User> Users::create_user(const Write& wr, std::string_view name, std::string_view path,
                                       std::string_view boundary, const store::Tags& tags) {
  if (auto r = internal::validate_tags(tags, internal::TagKeys::kCaseInsensitive); !r) return r.error();
  if (!boundary.empty()) {
    if (auto p = internal::boundary_policy(env_, wr.tx, wr.account_id, boundary); !p) return p.error();
  }
  // [UNCERTAIN] whether AWS reports the quota before a name already taken.
  if (auto q = check_user_room(wr); !q) return q.error();
  store::User u;
  u.account_id = std::string(wr.account_id);
  u.name = std::string(name);
  u.path = path_or_root(path);
  u.id = common::make_unique_id("AIDA", *env_.random);
  u.create_date = env_.clock->now();
  u.permissions_boundary = std::string(boundary);
  u.tags = tags;
  if (auto r = wr.tx.create_user(u); !r) {
    if (store::is_already_exists(r.error())) {
      return Error{std::string(store::kAlreadyExists), "User with name " + u.name + " already exists.", ""};
    }
    return r.error();
  }
  return u;
}

Result<void> Users::check_user_room(const Write& wr) {
  const std::string_view account_id = wr.account_id;
  const std::int64_t quota = env_.quotas[Quota::kUsersPerAccount];
  // Read inside the write transaction: every CreateUser that committed before it began has
  // counted itself in `created` already.
  const std::uint64_t created = user_counts_->created.load();
  {
    std::lock_guard lock(user_counts_->mu);
    auto it = user_counts_->bound.find(account_id);
    if (it != user_counts_->bound.end()) {
      const auto& [count, then] = it->second;
      if (count + static_cast<std::int64_t>(created - then) < quota) {
        ++user_counts_->created;
        return {};
      }
    }
  }
  auto summary = wr.tx.get_account_summary(account_id);
  if (!summary) return summary.error();
  {
    std::lock_guard lock(user_counts_->mu);
    user_counts_->bound.insert_or_assign(std::string(account_id), std::pair{summary->users, created});
  }
  if (auto q = env_.quotas.check_room(Quota::kUsersPerAccount, static_cast<std::size_t>(summary->users)); !q) {
    return q;
  }
  ++user_counts_->created;  // before the commit, which may fail: the bound only grows looser
  return {};
}

Result<store::User> Users::get_user(const Read& rd, std::string_view name) {
  return find_user(rd.tx, rd.account_id, name);
}

Result<store::Page<store::User>> Users::list_users(const Read& rd, const store::ListOptions& options) {
  return rd.tx.list_users(rd.account_id, options);
}

Result<void> Users::delete_user(const Write& wr, std::string_view name) {
  auto u = find_user(wr.tx, wr.account_id, name);
  if (!u) return u.error();
  // AWS's order of DeleteConflict reasons.
  if (wr.tx.get_login_profile(u->id)) return conflict("Cannot delete entity, must delete login profile first.");
  auto keys = wr.tx.list_access_keys(wr.account_id, u->id);
  if (!keys) return keys.error();
  if (!keys->empty()) return conflict("Cannot delete entity, must delete access keys first.");
  store::ListOptions one;
  one.max_items = 1;
  auto inline_policies = wr.tx.list_inline_policies(store::EntityKind::kUser, u->id, one);
  if (!inline_policies) return inline_policies.error();
  if (!inline_policies->items.empty()) return conflict("Cannot delete entity, must delete policies first.");
  auto attached = wr.tx.list_attached_policies(store::EntityKind::kUser, u->id, one);
  if (!attached) return attached.error();
  if (!attached->items.empty()) return conflict("Cannot delete entity, must detach all policies first.");
  auto groups = wr.tx.list_groups_for_user(u->id, one);
  if (!groups) return groups.error();
  if (!groups->items.empty()) return conflict("Cannot delete entity, must remove user from all groups first.");
  // Credentials and devices the user owns: MFA devices have their own message [OBS], the
  // rest AWS reports as referenced objects [OBS].
  for (auto kind : {store::ResourceKind::kMfaDevice, store::ResourceKind::kSigningCertificate,
                    store::ResourceKind::kSshPublicKey, store::ResourceKind::kServiceSpecificCredential}) {
    auto owned = wr.tx.list_resources(kind, wr.account_id, u->id, one);
    if (!owned) return owned.error();
    if (owned->items.empty()) continue;
    return conflict(kind == store::ResourceKind::kMfaDevice
                        ? "Cannot delete entity, must delete MFA device first."
                        : "Cannot delete entity, must remove referenced objects first.");
  }
  if (auto r = wr.tx.delete_user(u->id); !r) return r;
  return {};
}

Result<NewAccessKey> Users::create_access_key(const Write& wr, std::string_view user_name) {
  NewAccessKey out;
  std::string user_id;
  if (!user_name.empty()) {
    auto u = find_user(wr.tx, wr.account_id, user_name);
    if (!u) return u.error();
    user_id = u->id;
    out.user_name = u->name;
  }
  auto keys = wr.tx.list_access_keys(wr.account_id, user_id);
  if (!keys) return keys.error();
  if (auto q = env_.quotas.check_room(Quota::kAccessKeysPerUser, keys->size()); !q) return q.error();
  out.key.id = common::make_access_key_id("AKIA", wr.account_id, *env_.random);
  out.key.account_id = std::string(wr.account_id);
  out.key.user_id = user_id;
  out.key.create_date = env_.clock->now();
  out.secret = common::make_secret_access_key(*env_.random);
  auto sealed = env_.master_key.seal(out.secret, out.key.id, *env_.random);
  if (!sealed) return sealed.error();
  out.key.secret_ciphertext = *sealed;
  if (auto r = wr.tx.create_access_key(out.key); !r) return r.error();
  return out;
}

Result<std::vector<store::AccessKey>> Users::list_access_keys(const Read& rd, std::string_view user_name) {
  std::string user_id;
  if (!user_name.empty()) {
    auto u = find_user(rd.tx, rd.account_id, user_name);
    if (!u) return u.error();
    user_id = u->id;
  }
  return rd.tx.list_access_keys(rd.account_id, user_id);
}

Result<void> Users::update_access_key(const Write& wr, std::string_view user_name, std::string_view key_id,
                                      store::AccessKeyStatus status) {
  std::string user_id;
  if (!user_name.empty()) {
    auto u = find_user(wr.tx, wr.account_id, user_name);
    if (!u) return u.error();
    user_id = u->id;
  }
  auto key = wr.tx.get_access_key(key_id);
  if (!key || key->account_id != wr.account_id || key->user_id != user_id) {
    return not_found("The Access Key with id " + std::string(key_id) + " cannot be found.");
  }
  store::AccessKey k = *key;
  k.status = status;
  if (auto r = wr.tx.update_access_key(k); !r) return r;
  return {};
}

Result<void> Users::delete_access_key(const Write& wr, std::string_view user_name, std::string_view key_id) {
  std::string user_id;
  if (!user_name.empty()) {
    auto u = find_user(wr.tx, wr.account_id, user_name);
    if (!u) return u.error();
    user_id = u->id;
  }
  auto key = wr.tx.get_access_key(key_id);
  if (!key || key->account_id != wr.account_id || key->user_id != user_id) {
    return not_found("The Access Key with id " + std::string(key_id) + " cannot be found.");
  }
  if (auto r = wr.tx.delete_access_key(key_id); !r) return r;
  return {};
}

Result<void> IamDomain::record_access_key_use(std::string_view key_id, std::string_view service,
                                              std::string_view region) {
  auto tx = env_.store->begin_write();
  if (!tx) return tx.error();
  store::AccessKeyLastUsed used{env_.clock->now(), std::string(service), std::string(region)};
  if (auto r = (*tx)->record_access_key_use(key_id, used); !r) return r;
  return (*tx)->commit();
}

Result<Users::KeyUsage> Users::access_key_usage(const Read& rd, std::string_view key_id) {
  auto key = rd.tx.get_access_key(key_id);
  // A key of another account is as unknown as a missing one.
  if (!key || key->account_id != rd.account_id) {
    return not_found("The Access Key with id " + std::string(key_id) + " cannot be found.");
  }
  KeyUsage out;
  out.last_used = key->last_used;
  if (!key->user_id.empty()) {
    auto u = rd.tx.get_user_by_id(key->user_id);
    if (!u) return u.error();
    out.user = std::move(*u);
  }
  return out;
}

Result<void> internal::check_account_room(store::ReadTransaction& tx, const Quotas& quotas, std::string_view account_id,
                                          std::initializer_list<Quota> quotas_to_check) {
  auto summary = tx.get_account_summary(account_id);
  if (!summary) return summary.error();
  for (Quota quota : quotas_to_check) {
    std::int64_t count = 0;
    switch (quota) {
      case Quota::kUsersPerAccount:
        count = summary->users;
        break;
      case Quota::kGroupsPerAccount:
        count = summary->groups;
        break;
      case Quota::kRolesPerAccount:
        count = summary->roles;
        break;
      case Quota::kPoliciesPerAccount:
        count = summary->policies;
        break;
      case Quota::kInstanceProfilesPerAccount:
        count = summary->instance_profiles;
        break;
      case Quota::kPolicyVersionsInUse:
        count = summary->policy_versions_in_use;
        break;
      default:
        return common::Error{"ServiceFailure", "not a quota of the account summary", ""};
    }
    if (auto r = quotas.check_room(quota, static_cast<std::size_t>(count)); !r) return r;
  }
  return {};
}

Result<void> internal::check_inline_policy(store::ReadTransaction& tx, const Quotas& quotas, policy::EntityType entity,
                                           const std::string& entity_id, std::string_view entity_name,
                                           std::string_view policy_name, std::string_view document) {
  auto doc =
      policy::parse_policy(document, validate_options(quotas, policy::PolicyKind::kIdentity, entity, entity_name));
  if (!doc) return doc.error();
  const store::EntityKind kind = entity == policy::EntityType::kUser    ? store::EntityKind::kUser
                                 : entity == policy::EntityType::kGroup ? store::EntityKind::kGroup
                                                                        : store::EntityKind::kRole;
  std::size_t total = doc->size;
  auto others = all_pages<store::InlinePolicy>(
      [&](const store::ListOptions& lo) { return tx.list_inline_policies(kind, entity_id, lo); });
  if (!others) return others.error();
  for (const store::InlinePolicy& p : *others) {
    if (p.name != policy_name) total += policy::policy_size(p.document);
  }
  const Quota quota = inline_size_quota(entity);
  if (total > quotas.size_of(quota)) return quotas.inline_size_exceeded(quota, entity_name);
  return {};
}

Result<void> Users::put_user_policy(const Write& wr, std::string_view user_name, std::string_view policy_name,
                                    std::string_view document) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (auto r = internal::check_inline_policy(wr.tx, env_.quotas, policy::EntityType::kUser, u->id, u->name, policy_name,
                                             document);
      !r) {
    return r;
  }
  if (auto r = wr.tx.put_inline_policy(store::EntityKind::kUser, u->id,
                                       store::InlinePolicy{std::string(policy_name), std::string(document)});
      !r) {
    return r;
  }
  return {};
}

Result<store::InlinePolicy> Users::get_user_policy(const Read& rd, std::string_view user_name,
                                                   std::string_view policy_name) {
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  auto p = rd.tx.get_inline_policy(store::EntityKind::kUser, u->id, policy_name);
  if (!p && store::is_not_found(p.error())) {
    return not_found("The user policy with name " + std::string(policy_name) + " cannot be found.");
  }
  return p;
}

Result<void> Users::delete_user_policy(const Write& wr, std::string_view user_name, std::string_view policy_name) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (auto r = wr.tx.delete_inline_policy(store::EntityKind::kUser, u->id, policy_name); !r) {
    if (store::is_not_found(r.error())) {
      return not_found("The user policy with name " + std::string(policy_name) + " cannot be found.");
    }
    return r;
  }
  return {};
}

Result<store::Page<store::InlinePolicy>> Users::list_user_policies(const Read& rd, std::string_view user_name,
                                                                   const store::ListOptions& options) {
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  return rd.tx.list_inline_policies(store::EntityKind::kUser, u->id, options);
}

namespace internal {

Result<void> check_policy_arn(std::string_view arn) {
  if (arn::Arn::parse(arn)) return {};
  return Error{"ValidationError", "ARN " + std::string(arn) + " is not valid.", ""};
}

Result<store::ManagedPolicy> boundary_policy(const DomainEnv& env, store::Transaction& tx, std::string_view account_id,
                                             std::string_view arn) {
  auto parsed = arn::Arn::parse(arn);
  if (!parsed || parsed->service() != "iam" || !parsed->resource().starts_with("policy/")) {
    return invalid_input("ARN " + std::string(arn) + " is not valid.");
  }
  auto p = attachable_policy(env, tx, account_id, arn);
  if (!p && store::is_not_found(p.error())) {
    return not_found("Scope ARN: " + std::string(arn) + " does not exist or is not attachable.");
  }
  return p;
}

Result<store::ManagedPolicy> attachable_policy(const DomainEnv& env_, store::Transaction& tx,
                                               std::string_view account_id, std::string_view arn) {
  if (auto valid = check_policy_arn(arn); !valid) return valid.error();
  auto p = tx.get_policy(arn);
  if (p) {
    if (p->aws_managed || p->account_id == account_id) return p;
  } else if (!store::is_not_found(p.error())) {
    return p.error();
  }
  const AwsManagedPolicy* aws = env_.catalog != nullptr ? env_.catalog->find_by_arn(arn) : nullptr;
  if (aws == nullptr) {
    return not_found("Policy " + std::string(arn) + " does not exist or is not attachable.");
  }
  store::ManagedPolicy m;
  m.arn = aws->arn;
  m.account_id = "aws";
  m.name = aws->name;
  m.path = aws->path;
  m.id = aws->policy_id;
  m.default_version_id = aws->default_version_id;
  m.aws_managed = true;
  auto created = common::parse_aws_date(aws->create_date);
  auto updated = common::parse_aws_date(aws->update_date);
  m.create_date = created.value_or(common::Timestamp{});
  m.update_date = updated.value_or(m.create_date);
  if (auto r = tx.create_policy(m); !r) return r.error();
  return m;
}

}  // namespace internal

Result<void> Users::attach_user_policy(const Write& wr, std::string_view user_name, std::string_view arn) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  auto p = internal::attachable_policy(env_, wr.tx, wr.account_id, arn);
  if (!p) return p.error();
  auto attached = all_pages<store::AttachedPolicy>(
      [&](const store::ListOptions& lo) { return wr.tx.list_attached_policies(store::EntityKind::kUser, u->id, lo); });
  if (!attached) return attached.error();
  for (const store::AttachedPolicy& a : *attached) {
    if (a.arn == arn) return {};  // attaching again is a no-op, as in AWS
  }
  if (auto q = env_.quotas.check_room(Quota::kAttachedPoliciesPerUser, attached->size()); !q) return q;
  if (auto r = wr.tx.attach_policy(store::EntityKind::kUser, u->id, arn); !r) return r;
  return {};
}

Result<void> Users::detach_user_policy(const Write& wr, std::string_view user_name, std::string_view arn) {
  auto u = find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (auto valid = internal::check_policy_arn(arn); !valid) return valid;
  if (auto r = wr.tx.detach_policy(store::EntityKind::kUser, u->id, arn); !r) {
    if (store::is_not_found(r.error())) return not_found("Policy " + std::string(arn) + " was not found.");
    return r;
  }
  return {};
}

Result<store::Page<store::AttachedPolicy>> Users::list_attached_user_policies(const Read& rd,
                                                                              std::string_view user_name,
                                                                              const store::ListOptions& options) {
  auto u = find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  return rd.tx.list_attached_policies(store::EntityKind::kUser, u->id, options);
}

Result<PolicyText> IamDomain::managed_policy_text(store::ReadTransaction& tx, std::string_view arn) {
  if (env_.catalog != nullptr) {
    if (const AwsManagedPolicy* aws = env_.catalog->find_by_arn(arn)) {
      return PolicyText{aws->arn + "#" + aws->default_version_id, aws->document(), aws->name, "aws-managed"};
    }
  }
  auto p = tx.get_policy(arn);
  if (!p) return p.error();
  auto v = tx.get_policy_version(arn, p->default_version_id);
  if (!v) return v.error();
  return PolicyText{p->arn + "#" + v->version_id, v->document, p->name, "user-managed"};
}

Result<void> IamDomain::add_entity_policies(store::ReadTransaction& tx, store::EntityKind kind, const std::string& id,
                                            PrincipalPolicyTexts& out) {
  const std::string_view label = kind == store::EntityKind::kUser    ? "user"
                                 : kind == store::EntityKind::kGroup ? "group"
                                                                     : "role";
  out.depends_on.push_back(store::change_key(kind == store::EntityKind::kUser    ? store::Topic::kUserPolicies
                                             : kind == store::EntityKind::kGroup ? store::Topic::kGroupPolicies
                                                                                 : store::Topic::kRolePolicies,
                                             id));
  auto inl = all_pages<store::InlinePolicy>(
      [&](const store::ListOptions& lo) { return tx.list_inline_policies(kind, id, lo); });
  if (!inl) return inl.error();
  for (store::InlinePolicy& p : *inl) {
    std::string key = std::string(label) + "/" + id + "/" + p.name + "#" + common::to_hex(crypto::sha256(p.document));
    out.identity.push_back(PolicyText{std::move(key), std::move(p.document), p.name, std::string(label)});
  }
  auto attached = all_pages<store::AttachedPolicy>(
      [&](const store::ListOptions& lo) { return tx.list_attached_policies(kind, id, lo); });
  if (!attached) return attached.error();
  for (const store::AttachedPolicy& a : *attached) {
    out.depends_on.push_back(store::change_key(store::Topic::kPolicy, a.arn));
    auto text = managed_policy_text(tx, a.arn);
    if (!text) return text.error();
    out.identity.push_back(std::move(text).value());
  }
  return {};
}

Result<PrincipalPolicyTexts> IamDomain::user_policies(std::string_view user_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto u = (*tx)->get_user_by_id(user_id);
  if (!u) return u.error();
  return policies_of_user(**tx, *u);
}

Result<PrincipalPolicyTexts> IamDomain::role_policies(std::string_view role_id) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  auto r = (*tx)->get_role_by_id(role_id);
  if (!r) return r.error();
  return policies_of_role(**tx, *r);
}

Result<PrincipalPolicyTexts> IamDomain::managed_policy_texts(const std::vector<std::string>& arns) {
  auto tx = env_.store->begin_read();
  if (!tx) return tx.error();
  PrincipalPolicyTexts out;
  for (const std::string& arn : arns) {
    out.depends_on.push_back(store::change_key(store::Topic::kPolicy, arn));
    auto text = managed_policy_text(**tx, arn);
    if (!text) return text.error();
    out.identity.push_back(std::move(text).value());
  }
  return out;
}

Result<PrincipalPolicyTexts> IamDomain::policies_of_role(store::ReadTransaction& tx, const store::Role& r) {
  PrincipalPolicyTexts out;
  out.depends_on.push_back(store::change_key(store::Topic::kRole, r.id));  // the boundary
  if (auto a = add_entity_policies(tx, store::EntityKind::kRole, r.id, out); !a) return a.error();
  if (!r.permissions_boundary.empty()) {
    out.depends_on.push_back(store::change_key(store::Topic::kPolicy, r.permissions_boundary));
    auto text = managed_policy_text(tx, r.permissions_boundary);
    if (!text) return text.error();
    out.boundary = std::move(text).value();
  }
  return out;
}

Result<PrincipalPolicyTexts> IamDomain::policies_of_user(store::ReadTransaction& tx, const store::User& u) {
  PrincipalPolicyTexts out;
  out.depends_on.push_back(store::change_key(store::Topic::kUser, u.id));  // the boundary
  if (auto r = add_entity_policies(tx, store::EntityKind::kUser, u.id, out); !r) return r.error();
  auto groups =
      all_pages<store::Group>([&](const store::ListOptions& lo) { return tx.list_groups_for_user(u.id, lo); });
  if (!groups) return groups.error();
  for (const store::Group& g : *groups) {
    if (auto r = add_entity_policies(tx, store::EntityKind::kGroup, g.id, out); !r) return r.error();
  }
  if (!u.permissions_boundary.empty()) {
    out.depends_on.push_back(store::change_key(store::Topic::kPolicy, u.permissions_boundary));
    auto text = managed_policy_text(tx, u.permissions_boundary);
    if (!text) return text.error();
    out.boundary = std::move(text).value();
  }
  return out;
}

Result<PrincipalPolicyTexts> IamDomain::policies_of_arn(const Read& rd, std::string_view arn) {
  const std::string_view account_id = rd.account_id;
  store::ReadTransaction& tx = rd.tx;
  // arn:<partition>:iam::<account>:{user|group|role}/<path><name>
  const std::string prefix = arn::iam_arn(env_.partition, account_id, "");
  auto invalid = [&] { return internal::invalid_input("Invalid ARN: " + std::string(arn)); };
  if (!arn.starts_with(prefix)) return invalid();
  std::string_view rest = arn.substr(prefix.size());
  const auto slash = rest.find('/');
  const auto last = rest.rfind('/');
  if (slash == std::string_view::npos) return invalid();
  const std::string_view type = rest.substr(0, slash);
  const std::string_view name = rest.substr(last + 1);
  const std::string path(rest.substr(slash, last - slash + 1));
  auto missing = [&](std::string_view what) {
    return not_found("The " + std::string(what) + " with name " + std::string(name) + " cannot be found.");
  };
  if (type == "user") {
    auto u = tx.get_user(account_id, name);
    if (!u || u->path != path) return missing("user");
    return policies_of_user(tx, *u);
  }
  PrincipalPolicyTexts out;
  if (type == "group") {
    auto g = tx.get_group(account_id, name);
    if (!g || g->path != path) return missing("group");
    if (auto r = add_entity_policies(tx, store::EntityKind::kGroup, g->id, out); !r) return r.error();
    return out;
  }
  if (type == "role") {
    auto r = tx.get_role(account_id, name);
    if (!r || r->path != path) return missing("role");
    return policies_of_role(tx, *r);
  }
  return invalid();
}

}  // namespace iamd::iam
