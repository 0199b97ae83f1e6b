// The Query front door: which operation of which service a decoded request names, and the
// whole decode -> handler -> XML path for it. The HTTP layer decodes the form
// (protocol/form.h), authenticates, and calls handle_query() with the handlers for the
// caller; the handlers (protocol/iam.h, protocol/sts.h) authorize and act.
// Thread-safety: pure functions; handler objects are the caller's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "protocol/form.h"
#include "protocol/iam.h"
#include "protocol/response.h"
#include "protocol/sts.h"

namespace iamd::protocol {

struct ActionRef {
  std::string action;
  std::optional<std::string> version;
};

// `Action` and `Version` of a request. A missing or empty Action -> MissingAction (400).
common::Result<ActionRef> extract_action(const Params& params);

// The service a request is for: by its Version (api.md §1); a request without Version goes to
// `scope_service` (the service of the SigV4 credential scope, when the caller knows it).
// Unknown Version -> InvalidAction "Could not find operation <Action> for version <Version>";
// no Version and no scope service -> MissingParameter.
common::Result<Service> resolve_service(const ActionRef& ref, std::optional<Service> scope_service);

// The handlers for one request; a null handler makes its service's operations InvalidAction.
struct Handlers {
  iam::IamService* iam = nullptr;
  sts::StsService* sts = nullptr;
};

// extract_action + resolve_service + the service's dispatch(). Errors before a service is
// known use the IAM namespace.
Response handle_query(const Params& params, const Handlers& handlers, std::optional<Service> scope_service,
                      std::string_view request_id);

}  // namespace iamd::protocol
