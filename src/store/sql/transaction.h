// The SQL of the store's transactions, shared by the SQLite and PostgreSQL backends: every
// read and write of store.h as statements in the subset of SQL both understand, over a
// backend's `Conn` (a connection with the interface of sqlite::Connection: prepare() hands
// out a cached Statement with bind/step/run and typed column reads; exec(); changes()).
//
// Placeholders are SQLite's (`?`, `?N`); the PostgreSQL connection rewrites them to `$N`
// when it prepares a statement. What differs between the two is kept out of the SQL here:
// `Conn::kTagsOfOwnersSql` (the tags of a page's records, given a JSON array of owner ids).
// Booleans are read as integers (CASE WHEN ... THEN 1 ELSE 0 END), NULL-safe equality is
// IS NOT DISTINCT FROM, versions list by their number (ids are "vN", never reused).
//
// A backend derives its transaction from SqlTransaction<Conn> and adds rollback() and
// commit(), which end the database transaction and hand back the connection; `dirty_` and
// `changes_` say what the transaction wrote (store/changes.h).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "store/internal.h"
#include "store/sql/values.h"
#include "store/store.h"

namespace iamd::store::sql {

namespace detail {

// Column lists shared by the queries of one record kind, in the order the readers expect.
#define IAMD_USER_COLUMNS \
  "u.id, u.account_id, u.name, u.path, u.create_date, u.permissions_boundary, u.password_last_used"
#define IAMD_GROUP_COLUMNS "g.id, g.account_id, g.name, g.path, g.create_date"
#define IAMD_ROLE_COLUMNS                                                                                      \
  "r.id, r.account_id, r.name, r.path, r.trust_policy, r.description, r.max_session_duration, r.create_date, " \
  "r.permissions_boundary, r.last_used_date, r.last_used_region"
#define IAMD_PROFILE_COLUMNS "ip.id, ip.account_id, ip.name, ip.path, ip.create_date"
#define IAMD_KEY_COLUMNS \
  "id, account_id, user_id, status, create_date, last_used_date, last_used_service, last_used_region, secret"
#define IAMD_POLICY_SELECT                                                                                 \
  "SELECT p.arn, p.account_id, p.name, p.path, p.id, p.description, p.default_version_id, p.create_date, " \
  "p.update_date, p.aws_managed, (SELECT count(*) FROM attachments a WHERE a.policy_arn = p.arn), "        \
  "(SELECT count(*) FROM users b WHERE b.permissions_boundary = p.arn) + "                                 \
  "(SELECT count(*) FROM roles c WHERE c.permissions_boundary = p.arn), p.highest_version_number "         \
  "FROM policies p "
#define IAMD_RESOURCE_SELECT \
  "SELECT kind, id, account_id, name, path, owner_id, create_date, body, name_folded FROM resources "
#define IAMD_PATH_FILTER(column, param) "substr(" column ", 1, length(" param ")) = " param

inline const char* entity_account_sql(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "SELECT account_id FROM users WHERE id = ?";
    case EntityKind::kGroup:
      return "SELECT account_id FROM iam_groups WHERE id = ?";
    case EntityKind::kRole:
      return "SELECT account_id FROM roles WHERE id = ?";
  }
  return "";
}

inline std::optional<std::string_view> null_if_empty(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return s;
}
}  // namespace detail

template <class Conn>
class SqlTransaction : public Transaction {
 public:
  using Statement = typename Conn::Statement;
  using Blob = sql::Blob;

  Result<Account> get_account(std::string_view account_id) override {
    return query_one<Account>("SELECT id, alias, create_date FROM accounts WHERE id = ?",
                              "account " + std::string(account_id), read_account(), account_id);
  }
  Result<Account> get_account_by_alias(std::string_view alias) override {
    return query_one<Account>("SELECT id, alias, create_date FROM accounts WHERE alias = ?",
                              "account alias " + std::string(alias), read_account(), alias);
  }
  Result<Page<Account>> list_accounts(const ListOptions& options) override {
    return query_page<Account>("SELECT id, alias, create_date, id FROM accounts WHERE id > ? ORDER BY id LIMIT ?",
                               options, 3, read_account());
  }
  Result<AccountSummary> get_account_summary(std::string_view account_id) override {
    if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", account_id); !r) return r.error();
    return query_one<AccountSummary>(
        "SELECT (SELECT count(*) FROM users WHERE account_id = ?1), "
        "(SELECT count(*) FROM iam_groups WHERE account_id = ?1), "
        "(SELECT count(*) FROM roles WHERE account_id = ?1), "
        "(SELECT count(*) FROM policies WHERE account_id = ?1 AND aws_managed = 0), "
        "(SELECT count(*) FROM instance_profiles WHERE account_id = ?1), "
        "(SELECT count(*) FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn "
        "WHERE p.account_id = ?1 AND p.aws_managed = 0), "
        "(SELECT count(*) FROM access_keys WHERE account_id = ?1 AND user_id IS NULL)",
        "account",
        [](Statement& s) -> Result<AccountSummary> {
          return AccountSummary{s.integer(0), s.integer(1), s.integer(2), s.integer(3),
                                s.integer(4), s.integer(5), s.integer(6)};
        },
        account_id);
  }

  Result<User> get_user(std::string_view account_id, std::string_view name) override {
    return query_one<User>("SELECT " IAMD_USER_COLUMNS " FROM users u WHERE u.account_id = ? AND u.name_folded = ?",
                           "user " + std::string(name), read_user(), account_id, common::to_lower(name));
  }
  Result<User> get_user_by_id(std::string_view user_id) override {
    return query_one<User>("SELECT " IAMD_USER_COLUMNS " FROM users u WHERE u.id = ?", "user " + std::string(user_id),
                           read_user(), user_id);
  }
  Result<Page<User>> list_users(std::string_view account_id, const ListOptions& options) override {
    auto page = query_page<User>("SELECT " IAMD_USER_COLUMNS
                                 ", u.name_folded FROM users u WHERE u.account_id = ? AND " IAMD_PATH_FILTER(
                                     "u.path", "?2") " AND u.name_folded > ? ORDER BY u.name_folded LIMIT ?",
                                 options, 7, read_user(false), account_id, options.path_prefix);
    return options.with_tags ? with_tags<User>(std::move(page), &User::id) : page;
  }

  Result<AccessKey> get_access_key(std::string_view access_key_id) override {
    return query_one<AccessKey>("SELECT " IAMD_KEY_COLUMNS " FROM access_keys WHERE id = ?",
                                "access key " + std::string(access_key_id), read_access_key, access_key_id);
  }
  Result<std::vector<AccessKey>> list_access_keys(std::string_view account_id, std::string_view user_id) override {
    return query_all<AccessKey>("SELECT " IAMD_KEY_COLUMNS
                                " FROM access_keys WHERE account_id = ? AND user_id IS NOT DISTINCT FROM ? ORDER BY id",
                                read_access_key, account_id, detail::null_if_empty(user_id));
  }

  Result<LoginProfile> get_login_profile(std::string_view user_id) override {
    return query_one<LoginProfile>(
        "SELECT user_id, password_hash, password_reset_required, create_date FROM login_profiles WHERE user_id = ?",
        "login profile of " + std::string(user_id),
        [](Statement& s) -> Result<LoginProfile> {
          return LoginProfile{s.text(0), s.text(1), s.integer(2) != 0, s.timestamp(3)};
        },
        user_id);
  }

