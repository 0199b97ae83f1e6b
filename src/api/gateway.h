// The operation gateway: one HTTP-independent request in, one response out. It decodes the
// AWS Query form, authenticates the SigV4 signature against the store's access keys,
// routes to IAM or STS by the credential scope, authorizes the call with the policy
// engine (every call, with the action, resource ARN and condition keys AWS documents),
// runs the operation, and encodes AWS's XML response or error envelope. A request with an
// X-Amz-Target header is AWS JSON 1.1 (Organizations): authenticated the same way for the
// `organizations` scope, answered in JSON.
// Thread-safe: handle() may run on many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/call_record.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "iam/service.h"
#include "org/organizations.h"

namespace iamd::api {

class WebIdentityKeys;
class AuditTrail;

struct ApiRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string source_ip;
  bool secure_transport = false;
};

struct ApiResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // What the gateway answered, for logs and metrics (empty service: not an API call).
  CallRecord record;
};

// Who a console request acts as (console/: signed in with a password, authenticated by its
// session cookie, never signed): an account's root user or one of its IAM users, or the role
// session the console switched into.
struct ConsolePrincipal {
  std::string account_id;
  std::string user_id;  // empty: the root user
  common::Timestamp signed_in;
  bool mfa = false;  // signed in with an MFA code
  common::Timestamp mfa_time;
  // A role session's temporary credentials (switch role): when set, the request acts as the
  // session they stand for.
  std::string access_key_id;
  std::string session_token;
};

class Gateway {
 public:
  // `web_identity`: the OIDC issuers' keys AssumeRoleWithWebIdentity verifies tokens with
  // (none: every web identity token is refused).
  // `org_quotas`: the Organizations quotas (org::Env::apply).
  Gateway(iam::IamDomain& domain, const common::Clock& clock, common::Random& random,
          std::shared_ptr<const WebIdentityKeys> web_identity = nullptr, const org::Env& org_quotas = {});
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Every call from now on gets its record in `trail` (api/audit.h), which must outlive the
  // gateway's calls; null: none (the default). Call before the first request.
  void set_audit(AuditTrail* trail);
  ApiResponse handle(const ApiRequest& request);

  // One IAM or STS operation of the console as `who`: the Query form in request.body (its
  // Version names the service), through the same pipeline and authorizer as a signed request,
  // in Region us-east-1, without a signature (the console authenticated the session). A
  // denial sets `explanation` (when not null) to the decision as JSON.
  ApiResponse handle_console(const ApiRequest& request, const ConsolePrincipal& who, std::string* explanation);

  // Whether the request (its query and form body, undecoded, and its X-Amz-Target header,
  // empty when it has none) may be an operation that writes to the store: its Action (or, for
  // a JSON 1.1 request, the target's operation) names an operation whose row
  // (api/operations.h) writes. Cheap: no decoding beyond finding Action.
  static bool may_write(std::string_view query, std::string_view body, std::string_view target = {});

  // AWS's error envelope (IAM namespace: the service is not known) for a request the HTTP
  // server refuses itself, with `status`, http_error()'s code and a new request id in the
  // body and in x-amzn-RequestId. Thread-safe.
  ApiResponse error_response(int status);

  // A new request id, for an answer the host makes itself (/healthz, /metrics). Thread-safe.
  std::string next_request_id();

  // Writes the role uses (RoleLastUsed) kept in memory since they were last written
  // (api/role_usage.h): the server calls it every minute and when it stops. The number
  // written. Thread-safe.
  common::Result<std::size_t> flush_usage();

  // For tests and diagnostics: access keys resolved from the store so far (first use, or
  // after a change to the key or its user) and callers' policy sets built so far.
  std::uint64_t key_builds() const;
  std::uint64_t policy_set_builds() const;

  // Hits and misses of every cache the gateway reads through (access keys, sessions' users
  // and roles, opened session tokens, SigV4 signing keys, the authorizer's caches), for the
  // metrics. Thread-safe; cheap (relaxed loads).
  std::vector<CacheStats> cache_stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace iamd::api
