// The Query-protocol fuzz entry point, shared by fuzz/query_fuzz.cc and the seed-replay test
// in tests/protocol. It must never crash, leak or trip a sanitizer, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/form.h"
#include "protocol/iam_test_service.h"
#include "protocol/query.h"
#include "protocol/sts_test_service.h"

namespace iamd::fuzz {

namespace query_detail {

// Default results for every operation, except a few that copy decoded request text into their
// results (and one that fails with it) so the XML writer, the URL encoder and the error
// envelope see fuzzed bytes too.
class EchoIam final : public protocol::iam::EmptyResultIamService {
 public:
  common::Result<protocol::iam::CreateUserResult> create_user(const protocol::iam::CreateUserRequest& r) override {
    protocol::iam::User u;
    u.path = r.path;
    u.user_name = r.user_name;
    u.arn = r.permissions_boundary;
    u.tags = r.tags;
    return protocol::iam::CreateUserResult{u};
  }
  common::Result<protocol::iam::GetUserPolicyResult> get_user_policy(
      const protocol::iam::GetUserPolicyRequest& r) override {
    return protocol::iam::GetUserPolicyResult{r.user_name, r.policy_name, r.policy_name + r.user_name};
  }
  common::Result<void> put_user_policy(const protocol::iam::PutUserPolicyRequest& r) override {
    return common::Error{"MalformedPolicyDocument", r.policy_document, {}};
  }
};

class EchoSts final : public protocol::sts::EmptyResultStsService {
 public:
  common::Result<protocol::sts::AssumeRoleResult> assume_role(const protocol::sts::AssumeRoleRequest& r) override {
    protocol::sts::AssumeRoleResult out;
    out.assumed_role_user = protocol::sts::AssumedRoleUser{r.role_session_name, r.role_arn};
    out.source_identity = r.source_identity;
    return out;
  }
};

}  // namespace query_detail

// Bytes -> form decoding (first line as the query string, the rest as the body; a single line
// is the body) with default and with tight limits -> the front door (Action/Version routing)
// -> dispatch() of operations with scalar, list, nested-list and structure-list members
// whatever the Action says.
inline void query_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view query;
  std::string_view body = text;
  if (std::size_t nl = text.find('\n'); nl != std::string_view::npos) {
    query = text.substr(0, nl);
    body = text.substr(nl + 1);
  }
  protocol::FormLimits tight;
  tight.max_bytes = 512;
  tight.max_params = 8;
  tight.max_name_bytes = 24;
  (void)protocol::decode_form(query, body, tight);

  auto params = protocol::decode_form(query, body);
  if (!params) return;
  (void)params->list_indices("Tags.member.", size % 2 == 0);

  static query_detail::EchoIam iam;
  static query_detail::EchoSts sts;
  (void)protocol::handle_query(*params, protocol::Handlers{&iam, &sts}, std::nullopt, "fuzz");
  (void)protocol::handle_query(*params, protocol::Handlers{&iam, &sts}, protocol::Service::kSts, "fuzz");
  for (std::string_view op : {"CreateUser", "GetUserPolicy", "PutUserPolicy", "SimulateCustomPolicy", "ListUsers",
                              "UntagUser", "CreateAccountAlias", "UpdateAccessKey", "GetAccountSummary"}) {
    (void)protocol::iam::dispatch(iam, op, *params, "fuzz");
  }
  for (std::string_view op : {"AssumeRole", "GetFederationToken", "GetCallerIdentity"}) {
    (void)protocol::sts::dispatch(sts, op, *params, "fuzz");
  }
}

}  // namespace iamd::fuzz