  Result<Group> get_group(std::string_view account_id, std::string_view name) override {
    return query_one<Group>("SELECT " IAMD_GROUP_COLUMNS
                            " FROM iam_groups g WHERE g.account_id = ? AND g.name_folded = ?",
                            "group " + std::string(name), read_group, account_id, common::to_lower(name));
  }
  Result<Group> get_group_by_id(std::string_view group_id) override {
    return query_one<Group>("SELECT " IAMD_GROUP_COLUMNS " FROM iam_groups g WHERE g.id = ?",
                            "group " + std::string(group_id), read_group, group_id);
  }
  Result<Page<Group>> list_groups(std::string_view account_id, const ListOptions& options) override {
    return query_page<Group>("SELECT " IAMD_GROUP_COLUMNS
                             ", g.name_folded FROM iam_groups g WHERE g.account_id = ? AND " IAMD_PATH_FILTER(
                                 "g.path", "?2") " AND g.name_folded > ? ORDER BY g.name_folded LIMIT ?",
                             options, 5, read_group, account_id, options.path_prefix);
  }
  Result<Page<Group>> list_groups_for_user(std::string_view user_id, const ListOptions& options) override {
    if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", user_id); !r) return r.error();
    return query_page<Group>("SELECT " IAMD_GROUP_COLUMNS
                             ", g.name_folded FROM group_members m JOIN iam_groups g ON g.id = m.group_id "
                             "WHERE m.user_id = ? AND g.name_folded > ? ORDER BY g.name_folded LIMIT ?",
                             options, 5, read_group, user_id);
  }
  Result<Page<User>> list_users_in_group(std::string_view group_id, const ListOptions& options) override {
    if (auto r = require("SELECT 1 FROM iam_groups WHERE id = ?", "group", group_id); !r) return r.error();
    auto page = query_page<User>("SELECT " IAMD_USER_COLUMNS
                                 ", u.name_folded FROM group_members m JOIN users u ON u.id = m.user_id "
                                 "WHERE m.group_id = ? AND u.name_folded > ? ORDER BY u.name_folded LIMIT ?",
                                 options, 7, read_user(false), group_id);
    return options.with_tags ? with_tags<User>(std::move(page), &User::id) : page;
  }

  Result<Role> get_role(std::string_view account_id, std::string_view name) override {
    return query_one<Role>("SELECT " IAMD_ROLE_COLUMNS " FROM roles r WHERE r.account_id = ? AND r.name_folded = ?",
                           "role " + std::string(name), read_role(), account_id, common::to_lower(name));
  }
  Result<Role> get_role_by_id(std::string_view role_id) override {
    return query_one<Role>("SELECT " IAMD_ROLE_COLUMNS " FROM roles r WHERE r.id = ?", "role " + std::string(role_id),
                           read_role(), role_id);
  }
  Result<Page<Role>> list_roles(std::string_view account_id, const ListOptions& options) override {
    auto page = query_page<Role>("SELECT " IAMD_ROLE_COLUMNS
                                 ", r.name_folded FROM roles r WHERE r.account_id = ? AND " IAMD_PATH_FILTER(
                                     "r.path", "?2") " AND r.name_folded > ? ORDER BY r.name_folded LIMIT ?",
                                 options, 11, read_role(false), account_id, options.path_prefix);
    return options.with_tags ? with_tags<Role>(std::move(page), &Role::id) : page;
  }

  Result<ManagedPolicy> get_policy(std::string_view arn) override {
    return query_one<ManagedPolicy>(IAMD_POLICY_SELECT "WHERE p.arn = ?", "policy " + std::string(arn), read_policy(),
                                    arn);
  }
  Result<Page<ManagedPolicy>> list_policies(std::string_view account_id, const PolicyListOptions& options) override {
    // ?2 is the scope: 0 all, 1 AWS managed only, 2 local only.
    const int scope = options.scope == PolicyScope::kAll ? 0 : options.scope == PolicyScope::kAws ? 1 : 2;
    return with_tags<ManagedPolicy>(
        query_page<ManagedPolicy>(
            IAMD_POLICY_SELECT
            "WHERE ((?2 <> 2 AND p.aws_managed = 1) OR (?2 <> 1 AND p.aws_managed = 0 AND p.account_id = ?1)) "
            "AND " IAMD_PATH_FILTER("p.path", "?3") " AND (?4 = 0 OR EXISTS (SELECT 1 FROM attachments x "
                                                    "WHERE x.policy_arn = p.arn AND x.account_id = ?1)) "
                                                    "AND p.arn > ?5 ORDER BY p.arn LIMIT ?6",
            options.list, 0, read_policy(false), account_id, scope, options.list.path_prefix, options.only_attached),
        &ManagedPolicy::arn);
  }
  Result<PolicyVersion> get_policy_version(std::string_view arn, std::string_view version_id) override {
    if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r.error();
    return query_one<PolicyVersion>(
        "SELECT v.version_id, v.document, v.create_date, "
        "CASE WHEN v.version_id = p.default_version_id THEN 1 ELSE 0 END "
        "FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn WHERE v.policy_arn = ? AND v.version_id = ?",
        "policy version " + std::string(version_id) + " of " + std::string(arn), read_version, arn, version_id);
  }
  Result<std::vector<PolicyVersion>> list_policy_versions(std::string_view arn) override {
    if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r.error();
    return query_all<PolicyVersion>(
        "SELECT v.version_id, v.document, v.create_date, "
        "CASE WHEN v.version_id = p.default_version_id THEN 1 ELSE 0 END "
        "FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn WHERE v.policy_arn = ? ORDER BY "
        "length(v.version_id), v.version_id",
        read_version, arn);
  }

  Result<Page<AttachedPolicy>> list_attached_policies(EntityKind kind, std::string_view entity_id,
                                                      const ListOptions& options) override {
    if (auto r = entity_account(kind, entity_id); !r) return r.error();
    return query_page<AttachedPolicy>(
        "SELECT p.arn, p.name FROM attachments a JOIN policies p ON p.arn = a.policy_arn "
        "WHERE a.entity_id = ? AND " IAMD_PATH_FILTER("p.path", "?2") " AND p.arn > ? ORDER BY p.arn LIMIT ?",
        options, 0,
        [](Statement& s) -> Result<AttachedPolicy> {
          return AttachedPolicy{s.text(0), s.text(1)};
        },
        entity_id, options.path_prefix);
  }
  Result<Page<EntityRef>> list_entities_for_policy(std::string_view account_id, std::string_view arn,
                                                   std::optional<EntityKind> kind,
                                                   const ListOptions& options) override {
    if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r.error();
    // Sort keys as internal::kind_sort_letter: G(roups), R(oles), U(sers).
    return query_page<EntityRef>(
        "SELECT kind, id, name, sort_key FROM ("
        "SELECT 1 AS kind, e.id AS id, e.name AS name, 'G' || e.name_folded AS sort_key, e.path AS path "
        "FROM attachments a JOIN iam_groups e ON e.id = a.entity_id WHERE a.policy_arn = ?1 AND a.account_id = ?2 "
        "UNION ALL SELECT 2, e.id, e.name, 'R' || e.name_folded, e.path "
        "FROM attachments a JOIN roles e ON e.id = a.entity_id WHERE a.policy_arn = ?1 AND a.account_id = ?2 "
        "UNION ALL SELECT 0, e.id, e.name, 'U' || e.name_folded, e.path "
        "FROM attachments a JOIN users e ON e.id = a.entity_id WHERE a.policy_arn = ?1 AND a.account_id = ?2) AS t "
        "WHERE (?3 < 0 OR kind = ?3) AND " IAMD_PATH_FILTER("path", "?4") " AND sort_key > ?5 "
                                                                          "ORDER BY sort_key LIMIT ?6",
        options, 3,
        [](Statement& s) -> Result<EntityRef> {
          return EntityRef{static_cast<EntityKind>(s.integer(0)), s.text(1), s.text(2)};
        },
        arn, account_id, kind ? static_cast<int>(*kind) : -1, options.path_prefix);
  }

