// The IAM entities as the store keeps them: plain value types, no SQL, no behaviour.
// Field names follow the AWS API shapes (../shared/spec/api-shapes.md). Validation of names,
// paths, documents and quotas happens above the store (iam module); the store only keeps
// uniqueness and referential integrity.
//
// Identity: users, groups, roles and instance profiles are addressed by their unique id
// (AIDA.., AGPA.., AROA.., AIPA..) in every relation, so a rename touches one record. Their
// names are unique per account case-insensitively (ASCII fold) but are stored and returned
// in their original case. Managed policies are addressed by ARN.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace iamd::store {

using common::Timestamp;

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};
// In the order the caller gave them; the store keeps the order.
using Tags = std::vector<Tag>;

// GetAccountPasswordPolicy's PasswordPolicy. Absent optionals are absent in AWS's answer.
struct PasswordPolicy {
  int minimum_password_length = 8;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase_characters = false;
  bool require_lowercase_characters = false;
  bool allow_users_to_change_password = false;
  std::optional<int> max_password_age;
  std::optional<int> password_reuse_prevention;
  bool hard_expiry = false;
  friend bool operator==(const PasswordPolicy&, const PasswordPolicy&) = default;
};

struct Account {
  std::string id;                    // 12 digits
  std::optional<std::string> alias;  // unique across the server, as AWS aliases are global
  std::optional<PasswordPolicy> password_policy;
  Timestamp create_date;
  friend bool operator==(const Account&, const Account&) = default;
};

struct User {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AIDA...
  Timestamp create_date;
  std::string permissions_boundary;  // policy ARN; empty when none
  Tags tags;
  std::optional<Timestamp> password_last_used;
  friend bool operator==(const User&, const User&) = default;
};

enum class AccessKeyStatus { kActive, kInactive };

struct AccessKeyLastUsed {
  Timestamp date;
  std::string service;
  std::string region;
  friend bool operator==(const AccessKeyLastUsed&, const AccessKeyLastUsed&) = default;
};

// A long-term access key of a user or of the account's root user.
struct AccessKey {
  std::string id;  // AKIA...
  std::string account_id;
  std::string user_id;  // empty for the root user's keys
  AccessKeyStatus status = AccessKeyStatus::kActive;
  Timestamp create_date;
  std::optional<AccessKeyLastUsed> last_used;
  // The secret access key sealed by the layer above; the store never sees the plaintext.
  std::string secret_ciphertext;
  friend bool operator==(const AccessKey&, const AccessKey&) = default;
};

// A user's console password. At most one per user.
struct LoginProfile {
  std::string user_id;
  std::string password_hash;  // opaque (Argon2id PHC string from iam/password.h)
  bool password_reset_required = false;
  Timestamp create_date;
  friend bool operator==(const LoginProfile&, const LoginProfile&) = default;
};

struct Group {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AGPA...
  Timestamp create_date;
  friend bool operator==(const Group&, const Group&) = default;
};

struct RoleLastUsed {
  Timestamp date;
  std::string region;
  friend bool operator==(const RoleLastUsed&, const RoleLastUsed&) = default;
};

struct Role {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;            // AROA...
  std::string trust_policy;  // AssumeRolePolicyDocument, as given
  std::string description;
  int max_session_duration = 3600;  // seconds
  Timestamp create_date;
  std::string permissions_boundary;  // policy ARN; empty when none
  Tags tags;
  std::optional<RoleLastUsed> last_used;
  friend bool operator==(const Role&, const Role&) = default;
};

// A managed policy: customer managed (account_id = the owner) or AWS managed
// (account_id = "aws", aws_managed = true). Names are unique per account
// case-insensitively, regardless of path.
struct ManagedPolicy {
  std::string arn;
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // ANPA...
  std::string description;
  std::string default_version_id = "v1";
  Timestamp create_date;
  Timestamp update_date;
  Tags tags;
  bool aws_managed = false;
  // Computed by the store on every read and ignored on writes: attachments to users,
  // groups and roles of every account, and users/roles using the policy as their
  // permissions boundary.
  int attachment_count = 0;
  int permissions_boundary_usage_count = 0;
  // The highest N of the version ids "vN" the policy has ever had, deleted versions
  // included: maintained by the store (create_policy_version raises it, nothing lowers it)
  // and ignored by create_policy and update_policy. The next version is v<N+1>: as in AWS,
  // a version id is never reused after DeleteVersion.
  std::int64_t highest_version_number = 0;
  friend bool operator==(const ManagedPolicy&, const ManagedPolicy&) = default;
};

struct PolicyVersion {
  std::string version_id;  // v1, v2, ...
  std::string document;
  Timestamp create_date;
  // Computed on read from the policy's default_version_id; ignored on writes.
  bool is_default = false;
  friend bool operator==(const PolicyVersion&, const PolicyVersion&) = default;
};

