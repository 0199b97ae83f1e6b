#include "protocol/json_rpc.h"

#include <array>

#include "protocol/json.h"
#include "protocol/organizations.h"

namespace iamd::protocol {

namespace {

struct CodeMapping {
  std::string_view query;
  std::string_view json;
};

// The common errors of the shared front end (sigv4, the pipeline, the generated defaults), in
// the Query spelling they are raised with, and as AWS JSON services spell them.
// [IMPL] iamd's InvalidAction for a modeled operation it does not serve is answered as an
// unknown operation: the answer AWS JSON services give for an operation they do not have.
// InternalFailure and ServiceFailure (a storage failure) and Throttling become Organizations'
// modeled ServiceException and TooManyRequestsException.
constexpr std::array<CodeMapping, 11> kCodes{{
    {"AccessDenied", "AccessDeniedException"},
    {"ExpiredToken", "ExpiredTokenException"},
    {"IncompleteSignature", "IncompleteSignatureException"},
    {"InternalFailure", "ServiceException"},
    {"InvalidAction", "UnknownOperationException"},
    {"InvalidClientTokenId", "UnrecognizedClientException"},
    {"MalformedQueryString", "SerializationException"},
    {"MissingAuthenticationToken", "MissingAuthenticationTokenException"},
    {"ServiceFailure", "ServiceException"},
    {"SignatureDoesNotMatch", "InvalidSignatureException"},
    {"Throttling", "TooManyRequestsException"},
}};

struct FrameworkError {
  std::string_view code;
  int status;
};

// Errors of the service framework (Coral), not of the service's model: written with Coral's
// namespace and a lower-case "message". [UNCERTAIN] 400 for the authentication errors, as
// DynamoDB documents them; RequestExpired keeps the Query code (presigned URLs only).
constexpr std::array<FrameworkError, 8> kFramework{{
    {"ExpiredTokenException", 400},
    {"IncompleteSignatureException", 400},
    {"InvalidSignatureException", 400},
    {"MissingAuthenticationTokenException", 400},
    {"SerializationException", 400},
    {"UnknownOperationException", 400},
    {"UnrecognizedClientException", 400},
    {"XAmzContentSHA256Mismatch", 400},
}};

const FrameworkError* framework_error(std::string_view code) {
  for (const FrameworkError& f : kFramework) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

}  // namespace

std::optional<JsonTarget> parse_json_target(std::string_view target) {
  const std::size_t dot = target.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view prefix = target.substr(0, dot);
  if (prefix == service_info(Service::kOrganizations).target_prefix) {
    return JsonTarget{Service::kOrganizations, target.substr(dot + 1)};
  }
  return std::nullopt;
}

std::string_view json_error_code(std::string_view code) {
  for (const CodeMapping& m : kCodes) {
    if (m.query == code) return m.json;
  }
  return code;
}

Response json_error_response(const common::Error& error, std::string_view request_id) {
  (void)request_id;  // in the x-amzn-RequestId header, which the HTTP layer adds
  const std::string_view code = json_error_code(error.code);
  const FrameworkError* framework = framework_error(code);
  Response r;
  r.content_type = kJsonContentType;
  r.error_code = std::string(code);
  // [IMPL] Organizations' ServiceException is not marked a fault in the model; it is the
  // service's internal error, 500 like the InternalFailure it stands for.
  r.status = framework != nullptr ? framework->status : code == "ServiceException" ? 500 : http_status(code);
  r.body = "{\"__type\":";
  if (framework != nullptr) {
    append_json_text(r.body, "com.amazon.coral.service#" + std::string(code));
  } else {
    append_json_text(r.body, code);
  }
  if (!error.message.empty()) {
    r.body += framework != nullptr ? ",\"message\":" : ",\"Message\":";
    append_json_text(r.body, error.message);
  }
  if (!error.reason.empty()) {
    r.body += ",\"Reason\":";
    append_json_text(r.body, error.reason);
  }
  r.body += '}';
  return r;
}

common::Error unknown_json_operation(Service service, std::string_view operation) {
  // [IMPL] AWS sends no message; this one says what was asked for.
  return common::Error{"UnknownOperationException",
                       "The operation " + std::string(operation) + " is not an operation of " +
                           std::string(service_info(service).target_prefix) + ".",
                       {},
                       {}};
}

Response handle_json(std::string_view target, std::string_view body, const JsonHandlers& handlers,
                     std::string_view request_id) {
  std::optional<JsonTarget> t = parse_json_target(target);
  if (!t) {
    return json_error_response(
        common::Error{"UnknownOperationException",
                      "The X-Amz-Target '" + std::string(target) + "' names no operation iamd serves.",
                      {},
                      {}},
        request_id);
  }
  if (handlers.organizations == nullptr) {
    return json_error_response(unknown_json_operation(t->service, t->operation), request_id);
  }
  return organizations::dispatch(*handlers.organizations, t->operation, body, request_id);
}

}  // namespace iamd::protocol
