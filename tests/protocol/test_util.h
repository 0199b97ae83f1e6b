// Shared helpers for the protocol tests: decode a body, and handlers that record the request
// they were given and answer with a result the test chose.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "protocol/form.h"
#include "protocol/iam.h"
#include "protocol/sts.h"

namespace iamd::protocol::testing {

inline Params params(std::string_view body) {
  auto p = decode_form("", body);
  EXPECT_TRUE(p.has_value()) << body;
  return p.has_value() ? std::move(p).value() : Params();
}

inline common::Timestamp at(std::string_view iso) {
  return common::parse_aws_date(iso).value();
}

// Records the last request of a few operations; the result each returns is set by the test.
class RecordingIam : public iam::IamService {
 public:
  std::optional<iam::CreateUserRequest> create_user_request;
  iam::CreateUserResult create_user_result;
  common::Result<iam::CreateUserResult> create_user(const iam::CreateUserRequest& r) override {
    create_user_request = r;
    return create_user_result;
  }

  std::optional<iam::PutUserPolicyRequest> put_user_policy_request;
  common::Result<void> put_user_policy(const iam::PutUserPolicyRequest& r) override {
    put_user_policy_request = r;
    return {};
  }

  std::optional<iam::SimulateCustomPolicyRequest> simulate_request;
  common::Result<iam::SimulateCustomPolicyResult> simulate_custom_policy(
      const iam::SimulateCustomPolicyRequest& r) override {
    simulate_request = r;
    return iam::SimulateCustomPolicyResult{};
  }

  std::optional<iam::UntagUserRequest> untag_user_request;
  common::Result<void> untag_user(const iam::UntagUserRequest& r) override {
    untag_user_request = r;
    return {};
  }

  iam::ListUsersResult list_users_result;
  std::optional<iam::ListUsersRequest> list_users_request;
  common::Result<iam::ListUsersResult> list_users(const iam::ListUsersRequest& r) override {
    list_users_request = r;
    return list_users_result;
  }

  iam::GetUserPolicyResult get_user_policy_result;
  common::Result<iam::GetUserPolicyResult> get_user_policy(const iam::GetUserPolicyRequest&) override {
    return get_user_policy_result;
  }

  iam::GetRoleResult get_role_result;
  common::Result<iam::GetRoleResult> get_role(const iam::GetRoleRequest&) override { return get_role_result; }

  iam::GetAccountSummaryResult summary_result;
  common::Result<iam::GetAccountSummaryResult> get_account_summary(const iam::GetAccountSummaryRequest&) override {
    return summary_result;
  }

  iam::GetAccountAuthorizationDetailsResult details_result;
  common::Result<iam::GetAccountAuthorizationDetailsResult> get_account_authorization_details(
      const iam::GetAccountAuthorizationDetailsRequest&) override {
    return details_result;
  }

  common::Result<iam::UpdateRoleResult> update_role(const iam::UpdateRoleRequest&) override {
    return iam::UpdateRoleResult{};
  }
  common::Result<void> delete_user(const iam::DeleteUserRequest& r) override {
    if (r.user_name == "nobody") {
      return common::Error{"NoSuchEntity", "The user with name nobody cannot be found.", {}};
    }
    if (r.user_name == "boom") return common::Error{"ServiceFailure", "Something <broke> & failed.", {}};
    return {};
  }
};

class RecordingSts : public sts::StsService {
 public:
  std::optional<sts::AssumeRoleRequest> assume_role_request;
  sts::AssumeRoleResult assume_role_result;
  common::Result<sts::AssumeRoleResult> assume_role(const sts::AssumeRoleRequest& r) override {
    assume_role_request = r;
    return assume_role_result;
  }
  sts::GetCallerIdentityResult identity;
  common::Result<sts::GetCallerIdentityResult> get_caller_identity(const sts::GetCallerIdentityRequest&) override {
    return identity;
  }
};

}  // namespace iamd::protocol::testing
