// The authenticated caller of one request and what the authorizer needs about it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "authz/request_context.h"
#include "store/records.h"
#include "sts/session.h"

namespace iamd::api {

struct Caller {
  std::string account_id;
  std::string arn;
  std::string access_key_id;
  std::optional<store::User> user;  // empty: the account's root user
  // Temporary credentials: the session they stand for (null for long-term keys). A
  // GetSessionToken session acts as its user (or root), with the session's MFA state.
  std::shared_ptr<const sts::Session> session;
  bool is_root() const { return !user.has_value(); }
};

}  // namespace iamd::api