  Result<InlinePolicy> get_inline_policy(EntityKind kind, std::string_view entity_id,
                                         std::string_view policy_name) override {
    if (auto r = entity_account(kind, entity_id); !r) return r.error();
    return query_one<InlinePolicy>("SELECT name, document FROM inline_policies WHERE entity_id = ? AND name = ?",
                                   "inline policy " + std::string(policy_name), read_inline, entity_id, policy_name);
  }
  Result<Page<InlinePolicy>> list_inline_policies(EntityKind kind, std::string_view entity_id,
                                                  const ListOptions& options) override {
    if (auto r = entity_account(kind, entity_id); !r) return r.error();
    return query_page<InlinePolicy>(
        "SELECT name, document, name FROM inline_policies WHERE entity_id = ? AND name > ? ORDER BY name LIMIT ?",
        options, 2, read_inline, entity_id);
  }

  Result<Resource> get_resource(ResourceKind kind, std::string_view id) override {
    return query_one<Resource>(IAMD_RESOURCE_SELECT "WHERE kind = ? AND id = ?", "resource " + std::string(id),
                               read_resource, static_cast<int>(kind), id);
  }
  Result<Resource> get_resource_by_name(ResourceKind kind, std::string_view account_id,
                                        std::string_view name) override {
    return query_one<Resource>(IAMD_RESOURCE_SELECT "WHERE kind = ? AND account_id = ? AND name_folded = ?",
                               "resource " + std::string(name), read_resource, static_cast<int>(kind), account_id,
                               common::to_lower(name));
  }
  Result<Page<Resource>> list_resources(ResourceKind kind, std::string_view account_id,
                                        std::optional<std::string_view> owner_id, const ListOptions& options) override {
    if (owner_id) {
      return query_page<Resource>(IAMD_RESOURCE_SELECT
                                  "WHERE kind = ? AND account_id = ? AND " IAMD_PATH_FILTER(
                                      "path", "?3") " AND owner_id IS NOT DISTINCT FROM ? AND name_folded > ? "
                                                    "ORDER BY name_folded LIMIT ?",
                                  options, 8, read_resource, static_cast<int>(kind), account_id, options.path_prefix,
                                  detail::null_if_empty(*owner_id));
    }
    return query_page<Resource>(IAMD_RESOURCE_SELECT "WHERE kind = ? AND account_id = ? AND " IAMD_PATH_FILTER(
                                    "path", "?3") " AND name_folded > ? ORDER BY name_folded LIMIT ?",
                                options, 8, read_resource, static_cast<int>(kind), account_id, options.path_prefix);
  }

  Result<InstanceProfile> get_instance_profile(std::string_view account_id, std::string_view name) override {
    return query_one<InstanceProfile>(
        "SELECT " IAMD_PROFILE_COLUMNS " FROM instance_profiles ip WHERE ip.account_id = ? AND ip.name_folded = ?",
        "instance profile " + std::string(name), read_profile(), account_id, common::to_lower(name));
  }
  Result<Page<InstanceProfile>> list_instance_profiles(std::string_view account_id,
                                                       const ListOptions& options) override {
    return query_page<InstanceProfile>(
        "SELECT " IAMD_PROFILE_COLUMNS
        ", ip.name_folded FROM instance_profiles ip WHERE ip.account_id = ? AND " IAMD_PATH_FILTER(
            "ip.path", "?2") " AND ip.name_folded > ? ORDER BY ip.name_folded LIMIT ?",
        options, 5, read_profile(), account_id, options.path_prefix);
  }
  Result<std::vector<InstanceProfile>> list_instance_profiles_for_role(std::string_view role_id) override {
    if (auto r = require("SELECT 1 FROM roles WHERE id = ?", "role", role_id); !r) return r.error();
    return query_all<InstanceProfile>("SELECT " IAMD_PROFILE_COLUMNS
                                      " FROM instance_profile_roles x JOIN instance_profiles ip ON ip.id = "
                                      "x.profile_id WHERE x.role_id = ? ORDER BY x.profile_id",
                                      read_profile(), role_id);
  }

  // Writes. Each runs inside a savepoint (see write()).
  Result<void> create_account(const Account& account) override {
    return write(change_key(Topic::kAccount, account.id), [&]() -> Result<void> {
      if (auto r = insert_or_exists("INSERT INTO accounts (id, alias, create_date) VALUES (?, ?, ?)",
                                    "account " + account.id, account.id, account.alias, account.create_date);
          !r) {
        return r;
      }
      return save_password_policy(account);
    });
  }
  Result<void> update_account(const Account& account) override {
    return write(change_key(Topic::kAccount, account.id), [&]() -> Result<void> {
      if (auto r =
              update("UPDATE accounts SET alias = ? WHERE id = ?", "account " + account.id, account.alias, account.id);
          !r) {
        return r;
      }
      return save_password_policy(account);
    });
  }

  Result<void> create_user(const User& user) override {
    return write(change_key(Topic::kUser, user.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", user.account_id); !r) return r;
      if (auto r = insert_or_exists(
              "INSERT INTO users (id, account_id, name, name_folded, path, create_date, permissions_boundary, "
              "password_last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              "user " + user.name, user.id, user.account_id, user.name, common::to_lower(user.name), user.path,
              user.create_date, user.permissions_boundary, user.password_last_used);
          !r) {
        return r;
      }
      return save_tags(user.id, user.tags);
    });
  }
  Result<void> update_user(const User& user) override {
    return write(change_key(Topic::kUser, user.id), [&]() -> Result<void> {
      if (auto r = update("UPDATE users SET name = ?, name_folded = ?, path = ?, permissions_boundary = ?, "
                          "password_last_used = ? WHERE id = ?",
                          "user " + user.id, user.name, common::to_lower(user.name), user.path,
                          user.permissions_boundary, user.password_last_used, user.id);
          !r) {
        return r;
      }
      return save_tags(user.id, user.tags);
    });
  }
  Result<void> delete_user(std::string_view user_id) override {
    return write(change_key(Topic::kUser, user_id), [&]() -> Result<void> {
      const std::string who = "user " + std::string(user_id);
      if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", user_id); !r) return r;
      if (auto r = refuse_if("SELECT 1 FROM access_keys WHERE user_id = ?", who + " has access keys", user_id); !r) {
        return r;
      }
      if (auto r = refuse_if("SELECT 1 FROM login_profiles WHERE user_id = ?", who + " has a login profile", user_id);
          !r) {
        return r;
      }
      if (auto r = refuse_if("SELECT 1 FROM group_members WHERE user_id = ?", who + " is in groups", user_id); !r) {
        return r;
      }
      if (auto r = refuse_if_policies(user_id); !r) return r;
      if (auto r = refuse_if("SELECT 1 FROM resources WHERE owner_id = ?", who + " owns resources", user_id); !r) {
        return r;
      }
      return delete_with_tags("DELETE FROM users WHERE id = ?", user_id);
    });
  }

