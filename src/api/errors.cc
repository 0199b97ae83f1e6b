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

}  // namespace iamd::api
