// The Organizations operations (AWS JSON 1.1), built per request around the authenticated
// caller like IamHandlers and StsHandlers (api/handlers.h): the generated interface
// protocol::organizations::OrganizationsService, with the pipeline's hooks wired. The
// gateway routes a request whose X-Amz-Target names Organizations here
// (protocol::handle_json); the hooks get the decoded request's members in Query form, so
// Pipeline::begin reads an Organizations request as it reads an IAM one.
//
// Every row is Resource::kCustom: the ARNs of an organization's resources name the
// organization and its management account, so each handler reads the caller's organization
// and authorizes on them (OrganizationsHandlers::authorized) before the domain call
// (org::Organizations, through Access::organizations()). Operations not overridden here answer
// the generated default (UnknownOperationException, "not supported by iamd"), and
// Pipeline::begin answers the same for an operation without a row (service "organizations").
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "api/pipeline.h"
#include "common/result.h"
#include "condition/context.h"
#include "org/organizations.h"
#include "protocol/organizations.h"

namespace iamd::api {

namespace po = protocol::organizations;

class OrganizationsHandlers final : public protocol::organizations::OrganizationsService {
 public:
  explicit OrganizationsHandlers(CallContext ctx) : ctx_(ctx), pipe_(ctx) {}

  // The pipeline's steps before and after each operation (api/pipeline.h).
  common::Result<void> begin_operation(std::string_view operation, const protocol::Params& params) override;
  common::Result<void> end_operation(common::Result<void> outcome) override;
  protocol::CallNotes* call_notes() override { return pipe_.call_notes(); }

  // ---- Organizations (handlers_org.cc) ----
  common::Result<po::CreateOrganizationResult> create_organization(const po::CreateOrganizationRequest& r) override;
  common::Result<po::DescribeOrganizationResult> describe_organization(
      const po::DescribeOrganizationRequest& r) override;
  common::Result<void> delete_organization(const po::DeleteOrganizationRequest& r) override;
  common::Result<po::ListRootsResult> list_roots(const po::ListRootsRequest& r) override;
  common::Result<po::CreateOrganizationalUnitResult> create_organizational_unit(
      const po::CreateOrganizationalUnitRequest& r) override;
  common::Result<po::DescribeOrganizationalUnitResult> describe_organizational_unit(
      const po::DescribeOrganizationalUnitRequest& r) override;
  common::Result<po::UpdateOrganizationalUnitResult> update_organizational_unit(
      const po::UpdateOrganizationalUnitRequest& r) override;
  common::Result<void> delete_organizational_unit(const po::DeleteOrganizationalUnitRequest& r) override;
  common::Result<po::ListOrganizationalUnitsForParentResult> list_organizational_units_for_parent(
      const po::ListOrganizationalUnitsForParentRequest& r) override;
  common::Result<po::CreateAccountResult> create_account(const po::CreateAccountRequest& r) override;
  common::Result<po::DescribeCreateAccountStatusResult> describe_create_account_status(
      const po::DescribeCreateAccountStatusRequest& r) override;
  common::Result<po::ListCreateAccountStatusResult> list_create_account_status(
      const po::ListCreateAccountStatusRequest& r) override;
  common::Result<po::DescribeAccountResult> describe_account(const po::DescribeAccountRequest& r) override;
  common::Result<po::ListAccountsResult> list_accounts(const po::ListAccountsRequest& r) override;
  common::Result<po::ListAccountsForParentResult> list_accounts_for_parent(
      const po::ListAccountsForParentRequest& r) override;
  common::Result<void> move_account(const po::MoveAccountRequest& r) override;
  common::Result<void> remove_account_from_organization(const po::RemoveAccountFromOrganizationRequest& r) override;
  common::Result<po::ListParentsResult> list_parents(const po::ListParentsRequest& r) override;
  common::Result<po::ListChildrenResult> list_children(const po::ListChildrenRequest& r) override;
  common::Result<po::CreatePolicyResult> create_policy(const po::CreatePolicyRequest& r) override;
  common::Result<po::DescribePolicyResult> describe_policy(const po::DescribePolicyRequest& r) override;
  common::Result<po::UpdatePolicyResult> update_policy(const po::UpdatePolicyRequest& r) override;
  common::Result<void> delete_policy(const po::DeletePolicyRequest& r) override;
  common::Result<void> attach_policy(const po::AttachPolicyRequest& r) override;
  common::Result<void> detach_policy(const po::DetachPolicyRequest& r) override;
  common::Result<po::ListPoliciesResult> list_policies(const po::ListPoliciesRequest& r) override;
  common::Result<po::ListPoliciesForTargetResult> list_policies_for_target(
      const po::ListPoliciesForTargetRequest& r) override;
  common::Result<po::ListTargetsForPolicyResult> list_targets_for_policy(
      const po::ListTargetsForPolicyRequest& r) override;
  common::Result<po::EnablePolicyTypeResult> enable_policy_type(const po::EnablePolicyTypeRequest& r) override;
  common::Result<po::DisablePolicyTypeResult> disable_policy_type(const po::DisablePolicyTypeRequest& r) override;
  common::Result<void> tag_resource(const po::TagResourceRequest& r) override;
  common::Result<void> untag_resource(const po::UntagResourceRequest& r) override;
  common::Result<po::ListTagsForResourceResult> list_tags_for_resource(
      const po::ListTagsForResourceRequest& r) override;
  common::Result<po::InviteAccountToOrganizationResult> invite_account_to_organization(
      const po::InviteAccountToOrganizationRequest& r) override;
  common::Result<po::AcceptHandshakeResult> accept_handshake(const po::AcceptHandshakeRequest& r) override;
  common::Result<po::DeclineHandshakeResult> decline_handshake(const po::DeclineHandshakeRequest& r) override;
  common::Result<po::CancelHandshakeResult> cancel_handshake(const po::CancelHandshakeRequest& r) override;
  common::Result<po::DescribeHandshakeResult> describe_handshake(const po::DescribeHandshakeRequest& r) override;
  common::Result<po::ListHandshakesForAccountResult> list_handshakes_for_account(
      const po::ListHandshakesForAccountRequest& r) override;
  common::Result<po::ListHandshakesForOrganizationResult> list_handshakes_for_organization(
      const po::ListHandshakesForOrganizationRequest& r) override;
  common::Result<void> leave_organization(const po::LeaveOrganizationRequest& r) override;
  common::Result<void> enable_aws_service_access(const po::EnableAWSServiceAccessRequest& r) override;
  common::Result<void> disable_aws_service_access(const po::DisableAWSServiceAccessRequest& r) override;
  common::Result<po::ListAWSServiceAccessForOrganizationResult> list_aws_service_access_for_organization(
      const po::ListAWSServiceAccessForOrganizationRequest& r) override;
  common::Result<void> register_delegated_administrator(const po::RegisterDelegatedAdministratorRequest& r) override;
  common::Result<void> deregister_delegated_administrator(
      const po::DeregisterDelegatedAdministratorRequest& r) override;
  common::Result<po::ListDelegatedAdministratorsResult> list_delegated_administrators(
      const po::ListDelegatedAdministratorsRequest& r) override;
  common::Result<po::ListDelegatedServicesForAccountResult> list_delegated_services_for_account(
      const po::ListDelegatedServicesForAccountRequest& r) override;

