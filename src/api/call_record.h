// What the gateway tells its host about each call it answered, for the access log and the
// metrics (app/observe.h): who called which operation, how it ended, what the authorizer
// decided, how long it took. Filled from what the call already holds (the request id, the
// caller's ARN and key id are moved in, names point into static tables), so recording costs
// no allocation of its own. Never a secret, a header value or a request member.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace iamd::api {

// The authorizer's decision of a call (authz::Decision), when one was made.
struct DecisionNote {
  enum class Kind : std::uint8_t { kNone, kAllowed, kExplicitDeny, kImplicitDeny };
  Kind kind = Kind::kNone;
  // For a denial: the blocking policy type (authz::policy_type_name: "identity-based",
  // "permissions boundary", ...); empty when allowed or when no policy type blocked (a role
  // that does not exist).
  std::string_view policy_type;

  // A call may be authorized more than once (AddRoleToInstanceProfile's iam:PassRole): the
  // first denial stands, else the last allow.
  void note(Kind k, std::string_view type) {
    if (kind == Kind::kExplicitDeny || kind == Kind::kImplicitDeny) return;
    kind = k;
    policy_type = type;
  }
};

// "allowed", "explicitDeny", "implicitDeny" (authz::decision_name's spelling); empty for kNone.
std::string_view decision_label(DecisionNote::Kind k);

struct CallRecord {
  std::string request_id;      // = x-amzn-RequestId
  std::string_view service;    // "iam", "sts", "organizations", "console"; empty: not an API call
  std::string_view operation;  // the wire name, from the operation table; empty when not one iamd serves
  std::string outcome;         // "ok" or the AWS error code answered
  int status = 0;
  // The authenticated principal; empty when the request was not authenticated.
  std::string principal_arn;
  std::string account_id;
  std::string_view principal_type;  // "Root", "IAMUser", "AssumedRole", "FederatedUser" (CloudTrail's)
  std::string access_key_id;
  DecisionNote decision;
  std::chrono::nanoseconds duration{0};
};

// A cache's lookups so far, for the metrics.
struct CacheStats {
  std::string_view name;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};

}  // namespace iamd::api
