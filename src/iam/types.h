// Values the domain's families return and share (access key owners, policy texts, the
// authorization details, credential reports).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "store/records.h"

namespace iamd::iam {

// AWS's rule for the path of a user, group, role, instance profile, MFA device or server
// certificate (the model's pathType): "/" alone, or "/" + printable ASCII (U+0021-U+007F) + "/",
// with no empty segment ("/a//b/" is refused as moto records AWS doing [OBS]). A path that
// breaks it is ValidationError "The specified value for path is invalid. ..." (api/pipeline.cc).
inline bool is_valid_path(std::string_view path) {
  if (path == "/") return true;
  if (path.size() < 3 || path.front() != '/' || path.back() != '/') return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x21 || c > 0x7F) return false;
    if (c == '/' && i > 0 && path[i - 1] == '/') return false;
  }
  return true;
}

// Who an access key belongs to, with its plaintext secret (for SigV4 only).
struct KeyOwner {
  store::AccessKey key;
  std::string account_id;
  std::optional<store::User> user;  // empty: the account's root user
  std::string secret;
};

struct NewAccessKey {
  store::AccessKey key;
  std::string secret;  // shown once
  std::string user_name;
};

// A policy document that applies to a principal, with the name of its source
// ("<arn>#<version>", "user/<id>/<name>#<digest>"). [IMPL] The name alone does not identify
// the text (a policy deleted and created again has the same ARN and version id): caches of
// compiled documents also key by the document's digest (api/access.cc).
struct PolicyText {
  std::string cache_key;
  std::string document;
  // For the simulator: the policy's name and AWS's SourcePolicyType ("user", "group",
  // "role" for inline policies; "aws-managed", "user-managed" for managed ones).
  std::string name;
  std::string source_type;
};

struct PrincipalPolicyTexts {
  std::vector<PolicyText> identity;  // the user's inline and managed, then each group's
  std::optional<PolicyText> boundary;
  // The store change keys (store::change_key) of every record the texts were read from: the
  // principal's record and policy relations, each group's policy relations, each managed
  // policy (attached or boundary). A cache of the compiled texts is fresh while none changed.
  std::vector<std::string> depends_on;
};

// GetAccountAuthorizationDetails' Filter values, as bits.
inline constexpr unsigned kDetailUsers = 1, kDetailGroups = 2, kDetailRoles = 4, kDetailLocalPolicies = 8,
                          kDetailAwsPolicies = 16, kDetailAll = 31;

struct UserDetails {
  store::User user;
  std::vector<store::InlinePolicy> inline_policies;
  std::vector<std::string> group_names;
  std::vector<store::AttachedPolicy> attached;
};
struct GroupDetails {
  store::Group group;
  std::vector<store::InlinePolicy> inline_policies;
  std::vector<store::AttachedPolicy> attached;
};
struct ProfileWithRoles {
  store::InstanceProfile profile;
  std::vector<store::Role> roles;
};
struct RoleDetails {
  store::Role role;
  std::vector<store::InlinePolicy> inline_policies;
  std::vector<store::AttachedPolicy> attached;
  std::vector<ProfileWithRoles> instance_profiles;
};
struct PolicyDetails {
  store::ManagedPolicy policy;
  std::vector<store::PolicyVersion> versions;  // newest first, with documents
};
struct AuthorizationDetails {
  std::vector<UserDetails> users;
  std::vector<GroupDetails> groups;
  std::vector<RoleDetails> roles;
  std::vector<PolicyDetails> policies;
  std::string next_marker;  // empty when complete
};

enum class CredentialReportState { kStarted, kComplete };
struct CredentialReport {
  common::Timestamp generated;
  std::string csv;
};

}  // namespace iamd::iam
