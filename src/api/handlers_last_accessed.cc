// Last accessed information (GenerateServiceLastAccessedDetails and its two Get operations),
// ListPoliciesGrantingServiceAccess and SetSecurityTokenServicePreferences: the domain is
// iam::LastAccessed (iam/last_accessed.h); the accesses are noted by the gateway.
#include <algorithm>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "common/strings.h"
#include "iam/last_accessed.h"
#include "org/organization.h"

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

namespace {

// [UNCERTAIN] AWS's answers for a caller that does not manage an organization and for an
// entity path that names nothing of it.
common::Error not_management() {
  return common::Error{"AccessDenied",
                       "Organizations access reports can be generated only by the management account of an "
                       "organization.",
                       ""};
}
common::Error bad_entity_path(std::string_view path) {
  return common::Error{"InvalidInput", "The entity path " + std::string(path) + " does not exist in the organization.",
                       ""};
}

// The path of `o`'s target as an access report names it ("o-.../r-.../ou-.../<id>").
std::string entity_path_of(const org::Organization& o, std::string_view target) {
  std::string p = o.id;
  for (const std::string& t : o.path_to(target)) p += "/" + t;
  return p;
}

}  // namespace

Result<pi::GenerateOrganizationsAccessReportResult> IamHandlers::generate_organizations_access_report(
    const pi::GenerateOrganizationsAccessReportRequest& r) {
  const std::string resource = "arn:" + ctx_.domain.env().partition + ":iam::" + std::string(pipe_.account_id()) +
                               ":access-report/" + r.entity_path;
  if (auto a = pipe_.authorize("iam:GenerateOrganizationsAccessReport", resource); !a) return a.error();
  iam::Write w = pipe_.write();
  auto o = ctx_.access.organizations().managed_by(w.tx, pipe_.account_id());
  if (!o) return not_management();
  // The path: the organization, its root, then OUs each a child of the one before, and at
  // most one account at the end.
  std::vector<std::string_view> parts = common::split(r.entity_path, '/');
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() < 2 || parts[0] != o->id || parts[1] != o->root_id) return bad_entity_path(r.entity_path);
  std::string target = o->root_id;
  for (std::size_t i = 2; i < parts.size(); ++i) {
    const std::string child(parts[i]);
    const org::Unit* unit = o->unit(child);
    const org::Member* member = o->member(child);
    const std::string parent = unit ? unit->parent_id : member ? member->parent_id : std::string();
    if (parent != target || (member != nullptr && i + 1 != parts.size())) return bad_entity_path(r.entity_path);
    target = child;
  }
  // The accounts under the target.
  std::vector<iam::OrgAccount> accounts;
  for (const org::Member& m : o->members) {
    const std::vector<std::string> path = o->path_to(m.account_id);
    if (std::find(path.begin(), path.end(), target) != path.end()) {
      accounts.push_back(iam::OrgAccount{m.account_id, entity_path_of(*o, m.account_id)});
    }
  }
  // The policies: the one asked for, or the SCPs of every level down to the target (none
  // for the management account, which they never limit: every service).
  std::vector<std::vector<std::string>> levels;
  if (r.organizations_policy_id) {
    auto p = org::Organizations::find_policy(*o, *r.organizations_policy_id);
    if (!p || p->type != org::kServiceControlPolicy) {
      return common::Error{
          "InvalidInput",
          "The policy " + *r.organizations_policy_id + " is not a service control policy of the organization.", ""};
    }
    levels.push_back({p->content});
  } else if (o->type_enabled(org::kServiceControlPolicy) && target != o->management_account) {
    for (const std::string& t : o->path_to(target)) {
      std::vector<std::string> level;
      for (const std::string& id : org::Organizations::attached(*o, t, org::kServiceControlPolicy)) {
        auto p = org::Organizations::find_policy(*o, id);
        if (p) level.push_back(p->content);
      }
      levels.push_back(std::move(level));
    }
  }
  std::vector<std::vector<policy::PolicyDocument>> documents;
  for (const std::vector<std::string>& level : levels) {
    std::vector<policy::PolicyDocument> docs;
    for (const std::string& text : level) {
      if (auto d = iam::parse_stored_policy(text)) docs.push_back(std::move(*d));
    }
    documents.push_back(std::move(docs));
  }
  std::vector<std::string> namespaces;
  for (const iam::AwsService& service : iam::aws_services()) {
    const bool allowed = std::all_of(documents.begin(), documents.end(), [&](const auto& level) {
      return std::any_of(level.begin(), level.end(),
                         [&](const policy::PolicyDocument& d) { return iam::grants_service(d, service); });
    });
    if (allowed) namespaces.emplace_back(service.ns);
  }
  auto id = ctx_.domain.last_accessed.generate_org_report(w, r.entity_path, namespaces, accounts, ctx_.caller.arn);
  if (!id) return id.error();
  pi::GenerateOrganizationsAccessReportResult out;
  out.job_id = std::move(id).value();
  return out;
}

Result<pi::GetOrganizationsAccessReportResult> IamHandlers::get_organizations_access_report(
    const pi::GetOrganizationsAccessReportRequest& r) {
  auto report = ctx_.domain.last_accessed.org_report(pipe_.read(), r.job_id, ctx_.caller.arn);
  if (!report) return report.error();
  std::vector<iam::OrgServiceAccess> services = std::move(report->services);
  // SortKey [AWS]: by namespace (the default here [UNCERTAIN]) or by last authenticated time,
  // services never accessed last.
  const std::string key = r.sort_key.value_or("SERVICE_NAMESPACE_ASCENDING");
  auto by_time = [](const iam::OrgServiceAccess& a, const iam::OrgServiceAccess& b) {
    if (a.last_authenticated.has_value() != b.last_authenticated.has_value()) return a.last_authenticated.has_value();
    return a.last_authenticated && *a.last_authenticated < *b.last_authenticated;
  };
  if (key == "SERVICE_NAMESPACE_DESCENDING") {
    std::reverse(services.begin(), services.end());
  } else if (key == "LAST_AUTHENTICATED_TIME_ASCENDING") {
    std::stable_sort(services.begin(), services.end(), by_time);
  } else if (key == "LAST_AUTHENTICATED_TIME_DESCENDING") {
    std::stable_sort(services.begin(), services.end(), [&](const auto& a, const auto& b) {
      if (a.last_authenticated.has_value() != b.last_authenticated.has_value()) return a.last_authenticated.has_value();
      return a.last_authenticated && *b.last_authenticated < *a.last_authenticated;
    });
  }
  pi::GetOrganizationsAccessReportResult out;
  out.job_status = "COMPLETED";
  out.job_creation_date = report->created;
  out.job_completion_date = report->created;
  out.number_of_services_accessible = static_cast<std::int64_t>(services.size());
  out.number_of_services_not_accessed = static_cast<std::int64_t>(
      std::count_if(services.begin(), services.end(), [](const auto& s) { return !s.last_authenticated; }));
  auto paged = internal::positional_page(services, r.marker, r.max_items, out,
                                         &pi::GetOrganizationsAccessReportResult::access_details,
                                         [](const iam::OrgServiceAccess& s) {
                                           pi::AccessDetail d;
                                           d.service_name = s.name;
                                           d.service_namespace = s.ns;
                                           if (s.last_authenticated) {
                                             d.region = s.region;
                                             d.entity_path = s.entity_path;
                                             d.last_authenticated_time = s.last_authenticated;
                                           }
                                           d.total_authenticated_entities = s.total_entities;
                                           return d;
                                         });
  if (!paged) return paged.error();
  return out;
}

}  // namespace iamd::api
