// Policy text -> PolicyDocument: the parsed and validated form, which keeps JSONPaths for
// messages and source offsets for MatchedStatements. Validation follows AWS's order of
// checks (policy-language.md §2) and reproduces its MalformedPolicyDocument messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::policy {

// Which kind of policy a document is; it decides which elements are allowed and the quota.
enum class PolicyKind {
  kIdentity,  // inline user/group/role policy
  kManaged,   // customer managed policy version
  kTrust,     // role trust policy
  kResource,  // resource-based policy of another service
  kBoundary,  // permissions boundary (a managed policy)
  kSession,   // STS session policy
  kScp,
  kRcp,
};

std::string_view kind_name(PolicyKind kind);
std::optional<PolicyKind> parse_kind(std::string_view name);

enum class EntityType { kUser, kGroup, kRole };

struct ValidateOptions {
  PolicyKind kind = PolicyKind::kIdentity;
  EntityType entity = EntityType::kUser;  // kIdentity: the inline quota and message
  std::string entity_name = "alice";      // kIdentity: the name in the LimitExceeded message
  int managed_policy_quota = 6144;        // customer managed; 0 = none (AWS managed policies)
  int inline_policy_quota = 0;            // kIdentity; 0 = AWS's default for `entity` (2048, 5120, 10240)
  int trust_policy_quota = 2048;          // ACLSizePerRole, adjustable in AWS
  int control_policy_quota = 5120;        // SCP/RCP (Organizations quota)
  bool size_quota = true;                 // false: no size quota of the kind (the simulator's inputs)
  std::string partition = "aws";          // kTrust: the partition principal ARNs must name
};

// A string or list of strings element (Action, Resource, principal values).
struct StringList {
  bool present = false;
  bool single = false;  // written as a single string, not an array
  std::string path;     // JSONPath of the element
  std::vector<std::string> values;
  std::vector<std::string> paths;  // JSONPath of each value
};

struct PrincipalEntry {
  std::string type;  // AWS, Service, Federated, CanonicalUser; "*" for the bare "*"
  std::string value;
  std::string path;
};

struct ConditionEntry {
  std::string op;  // as written
  std::string key;
  std::vector<std::string> values;  // numbers and booleans as their text
  std::string path;                 // JSONPath of the key's value
};

struct StatementDoc {
  std::string path;  // $.Statement[i] or $.Statement
  int index = 0;
  std::size_t begin = 0, end = 0;  // byte offsets of the statement's braces
  bool has_sid = false;
  std::string sid;
  std::string effect;
  bool has_principal = false;
  bool not_principal = false;
  std::string principal_path;
  std::vector<PrincipalEntry> principals;
  StringList action;
  bool not_action = false;
  StringList resource;
  bool not_resource = false;
  std::vector<ConditionEntry> conditions;
  std::string condition_path;
};

struct PolicyDocument {
  std::string text;  // the source text
  bool has_version = false;
  std::string version;  // "2012-10-17", "2008-10-17", or empty when absent
  bool has_id = false;
  std::string id;
  std::vector<StatementDoc> statements;
  std::size_t size = 0;  // characters counted toward the quota

  // Policy variables are substituted only in Version 2012-10-17 documents.
  bool variables_enabled() const { return version == "2012-10-17"; }
};

// Parses and validates. The error's code is MalformedPolicyDocument, LimitExceeded or
// PackedPolicyTooLarge; its path is a JSONPath to the offending element.
common::Result<PolicyDocument> parse_policy(std::string_view text, const ValidateOptions& options);

// MalformedPolicyDocument "Invalid principal in policy: "AWS":"<value>"" for a principal of a
// role trust policy. The element is named as IAM names it: AWS, SERVICE [OBS], FEDERATED and
// CANONICALUSER [UNCERTAIN: by analogy with SERVICE].
common::Error invalid_trust_principal(const PrincipalEntry& p);

// Whether `action` may appear in a role trust policy: sts:AssumeRole,
// sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession,
// sts:SetSourceIdentity, sts:SetContext (case-insensitive, no wildcards).
bool trust_policy_action(std::string_view action);

// The condition keys a document refers to, in Condition blocks and as ${...} variables
// (2012-10-17 only), each once (case-insensitively) in order of appearance: the answer of
// GetContextKeysForCustomPolicy.
std::vector<std::string> context_keys(const PolicyDocument& document);

// Characters that count toward a quota: code points outside JSON whitespace that is
// outside string literals.
std::size_t policy_size(std::string_view text);

}  // namespace iamd::policy
