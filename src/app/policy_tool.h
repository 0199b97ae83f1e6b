// The offline policy tools behind `iamd policy validate`, `simulate` and `explain`:
// the same engine the server uses, driven by files. Pure functions from input text to
// output text and an exit status, so tests call them without a process.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::app {

struct ToolOutput {
  int status = 0;   // 0 success, 1 invalid policy or failed request
  std::string out;  // for stdout
  std::string err;  // for stderr (one line)
};

// `kind` is a policy::kind_name ("identity", "managed", ...) or empty to infer it: a
// document with a Principal is validated as a trust policy when it has no Resource and as
// resource-based when it has one; a document without a Principal as identity-based.
// `entity` is user, group or role (inline quota).
ToolOutput validate_policy(std::string_view text, std::string_view kind, std::string_view entity);

// Takes the JSON of an AWS SimulateCustomPolicy request (the --cli-input-json form) and
// answers with the JSON of its response. The operation is authz::run_simulation, the one the
// server runs: the same limits, errors and messages; only the JSON is read and written here.
ToolOutput simulate_custom_policy(std::string_view request_json);

// A policy document as given on the command line: where it came from (for messages and as
// the policy's name in the explanation) and its text.
struct PolicyFile {
  std::string name;
  std::string text;
};

// The inputs of `iamd policy explain`: one request and the policies that decide it.
struct ExplainInput {
  // A SimulateCustomPolicy request (the --cli-input-json form): PolicyInputList (identity),
  // PermissionsBoundaryPolicyInputList, ResourcePolicy, ResourceOwner, CallerArn,
  // ContextEntries, ActionNames and ResourceArns (one pair of them, chosen by `action` and
  // `resource` when it holds several).
  std::optional<std::string> cli_input_json;
  std::vector<PolicyFile> identity;               // identity-based policies
  std::optional<PolicyFile> boundary;             // the permissions boundary
  std::vector<PolicyFile> session;                // session policies (together, one set)
  std::optional<PolicyFile> resource_policy;      // resource-based or role trust policy
  std::vector<std::vector<PolicyFile>> scp, rcp;  // one list per level (root, OUs, account)
  std::optional<std::string> action;              // "s3:GetObject"
  std::optional<std::string> resource;            // an ARN, or "*" (the default)
  std::optional<std::string> principal;           // the caller's ARN
  std::optional<std::string> resource_owner;      // account id (default: the caller's)
  std::vector<std::string> context;               // "key=value"; a key given twice is multivalued
  bool json = false;                              // --output json
};

// The caller when none is given [IMPL].
inline constexpr std::string_view kDefaultExplainPrincipal = "arn:aws:iam::123456789012:user/ExampleUser";

// `iamd policy explain`: evaluates one request with the server's engine and explains the
// decision (authz/explain.h: text, or with `json` the JSON DecodeAuthorizationMessage
// answers). [IMPL] Exit status: 0 allowed, 1 denied (explicitly or implicitly), 2 bad input
// (an invalid policy: its file, the engine's code, message and JSON path; a bad flag or
// context entry; an action or resource the --cli-input-json request does not hold).
ToolOutput explain_request(const ExplainInput& input);

}  // namespace iamd::app
