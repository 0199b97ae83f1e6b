// Builds the global condition keys of a request (evaluation.md §5.1, §5.2): the principal's
// keys by principal type, and the request's environment. Service-specific keys
// (iam:PermissionsBoundary, aws:RequestTag/..., ...) are added by the operation.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "condition/context.h"
#include "policy/compiled.h"

namespace iamd::authz {

struct CallerKeys {
  policy::PrincipalFacts facts;                           // type, ARN, account, role ARN, unique id
  std::string user_name;                                  // IAM users: the name without path
  std::string role_arn;                                   // role sessions: the role ARN (aws:PrincipalArn)
  std::vector<std::pair<std::string, std::string>> tags;  // aws:PrincipalTag/<k>
  bool temporary = false;                                 // signed with temporary credentials
  bool mfa_authenticated = false;                         // the session was created with MFA
  std::int64_t mfa_age_seconds = 0;                       // with mfa_authenticated: aws:MultiFactorAuthAge
  common::Timestamp token_issue_time;
  std::string source_identity;
};

struct EnvironmentKeys {
  common::Timestamp now;
  std::string source_ip;  // empty: absent
  bool secure_transport = false;
  std::string user_agent;
  std::string requested_region = "us-east-1";
  std::string referer;  // empty: absent
};

void add_principal_keys(condition::Context& context, const CallerKeys& caller);
void add_environment_keys(condition::Context& context, const EnvironmentKeys& env);

}  // namespace iamd::authz
