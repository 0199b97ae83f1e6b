// Account-wide reports: GetAccountAuthorizationDetails and the credential report. Both
// actions have no resource type and are authorized on "*"; documents go out as stored (the
// protocol layer URL-encodes them), the report as its CSV (base64 on the wire, a blob).
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "arn/arn.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

std::vector<pi::PolicyDetail> inline_details(const std::vector<store::InlinePolicy>& policies) {
  std::vector<pi::PolicyDetail> out;
  for (const store::InlinePolicy& p : policies) out.push_back(pi::PolicyDetail{p.name, p.document});
  return out;
}

std::vector<pi::AttachedPolicy> attached_details(const std::vector<store::AttachedPolicy>& policies) {
  std::vector<pi::AttachedPolicy> out;
  for (const store::AttachedPolicy& p : policies) out.push_back(pi::AttachedPolicy{p.name, p.arn});
  return out;
}

std::optional<pi::AttachedPermissionsBoundary> boundary_detail(const std::string& arn) {
  if (arn.empty()) return std::nullopt;
  return pi::AttachedPermissionsBoundary{"PermissionsBoundaryPolicy", arn};
}

std::vector<pi::Tag> tags_of(const store::Tags& tags) {
  return internal::wire_tags(tags);
}

// The Filter values as kDetail* bits; none given means everything.
Result<unsigned> filter_bits(const std::vector<std::string>& filter) {
  if (filter.empty()) return iam::kDetailAll;
  unsigned bits = 0;
  for (const std::string& f : filter) {
    if (f == "User") {
      bits |= iam::kDetailUsers;
    } else if (f == "Group") {
      bits |= iam::kDetailGroups;
    } else if (f == "Role") {
      bits |= iam::kDetailRoles;
    } else if (f == "LocalManagedPolicy") {
      bits |= iam::kDetailLocalPolicies;
    } else if (f == "AWSManagedPolicy") {
      bits |= iam::kDetailAwsPolicies;
    } else {
      return Error{"ValidationError",
                   // As the protocol layer answers first (the model's enum): one failure for the
                   // whole list of strings, without the value [OBS].
                   "1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must "
                   "satisfy constraint: [Member must satisfy enum value set]",
                   ""};
    }
  }
  return bits;
}

}  // namespace

Result<pi::GetAccountAuthorizationDetailsResult> IamHandlers::get_account_authorization_details(
    const pi::GetAccountAuthorizationDetailsRequest& r) {
  auto bits = filter_bits(r.filter);
  if (!bits) return bits.error();
  auto details = ctx_.domain.reports.authorization_details(pipe_.read(), *bits,
                                                           internal::list_options(std::nullopt, r.marker, r.max_items));
  if (!details) return details.error();
  pi::GetAccountAuthorizationDetailsResult out;
  for (const iam::UserDetails& d : details->users) {
    pi::UserDetail w;
    w.path = d.user.path;
    w.user_name = d.user.name;
    w.user_id = d.user.id;
    w.arn = ctx_.domain.user_arn(d.user);
    w.create_date = d.user.create_date;
    w.user_policy_list = inline_details(d.inline_policies);
    w.group_list = d.group_names;
    w.attached_managed_policies = attached_details(d.attached);
    w.permissions_boundary = boundary_detail(d.user.permissions_boundary);
    w.tags = tags_of(d.user.tags);
    out.user_detail_list.push_back(std::move(w));
  }
  for (const iam::GroupDetails& d : details->groups) {
    pi::GroupDetail w;
    w.path = d.group.path;
    w.group_name = d.group.name;
    w.group_id = d.group.id;
    w.arn = ctx_.domain.group_arn(d.group);
    w.create_date = d.group.create_date;
    w.group_policy_list = inline_details(d.inline_policies);
    w.attached_managed_policies = attached_details(d.attached);
    out.group_detail_list.push_back(std::move(w));
  }
  for (const iam::RoleDetails& d : details->roles) {
    pi::RoleDetail w;
    w.path = d.role.path;
    w.role_name = d.role.name;
    w.role_id = d.role.id;
    w.arn = ctx_.domain.role_arn(d.role);
    w.create_date = d.role.create_date;
    w.assume_role_policy_document = d.role.trust_policy;
    for (const iam::ProfileWithRoles& p : d.instance_profiles) {
      w.instance_profile_list.push_back(internal::to_wire(ctx_.domain, p, true));
    }
    w.role_policy_list = inline_details(d.inline_policies);
    w.attached_managed_policies = attached_details(d.attached);
    w.permissions_boundary = boundary_detail(d.role.permissions_boundary);
    w.tags = tags_of(d.role.tags);
    pi::RoleLastUsed used;
    if (d.role.last_used) {
      used.last_used_date = d.role.last_used->date;
      used.region = d.role.last_used->region;
    }
    w.role_last_used = used;
    out.role_detail_list.push_back(std::move(w));
  }
  for (const iam::PolicyDetails& d : details->policies) {
    pi::ManagedPolicyDetail w;
    w.policy_name = d.policy.name;
    w.policy_id = d.policy.id;
    w.arn = d.policy.arn;
    w.path = d.policy.path;
    w.default_version_id = d.policy.default_version_id;
    w.attachment_count = d.policy.attachment_count;
    w.permissions_boundary_usage_count = d.policy.permissions_boundary_usage_count;
    w.is_attachable = true;
    if (!d.policy.description.empty()) w.description = d.policy.description;
    w.create_date = d.policy.create_date;
    w.update_date = d.policy.update_date;
    for (const store::PolicyVersion& v : d.versions) w.policy_version_list.push_back(internal::to_wire(v, true));
    out.policies.push_back(std::move(w));
  }
  out.is_truncated = !details->next_marker.empty();
  if (out.is_truncated) out.marker = details->next_marker;
  return out;
}

Result<pi::GenerateCredentialReportResult> IamHandlers::generate_credential_report(
    const pi::GenerateCredentialReportRequest&) {
  auto state = ctx_.domain.reports.generate_credential_report(pipe_.write());
  if (!state) return state.error();
  pi::GenerateCredentialReportResult out;
  if (*state == iam::CredentialReportState::kStarted) {
    out.state = "STARTED";
    out.description = "No report exists. Starting a new report generation task";
  } else {
    out.state = "COMPLETE";
  }
  return out;
}

Result<pi::GetCredentialReportResult> IamHandlers::get_credential_report(const pi::GetCredentialReportRequest&) {
  auto report = ctx_.domain.reports.get_credential_report(pipe_.read());
  if (!report) return report.error();
  pi::GetCredentialReportResult out;
  // The report's ARNs in the request's partition (the content is base64 in the answer, out of
  // the gateway's reach).
  const std::string& stored = ctx_.domain.env().partition;
  out.content = ctx_.caller.partition.empty() ? std::move(report->csv)
                                              : arn::replace_partition(report->csv, stored, ctx_.caller.partition);
  out.report_format = "text/csv";
  out.generated_time = report->generated;
  return out;
}

}  // namespace iamd::api
