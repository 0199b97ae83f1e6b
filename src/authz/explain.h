// Why a request was allowed or denied, beyond what evaluate() records: the statements whose
// action, resource and principal matched but whose Condition did not, with each clause that
// failed; and the one writer of the explanation (JSON for DecodeAuthorizationMessage, the
// console and `iamd policy explain --output json`; text for `iamd policy explain`).
//
// failed_conditions() is a second pass over the bundle, run only when an explanation is
// built: evaluate() stays allocation-free and as fast as without it. It allocates.
// Thread-safety: pure functions over their (read-only) inputs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authz/authorizer.h"

namespace iamd::authz {

struct FailedCondition {
  const policy::CompiledStatement* statement = nullptr;  // its policy gives id, version and text
  PolicyType type = PolicyType::kIdentityBased;
  const condition::Clause* clause = nullptr;  // operator as written (with ForAllValues:/IfExists), key, values
  bool key_missing = false;                   // the request has no value for the clause's key
  std::vector<std::string> request_values;    // the request's values of the key (empty when missing)
  // Why a present value could not match, when the engine knows more than "no value matched":
  // a diagnostic (a value of the wrong type, a multivalued key without a set operator) or a
  // policy variable the request lacks. Empty otherwise.
  std::string note;
};

// Every statement of `bundle` (identity, boundary, session, resource, SCP levels, RCP
// levels, in document order within each) whose Action/NotAction, Resource/NotResource and
// Principal match `request` but whose Condition does not, one entry per failing clause
// (conditions are ANDed: each one listed failed on its own).
std::vector<FailedCondition> failed_conditions(const PolicyBundle& bundle, const Request& request);

// The policy types that took part in a decision, in the order the explanation lists them.
std::vector<std::string_view> evaluated_policy_types(const PolicyBundle& bundle);

// A statement's text as written in its policy ("{...}"); empty when unknown.
std::string_view statement_text(const policy::CompiledStatement& statement);
// The policy's name as reported: its id without a cache key's "#..." suffix.
std::string_view policy_name(const policy::CompiledStatement& statement);

// The decision as DecodeAuthorizationMessage answers it: AWS's outer shape (allowed,
// explicitDeny, matchedStatements, failures, context with principal, action, resource and
// conditions) [AWS: DecodeAuthorizationMessage], and iamd's explanation beside it under
// "iamd": decision, AccessDenied message, evaluated policy types, the blocking type, every
// matched statement, failedConditions and missingContextKeys [IMPL]. `account` stands for
// the principal's id when the request has no unique id. `with_reason`: whether the message
// gives AWS's reason (role assumptions give none [OBS]).
std::string explanation_json(std::string_view account, const Request& request, const PolicyBundle& bundle,
                             const Decision& decision, const std::vector<FailedCondition>& failed,
                             bool with_reason = true);

// The decision alone, as the audit trail keeps it beside each call (docs/operations.md "Audit
// trail"): {"decision", "policyType" (the deciding statement's type, or the type that blocked
// an implicit deny), "statement" (the first deciding statement: statementId, effect,
// policyType, policy, policyLabel, policyVersion; null when none decided), "statements" (every
// deciding statement)}. The statements' fields are those of explanation_json (one writer).
std::string decision_json(const Decision& decision);

// The same explanation as readable text (`iamd policy explain`): decision, AccessDenied
// message, evaluated policy types, deciding statements with their text, the blocking type,
// the clauses that failed, other matching statements, missing context keys.
std::string explanation_text(const Request& request, const PolicyBundle& bundle, const Decision& decision,
                             const std::vector<FailedCondition>& failed, bool with_reason = true);

}  // namespace iamd::authz