 private:
  std::string_view partition() const;
  org::Organizations& orgs();
  // Authorizes `action` on what `arn_of` names in the caller's organization ("*" without
  // `arn_of`, or when the caller is in none: then AWSOrganizationsNotInUseException follows),
  // with `extra` keys; then, with `management`, requires the caller to be the management
  // account (AccessDeniedException), or, for an operation that only reads, a delegated
  // administrator of some service [AWS]. AWS's IAM check comes before the operation's own errors.
  common::Result<org::Organization> authorized(std::string_view action,
                                               const std::function<std::string(const org::Organization&)>& arn_of,
                                               const condition::Context* extra = nullptr, bool management = true);
  std::string target_arn(const org::Organization& o, std::string_view id) const;
  std::string resource_arn(const org::Organization& o, std::string_view id) const;
  po::Organization wire(const org::Organization& o) const;
  po::Root wire_root(const org::Organization& o) const;
  po::OrganizationalUnit wire_unit(const org::Organization& o, const org::Unit& u) const;
  po::Account wire_account(const org::Organization& o, const org::Member& m) const;
  po::PolicySummary wire_summary(const org::Organization& o, const org::ControlPolicy& p) const;
  po::CreateAccountStatus wire_status(const org::CreateStatus& s) const;
  po::Handshake wire_handshake(const org::Organization& o, const org::Handshake& h) const;
  // Accept, decline or cancel (`state`) the handshake `id`, authorized as `action` on it.
  common::Result<po::Handshake> answer(std::string_view action, std::string_view id, std::string_view state);
  // ---- end of Organizations ----

  CallContext ctx_;
  Pipeline pipe_;
};

}  // namespace iamd::api