struct InstanceProfile {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AIPA...
  Timestamp create_date;
  Tags tags;
  // Computed on read from the role memberships (sorted by role id); ignored on writes.
  std::vector<std::string> role_ids;
  friend bool operator==(const InstanceProfile&, const InstanceProfile&) = default;
};

// Records of the lesser kinds, which the store keeps as opaque bodies encoded by the layer
// above, with just the fields it needs for identity, order and integrity.
enum class ResourceKind {
  kMfaDevice,                  // id: serial number (ARN of a virtual device)
  kSshPublicKey,               // id: APKA...
  kSigningCertificate,         // id: certificate id
  kServerCertificate,          // id: ASCA...
  kOpenIdConnectProvider,      // id: provider ARN
  kSamlProvider,               // id: provider ARN
  kServiceSpecificCredential,  // id: ACCA...
  kCredentialReport,           // id: the account id (one report per account)
  kOrganization,               // id: the organization id (o-...); account: its management account
  kOrgMembership,              // id: an account in an organization; body: the organization id
  kOrgHandshake,               // id: a handshake id; account: the invited account; body: the organization id
  kLastAccessed,               // id: a user's or role's unique id (its last accesses; iam/last_accessed.h)
  kLastAccessedJob,            // id: the job id (GenerateServiceLastAccessedDetails)
  kStsPreferences,             // id: the account id (SetSecurityTokenServicePreferences)
  kRootLogin,                  // id: the root email in lower case; name: as given (iam/root_login.h)
  kConsoleSession,             // id = name: SHA-256 (hex) of a console session cookie (console/sessions.h)
  kConsoleThrottle,            // id = name: SHA-256 (hex) of a sign-in brake's key (console/sessions.h)
};

struct Resource {
  ResourceKind kind = ResourceKind::kMfaDevice;
  std::string account_id;
  std::string id;    // unique per kind across the store
  std::string name;  // unique per kind and account case-insensitively (ASCII); the list order
  std::string path = "/";
  // The user the record belongs to (AIDA...), or empty. Deleting that user while this
  // record exists is Conflict; a record naming a missing user is NotFound.
  std::string owner_id;
  Timestamp create_date;
  std::string body;  // everything else, encoded by the layer above
  friend bool operator==(const Resource&, const Resource&) = default;
};

// The principals that hold managed and inline policies.
enum class EntityKind { kUser, kGroup, kRole };

// An inline policy of a user, group or role. Names are unique per entity (case-sensitive).
struct InlinePolicy {
  std::string name;
  std::string document;
  friend bool operator==(const InlinePolicy&, const InlinePolicy&) = default;
};

// A managed policy attached to an entity (ListAttached*Policies' AttachedPolicy).
struct AttachedPolicy {
  std::string arn;
  std::string name;
  friend bool operator==(const AttachedPolicy&, const AttachedPolicy&) = default;
};

// An entity a managed policy is attached to (ListEntitiesForPolicy's PolicyUser/Group/Role).
struct EntityRef {
  EntityKind kind = EntityKind::kUser;
  std::string id;
  std::string name;
  friend bool operator==(const EntityRef&, const EntityRef&) = default;
};

// The counts behind GetAccountSummary that the store can answer.
struct AccountSummary {
  std::int64_t users = 0;
  std::int64_t groups = 0;
  std::int64_t roles = 0;
  std::int64_t policies = 0;  // customer managed policies of the account
  std::int64_t instance_profiles = 0;
  std::int64_t policy_versions_in_use = 0;  // versions of the account's customer managed policies
  std::int64_t root_access_keys = 0;        // AccountAccessKeysPresent when > 0
  friend bool operator==(const AccountSummary&, const AccountSummary&) = default;
};

// One record of the audit trail (docs/operations.md "Audit trail"): a CloudTrail-shaped event
// as JSON text, with the fields the audit is searched by beside it. Appended, never changed;
// pruned by age.
enum class AuditOutcome { kAllowed, kDenied, kError };
struct AuditEvent {
  std::string event_id;       // a random UUID, unique
  Timestamp time;             // eventTime
  std::string account_id;     // recipientAccountId; empty when the caller is unknown
  std::string principal_arn;  // userIdentity.arn; empty when unknown (a refused signature)
  std::string event_source;   // "iam.amazonaws.com", "sts.amazonaws.com", ...
  std::string event_name;     // the operation: "CreateUser"
  std::string resource_arn;   // the target's ARN when known, else empty
  AuditOutcome outcome = AuditOutcome::kAllowed;
  std::string error_code;  // empty unless kDenied or kError
  std::string json;        // the whole record, one JSON object
  friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

}  // namespace iamd::store
