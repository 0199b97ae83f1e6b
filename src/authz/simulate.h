// The policy simulator behind SimulateCustomPolicy / SimulatePrincipalPolicy (the API and
// `iamd policy simulate`): every action against every resource, paginated by position in
// that grid, with the deciding statements located in their policy text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authz/authorizer.h"

namespace iamd::authz {

// AWS's StartPosition / EndPosition: 1-based line and column.
struct TextPosition {
  int line = 1;
  int column = 1;
};

struct SimulatedStatement {
  const policy::CompiledStatement* statement = nullptr;  // its policy gives id and text
  PolicyType type = PolicyType::kIdentityBased;
  TextPosition start;  // the statement's "{"
  TextPosition end;    // one past its "}"
};

struct SimulationResult {
  std::string action;
  std::string resource;
  EvalDecision decision = EvalDecision::kImplicitDeny;
  std::vector<SimulatedStatement> matched;  // the deciding statements
  std::vector<std::string> missing_keys;
  std::optional<bool> allowed_by_boundary;  // when a boundary took part
};

struct SimulationPage {
  std::vector<SimulationResult> results;
  std::optional<std::size_t> next;  // the position to continue from, when truncated
};

// The principal behind a CallerArn (root, IAM user, assumed-role or federated-user
// session); nullopt for anything else.
std::optional<policy::PrincipalFacts> principal_from_arn(std::string_view caller);

// Whether `value` is valid for a context entry of ContextKeyType `type` (string, numeric,
// boolean, ip, date, binary, or one of them + "List").
bool valid_context_value(std::string_view type, std::string_view value);

// Evaluates `request` (principal, context, resource account) for each action x resource,
// action-major, from position `start`, at most `max_items` results.
SimulationPage simulate(const PolicyBundle& bundle, Request request, const std::vector<std::string>& actions,
                        const std::vector<std::string>& resources, std::size_t start, std::size_t max_items);

}  // namespace iamd::authz
