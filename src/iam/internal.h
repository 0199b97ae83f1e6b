// Helpers shared by the domain service's source files (service.cc, groups.cc,
// policies.cc). Internal to the iam module.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_writer.h"
#include "common/result.h"
#include "common/strings.h"
#include "iam/service.h"
#include "policy/document.h"
#include "policy/json.h"
#include "store/store.h"

namespace iamd::iam::internal {

inline common::Error not_found(std::string message) {
  return common::Error{std::string(store::kNotFound), std::move(message), ""};
}
inline common::Error conflict(std::string message) {
  return common::Error{std::string(store::kConflict), std::move(message), ""};
}
inline common::Error limit_exceeded(std::string message) {
  return common::Error{std::string(kLimitExceeded), std::move(message), ""};
}
inline common::Error invalid_input(std::string message) {
  return common::Error{std::string(store::kInvalidInput), std::move(message), ""};
}

// The quota on the inline policies of an entity of that type, together.
inline Quota inline_size_quota(policy::EntityType entity) {
  return entity == policy::EntityType::kUser    ? Quota::kUserPolicySize
         : entity == policy::EntityType::kGroup ? Quota::kGroupPolicySize
                                                : Quota::kRolePolicySize;
}

// Validation options for a document the domain stores, with the applied size quotas:
// kIdentity for the inline policies of `entity` (named `entity_name` in the message),
// kManaged, kTrust.
inline policy::ValidateOptions validate_options(const Quotas& quotas, policy::PolicyKind kind,
                                                policy::EntityType entity = policy::EntityType::kUser,
                                                std::string_view entity_name = {}) {
  policy::ValidateOptions o;
  o.kind = kind;
  o.entity = entity;
  o.entity_name = std::string(entity_name);
  o.managed_policy_quota = static_cast<int>(quotas[Quota::kPolicySize]);
  o.trust_policy_quota = static_cast<int>(quotas[Quota::kAssumeRolePolicySize]);
  o.inline_policy_quota = static_cast<int>(quotas[inline_size_quota(entity)]);
  return o;
}

// The managed policy record for an ARN (a customer managed policy of the account, or an AWS
// managed one), creating the record of an AWS managed policy from the catalogue on first use.
common::Result<store::ManagedPolicy> attachable_policy(const DomainEnv& env, store::Transaction& tx,
                                                       std::string_view account_id, std::string_view arn);

// AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy and their Detach: a PolicyArn that is not
// an ARN is ValidationError "ARN <value> is not valid." (recorded: user_attach_policy,
// role_managed_policy_errors).
common::Result<void> check_policy_arn(std::string_view arn);

// The policy a permissions boundary names (CreateUser, CreateRole, Put*PermissionsBoundary): an
// ARN that does not name an IAM policy is InvalidInput "ARN <value> is not valid."; a policy that
// does not exist is NoSuchEntity "Scope ARN: <value> does not exist or is not attachable."
// (recorded: role_permissions_boundary_errors).
common::Result<store::ManagedPolicy> boundary_policy(const DomainEnv& env, store::Transaction& tx,
                                                     std::string_view account_id, std::string_view arn);

// Reads every page of a paginated store listing: `list(ListOptions)` returns a Page<T>.
template <class T, class F>
common::Result<std::vector<T>> all_pages(F&& list) {
  std::vector<T> out;
  store::ListOptions o;
  o.max_items = 1000;
  while (true) {
    auto page = list(o);
    if (!page) return page.error();
    for (auto& item : page->items) out.push_back(std::move(item));
    if (!page->is_truncated()) return out;
    o.marker = page->next_marker;
  }
}

// How an entity's tag keys compare (identifiers.md §4): case-insensitively for users and
// roles, case-sensitively for policies, instance profiles and the lesser kinds.
enum class TagKeys { kCaseSensitive, kCaseInsensitive };

inline bool same_key(std::string_view a, std::string_view b, TagKeys keys) {
  return keys == TagKeys::kCaseSensitive ? a == b : common::iequals(a, b);
}

// The request's tags must not name a key twice.
inline common::Result<void> validate_tags(const store::Tags& tags, TagKeys keys = TagKeys::kCaseSensitive) {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    for (std::size_t j = i + 1; j < tags.size(); ++j) {
      if (!same_key(tags[i].key, tags[j].key, keys)) continue;
      return invalid_input(keys == TagKeys::kCaseSensitive
                               ? "Duplicate tag keys found."
                               : "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
  }
  return {};
}

// Adds `add` to `tags`; a key present already gets the new value (case-insensitive keys:
// the new tag replaces key and value, so the key takes the new case).
inline void merge_tags(store::Tags& tags, const store::Tags& add, TagKeys keys = TagKeys::kCaseSensitive) {
  for (const store::Tag& t : add) {
    auto same = std::find_if(tags.begin(), tags.end(),
                             [&](const store::Tag& existing) { return same_key(existing.key, t.key, keys); });
    if (same != tags.end()) {
      *same = t;
    } else {
      tags.push_back(t);
    }
  }
}

// Removes the tags with these keys.
inline void remove_tags(store::Tags& tags, const std::vector<std::string>& remove,
                        TagKeys keys = TagKeys::kCaseSensitive) {
  std::erase_if(tags, [&](const store::Tag& t) {
    return std::any_of(remove.begin(), remove.end(), [&](const std::string& k) { return same_key(k, t.key, keys); });
  });
}

// A marker of the positional listings (versions, tags): the index of the next item.
inline common::Result<std::size_t> position_of(const store::ListOptions& options) {
  if (options.marker.empty()) return std::size_t{0};
  auto decoded = store::decode_marker(options.marker);
  if (!decoded) return decoded.error();
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), n);
  if (ec != std::errc() || end != decoded->data() + decoded->size()) {
    return store::invalid_marker();
  }
  return n;
}

