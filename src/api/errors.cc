#include "api/errors.h"

#include <string_view>
#include <utility>

namespace iamd::api {

namespace {

struct Mapping {
  std::string_view domain;
  std::string_view aws;
};

constexpr Mapping kMappings[] = {
    {"NotFound", "NoSuchEntity"},      {"AlreadyExists", "EntityAlreadyExists"}, {"Conflict", "DeleteConflict"},
    {"Unavailable", "ServiceFailure"}, {"StorageFailure", "ServiceFailure"},
};

}  // namespace

common::Error to_aws_error(common::Error e) {
  for (const Mapping& m : kMappings) {
    if (e.code == m.domain) {
      if (m.aws == "ServiceFailure") e.message = "The request processing has failed because of an unknown error.";
      e.code = std::string(m.aws);
      break;
    }
  }
  e.path.clear();
  return e;
}

common::Error http_error(int status) {
  switch (status) {
    case 400:
      return {"InvalidRequest", "The request is not a valid HTTP/1.1 request.", ""};
    case 405:
      return {"MethodNotAllowed", "The HTTP method is not allowed: use GET or POST.", ""};
    case 413:
      return {"RequestEntityTooLarge", "The request body is too large.", ""};
    case 431:
      return {"RequestHeaderSectionTooLarge", "The request has too many header fields or too large a header.", ""};
    case 503:
      return {"ServiceUnavailable", "The request has failed due to a temporary failure of the server.", ""};
    default:
      return {"InternalFailure", "The request processing has failed because of an unknown error, exception or failure.",
              ""};
  }
}

}  // namespace iamd::api
