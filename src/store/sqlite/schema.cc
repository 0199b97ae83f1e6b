#include "store/sqlite/schema.h"

#include <array>

#include "store/internal.h"
#include "store/sqlite/sqlite_store.h"

namespace iamd::store::sqlite {

namespace {

// 'iamd' in ASCII: marks the file as ours (PRAGMA application_id).
constexpr std::int64_t kApplicationId = 0x69616d64;

// Names are kept as given and, case-folded (ASCII), in name_folded: the uniqueness and sort
// key. Timestamps are INTEGER nanoseconds since the epoch. Relations use unique ids.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 0);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  alias TEXT UNIQUE,
  create_date INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE password_policies (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  minimum_password_length INTEGER NOT NULL,
  require_symbols INTEGER NOT NULL,
  require_numbers INTEGER NOT NULL,
  require_uppercase_characters INTEGER NOT NULL,
  require_lowercase_characters INTEGER NOT NULL,
  allow_users_to_change_password INTEGER NOT NULL,
  max_password_age INTEGER,
  password_reuse_prevention INTEGER,
  hard_expiry INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tags (
  owner_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (owner_id, position)
) WITHOUT ROWID;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  permissions_boundary TEXT NOT NULL,
  password_last_used INTEGER,
  UNIQUE (account_id, name_folded)
) WITHOUT ROWID;
CREATE INDEX users_boundary ON users (permissions_boundary) WHERE permissions_boundary <> '';

CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  user_id TEXT REFERENCES users (id),
  status INTEGER NOT NULL,
  create_date INTEGER NOT NULL,
  last_used_date INTEGER,
  last_used_service TEXT,
  last_used_region TEXT,
  secret BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX access_keys_owner ON access_keys (account_id, user_id);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE login_profiles (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  password_hash TEXT NOT NULL,
  password_reset_required INTEGER NOT NULL,
  create_date INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE iam_groups (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  UNIQUE (account_id, name_folded)
) WITHOUT ROWID;

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES iam_groups (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  trust_policy TEXT NOT NULL,
  description TEXT NOT NULL,
  max_session_duration INTEGER NOT NULL,
  create_date INTEGER NOT NULL,
  permissions_boundary TEXT NOT NULL,
  last_used_date INTEGER,
  last_used_region TEXT,
  UNIQUE (account_id, name_folded)
) WITHOUT ROWID;
CREATE INDEX roles_boundary ON roles (permissions_boundary) WHERE permissions_boundary <> '';

CREATE TABLE policies (
  arn TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  description TEXT NOT NULL,
  default_version_id TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  update_date INTEGER NOT NULL,
  aws_managed INTEGER NOT NULL,
  UNIQUE (account_id, name_folded)
) WITHOUT ROWID;

-- A rowid table: versions list in creation order.
CREATE TABLE policy_versions (
  policy_arn TEXT NOT NULL REFERENCES policies (arn) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  document TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  UNIQUE (policy_arn, version_id)
);

-- entity_id is a user, group or role id (entity_kind says which); account_id is the
-- entity's account, for the per-account views of AWS managed policies.
CREATE TABLE attachments (
  entity_id TEXT NOT NULL,
  policy_arn TEXT NOT NULL REFERENCES policies (arn),
  entity_kind INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  PRIMARY KEY (entity_id, policy_arn)
) WITHOUT ROWID;
CREATE INDEX attachments_policy ON attachments (policy_arn, account_id);

CREATE TABLE inline_policies (
  entity_id TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (entity_id, name)
) WITHOUT ROWID;

CREATE TABLE instance_profiles (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  UNIQUE (account_id, name_folded)
) WITHOUT ROWID;

CREATE TABLE instance_profile_roles (
  profile_id TEXT NOT NULL REFERENCES instance_profiles (id),
  role_id TEXT NOT NULL REFERENCES roles (id),
  PRIMARY KEY (profile_id, role_id)
) WITHOUT ROWID;
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (role_id);
)sql",
    // 2: records of the lesser kinds (MFA devices, SSH keys, certificates, providers,
    // service-specific credentials) with bodies encoded by the iam module.
    R"sql(
CREATE TABLE resources (
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  path TEXT NOT NULL,
  owner_id TEXT REFERENCES users (id),
  create_date INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (kind, id),
  UNIQUE (kind, account_id, name_folded)
) WITHOUT ROWID;
CREATE INDEX resources_owner ON resources (owner_id) WHERE owner_id IS NOT NULL;
)sql",
    // 3: the highest version number each policy has ever had, so that a version id is never
    // reused after DeleteVersion (ManagedPolicy::highest_version_number). Databases of schema 2
    // start from the highest version still stored: numbers deleted before the upgrade cannot
    // be known.
    R"sql(
ALTER TABLE policies ADD COLUMN highest_version_number INTEGER NOT NULL DEFAULT 0;
UPDATE policies SET highest_version_number = coalesce(
  (SELECT max(CAST(substr(v.version_id, 2) AS INTEGER)) FROM policy_versions v
   WHERE v.policy_arn = policies.arn AND v.version_id GLOB 'v[0-9]*'), 0);
)sql",
    // 4: the audit trail (store.h AuditEvent): searched newest first by time, by principal,
    // and pruned by time. `record` is the event's JSON.
    R"sql(