// Tags in AWS's order: sorted by key [AWS: the List*Tags references, "The returned list of tags
// is sorted by tag key"]. [UNCERTAIN] byte order of the UTF-8 keys; AWS (Java) compares UTF-16
// code units, which differs only between supplementary characters and U+E000-U+FFFF.
inline void sort_tags(store::Tags& tags) {
  std::stable_sort(tags.begin(), tags.end(), [](const store::Tag& a, const store::Tag& b) { return a.key < b.key; });
}

// One page of a list held in memory, with a positional marker.
template <class T>
common::Result<store::Page<T>> page_of(std::vector<T> items, const store::ListOptions& options) {
  auto start = position_of(options);
  if (!start) return start.error();
  const std::size_t limit = std::max<std::size_t>(options.max_items, 1);
  store::Page<T> page;
  for (std::size_t i = *start; i < items.size(); ++i) {
    if (page.items.size() == limit) {
      page.next_marker = store::encode_marker(std::to_string(i));
      break;
    }
    page.items.push_back(std::move(items[i]));
  }
  return page;
}

// A page of tags (the List*Tags operations), in AWS's order (sort_tags).
inline common::Result<store::Page<store::Tag>> page_of(store::Tags tags, const store::ListOptions& options) {
  sort_tags(tags);
  return page_of<store::Tag>(std::move(tags), options);
}

// The role of that name, or NotFound in AWS's words.
inline common::Result<store::Role> find_role(store::ReadTransaction& tx, std::string_view account_id,
                                             std::string_view name) {
  auto r = tx.get_role(account_id, name);
  if (!r && store::is_not_found(r.error())) {
    return not_found("The role with name " + std::string(name) + " cannot be found.");
  }
  return r;
}

// Service-linked roles live under /aws-service-role/<service>/ (identifiers.md §2); only
// AWS modifies them: the ordinary role operations answer UnmodifiableEntity.
inline constexpr std::string_view kServiceRolePath = "/aws-service-role/";
inline bool is_service_linked(const store::Role& role) {
  return role.path.starts_with(kServiceRolePath);
}
inline common::Result<void> check_modifiable(const store::Role& role) {
  if (!is_service_linked(role)) return {};
  return common::Error{
      "UnmodifiableEntity",
      "Cannot perform the operation on the protected role '" + role.name + "' - this role is only modifiable by AWS",
      ""};
}

// ---- Resource bodies (store::Resource::body): a JSON object written with JsonWriter ----
// Tags as [{"Key": k, "Value": v}, ...], in their order.
inline void write_tags(common::JsonWriter& w, std::string_view key, const store::Tags& tags) {
  w.key(key).begin_array();
  for (const store::Tag& t : tags) w.begin_object().key("Key").value(t.key).key("Value").value(t.value).end_object();
  w.end_array();
}
inline store::Tags read_tags(const policy::JsonValue& body, std::string_view key) {
  store::Tags tags;
  const policy::JsonValue* list = body.find(key);
  if (list == nullptr || !list->is_array()) return tags;
  for (const policy::JsonValue& item : list->items) {
    const policy::JsonValue* k = item.find("Key");
    const policy::JsonValue* v = item.find("Value");
    if (k != nullptr && v != nullptr) tags.push_back(store::Tag{k->text, v->text});
  }
  return tags;
}
// A string member ("" when absent) and an integer member (written with JsonWriter::value(long long)).
inline std::string read_string(const policy::JsonValue& body, std::string_view key) {
  const policy::JsonValue* v = body.find(key);
  return v != nullptr && v->is_string() ? v->text : std::string();
}
inline std::optional<std::int64_t> read_int(const policy::JsonValue& body, std::string_view key) {
  const policy::JsonValue* v = body.find(key);
  if (v == nullptr || v->kind != policy::JsonValue::Kind::kNumber) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->text.data(), v->text.data() + v->text.size(), n);
  if (ec != std::errc() || end != v->text.data() + v->text.size()) return std::nullopt;
  return n;
}
// ---- end of Resource bodies ----

