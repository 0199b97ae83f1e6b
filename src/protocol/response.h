// What every Query response shares: the two services, the status + XML body pair, the error
// envelope, the code -> HTTP status table, and the errors the protocol layer itself raises.
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::protocol {

enum class Service { kIam, kSts };

struct ServiceInfo {
  std::string_view name;           // "iam", "sts" (the SigV4 service name)
  std::string_view api_version;    // the Version parameter: "2010-05-08", "2011-06-15"
  std::string_view xml_namespace;  // "https://iam.amazonaws.com/doc/2010-05-08/"
};

const ServiceInfo& service_info(Service service);
// The service whose API version is `version`, if any.
std::optional<Service> service_for_version(std::string_view version);

// A finished response: HTTP status and a text/xml body. The HTTP layer adds Content-Type
// and x-amzn-RequestId.
struct Response {
  int status = 200;
  std::string body;
};

// The HTTP status AWS sends with error `code`: the models' error shapes (IAM and STS, e.g.
// NoSuchEntity 404, EntityAlreadyExists 409, LimitExceeded 409) and the common codes of
// api.md §4.1 (AccessDenied 403, ValidationError 400, InternalFailure 500, ...). A code in
// neither table is a client error, 400.
int http_status(std::string_view code);

// The error envelope (api.md §4): <ErrorResponse xmlns=...><Error><Type>Sender|Receiver</Type>
// <Code/><Message/></Error><RequestId/></ErrorResponse>; Receiver for 5xx statuses.
Response error_response(Service service, const common::Error& error, std::string_view request_id);

// ValidationError with AWS's aggregate text: "1 validation error detected: <f>" or
// "N validation errors detected: <f1>; <f2>". `failures` is not empty.
common::Error validation_error(const std::vector<std::string>& failures);

// InvalidAction for a modeled operation iamd has no handler for. Never a fake success.
common::Error unsupported_operation(std::string_view operation);
// InvalidAction for an Action the service does not have.
common::Error unknown_operation(std::string_view action, std::string_view version);

}  // namespace iamd::protocol
