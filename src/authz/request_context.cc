#include "authz/request_context.h"

namespace iamd::authz {

using policy::PrincipalType;

void add_principal_keys(condition::Context& c, const CallerKeys& caller) {
  const policy::PrincipalFacts& f = caller.facts;
  switch (f.type) {
    case PrincipalType::kRoot:
      c.set("aws:userid", f.account);
      c.set("aws:PrincipalType", "Account");
      c.set("aws:PrincipalArn", f.arn);
      c.set("aws:PrincipalAccount", f.account);
      break;
    case PrincipalType::kUser:
      c.set("aws:username", caller.user_name);
      c.set("aws:userid", f.unique_id);
      c.set("aws:PrincipalType", "User");
      c.set("aws:PrincipalArn", f.arn);
      c.set("aws:PrincipalAccount", f.account);
      break;
    case PrincipalType::kAssumedRole:
      c.set("aws:userid", f.unique_id);
      c.set("aws:PrincipalType", "AssumedRole");
      c.set("aws:PrincipalArn", caller.role_arn.empty() ? f.role_arn : caller.role_arn);
      c.set("aws:PrincipalAccount", f.account);
      break;
    case PrincipalType::kFederatedUser:
      c.set("aws:userid", f.unique_id);
      c.set("aws:PrincipalType", "FederatedUser");
      c.set("aws:PrincipalArn", f.arn);
      c.set("aws:PrincipalAccount", f.account);
      break;
    case PrincipalType::kAnonymous:
      c.set("aws:userid", "anonymous");
      c.set("aws:PrincipalType", "Anonymous");
      c.set("aws:PrincipalAccount", "anonymous");
      return;
    case PrincipalType::kService:
    case PrincipalType::kWebIdentity:
    case PrincipalType::kSaml:
      return;
  }
  c.set("aws:PrincipalIsAWSService", "false");
  if (f.type != PrincipalType::kRoot) {
    for (const auto& [k, v] : caller.tags) c.set("aws:PrincipalTag/" + k, v);
  }
  if (caller.temporary) {
    c.set("aws:TokenIssueTime", common::format_iso8601(caller.token_issue_time));
    c.set("aws:MultiFactorAuthPresent", caller.mfa_authenticated ? "true" : "false");
    if (caller.mfa_authenticated) c.set("aws:MultiFactorAuthAge", std::to_string(caller.mfa_age_seconds));
  }
  if (!caller.source_identity.empty()) c.set("aws:SourceIdentity", caller.source_identity);
}

void add_environment_keys(condition::Context& c, const EnvironmentKeys& env) {
  c.set("aws:CurrentTime", common::format_iso8601(env.now));
  c.set("aws:EpochTime", std::to_string(env.now.seconds));
  c.set("aws:SecureTransport", env.secure_transport ? "true" : "false");
  if (!env.source_ip.empty()) c.set("aws:SourceIp", env.source_ip);
  c.set("aws:UserAgent", env.user_agent);
  c.set("aws:RequestedRegion", env.requested_region);
  if (!env.referer.empty()) c.set("aws:referer", env.referer);
  c.set("aws:ViaAWSService", "false");
}

}  // namespace iamd::authz
