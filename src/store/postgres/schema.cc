#include "store/postgres/schema.h"

#include <array>
#include <string>

#include "store/internal.h"
#include "store/postgres/postgres_store.h"

namespace iamd::store::postgres {

namespace {

// 'iamd' in ASCII: the key of the advisory lock held while migrating.
constexpr std::int64_t kMigrationLock = 0x69616d64;

// The tables of the SQLite schema (store/sqlite/schema.cc, versions 1 to 3 folded into one)
// with PostgreSQL's types: BIGINT for integers and nanosecond timestamps, BYTEA for the
// sealed secrets and resource bodies. Plus what several nodes need: `changes` (the change
// keys of every committed write by generation, which nodes tail to drop what they cached;
// store/changes.h) and meta's `pruned_through` (the newest generation whose changes were
// deleted: a node behind it drops every cache). Text sorts and compares by code point
// (COLLATE "C", as SQLite's BINARY), whatever the database's locale: list orders and
// markers are AWS's and SQLite's.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO meta (key, value) VALUES ('generation', 0), ('pruned_through', 0);

CREATE TABLE changes (generation BIGINT NOT NULL, key TEXT COLLATE "C" NOT NULL);
CREATE INDEX changes_generation ON changes (generation);

CREATE TABLE accounts (
  id TEXT COLLATE "C" PRIMARY KEY,
  alias TEXT COLLATE "C" UNIQUE,
  create_date BIGINT NOT NULL
);

CREATE TABLE password_policies (
  account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  minimum_password_length BIGINT NOT NULL,
  require_symbols BIGINT NOT NULL,
  require_numbers BIGINT NOT NULL,
  require_uppercase_characters BIGINT NOT NULL,
  require_lowercase_characters BIGINT NOT NULL,
  allow_users_to_change_password BIGINT NOT NULL,
  max_password_age BIGINT,
  password_reuse_prevention BIGINT,
  hard_expiry BIGINT NOT NULL
);

CREATE TABLE tags (
  owner_id TEXT COLLATE "C" NOT NULL,
  position BIGINT NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (owner_id, position)
);

CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  create_date BIGINT NOT NULL,
  permissions_boundary TEXT COLLATE "C" NOT NULL,
  password_last_used BIGINT,
  UNIQUE (account_id, name_folded)
);
CREATE INDEX users_boundary ON users (permissions_boundary) WHERE permissions_boundary <> '';

CREATE TABLE access_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  user_id TEXT COLLATE "C" REFERENCES users (id),
  status BIGINT NOT NULL,
  create_date BIGINT NOT NULL,
  last_used_date BIGINT,
  last_used_service TEXT COLLATE "C",
  last_used_region TEXT COLLATE "C",
  secret BYTEA NOT NULL
);
CREATE INDEX access_keys_owner ON access_keys (account_id, user_id);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE login_profiles (
  user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id),
  password_hash TEXT COLLATE "C" NOT NULL,
  password_reset_required BIGINT NOT NULL,
  create_date BIGINT NOT NULL
);

CREATE TABLE iam_groups (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  create_date BIGINT NOT NULL,
  UNIQUE (account_id, name_folded)
);