CREATE TABLE audit_events (
  event_id TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  event_source TEXT NOT NULL,
  event_name TEXT NOT NULL,
  resource_arn TEXT NOT NULL,
  outcome INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX audit_events_time ON audit_events (time, event_id);
CREATE INDEX audit_events_principal ON audit_events (principal_arn, time, event_id);
)sql",
};

Result<std::int64_t> pragma_integer(Connection& connection, const char* sql) {
  auto stmt = connection.prepare(sql);
  if (!stmt) return stmt.error();
  auto row = (*stmt)->step();
  if (!row) return row.error();
  return *row ? (*stmt)->integer(0) : 0;
}

Error failure(const std::string& file, std::string message) {
  return internal::make_error(kStorageFailure, file + ": " + std::move(message));
}

}  // namespace

Result<std::uint64_t> migrate(Connection& connection, const std::string& file) {
  auto version = pragma_integer(connection, "PRAGMA user_version");
  if (!version) return failure(file, version.error().message);
  auto application_id = pragma_integer(connection, "PRAGMA application_id");
  if (!application_id) return failure(file, application_id.error().message);
  if (*version > kSchemaVersion) {
    return failure(file, "schema version " + std::to_string(*version) + " is newer than this iamd supports (" +
                             std::to_string(kSchemaVersion) + "); use a newer iamd");
  }
  if (*version == 0) {
    auto objects = pragma_integer(connection, "SELECT count(*) FROM sqlite_schema");
    if (!objects) return failure(file, objects.error().message);
    if (*objects != 0) return failure(file, "not an iamd database (it has tables but no iamd schema version)");
  } else if (*application_id != kApplicationId) {
    return failure(file, "not an iamd database (application_id " + std::to_string(*application_id) + ")");
  }
  for (auto v = *version; v < kSchemaVersion; ++v) {
    std::string script = "BEGIN IMMEDIATE;\n";
    script += kMigrations[static_cast<std::size_t>(v)];
    script += "\nPRAGMA application_id = " + std::to_string(kApplicationId) + ";\n";
    script += "PRAGMA user_version = " + std::to_string(v + 1) + ";\nCOMMIT;\n";
    if (auto r = connection.exec_script(script); !r) {
      (void)connection.exec_script("ROLLBACK");
      return failure(file, "migration to schema version " + std::to_string(v + 1) + " failed: " + r.error().message);
    }
  }
  auto generation = pragma_integer(connection, "SELECT value FROM meta WHERE key = 'generation'");
  if (!generation) return failure(file, generation.error().message);
  return static_cast<std::uint64_t>(*generation);
}

}  // namespace iamd::store::sqlite
