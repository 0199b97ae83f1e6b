// The authenticated caller of one request and what the authorizer needs about it.
#pragma once

#include <optional>
#include <string>

#include "authz/request_context.h"
#include "store/records.h"

namespace iamd::api {

struct Caller {
  std::string account_id;
  std::string arn;
  std::string access_key_id;
  std::optional<store::User> user;  // empty: the account's root user
  bool is_root() const { return !user.has_value(); }
};

}  // namespace iamd::api