CREATE TABLE group_members (
  group_id TEXT COLLATE "C" NOT NULL REFERENCES iam_groups (id),
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE roles (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  trust_policy TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  max_session_duration BIGINT NOT NULL,
  create_date BIGINT NOT NULL,
  permissions_boundary TEXT COLLATE "C" NOT NULL,
  last_used_date BIGINT,
  last_used_region TEXT COLLATE "C",
  UNIQUE (account_id, name_folded)
);
CREATE INDEX roles_boundary ON roles (permissions_boundary) WHERE permissions_boundary <> '';

CREATE TABLE policies (
  arn TEXT COLLATE "C" PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  account_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  default_version_id TEXT COLLATE "C" NOT NULL,
  create_date BIGINT NOT NULL,
  update_date BIGINT NOT NULL,
  aws_managed BIGINT NOT NULL,
  highest_version_number BIGINT NOT NULL DEFAULT 0,
  UNIQUE (account_id, name_folded)
);

CREATE TABLE policy_versions (
  policy_arn TEXT COLLATE "C" NOT NULL REFERENCES policies (arn) ON DELETE CASCADE,
  version_id TEXT COLLATE "C" NOT NULL,
  document TEXT COLLATE "C" NOT NULL,
  create_date BIGINT NOT NULL,
  UNIQUE (policy_arn, version_id)
);

CREATE TABLE attachments (
  entity_id TEXT COLLATE "C" NOT NULL,
  policy_arn TEXT COLLATE "C" NOT NULL REFERENCES policies (arn),
  entity_kind BIGINT NOT NULL,
  account_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (entity_id, policy_arn)
);
CREATE INDEX attachments_policy ON attachments (policy_arn, account_id);

CREATE TABLE inline_policies (
  entity_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  document TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (entity_id, name)
);

CREATE TABLE instance_profiles (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  create_date BIGINT NOT NULL,
  UNIQUE (account_id, name_folded)
);

CREATE TABLE instance_profile_roles (
  profile_id TEXT COLLATE "C" NOT NULL REFERENCES instance_profiles (id),
  role_id TEXT COLLATE "C" NOT NULL REFERENCES roles (id),
  PRIMARY KEY (profile_id, role_id)
);
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (role_id);

CREATE TABLE resources (
  kind BIGINT NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
  name TEXT COLLATE "C" NOT NULL,
  name_folded TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  owner_id TEXT COLLATE "C" REFERENCES users (id),
  create_date BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (kind, id),
  UNIQUE (kind, account_id, name_folded)
);
CREATE INDEX resources_owner ON resources (owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE audit_events (
  event_id TEXT COLLATE "C" PRIMARY KEY,
  time BIGINT NOT NULL,
  account_id TEXT COLLATE "C" NOT NULL,
  principal_arn TEXT COLLATE "C" NOT NULL,
  event_source TEXT COLLATE "C" NOT NULL,
  event_name TEXT COLLATE "C" NOT NULL,
  resource_arn TEXT COLLATE "C" NOT NULL,
  outcome BIGINT NOT NULL,
  error_code TEXT COLLATE "C" NOT NULL,
  record TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (time, event_id);
CREATE INDEX audit_events_principal ON audit_events (principal_arn, time, event_id);
)sql",
};

Error failure(std::string message) {
  return internal::make_error(kStorageFailure, "PostgreSQL store: " + std::move(message));
}

}  // namespace

Result<void> migrate(Connection& connection) {
  if (auto r = connection.exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")"); !r) {
    return failure(r.error().message);
  }
  auto finish = [&](Error e) -> Error {
    (void)connection.exec("ROLLBACK");
    return e;
  };
  // The version lives in meta; a database with our tables but no meta is not ours.
  auto found = connection.query("SELECT to_regclass('meta') IS NOT NULL, to_regclass('users') IS NOT NULL");
  if (!found) return finish(failure(found.error().message));
  const bool has_meta = (*found)[0][0] == "t";
  const bool has_users = (*found)[0][1] == "t";
  std::int64_t version = 0;
  if (has_meta) {
    auto v = connection.query("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!v) return finish(failure(v.error().message));
    if (v->empty() || !(*v)[0][0]) return finish(failure("not an iamd database (meta has no schema_version)"));
    version = std::stoll(*(*v)[0][0]);
  } else if (has_users) {
    return finish(failure("not an iamd database (it has a users table but no iamd schema version)"));
  }
  if (version > kSchemaVersion) {
    return finish(failure("schema version " + std::to_string(version) + " is newer than this iamd supports (" +
                          std::to_string(kSchemaVersion) + "); use a newer iamd"));
  }
  for (auto v = version; v < kSchemaVersion; ++v) {
    if (auto r = connection.exec(kMigrations[static_cast<std::size_t>(v)]); !r) {
      return finish(failure("migration to schema version " + std::to_string(v + 1) + " failed: " + r.error().message));
    }
    const std::string set = v == 0
                                ? "INSERT INTO meta (key, value) VALUES ('schema_version', 1)"
                                : "UPDATE meta SET value = " + std::to_string(v + 1) + " WHERE key = 'schema_version'";
    if (auto r = connection.exec(set); !r) return finish(failure(r.error().message));
  }
  if (auto r = connection.exec("COMMIT"); !r) return failure(r.error().message);
  return {};
}

}  // namespace iamd::store::postgres
