// Last accessed information (GenerateServiceLastAccessedDetails and its two Get operations),
// ListPoliciesGrantingServiceAccess and SetSecurityTokenServicePreferences: the domain is
// iam::LastAccessed (iam/last_accessed.h); the accesses are noted by the gateway.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

std::optional<pi::ErrorDetails> failure_details(const std::optional<common::Error>& failure) {
  if (!failure) return std::nullopt;
  const common::Error aws = to_aws_error(*failure);
  return pi::ErrorDetails{aws.message, aws.code};
}

}  // namespace

Result<pi::GenerateServiceLastAccessedDetailsResult> IamHandlers::generate_service_last_accessed_details(
    const pi::GenerateServiceLastAccessedDetailsRequest& r) {
  auto id = ctx_.domain.last_accessed.generate(pipe_.write(), r.arn, r.granularity.value_or("SERVICE_LEVEL"),
                                               ctx_.caller.arn);
  if (!id) return id.error();
  pi::GenerateServiceLastAccessedDetailsResult out;
  out.job_id = std::move(id).value();
  return out;
}

Result<pi::GetServiceLastAccessedDetailsResult> IamHandlers::get_service_last_accessed_details(
    const pi::GetServiceLastAccessedDetailsRequest& r) {
  auto report = ctx_.domain.last_accessed.service_report(pipe_.read(), r.job_id, ctx_.caller.arn);
  if (!report) return report.error();
  pi::GetServiceLastAccessedDetailsResult out;
  out.job_status = report->failure ? "FAILED" : "COMPLETED";
  out.job_type = report->job.granularity;
  out.job_creation_date = report->job.created;
  out.job_completion_date = report->job.created;
  out.error = failure_details(report->failure);
  auto paged = internal::positional_page(report->services, r.marker, r.max_items, out,
                                         &pi::GetServiceLastAccessedDetailsResult::services_last_accessed,
                                         [](const iam::ServiceAccess& s) {
                                           pi::ServiceLastAccessed w;
                                           w.service_name = s.name;
                                           w.service_namespace = s.ns;
                                           w.total_authenticated_entities = s.total_entities;
                                           if (s.last_authenticated) {
                                             w.last_authenticated = *s.last_authenticated;
                                             w.last_authenticated_entity = s.last_entity_arn;
                                             w.last_authenticated_region = s.last_region;
                                           }
                                           for (const iam::TrackedActionAccess& a : s.actions) {
                                             w.tracked_actions_last_accessed.push_back(
                                                 pi::TrackedActionLastAccessed{a.action, a.entity_arn, a.at, a.region});
                                           }
                                           return w;
                                         });
  if (!paged) return paged.error();
  return out;
}

Result<pi::GetServiceLastAccessedDetailsWithEntitiesResult>
IamHandlers::get_service_last_accessed_details_with_entities(
    const pi::GetServiceLastAccessedDetailsWithEntitiesRequest& r) {
  auto report = ctx_.domain.last_accessed.entities_report(pipe_.read(), r.job_id, r.service_namespace, ctx_.caller.arn);
  if (!report) return report.error();
  pi::GetServiceLastAccessedDetailsWithEntitiesResult out;
  out.job_status = report->failure ? "FAILED" : "COMPLETED";
  out.job_creation_date = report->job.created;
  out.job_completion_date = report->job.created;
  out.error = failure_details(report->failure);
  auto paged = internal::positional_page(report->entities, r.marker, r.max_items, out,
                                         &pi::GetServiceLastAccessedDetailsWithEntitiesResult::entity_details_list,
                                         [](const iam::EntityAccess& e) {
                                           pi::EntityDetails w;
                                           w.entity_info = pi::EntityInfo{e.arn, e.name, e.type, e.id, e.path};
                                           w.last_authenticated = e.last_authenticated;
                                           return w;
                                         });
  if (!paged) return paged.error();
  return out;
}

Result<pi::ListPoliciesGrantingServiceAccessResult> IamHandlers::list_policies_granting_service_access(
    const pi::ListPoliciesGrantingServiceAccessRequest& r) {
  auto entries = ctx_.domain.last_accessed.policies_granting(pipe_.read(), r.arn, r.service_namespaces);
  if (!entries) return entries.error();
  pi::ListPoliciesGrantingServiceAccessResult out;
  auto paged = internal::positional_page(*entries, r.marker, std::nullopt, out,
                                         &pi::ListPoliciesGrantingServiceAccessResult::policies_granting_service_access,
                                         [](const iam::GrantingEntry& e) {
                                           pi::ListPoliciesGrantingServiceAccessEntry w;
                                           w.service_namespace = e.ns;
                                           for (const iam::GrantingPolicy& p : e.policies) {
                                             pi::PolicyGrantingServiceAccess g;
                                             g.policy_name = p.name;
                                             g.policy_type = p.type;
                                             if (!p.arn.empty()) g.policy_arn = p.arn;
                                             if (!p.entity_type.empty()) g.entity_type = p.entity_type;
                                             if (!p.entity_name.empty()) g.entity_name = p.entity_name;
                                             w.policies.push_back(std::move(g));
                                           }
                                           return w;
                                         });
  if (!paged) return paged.error();
  return out;
}

Result<void> IamHandlers::set_security_token_service_preferences(
    const pi::SetSecurityTokenServicePreferencesRequest& r) {
  return ctx_.domain.last_accessed.set_global_endpoint_token_version(pipe_.write(), r.global_endpoint_token_version);
}

}  // namespace iamd::api
