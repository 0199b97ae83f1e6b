// The authenticated caller of one request and what the authorizer needs about it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/call_record.h"
#include "authz/request_context.h"
#include "common/time.h"
#include "store/records.h"
#include "sts/session.h"

namespace iamd::api {

struct Caller {
  std::string account_id;
  std::string arn;  // in `partition`
  // The partition of the request's signing Region (sigv4::partition_of_region): every ARN
  // the request is shown and authorized with is in it. Empty: the server's own partition.
  std::string partition;
  std::string access_key_id;
  std::optional<store::User> user;  // empty: the account's root user
  // Temporary credentials: the session they stand for (null for long-term keys). A
  // GetSessionToken session acts as its user (or root), with the session's MFA state.
  std::shared_ptr<const sts::Session> session;
  // A role session's role as stored now (null when it was deleted: the session keeps no
  // permission); shared with the gateway's cache of roles, not copied per request.
  std::shared_ptr<const store::Role> role;
  // An unsigned request to an operation that allows it (Key::kAnonymous): no account, no
  // principal; the operation authenticates what the request carries.
  bool anonymous = false;
  // A console request (console/, Gateway::handle_console): the root user or IAM user signed in
  // with a password, when, and whether with an MFA code. Unset for API callers.
  struct SignIn {
    common::Timestamp at;
    bool mfa = false;
    common::Timestamp mfa_time;
  };
  std::optional<SignIn> console;
  // Where a denial's explanation goes (the decision as JSON, Access::denial_message); the
  // console sets it, API callers get the sealed message only when allowed to decode it.
  std::string* explanation = nullptr;
  // Where the authorizer notes its decision for the call's record (api/call_record.h); null:
  // not noted.
  DecisionNote* decision = nullptr;
  // Where each decision of the call goes for the audit trail (authz::decision_json, the last
  // one wins); null when the call is not audited.
  std::string* audit_decision = nullptr;
  bool is_role_session() const { return session && session->kind == sts::SessionKind::kRole; }
  // A federated user (GetFederationToken); `user` is its calling user (empty: the root user).
  bool is_federated() const { return session && session->kind == sts::SessionKind::kFederated; }
  // The account's root user, with its long-term key or a GetSessionToken session.
  bool is_root() const { return !anonymous && !user && (!session || session->kind == sts::SessionKind::kUser); }
  // An IAM user acting as itself (long-term key or GetSessionToken session).
  bool is_user() const { return user && (!session || session->kind == sts::SessionKind::kUser); }
};

}  // namespace iamd::api
