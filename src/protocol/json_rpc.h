// The AWS JSON 1.1 front door (Organizations): which operation of which service a request's
// X-Amz-Target names, the whole body -> handler -> JSON path for it, and the JSON error
// envelope. The HTTP layer authenticates and calls handle_json() with the handlers for the
// caller; the handlers (protocol/organizations.h) authorize and act.
//
// Errors ([OBS] botocore's JSON error parser: the code is `__type`, after any '#'; the message
// is `message` or `Message`): {"__type":"<code>","Message":"<text>"} with the error's Reason
// as "Reason" when it has one (Organizations' InvalidInputException,
// ConstraintViolationException, ...), Content-Type application/x-amz-json-1.1, and the HTTP
// status of the model's error shape (Organizations: 400, ServiceException 500). The codes the
// shared front end raises in the Query protocol's spelling are written as AWS JSON services
// spell them (json_error_code): AccessDenied -> AccessDeniedException, InvalidClientTokenId ->
// UnrecognizedClientException, SignatureDoesNotMatch -> InvalidSignatureException, ... The
// errors of the service framework rather than the service's model (unknown operation,
// unreadable body, authentication) carry Coral's namespace in `__type`
// ("com.amazon.coral.service#UnknownOperationException") and a lower-case "message", as AWS
// JSON services send them ([OBS] DynamoDB, Kinesis; [UNCERTAIN] Organizations' own texts and
// the 400 status of its authentication errors).
// Thread-safety: pure functions; handler objects are the caller's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "protocol/response.h"

namespace iamd::protocol {

namespace organizations {
class OrganizationsService;
}

// The handlers for one JSON request; a null handler makes its service's operations unknown.
struct JsonHandlers {
  organizations::OrganizationsService* organizations = nullptr;
};

struct JsonTarget {
  Service service;
  std::string_view operation;  // a view into the header value
};

// "AWSOrganizationsV20161128.CreateAccount" -> {kOrganizations, "CreateAccount"}; nullopt for
// a prefix of no JSON service iamd speaks (the operation name is checked by dispatch).
std::optional<JsonTarget> parse_json_target(std::string_view target);

// parse_json_target + the service's dispatch(). An unknown target ->
// UnknownOperationException; then the body is read (SerializationException) and decoded.
Response handle_json(std::string_view target, std::string_view body, const JsonHandlers& handlers,
                     std::string_view request_id);

// The code an AWS JSON service writes for `code` (the Query spelling of the common errors
// mapped, any other code unchanged).
std::string_view json_error_code(std::string_view code);

// The JSON error envelope for `error` (see above). The request id travels in the
// x-amzn-RequestId header only.
Response json_error_response(const common::Error& error, std::string_view request_id);

// UnknownOperationException for an operation the service's model does not have.
common::Error unknown_json_operation(Service service, std::string_view operation);

}  // namespace iamd::protocol
