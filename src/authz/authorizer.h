// The AWS evaluation logic (evaluation.md §3) as a pure function over compiled policy sets:
// explicit deny first; RCPs and SCPs per level; resource-based policies with the
// same-account and cross-account rules; identity policies; permissions boundaries;
// session policies. The Decision names the statements that decided it, the policy type
// that blocked, and the context keys the policies needed but the request lacked.
// Thread-safety: evaluate() only reads its inputs; run it from any number of threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "authz/policy_set.h"
#include "condition/clause.h"
#include "condition/context.h"
#include "policy/compiled.h"

namespace iamd::authz {

// One authorization request, built once (principal facts, action, resource, context).
struct Request {
  policy::PrincipalFacts principal;
  std::string action;            // "s3:GetObject"
  std::string action_lower;      // set by set_action
  std::string resource;          // an ARN, or "*" for actions without a resource type
  std::string resource_account;  // empty: the principal's account
  condition::Context context;

  void set_action(std::string_view a);
};

enum class PolicyType {
  kIdentityBased,
  kResourceBased,
  kRoleTrust,
  kPermissionsBoundary,
  kSession,
  kServiceControl,
  kResourceControl
};
enum class EvalDecision { kAllowed, kExplicitDeny, kImplicitDeny };

std::string_view policy_type_name(PolicyType t);  // "identity-based", "permissions boundary", ...
std::string_view decision_name(EvalDecision d);   // "allowed", "explicitDeny", "implicitDeny"

// The policies that take part in one decision. Null pointers mean "not present":
// boundary == nullptr means the entity has no boundary; session == nullptr means the
// session was created without session policies. The caller owns the sets.
struct PolicyBundle {
  const PolicySet* identity = nullptr;
  const PolicySet* boundary = nullptr;
  const PolicySet* session = nullptr;
  const PolicySet* resource = nullptr;
  bool resource_is_trust = false;         // the resource policy is a role trust policy (§3.1(c))
  std::span<const PolicySet* const> scp;  // one set per level (root, OUs, account)
  std::span<const PolicySet* const> rcp;
};

struct MatchedStatement {
  const policy::CompiledStatement* statement = nullptr;
  PolicyType type = PolicyType::kIdentityBased;
};

struct Decision {
  EvalDecision decision = EvalDecision::kImplicitDeny;
  std::optional<PolicyType> blocked_by;
  // The statements that decided: for an explicit deny every matching Deny; for an allow
  // every matching Allow in the identity and resource policies; empty for implicit deny.
  std::vector<MatchedStatement> deciding;
  // Every statement that matched, in every set.
  std::vector<MatchedStatement> matched;
  // Condition and variable keys needed by statements whose action and resource matched,
  // absent from the context (deduplicated, case-insensitively; views into the policies).
  std::vector<std::string_view> missing_keys;
  std::vector<condition::Diagnostic> diagnostics;
  bool allowed_by_boundary = true;       // meaningful when a boundary took part
  bool allowed_by_session = true;        // meaningful when session policies took part
  bool allowed_by_organizations = true;  // SCPs and RCPs

  bool allowed() const { return decision == EvalDecision::kAllowed; }
  void clear();
};

// Evaluates into `out`, reusing its storage: once warm, no allocation.
void evaluate(const PolicyBundle& bundle, const Request& request, Decision& out);
Decision evaluate(const PolicyBundle& bundle, const Request& request);

// AWS's AccessDenied message (evaluation.md §7):
// "User: <arn> is not authorized to perform: <action>[ on resource: <r>][ because ...]".
std::string access_denied_message(const Request& request, const Decision& decision, bool with_reason = true);

}  // namespace iamd::authz