  Result<void> create_access_key(const AccessKey& key) override {
    return write(change_key(Topic::kAccessKey, key.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", key.account_id); !r) return r;
      if (!key.user_id.empty()) {
        if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", key.user_id); !r) return r;
      }
      return insert_or_exists("INSERT INTO access_keys (" IAMD_KEY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              "access key " + key.id, key.id, key.account_id, detail::null_if_empty(key.user_id),
                              static_cast<int>(key.status), key.create_date, last_used_date(key),
                              last_used_field(key, &AccessKeyLastUsed::service),
                              last_used_field(key, &AccessKeyLastUsed::region), Blob{key.secret_ciphertext});
    });
  }
  Result<void> update_access_key(const AccessKey& key) override {
    return write(change_key(Topic::kAccessKey, key.id), [&]() -> Result<void> {
      return update(
          "UPDATE access_keys SET status = ?, last_used_date = ?, last_used_service = ?, last_used_region = ? "
          "WHERE id = ?",
          "access key " + key.id, static_cast<int>(key.status), last_used_date(key),
          last_used_field(key, &AccessKeyLastUsed::service), last_used_field(key, &AccessKeyLastUsed::region), key.id);
    });
  }
  Result<void> record_access_key_use(std::string_view access_key_id, const AccessKeyLastUsed& used) override {
    assert(write_ && "write on a read transaction");
    // One statement: atomic on its own, and not marking the transaction dirty.
    auto r = run("UPDATE access_keys SET last_used_date = ?, last_used_service = ?, last_used_region = ? WHERE id = ?",
                 used.date, used.service, used.region, access_key_id);
    if (!r) return r;
    if (conn().changes() == 0) return internal::not_found("access key " + std::string(access_key_id));
    return {};
  }
  Result<void> delete_access_key(std::string_view access_key_id) override {
    return write(change_key(Topic::kAccessKey, access_key_id), [&]() -> Result<void> {
      return update("DELETE FROM access_keys WHERE id = ?", "access key " + std::string(access_key_id), access_key_id);
    });
  }

  Result<void> create_login_profile(const LoginProfile& profile) override {
    return write(change_key(Topic::kLoginProfile, profile.user_id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", profile.user_id); !r) return r;
      return insert_or_exists(
          "INSERT INTO login_profiles (user_id, password_hash, password_reset_required, create_date) "
          "VALUES (?, ?, ?, ?)",
          "login profile of " + profile.user_id, profile.user_id, profile.password_hash,
          profile.password_reset_required, profile.create_date);
    });
  }
  Result<void> update_login_profile(const LoginProfile& profile) override {
    return write(change_key(Topic::kLoginProfile, profile.user_id), [&]() -> Result<void> {
      return update(
          "UPDATE login_profiles SET password_hash = ?, password_reset_required = ?, create_date = ? WHERE user_id = ?",
          "login profile of " + profile.user_id, profile.password_hash, profile.password_reset_required,
          profile.create_date, profile.user_id);
    });
  }
  Result<void> delete_login_profile(std::string_view user_id) override {
    return write(change_key(Topic::kLoginProfile, user_id), [&]() -> Result<void> {
      return update("DELETE FROM login_profiles WHERE user_id = ?", "login profile of " + std::string(user_id),
                    user_id);
    });
  }

  Result<void> create_group(const Group& group) override {
    return write(change_key(Topic::kGroup, group.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", group.account_id); !r) return r;
      return insert_or_exists(
          "INSERT INTO iam_groups (id, account_id, name, name_folded, path, create_date) VALUES (?, ?, ?, ?, ?, ?)",
          "group " + group.name, group.id, group.account_id, group.name, common::to_lower(group.name), group.path,
          group.create_date);
    });
  }
  Result<void> update_group(const Group& group) override {
    return write(change_key(Topic::kGroup, group.id), [&]() -> Result<void> {
      return update("UPDATE iam_groups SET name = ?, name_folded = ?, path = ? WHERE id = ?", "group " + group.id,
                    group.name, common::to_lower(group.name), group.path, group.id);
    });
  }
  Result<void> delete_group(std::string_view group_id) override {
    return write(change_key(Topic::kGroup, group_id), [&]() -> Result<void> {
      const std::string what = "group " + std::string(group_id);
      if (auto r = require("SELECT 1 FROM iam_groups WHERE id = ?", "group", group_id); !r) return r;
      if (auto r = refuse_if("SELECT 1 FROM group_members WHERE group_id = ?", what + " has members", group_id); !r) {
        return r;
      }
      if (auto r = refuse_if_policies(group_id); !r) return r;
      return update("DELETE FROM iam_groups WHERE id = ?", what, group_id);
    });
  }
  Result<void> add_user_to_group(std::string_view group_id, std::string_view user_id) override {
    return write(change_key(Topic::kUserPolicies, user_id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM iam_groups WHERE id = ?", "group", group_id); !r) return r;
      if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", user_id); !r) return r;
      return insert_or_exists("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)",
                              "user " + std::string(user_id) + " is in group " + std::string(group_id), group_id,
                              user_id);
    });
  }
  Result<void> remove_user_from_group(std::string_view group_id, std::string_view user_id) override {
    return write(change_key(Topic::kUserPolicies, user_id), [&]() -> Result<void> {
      return update("DELETE FROM group_members WHERE group_id = ? AND user_id = ?",
                    "user " + std::string(user_id) + " is not in group " + std::string(group_id), group_id, user_id);
    });
  }

  Result<void> create_role(const Role& role) override {
    return write(change_key(Topic::kRole, role.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", role.account_id); !r) return r;
      if (auto r = insert_or_exists(
              "INSERT INTO roles (id, account_id, name, name_folded, path, trust_policy, description, "
              "max_session_duration, create_date, permissions_boundary, last_used_date, last_used_region) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              "role " + role.name, role.id, role.account_id, role.name, common::to_lower(role.name), role.path,
              role.trust_policy, role.description, role.max_session_duration, role.create_date,
              role.permissions_boundary, role_last_used_date(role), role_last_used_region(role));
          !r) {
        return r;
      }
      return save_tags(role.id, role.tags);
    });
  }
  Result<void> update_role(const Role& role) override {
    return write(change_key(Topic::kRole, role.id), [&]() -> Result<void> {
      if (auto r = update("UPDATE roles SET name = ?, name_folded = ?, path = ?, trust_policy = ?, description = ?, "
                          "max_session_duration = ?, permissions_boundary = ?, last_used_date = ?, "
                          "last_used_region = ? WHERE id = ?",
                          "role " + role.id, role.name, common::to_lower(role.name), role.path, role.trust_policy,
                          role.description, role.max_session_duration, role.permissions_boundary,
                          role_last_used_date(role), role_last_used_region(role), role.id);
          !r) {
        return r;
      }
      return save_tags(role.id, role.tags);
    });
  }
  Result<void> record_role_use(std::string_view role_id, const RoleLastUsed& used) override {
    assert(write_ && "write on a read transaction");
    // One statement, not marking the transaction dirty; an older use leaves the newer one.
    auto r =
        run("UPDATE roles SET last_used_date = ?, last_used_region = ? "
            "WHERE id = ? AND (last_used_date IS NULL OR last_used_date <= ?)",
            used.date, used.region, role_id, used.date);
    if (!r) return r;
    if (conn().changes() == 0) return require("SELECT 1 FROM roles WHERE id = ?", "role", role_id);
    return {};
  }
  Result<void> delete_role(std::string_view role_id) override {
    return write(change_key(Topic::kRole, role_id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM roles WHERE id = ?", "role", role_id); !r) return r;
      if (auto r = refuse_if_policies(role_id); !r) return r;
      if (auto r = refuse_if("SELECT 1 FROM instance_profile_roles WHERE role_id = ?",
                             "role " + std::string(role_id) + " is in instance profiles", role_id);
          !r) {
        return r;
      }
      return delete_with_tags("DELETE FROM roles WHERE id = ?", role_id);
    });
  }

