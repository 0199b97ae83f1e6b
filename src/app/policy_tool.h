// The offline policy tools behind `iamd policy validate` and `iamd policy simulate`:
// the same engine the server uses, driven by files. Pure functions from input text to
// output text and an exit status, so tests call them without a process.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace iamd::app
