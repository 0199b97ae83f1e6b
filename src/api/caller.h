// The authenticated caller of one request and what the authorizer needs about it.
#pragma once

#include <optional>
#include <string>

#include "authz/request_context.h"
#include "store/records.h"

namespace iamd::api {

struct Caller {
  std::string account_id;
  std::string arn;  // in `partition`
  // The partition of the request's signing Region (sigv4::partition_of_region): every ARN
  // the request is shown and authorized with is in it. Empty: the server's own partition.
  std::string partition;
  std::string access_key_id;
  std::optional<store::User> user;  // empty: the account's root user
  bool is_root() const { return !user.has_value(); }
};

}  // namespace iamd::api
