// The JSON 1.1 (Organizations) fuzz entry point, shared by fuzz/json_fuzz.cc and the
// seed-replay test in tests/protocol. It must never crash, leak or trip a sanitizer, whatever
// the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/json.h"
#include "protocol/json_rpc.h"
#include "protocol/organizations.h"
#include "protocol/organizations_test_service.h"

namespace iamd::fuzz {

namespace json_detail {

// Default results for every operation, except a few that copy decoded request text into their
// results (and one that fails with it) so the JSON encoder and the error envelope see fuzzed
// bytes too.
class EchoOrganizations final : public protocol::organizations::EmptyResultOrganizationsService {
 public:
  common::Result<protocol::organizations::CreateAccountResult> create_account(
      const protocol::organizations::CreateAccountRequest& r) override {
    protocol::organizations::CreateAccountStatus s;
    s.account_name = r.account_name;
    s.id = r.email;
    s.failure_reason = r.role_name;
    s.requested_timestamp = common::Timestamp{static_cast<std::int64_t>(r.tags.size()) - 1, 999999999};
    return protocol::organizations::CreateAccountResult{s};
  }
  common::Result<protocol::organizations::ListTagsForResourceResult> list_tags_for_resource(
      const protocol::organizations::ListTagsForResourceRequest& r) override {
    protocol::organizations::ListTagsForResourceResult out;
    out.tags.push_back(protocol::organizations::Tag{r.resource_id, r.next_token.value_or("")});
    out.next_token = r.next_token;
    return out;
  }
  common::Result<protocol::organizations::CreatePolicyResult> create_policy(
      const protocol::organizations::CreatePolicyRequest& r) override {
    return common::Error{"MalformedPolicyDocumentException", r.content, {}, r.name};
  }
};

}  // namespace json_detail

// Bytes -> the first line is the operation (the part of X-Amz-Target after the prefix), the
// rest the body (a single line is the body, for ListRoots) -> the body reader -> the front door
// (target parsing) -> dispatch() of operations with scalar, enum, integer, list and
// structure-list members whatever the operation says, and the constraint report.
inline void json_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view operation = "ListRoots";
  std::string_view body = text;
  if (std::size_t nl = text.find('\n'); nl != std::string_view::npos) {
    operation = text.substr(0, nl);
    body = text.substr(nl + 1);
  }
  (void)protocol::parse_json_body(body);
  static json_detail::EchoOrganizations org;
  (void)protocol::handle_json("AWSOrganizationsV20161128." + std::string(operation), body, protocol::JsonHandlers{&org},
                              "fuzz");
  (void)protocol::handle_json(operation, body, protocol::JsonHandlers{&org}, "fuzz");
  (void)protocol::organizations::constraint_failures(operation, body);
  for (std::string_view op : {"CreateAccount", "ListTagsForResource", "CreatePolicy", "ListPoliciesForTarget",
                              "ListCreateAccountStatus", "TagResource", "UntagResource", "DescribeAccount"}) {
    (void)protocol::organizations::dispatch(org, op, body, "fuzz");
  }
}

}  // namespace iamd::fuzz
