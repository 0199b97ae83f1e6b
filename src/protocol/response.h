// What every response shares: the services, the status + body pair, the Query error envelope,
// the code -> HTTP status table, and the errors the protocol layer itself raises. The JSON 1.1
// envelope (Organizations) is protocol/json_rpc.h's.
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::protocol {

// IAM and STS speak the Query protocol, Organizations JSON 1.1.
enum class Service { kIam, kSts, kOrganizations };

struct ServiceInfo {
  std::string_view name;           // "iam", "sts", "organizations" (the SigV4 service name)
  std::string_view api_version;    // the Version parameter: "2010-05-08", "2011-06-15"; "2016-11-28"
  std::string_view xml_namespace;  // "https://iam.amazonaws.com/doc/2010-05-08/"; empty for JSON
  std::string_view target_prefix;  // JSON: the X-Amz-Target prefix "AWSOrganizationsV20161128"
};

const ServiceInfo& service_info(Service service);
// The Query service whose API version is `version`, if any (Organizations has no Version
// parameter: its requests name their operation in X-Amz-Target).
std::optional<Service> service_for_version(std::string_view version);

inline constexpr std::string_view kXmlContentType = "text/xml";
inline constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";

// A finished response: HTTP status, body and its Content-Type. The HTTP layer adds
// x-amzn-RequestId.
struct Response {
  int status = 200;
  std::string body;
  std::string_view content_type = kXmlContentType;
  // The error code the body answers, as the client sees it (the JSON envelope's spelling for
  // JSON 1.1); empty for a success.
  std::string error_code;
};

// What the audit trail (docs/operations.md "Audit trail") keeps of one operation call, filled
// by the codec when the service asks for it (the generated services' call_notes(), null by
// default): the decoded request and the result as CloudTrail writes requestParameters and
// responseElements (member names in camelCase, timestamps ISO 8601, every secret member
// replaced by kHiddenValue: is_secret_member), and the error the call was answered with.
struct CallNotes {
  std::optional<std::string> request;  // a JSON object; unset when the request did not decode
  std::optional<std::string> result;   // a JSON object; unset for an operation without output
  std::optional<common::Error> error;  // the error answered, when the call failed
};

// [UNCERTAIN] CloudTrail's stand-in for a value it does not record (it writes it where a secret
// member was, e.g. for SDK members marked sensitive); iamd writes it for every secret member.
inline constexpr std::string_view kHiddenValue = "HIDDEN_DUE_TO_SECURITY_REASONS";

// The one list of the request and result members that are secrets, by model member name
// (Password, NewPassword, OldPassword, SecretAccessKey, SessionToken, PrivateKey,
// SAMLAssertion, WebIdentityToken, TokenCode, AuthenticationCode1/2, Base32StringSeed,
// QRCodePNG, ServicePassword, ...), besides the members whose shape the model marks
// sensitive (ShapeInfo::sensitive): never written to the audit trail.
bool is_secret_member(std::string_view name);

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
