// The policy simulator behind SimulateCustomPolicy / SimulatePrincipalPolicy (the API and
// `iamd policy simulate`): every action against every resource, paginated by position in
// that grid, with the deciding statements located in their policy text.
//
// run_simulation() is the one implementation of the operations' semantics: it takes their
// inputs as plain values, enforces the input limits and the work budget, compiles the
// caller's documents and answers with results or an AWS-form error (InvalidInput). The API
// handler and the offline CLI only convert their input and output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authz/authorizer.h"
#include "common/result.h"

namespace iamd::authz {

// AWS's StartPosition / EndPosition: 1-based line and column.
struct TextPosition {
  int line = 1;
  int column = 1;
};

struct SimulatedStatement {
  const policy::CompiledStatement* statement = nullptr;  // its policy gives id and text
  PolicyType type = PolicyType::kIdentityBased;
  std::string source_type = "none";  // SourcePolicyType: none, resource, user, group, role, ...
  TextPosition start;                // the statement's "{"
  TextPosition end;                  // one past its "}"
};

struct SimulationResult {
  std::string action;
  std::string resource;
  EvalDecision decision = EvalDecision::kImplicitDeny;
  std::vector<SimulatedStatement> matched;  // the deciding statements
  std::vector<std::string> missing_keys;
  std::optional<bool> allowed_by_boundary;       // when a boundary took part
  std::optional<bool> allowed_by_organizations;  // when SCPs took part
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

// ---- SimulateCustomPolicy / SimulatePrincipalPolicy -------------------------------------

// The limits on one simulation request. Counts are not in the service model; AWS documents
// only that one permissions boundary may be given. The other values are [IMPL]: generous
// for real use, small enough that one request cannot hold a core for long.
struct SimulationLimits {
  std::size_t policy_inputs = 100;          // PolicyInputList entries [IMPL]
  std::size_t boundary_inputs = 1;          // PermissionsBoundaryPolicyInputList [AWS: "only one"]
  std::size_t actions = 1000;               // ActionNames entries [IMPL]
  std::size_t resources = 1000;             // ResourceArns entries [IMPL]
  std::size_t context_entries = 100;        // ContextEntries [IMPL]
  std::size_t context_values = 100;         // ContextKeyValues of one entry [IMPL]
  std::size_t context_value_length = 2048;  // characters of one context value [IMPL] (as ResourceNameType)
  std::size_t policy_length = 131072;       // policyDocumentType max, per document [model]
  std::size_t max_items = 1000;             // maxItemsType max [model]
  std::size_t default_max_items = 100;      // MaxItems when absent [AWS]
  // The work one request may do: results on the page times the estimated matching cost of
  // one evaluation (estimate_cost). A page is cut short (IsTruncated, Marker) to stay within
  // it; a single evaluation above it is refused [IMPL].
  std::uint64_t work_budget = std::uint64_t{1} << 26;
};

// One ContextEntries member as given.
struct ContextEntryInput {
  std::optional<std::string> name;
  std::optional<std::string> type;  // ContextKeyTypeEnum; absent = string [IMPL]
  std::vector<std::string> values;
};

// A compiled policy taking part in a simulation, with the SourcePolicyType AWS reports.
struct SimulationPolicy {
  std::shared_ptr<const policy::CompiledPolicy> compiled;
  std::string source_type;
};

// The inputs of SimulateCustomPolicy, and of SimulatePrincipalPolicy with `stored_*` and
// `source_principal` filled from the PolicySourceArn.
struct SimulationInput {
  std::vector<std::string> policy_inputs;    // PolicyInputList
  std::vector<std::string> boundary_inputs;  // PermissionsBoundaryPolicyInputList
  std::vector<std::string> actions;          // ActionNames
  std::vector<std::string> resources;        // ResourceArns (empty: "*")
  std::optional<std::string> resource_policy;
  std::optional<std::string> resource_owner;
  std::optional<std::string> caller_arn;
  std::vector<ContextEntryInput> context_entries;
  std::optional<std::int64_t> max_items;
  std::optional<std::string> marker;
  // SimulatePrincipalPolicy: the stored policies of the user, group or role, and the
  // principal it stands for when no CallerArn is given.
  std::vector<SimulationPolicy> stored_identity;
  std::optional<SimulationPolicy> stored_boundary;
  // The SCPs of the principal's account, one list per level (root, OUs, account); empty
  // when none apply (no organization, its management account).
  std::vector<std::vector<SimulationPolicy>> stored_scp;
  std::optional<policy::PrincipalFacts> source_principal;
};

struct SimulationOutput {
  SimulationPage page;
  std::optional<std::string> marker;  // Marker of the next page
  // Keeps the compiled policies the results point into alive.
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies;
};

// Whether a ResourcePolicy is a role trust policy: a JSON object whose statements (at least
// one) have neither Resource nor NotResource. Such a document is validated as a trust policy
// (principal forms, STS actions) and evaluated with the role trust rules; any other is a
// resource-based policy [UNCERTAIN: how AWS tells them apart; a document that mixes the two
// is a resource-based policy here, refused for its statement without resources].
bool is_trust_policy_text(std::string_view text);

// Compiles one document of a simulation; a bad one is InvalidInput with the engine's message
// [UNCERTAIN: AWS is believed to answer InvalidInput, the operation's modeled error].
common::Result<SimulationPolicy> compile_simulation_policy(std::string_view text, policy::PolicyKind kind,
                                                           std::string id, std::string source_type);

// The estimated matching work of evaluating `policies` once against text of at most
// `text_length` characters (requested actions: `action_length`) with at most
// `values_per_key` values per context key: a
// pattern with at most one leading or trailing `*` is linear; any other glob (or a policy
// variable) may cost its length times the text's (common::glob_match is O(pattern x text)).
std::uint64_t estimate_cost(const std::vector<const policy::CompiledPolicy*>& policies, std::size_t text_length,
                            std::size_t values_per_key, std::size_t action_length = 128);

// ResourceOwner (an account id, or an ARN with one) as the resource's account; InvalidInput
// otherwise.
common::Result<std::string> resource_owner_account(std::string_view owner);

// ContextEntries into `context`: each value valid for its ContextKeyType (string when absent),
// a List type as a multivalued key, any other type with exactly one value; InvalidInput
// otherwise.
common::Result<void> set_context_entries(const std::vector<ContextEntryInput>& entries, condition::Context& context);

// The whole operation: limits, compilation, principal, context, pagination and evaluation.
common::Result<SimulationOutput> run_simulation(const SimulationInput& input, const SimulationLimits& limits = {});

// GetContextKeysFor{Custom,Principal}Policy: the context keys and policy variables of
// `documents`, each once (first spelling kept). `caller_inputs` of them came from the
// caller's PolicyInputList and count against its limit.
common::Result<std::vector<std::string>> context_keys_for(const std::vector<std::string>& documents,
                                                          std::size_t caller_inputs,
                                                          const SimulationLimits& limits = {});

}  // namespace iamd::authz