// LimitExceeded when the account has as many users, groups, roles, customer managed
// policies, instance profiles or policy versions as the quota allows, for each quota named. Call it inside the write
// transaction that creates one, so that concurrent creates cannot pass it together.
common::Result<void> check_account_room(store::ReadTransaction& tx, const Quotas& quotas, std::string_view account_id,
                                        std::initializer_list<Quota> quotas_to_check);

// Validates an inline policy of a user, group or role and the quota on that entity's inline
// policies together (the policy of the same name, which this one replaces, left out). Call
// it inside the write transaction that stores the policy.
common::Result<void> check_inline_policy(store::ReadTransaction& tx, const Quotas& quotas, policy::EntityType entity,
                                         const std::string& entity_id, std::string_view entity_name,
                                         std::string_view policy_name, std::string_view document);

// ---- MFA devices (mfa.cc) ----
// GetAccountSummary's MFADevices (every virtual MFA device of the account),
// MFADevicesInUse (those enabled for a user or the root user) and AccountMFAEnabled (the
// root user has one).
struct MfaDeviceCounts {
  std::int64_t devices = 0;
  std::int64_t in_use = 0;
  std::int64_t root_enabled = 0;
};
common::Result<MfaDeviceCounts> count_mfa_devices(store::ReadTransaction& tx, std::string_view account_id);
// `iamd keys reseal` (IamDomain::reseal_secrets): the record's secret re-sealed under the
// current master key in `r.body`; false (nothing changed) when it already was. A secret that
// opens under no key of the ring is a StorageFailure naming the record.
common::Result<bool> reseal_mfa_device(const DomainEnv& env, store::Resource& r);
// A server certificate's private key or a service-specific credential's password.
common::Result<bool> reseal_certificate_record(const DomainEnv& env, store::Resource& r);
// ---- end of MFA devices ----

// ---- Identity providers (providers.cc) ----
// GetAccountSummary's Providers: the account's OpenID Connect and SAML providers.
common::Result<std::int64_t> count_providers(store::ReadTransaction& tx, std::string_view account_id);
// ---- end of Identity providers ----

// ---- Certificates (certificates.cc) ----
// GetAccountSummary's ServerCertificates and AccountSigningCertificatesPresent (the root
// user has a signing certificate).
struct CertificateCounts {
  std::int64_t server_certificates = 0;
  bool root_signing_certificates = false;
};
common::Result<CertificateCounts> count_certificates(store::ReadTransaction& tx, std::string_view account_id);
// ---- end of Certificates ----

// ---- Instance profiles (instance_profiles.cc) ----
// A profile with the records of its roles (the InstanceProfile shape carries full roles).
inline common::Result<ProfileWithRoles> with_roles(store::ReadTransaction& tx, store::InstanceProfile profile) {
  ProfileWithRoles out;
  for (const std::string& id : profile.role_ids) {
    auto role = tx.get_role_by_id(id);
    if (!role) return role.error();
    out.roles.push_back(std::move(role).value());
  }
  out.profile = std::move(profile);
  return out;
}

inline common::Result<std::vector<ProfileWithRoles>> profiles_with_roles(store::ReadTransaction& tx,
                                                                         std::vector<store::InstanceProfile> profiles) {
  std::vector<ProfileWithRoles> out;
  for (store::InstanceProfile& p : profiles) {
    auto full = with_roles(tx, std::move(p));
    if (!full) return full.error();
    out.push_back(std::move(full).value());
  }
  return out;
}
// ---- end of Instance profiles ----

// TagX / UntagX of a record with a `tags` member, as one step of the caller's write
// transaction: `find` reads the record (Result<Record>), `change` edits a copy's tags, `save`
// writes it; nothing is written when the tags did not change. More than `limit` tags is
// LimitExceeded.
template <class Find, class Change, class Save>
common::Result<void> update_tags(Find&& find, Change&& change, Save&& save, std::size_t limit) {
  auto current = find();
  if (!current) return current.error();
  auto updated = *current;
  change(updated.tags);
  if (updated.tags.size() > limit) return limit_exceeded("The number of tags has reached the maximum limit.");
  if (updated.tags == current->tags) return {};
  return save(updated);
}

// ---- Users, MFA devices, SSH public keys and certificates ----
// The user of that name, or NotFound in AWS's words.
inline common::Result<store::User> find_user(store::ReadTransaction& tx, std::string_view account_id,
                                             std::string_view name) {
  auto u = tx.get_user(account_id, name);
  if (!u && store::is_not_found(u.error())) {
    return not_found("The user with name " + std::string(name) + " cannot be found.");
  }
  return u;
}
// ---- end of Users, MFA devices, SSH public keys and certificates ----

}  // namespace iamd::iam::internal
