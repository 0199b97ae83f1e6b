#include "protocol/response.h"

#include <algorithm>
#include <array>

#include "protocol/codec.h"
#include "protocol/xml.h"

namespace iamd::protocol {

namespace {

constexpr ServiceInfo kIam{"iam", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", ""};
constexpr ServiceInfo kSts{"sts", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", ""};
constexpr ServiceInfo kOrganizations{"organizations", "2016-11-28", "", "AWSOrganizationsV20161128"};

// api.md §4.1 "Common (unmodeled, produced by the front end)", sorted by code.
constexpr std::array<detail::ErrorStatus, 18> kCommonErrors{{
    {"AccessDenied", 403},
    {"ExpiredToken", 403},
    {"IncompleteSignature", 400},
    {"InternalFailure", 500},
    {"InvalidAction", 400},
    {"InvalidClientTokenId", 403},
    {"InvalidParameterCombination", 400},
    {"InvalidParameterValue", 400},
    {"MalformedQueryString", 404},
    {"MissingAction", 400},
    {"MissingAuthenticationToken", 403},
    {"MissingParameter", 400},
    {"OptInRequired", 403},
    {"RequestExpired", 400},
    {"ServiceUnavailable", 503},
    {"SignatureDoesNotMatch", 403},
    {"Throttling", 400},
    {"ValidationError", 400},
}};

std::optional<int> find_status(const detail::ErrorStatus* begin, const detail::ErrorStatus* end,
                               std::string_view code) {
  auto it =
      std::lower_bound(begin, end, code, [](const detail::ErrorStatus& e, std::string_view c) { return e.code < c; });
  if (it != end && it->code == code) return it->status;
  return std::nullopt;
}

}  // namespace

const ServiceInfo& service_info(Service service) {
  switch (service) {
    case Service::kIam:
      return kIam;
    case Service::kSts:
      return kSts;
    case Service::kOrganizations:
      return kOrganizations;
  }
  return kIam;
}

std::optional<Service> service_for_version(std::string_view version) {
  if (version == kIam.api_version) return Service::kIam;
  if (version == kSts.api_version) return Service::kSts;
  return std::nullopt;
}

int http_status(std::string_view code) {
  if (auto s = find_status(detail::kModeledErrors, detail::kModeledErrors + detail::kModeledErrorCount, code)) {
    return *s;
  }
  if (auto s = find_status(kCommonErrors.data(), kCommonErrors.data() + kCommonErrors.size(), code)) return *s;
  return 400;
}

Response error_response(Service service, const common::Error& error, std::string_view request_id) {
  Response r;
  r.status = http_status(error.code);
  r.error_code = error.code;
  XmlWriter w;
  w.open("ErrorResponse", service_info(service).xml_namespace);
  w.open("Error");
  w.leaf("Type", r.status >= 500 ? "Receiver" : "Sender");
  w.leaf("Code", error.code);
  // AWS sends no Message for some errors (ReportNotPresent, recorded:
  // get_credential_report_before_generated); an empty message is left out the same way.
  if (!error.message.empty()) w.leaf("Message", error.message);
  w.close("Error");
  w.leaf("RequestId", request_id);
  w.close("ErrorResponse");
  r.body = w.take();
  return r;
}

common::Error validation_error(const std::vector<std::string>& failures) {
  std::string message = std::to_string(failures.size());
  message += failures.size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (i > 0) message += "; ";
    message += failures[i];
  }
  return common::Error{"ValidationError", std::move(message), {}};
}

common::Error unsupported_operation(std::string_view operation) {
  return common::Error{"InvalidAction", "The operation " + std::string(operation) + " is not supported by iamd.", {}};
}

common::Error unknown_operation(std::string_view action, std::string_view version) {
  return common::Error{
      "InvalidAction", "Could not find operation " + std::string(action) + " for version " + std::string(version), {}};
}

}  // namespace iamd::protocol