  Result<void> create_policy(const ManagedPolicy& policy) override {
    return write(change_key(Topic::kPolicy, policy.arn), [&]() -> Result<void> {
      if (!policy.aws_managed) {
        if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", policy.account_id); !r) return r;
      }
      if (auto r = insert_or_exists(
              "INSERT INTO policies (arn, id, account_id, name, name_folded, path, description, default_version_id, "
              "create_date, update_date, aws_managed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              "policy " + policy.arn, policy.arn, policy.id, policy.account_id, policy.name,
              common::to_lower(policy.name), policy.path, policy.description, policy.default_version_id,
              policy.create_date, policy.update_date, policy.aws_managed);
          !r) {
        return r;
      }
      return save_tags(policy.arn, policy.tags);
    });
  }
  Result<void> update_policy(const ManagedPolicy& policy) override {
    return write(change_key(Topic::kPolicy, policy.arn), [&]() -> Result<void> {
      if (auto r = update("UPDATE policies SET description = ?, default_version_id = ?, update_date = ? WHERE arn = ?",
                          "policy " + policy.arn, policy.description, policy.default_version_id, policy.update_date,
                          policy.arn);
          !r) {
        return r;
      }
      return save_tags(policy.arn, policy.tags);
    });
  }
  Result<void> delete_policy(std::string_view arn) override {
    return write(change_key(Topic::kPolicy, arn), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r;
      if (auto r = refuse_if("SELECT 1 FROM attachments WHERE policy_arn = ?",
                             "policy " + std::string(arn) + " is attached", arn);
          !r) {
        return r;
      }
      if (auto r = run("DELETE FROM policy_versions WHERE policy_arn = ?", arn); !r) return r;
      return delete_with_tags("DELETE FROM policies WHERE arn = ?", arn);
    });
  }
  Result<void> create_policy_version(std::string_view arn, const PolicyVersion& version) override {
    return write(change_key(Topic::kPolicy, arn), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r;
      if (auto r = insert_or_exists(
              "INSERT INTO policy_versions (policy_arn, version_id, document, create_date) VALUES (?, ?, ?, ?)",
              "policy version " + version.version_id, arn, version.version_id, version.document, version.create_date);
          !r) {
        return r;
      }
      return run(
          "UPDATE policies SET highest_version_number = CASE WHEN highest_version_number < ?1 THEN ?1 "
          "ELSE highest_version_number END WHERE arn = ?2",
          internal::version_number(version.version_id), arn);
    });
  }
  Result<void> delete_policy_version(std::string_view arn, std::string_view version_id) override {
    return write(change_key(Topic::kPolicy, arn), [&]() -> Result<void> {
      auto is_default = query_one<bool>(
          "SELECT CASE WHEN default_version_id = ? THEN 1 ELSE 0 END FROM policies WHERE arn = ?",
          "policy " + std::string(arn), [](Statement& s) -> Result<bool> { return s.integer(0) != 0; }, version_id,
          arn);
      if (!is_default) return is_default.error();
      if (*is_default) return internal::conflict("cannot delete the default version");
      return update("DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?",
                    "policy version " + std::string(version_id), arn, version_id);
    });
  }

  Result<void> attach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    return write(change_key(internal::policies_topic(kind), entity_id), [&]() -> Result<void> {
      auto account = entity_account(kind, entity_id);
      if (!account) return account.error();
      if (auto r = require("SELECT 1 FROM policies WHERE arn = ?", "policy", arn); !r) return r;
      return insert_or_exists(
          "INSERT INTO attachments (entity_id, policy_arn, entity_kind, account_id) VALUES (?, ?, ?, ?)",
          "policy " + std::string(arn) + " is attached to " + std::string(entity_id), entity_id, arn,
          static_cast<int>(kind), *account);
    });
  }
  Result<void> detach_policy(EntityKind kind, std::string_view entity_id, std::string_view arn) override {
    return write(change_key(internal::policies_topic(kind), entity_id), [&]() -> Result<void> {
      if (auto account = entity_account(kind, entity_id); !account) return account.error();
      return update("DELETE FROM attachments WHERE entity_id = ? AND policy_arn = ?",
                    "policy " + std::string(arn) + " is not attached to " + std::string(entity_id), entity_id, arn);
    });
  }

  Result<void> put_inline_policy(EntityKind kind, std::string_view entity_id, const InlinePolicy& policy) override {
    return write(change_key(internal::policies_topic(kind), entity_id), [&]() -> Result<void> {
      if (auto account = entity_account(kind, entity_id); !account) return account.error();
      return run(
          "INSERT INTO inline_policies (entity_id, name, document) VALUES (?, ?, ?) "
          "ON CONFLICT (entity_id, name) DO UPDATE SET document = excluded.document",
          entity_id, policy.name, policy.document);
    });
  }
  Result<void> delete_inline_policy(EntityKind kind, std::string_view entity_id,
                                    std::string_view policy_name) override {
    return write(change_key(internal::policies_topic(kind), entity_id), [&]() -> Result<void> {
      if (auto account = entity_account(kind, entity_id); !account) return account.error();
      return update("DELETE FROM inline_policies WHERE entity_id = ? AND name = ?",
                    "inline policy " + std::string(policy_name), entity_id, policy_name);
    });
  }

  Result<void> create_resource(const Resource& resource) override {
    return write(resource_change_key(resource.kind, resource.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", resource.account_id); !r) return r;
      if (!resource.owner_id.empty()) {
        if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", resource.owner_id); !r) return r;
      }
      return insert_or_exists(
          "INSERT INTO resources (kind, id, account_id, name, name_folded, path, owner_id, create_date, body) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          "resource " + resource.name, static_cast<int>(resource.kind), resource.id, resource.account_id, resource.name,
          common::to_lower(resource.name), resource.path, detail::null_if_empty(resource.owner_id),
          resource.create_date, Blob{resource.body});
    });
  }
  Result<void> update_resource(const Resource& resource) override {
    return write(resource_change_key(resource.kind, resource.id), [&]() -> Result<void> {
      if (!resource.owner_id.empty()) {
        if (auto r = require("SELECT 1 FROM users WHERE id = ?", "user", resource.owner_id); !r) return r;
      }
      return update(
          "UPDATE resources SET name = ?, name_folded = ?, path = ?, owner_id = ?, body = ? WHERE kind = ? AND id = ?",
          "resource " + resource.id, resource.name, common::to_lower(resource.name), resource.path,
          detail::null_if_empty(resource.owner_id), Blob{resource.body}, static_cast<int>(resource.kind), resource.id);
    });
  }
  Result<void> delete_resource(ResourceKind kind, std::string_view id) override {
    return write(resource_change_key(kind, id), [&]() -> Result<void> {
      return update("DELETE FROM resources WHERE kind = ? AND id = ?", "resource " + std::string(id),
                    static_cast<int>(kind), id);
    });
  }

  Result<void> create_instance_profile(const InstanceProfile& profile) override {
    return write(change_key(Topic::kInstanceProfile, profile.id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM accounts WHERE id = ?", "account", profile.account_id); !r) return r;
      if (auto r =
              insert_or_exists("INSERT INTO instance_profiles (id, account_id, name, name_folded, path, create_date) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               "instance profile " + profile.name, profile.id, profile.account_id, profile.name,
                               common::to_lower(profile.name), profile.path, profile.create_date);
          !r) {
        return r;
      }
      return save_tags(profile.id, profile.tags);
    });
  }
  Result<void> update_instance_profile(const InstanceProfile& profile) override {
    return write(change_key(Topic::kInstanceProfile, profile.id), [&]() -> Result<void> {
      if (auto r = update("UPDATE instance_profiles SET path = ? WHERE id = ?", "instance profile " + profile.id,
                          profile.path, profile.id);
          !r) {
        return r;
      }
      return save_tags(profile.id, profile.tags);
    });
  }
  Result<void> delete_instance_profile(std::string_view profile_id) override {
    return write(change_key(Topic::kInstanceProfile, profile_id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM instance_profiles WHERE id = ?", "instance profile", profile_id); !r) {
        return r;
      }
      if (auto r = refuse_if("SELECT 1 FROM instance_profile_roles WHERE profile_id = ?",
                             "instance profile " + std::string(profile_id) + " has a role", profile_id);
          !r) {
        return r;
      }
      return delete_with_tags("DELETE FROM instance_profiles WHERE id = ?", profile_id);
    });
  }
  Result<void> add_role_to_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    return write(change_key(Topic::kInstanceProfile, profile_id), [&]() -> Result<void> {
      if (auto r = require("SELECT 1 FROM instance_profiles WHERE id = ?", "instance profile", profile_id); !r) {
        return r;
      }
      if (auto r = require("SELECT 1 FROM roles WHERE id = ?", "role", role_id); !r) return r;
      return insert_or_exists("INSERT INTO instance_profile_roles (profile_id, role_id) VALUES (?, ?)",
                              "role " + std::string(role_id) + " is in instance profile " + std::string(profile_id),
                              profile_id, role_id);
    });
  }
  Result<void> remove_role_from_instance_profile(std::string_view profile_id, std::string_view role_id) override {
    return write(change_key(Topic::kInstanceProfile, profile_id), [&]() -> Result<void> {
      return update("DELETE FROM instance_profile_roles WHERE profile_id = ? AND role_id = ?",
                    "role " + std::string(role_id) + " is not in instance profile " + std::string(profile_id),
                    profile_id, role_id);
    });
  }

  // ---- The audit trail (SQLite: schema migration 4; PostgreSQL: in migration 1) ----
  Result<Page<AuditEvent>> list_audit_events(const AuditQuery& q) override {
    std::optional<std::pair<Timestamp, std::string>> after;
    if (!q.marker.empty()) {
      auto decoded = decode_audit_marker(q.marker);
      if (!decoded) return decoded.error();
      after = std::move(*decoded);
    }
    const std::size_t limit = std::max<std::size_t>(q.max_items, 1);
    auto stmt = conn().prepare(
        "SELECT event_id, time, account_id, principal_arn, event_source, event_name, resource_arn, outcome, "
        "error_code, record FROM audit_events WHERE (CAST(?1 AS TEXT) IS NULL OR account_id = ?1) AND "
        "(CAST(?2 AS TEXT) IS NULL OR principal_arn = ?2) AND (CAST(?3 AS TEXT) IS NULL OR event_source = ?3) AND "
        "(CAST(?4 AS TEXT) IS NULL OR event_name = ?4) AND (CAST(?5 AS TEXT) IS NULL OR resource_arn = ?5) AND "
        "(CAST(?6 AS BIGINT) IS NULL OR time >= ?6) AND (CAST(?7 AS BIGINT) IS NULL OR time < ?7) AND "
        "(CAST(?8 AS BIGINT) IS NULL OR outcome = ?8) AND "
        "(CAST(?9 AS BIGINT) IS NULL OR (time, event_id) < (?9, ?10)) ORDER BY time DESC, event_id DESC LIMIT ?11");
    if (!stmt) return stmt.error();
    std::optional<int> outcome;
    if (q.outcome) outcome = static_cast<int>(*q.outcome);
    std::optional<Timestamp> after_time;
    std::string after_id;
    if (after) {
      after_time = after->first;
      after_id = after->second;
    }
    (*stmt)->bind(q.account_id, q.principal_arn, q.event_source, q.event_name, q.resource_arn, q.since, q.until,
                  outcome, after_time, after_id, limit + 1);
    Page<AuditEvent> page;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) break;
      if (page.items.size() == limit) {
        page.next_marker = encode_audit_marker(page.items.back().time, page.items.back().event_id);
        break;
      }
      Statement& r = **stmt;
      page.items.push_back(AuditEvent{r.text(0), r.timestamp(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6),
                                      static_cast<AuditOutcome>(r.integer(7)), r.text(8), r.text(9)});
    }
    return page;
  }
  Result<void> append_audit_event(const AuditEvent& e) override {
    assert(write_ && "write on a read transaction");
    // One statement that cannot fail on a taken id (PostgreSQL would abort the whole
    // transaction on a failed one): atomic on its own, not marking the transaction dirty.
    auto r = run(
        "INSERT INTO audit_events (event_id, time, account_id, principal_arn, event_source, event_name, resource_arn, "
        "outcome, error_code, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
        e.event_id, e.time, e.account_id, e.principal_arn, e.event_source, e.event_name, e.resource_arn,
        static_cast<int>(e.outcome), e.error_code, e.json);
    if (!r) return r;
    if (conn().changes() == 0) return internal::already_exists("audit event " + e.event_id);
    return {};
  }
  Result<std::uint64_t> prune_audit_events(Timestamp before) override {
    assert(write_ && "write on a read transaction");
    if (auto r = run("DELETE FROM audit_events WHERE time < ?", before); !r) return r.error();
    return static_cast<std::uint64_t>(conn().changes());
  }
  // ---- end of the audit trail ----

 protected:
  SqlTransaction(Conn& connection, bool write) : connection_(&connection), write_(write) {}

  Conn& conn() {
    assert(connection_ != nullptr && "use of a finished transaction");
    return *connection_;
  }

  // Runs `body` inside a savepoint, so that a failing write leaves the transaction as it
  // was before the call; marks the transaction dirty and notes `change` (the change key of
  // the record written) when it succeeds.
  template <class Body>
  Result<void> write(std::string change, Body&& body) {
    assert(write_ && "write on a read transaction");
    if (auto r = conn().exec("SAVEPOINT op"); !r) return r;
    Result<void> result = body();
    if (result) {
      result = conn().exec("RELEASE op");
      if (result) {
        dirty_ = true;
        changes_.push_back(std::move(change));
        return result;
      }
    }
    (void)conn().exec("ROLLBACK TO op");
    (void)conn().exec("RELEASE op");
    return result;
  }

  template <class T, class Read, class... Args>
  Result<T> query_one(std::string_view sql, const std::string& missing, Read&& read, const Args&... args) {
    auto stmt = conn().prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(args...);
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) return internal::not_found(missing);
    return read(**stmt);
  }

  template <class T, class Read, class... Args>
  Result<std::vector<T>> query_all(std::string_view sql, Read&& read, const Args&... args) {
    auto stmt = conn().prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(args...);
    std::vector<T> out;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) return out;
      auto item = read(**stmt);
      if (!item) return item.error();
      out.push_back(std::move(*item));
    }
  }

  // `sql` takes `args`, then the sort key to continue after and the row limit as its last
  // two parameters; column `key_column` is the sort key.
  template <class T, class Read, class... Args>
  Result<Page<T>> query_page(std::string_view sql, const ListOptions& options, int key_column, Read&& read,
                             const Args&... args) {
    std::string after;
    if (!options.marker.empty()) {
      auto decoded = decode_marker(options.marker);
      if (!decoded) return decoded.error();
      after = std::move(*decoded);
    }
    const std::size_t limit = internal::page_size(options);
    auto stmt = conn().prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(args..., after, limit + 1);
    Page<T> page;
    std::string last_key;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) break;
      if (page.items.size() == limit) {
        page.next_marker = encode_marker(last_key);
        break;
      }
      last_key = (*stmt)->text(key_column);
      auto item = read(**stmt);
      if (!item) return item.error();
      page.items.push_back(std::move(*item));
    }
    return page;
  }

  template <class... Args>
  Result<bool> exists(std::string_view sql, const Args&... args) {
    auto stmt = conn().prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(args...);
    return (*stmt)->step();
  }
  // NotFound ("<what> <id>") unless `sql` on `id` finds a row.
  Result<void> require(std::string_view sql, std::string_view what, std::string_view id) {
    auto found = exists(sql, id);
    if (!found) return found.error();
    if (!*found) return internal::not_found(std::string(what) + " " + std::string(id));
    return {};
  }
  // Conflict with `message` when `sql` finds a row.
  template <class... Args>
  Result<void> refuse_if(std::string_view sql, std::string message, const Args&... args) {
    auto found = exists(sql, args...);
    if (!found) return found.error();
    if (*found) return internal::conflict(std::move(message));
    return {};
  }
  Result<void> refuse_if_policies(std::string_view entity_id) {
    if (auto r = refuse_if("SELECT 1 FROM attachments WHERE entity_id = ?",
                           std::string(entity_id) + " has attached policies", entity_id);
        !r) {
      return r;
    }
    return refuse_if("SELECT 1 FROM inline_policies WHERE entity_id = ?",
                     std::string(entity_id) + " has inline policies", entity_id);
  }

  template <class... Args>
  Result<void> run(std::string_view sql, const Args&... args) {
    auto stmt = conn().prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(args...);
    return (*stmt)->run();
  }
  // An INSERT whose uniqueness violations are AlreadyExists "<what>".
  template <class... Args>
  Result<void> insert_or_exists(std::string_view sql, const std::string& what, const Args&... args) {
    auto r = run(sql, args...);
    if (!r && is_already_exists(r.error())) return internal::already_exists(what);
    return r;
  }
  // An UPDATE or DELETE of one row: NotFound "<what>" when no row matched; a uniqueness
  // violation is AlreadyExists.
  template <class... Args>
  Result<void> update(std::string_view sql, const std::string& what, const Args&... args) {
    auto r = run(sql, args...);
    if (!r) return r;
    if (conn().changes() == 0) return internal::not_found(what);
    return {};
  }
  Result<void> delete_with_tags(std::string_view sql, std::string_view id) {
    if (auto r = run("DELETE FROM tags WHERE owner_id = ?", id); !r) return r;
    return run(sql, id);
  }

  Result<std::string> entity_account(EntityKind kind, std::string_view entity_id) {
    return query_one<std::string>(
        detail::entity_account_sql(kind), std::string(internal::kind_name(kind)) + " " + std::string(entity_id),
        [](Statement& s) -> Result<std::string> { return s.text(0); }, entity_id);
  }

  // The tags of a page's records in one query, instead of one query per record.
  template <class T>
  Result<Page<T>> with_tags(Result<Page<T>> page, std::string T::*owner) {
    if (!page || page->items.empty()) return page;
    std::string ids = "[";
    std::unordered_map<std::string_view, T*> by_owner;
    for (T& item : page->items) {
      if (ids.size() > 1) ids += ',';
      ids += '"';
      for (char c : item.*owner) {
        if (c == '"' || c == '\\') ids += '\\';
        ids += c;
      }
      ids += '"';
      by_owner.emplace(item.*owner, &item);
    }
    ids += ']';
    auto stmt = conn().prepare(Conn::kTagsOfOwnersSql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(ids);
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) return page;
      const std::string owner_id = (*stmt)->text(0);
      if (auto it = by_owner.find(owner_id); it != by_owner.end()) {
        it->second->tags.push_back(Tag{(*stmt)->text(1), (*stmt)->text(2)});
      }
    }
  }

  Result<Tags> load_tags(const std::string& owner_id) {
    return query_all<Tag>(
        "SELECT key, value FROM tags WHERE owner_id = ? ORDER BY position",
        [](Statement& s) -> Result<Tag> {
          return Tag{s.text(0), s.text(1)};
        },
        owner_id);
  }
  Result<void> save_tags(const std::string& owner_id, const Tags& tags) {
    if (auto r = run("DELETE FROM tags WHERE owner_id = ?", owner_id); !r) return r;
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (auto r = run("INSERT INTO tags (owner_id, position, key, value) VALUES (?, ?, ?, ?)", owner_id, i,
                       tags[i].key, tags[i].value);
          !r) {
        return r;
      }
    }
    return {};
  }

  Result<void> save_password_policy(const Account& account) {
    if (auto r = run("DELETE FROM password_policies WHERE account_id = ?", account.id); !r) return r;
    if (!account.password_policy) return {};
    const PasswordPolicy& p = *account.password_policy;
    return run(
        "INSERT INTO password_policies (account_id, minimum_password_length, require_symbols, require_numbers, "
        "require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password, "
        "max_password_age, password_reuse_prevention, hard_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        account.id, p.minimum_password_length, p.require_symbols, p.require_numbers, p.require_uppercase_characters,
        p.require_lowercase_characters, p.allow_users_to_change_password, p.max_password_age,
        p.password_reuse_prevention, p.hard_expiry);
  }

  static std::optional<Timestamp> last_used_date(const AccessKey& key) {
    if (!key.last_used) return std::nullopt;
    return key.last_used->date;
  }
  static std::optional<std::string> last_used_field(const AccessKey& key, std::string AccessKeyLastUsed::*field) {
    if (!key.last_used) return std::nullopt;
    return (*key.last_used).*field;
  }
  static std::optional<Timestamp> role_last_used_date(const Role& role) {
    if (!role.last_used) return std::nullopt;
    return role.last_used->date;
  }
  static std::optional<std::string> role_last_used_region(const Role& role) {
    if (!role.last_used) return std::nullopt;
    return role.last_used->region;
  }

  // Row readers, for the column lists above.
  std::function<Result<Account>(Statement&)> read_account() {
    return [this](Statement& s) -> Result<Account> {
      Account a;
      a.id = s.text(0);
      if (!s.is_null(1)) a.alias = s.text(1);
      a.create_date = s.timestamp(2);
      auto stmt = conn().prepare(
          "SELECT minimum_password_length, require_symbols, require_numbers, require_uppercase_characters, "
          "require_lowercase_characters, allow_users_to_change_password, max_password_age, "
          "password_reuse_prevention, hard_expiry FROM password_policies WHERE account_id = ?");
      if (!stmt) return stmt.error();
      Statement& p = **stmt;
      p.bind(a.id);
      auto row = p.step();
      if (!row) return row.error();
      if (*row) {
        PasswordPolicy policy;
        policy.minimum_password_length = static_cast<int>(p.integer(0));
        policy.require_symbols = p.integer(1) != 0;
        policy.require_numbers = p.integer(2) != 0;
        policy.require_uppercase_characters = p.integer(3) != 0;
        policy.require_lowercase_characters = p.integer(4) != 0;
        policy.allow_users_to_change_password = p.integer(5) != 0;
        if (!p.is_null(6)) policy.max_password_age = static_cast<int>(p.integer(6));
        if (!p.is_null(7)) policy.password_reuse_prevention = static_cast<int>(p.integer(7));
        policy.hard_expiry = p.integer(8) != 0;
        a.password_policy = policy;
      }
      return a;
    };
  }
  std::function<Result<User>(Statement&)> read_user(bool with_tags = true) {
    return [this, with_tags](Statement& s) -> Result<User> {
      User u;
      u.id = s.text(0);
      u.account_id = s.text(1);
      u.name = s.text(2);
      u.path = s.text(3);
      u.create_date = s.timestamp(4);
      u.permissions_boundary = s.text(5);
      u.password_last_used = s.optional_timestamp(6);
      if (!with_tags) return u;  // the page's tags come in one query (fill_tags)
      auto tags = load_tags(u.id);
      if (!tags) return tags.error();
      u.tags = std::move(*tags);
      return u;
    };
  }
  static Result<AccessKey> read_access_key(Statement& s) {
    AccessKey k;
    k.id = s.text(0);
    k.account_id = s.text(1);
    k.user_id = s.text(2);
    k.status = s.integer(3) == static_cast<int>(AccessKeyStatus::kActive) ? AccessKeyStatus::kActive
                                                                          : AccessKeyStatus::kInactive;
    k.create_date = s.timestamp(4);
    if (!s.is_null(5)) k.last_used = AccessKeyLastUsed{s.timestamp(5), s.text(6), s.text(7)};
    k.secret_ciphertext = s.text(8);
    return k;
  }
  static Result<Resource> read_resource(Statement& s) {
    Resource r;
    r.kind = static_cast<ResourceKind>(s.integer(0));
    r.id = s.text(1);
    r.account_id = s.text(2);
    r.name = s.text(3);
    r.path = s.text(4);
    r.owner_id = s.text(5);
    r.create_date = s.timestamp(6);
    r.body = s.text(7);
    return r;
  }
  static Result<Group> read_group(Statement& s) {
    return Group{s.text(1), s.text(2), s.text(3), s.text(0), s.timestamp(4)};
  }
  std::function<Result<Role>(Statement&)> read_role(bool with_tags = true) {
    return [this, with_tags](Statement& s) -> Result<Role> {
      Role r;
      r.id = s.text(0);
      r.account_id = s.text(1);
      r.name = s.text(2);
      r.path = s.text(3);
      r.trust_policy = s.text(4);
      r.description = s.text(5);
      r.max_session_duration = static_cast<int>(s.integer(6));
      r.create_date = s.timestamp(7);
      r.permissions_boundary = s.text(8);
      if (!s.is_null(9)) r.last_used = RoleLastUsed{s.timestamp(9), s.text(10)};
      if (!with_tags) return r;  // the page's tags come in one query (fill_tags)
      auto tags = load_tags(r.id);
      if (!tags) return tags.error();
      r.tags = std::move(*tags);
      return r;
    };
  }
  std::function<Result<ManagedPolicy>(Statement&)> read_policy(bool with_tags = true) {
    return [this, with_tags](Statement& s) -> Result<ManagedPolicy> {
      ManagedPolicy p;
      p.arn = s.text(0);
      p.account_id = s.text(1);
      p.name = s.text(2);
      p.path = s.text(3);
      p.id = s.text(4);
      p.description = s.text(5);
      p.default_version_id = s.text(6);
      p.create_date = s.timestamp(7);
      p.update_date = s.timestamp(8);
      p.aws_managed = s.integer(9) != 0;
      p.attachment_count = static_cast<int>(s.integer(10));
      p.permissions_boundary_usage_count = static_cast<int>(s.integer(11));
      p.highest_version_number = s.integer(12);
      if (!with_tags) return p;  // the page's tags come in one query (fill_tags)
      auto tags = load_tags(p.arn);
      if (!tags) return tags.error();
      p.tags = std::move(*tags);
      return p;
    };
  }
  static Result<PolicyVersion> read_version(Statement& s) {
    return PolicyVersion{s.text(0), s.text(1), s.timestamp(2), s.integer(3) != 0};
  }
  static Result<InlinePolicy> read_inline(Statement& s) { return InlinePolicy{s.text(0), s.text(1)}; }
  std::function<Result<InstanceProfile>(Statement&)> read_profile() {
    return [this](Statement& s) -> Result<InstanceProfile> {
      InstanceProfile p;
      p.id = s.text(0);
      p.account_id = s.text(1);
      p.name = s.text(2);
      p.path = s.text(3);
      p.create_date = s.timestamp(4);
      auto tags = load_tags(p.id);
      if (!tags) return tags.error();
      p.tags = std::move(*tags);
      auto roles = query_all<std::string>(
          "SELECT role_id FROM instance_profile_roles WHERE profile_id = ? ORDER BY role_id",
          [](Statement& r) -> Result<std::string> { return r.text(0); }, p.id);
      if (!roles) return roles.error();
      p.role_ids = std::move(*roles);
      return p;
    };
  }

  Conn* connection_;  // null once finished
  bool write_;
  bool dirty_ = false;
  std::vector<std::string> changes_;  // change keys of the writes, published at commit
};

#undef IAMD_USER_COLUMNS
#undef IAMD_GROUP_COLUMNS
#undef IAMD_ROLE_COLUMNS
#undef IAMD_PROFILE_COLUMNS
#undef IAMD_KEY_COLUMNS
#undef IAMD_POLICY_SELECT
#undef IAMD_RESOURCE_SELECT
#undef IAMD_PATH_FILTER

}  // namespace iamd::store::sql
