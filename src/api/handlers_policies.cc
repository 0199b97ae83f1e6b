// Managed policy operations (api.md §7.5): each authorizes iam:<Operation> on the policy's
// ARN (ListPolicies on "*", evaluation.md §6), then calls the domain. Documents go out as
// stored; the protocol layer URL-encodes them.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;
using internal::request_tags;
using internal::to_wire;

// Which fields of a Policy an operation returns (api.md §3.1).
enum class PolicyView { kCreated, kFull, kSummary };

pi::Policy to_wire(const store::ManagedPolicy& p, PolicyView view) {
  pi::Policy w;
  w.policy_name = p.name;
  w.policy_id = p.id;
  w.arn = p.arn;
  w.path = p.path;
  w.default_version_id = p.default_version_id;
  w.attachment_count = p.attachment_count;
  w.permissions_boundary_usage_count = p.permissions_boundary_usage_count;
  w.is_attachable = true;
  w.create_date = p.create_date;
  w.update_date = p.update_date;
  if (view == PolicyView::kFull && !p.description.empty()) w.description = p.description;
  // Tags is a `handler` member (models/empty_lists.txt): GetPolicy sends it even when empty,
  // CreatePolicy only when tags were given, the listings never.
  if (view == PolicyView::kFull || (view == PolicyView::kCreated && !p.tags.empty())) {
    w.tags.emplace();
    for (const store::Tag& t : p.tags) w.tags->push_back(pi::Tag{t.key, t.value});
  }
  return w;
}

// PolicyUsageFilter: PermissionsBoundary selects the policies (or entities) by their use as
// a permissions boundary; PermissionsPolicy, like no filter, by their use as permissions.
bool boundaries_only(const std::optional<std::string>& filter) {
  return filter && *filter == "PermissionsBoundary";
}

}  // namespace

pi::PolicyVersion internal::to_wire(const store::PolicyVersion& v, bool with_document) {
  pi::PolicyVersion w;
  if (with_document) w.document = v.document;
  w.version_id = v.version_id;
  w.is_default_version = v.is_default;
  w.create_date = v.create_date;
  return w;
}

Result<pi::CreatePolicyResult> IamHandlers::create_policy(const pi::CreatePolicyRequest& r) {
  const std::string path = r.path.value_or("/");
  condition::Context extra;
  store::Tags tags = internal::creation_tags(r.tags, extra);
  const std::string arn = ctx_.domain.policy_arn(ctx_.caller.account_id, path, r.policy_name);
  if (auto a = authorize("iam:CreatePolicy", arn, &extra); !a) return a.error();
  auto p = ctx_.domain.create_policy(ctx_.caller.account_id, r.policy_name, path, r.description.value_or(""),
                                     r.policy_document, tags);
  if (!p) return fail<pi::CreatePolicyResult>(p.error());
  pi::CreatePolicyResult out;
  out.policy = to_wire(*p, PolicyView::kCreated);
  return out;
}

Result<pi::GetPolicyResult> IamHandlers::get_policy(const pi::GetPolicyRequest& r) {
  if (auto a = authorize("iam:GetPolicy", r.policy_arn); !a) return a.error();
  auto p = ctx_.domain.get_policy(ctx_.caller.account_id, r.policy_arn);
  if (!p) return fail<pi::GetPolicyResult>(p.error());
  pi::GetPolicyResult out;
  out.policy = to_wire(*p, PolicyView::kFull);
  return out;
}

Result<pi::ListPoliciesResult> IamHandlers::list_policies(const pi::ListPoliciesRequest& r) {
  if (auto a = authorize("iam:ListPolicies", "*"); !a) return a.error();
  store::PolicyListOptions o;
  o.list = list_options(r.path_prefix, r.marker, r.max_items);
  const std::string scope = r.scope.value_or("All");
  o.scope = scope == "AWS"     ? store::PolicyScope::kAws
            : scope == "Local" ? store::PolicyScope::kLocal
                               : store::PolicyScope::kAll;
  o.only_attached = r.only_attached.value_or(false);
  auto page = boundaries_only(r.policy_usage_filter) ? ctx_.domain.list_boundary_policies(ctx_.caller.account_id, o)
                                                     : ctx_.domain.list_policies(ctx_.caller.account_id, o);
  if (!page) return fail<pi::ListPoliciesResult>(page.error());
  pi::ListPoliciesResult out;
  for (const store::ManagedPolicy& p : page->items) out.policies.push_back(to_wire(p, PolicyView::kSummary));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::delete_policy(const pi::DeletePolicyRequest& r) {
  if (auto a = authorize("iam:DeletePolicy", r.policy_arn); !a) return a;
  if (auto d = ctx_.domain.delete_policy(ctx_.caller.account_id, r.policy_arn); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::CreatePolicyVersionResult> IamHandlers::create_policy_version(const pi::CreatePolicyVersionRequest& r) {
  if (auto a = authorize("iam:CreatePolicyVersion", r.policy_arn); !a) return a.error();
  auto v = ctx_.domain.create_policy_version(ctx_.caller.account_id, r.policy_arn, r.policy_document,
                                             r.set_as_default.value_or(false));
  if (!v) return fail<pi::CreatePolicyVersionResult>(v.error());
  pi::CreatePolicyVersionResult out;
  out.policy_version = to_wire(*v, false);
  return out;
}

Result<pi::GetPolicyVersionResult> IamHandlers::get_policy_version(const pi::GetPolicyVersionRequest& r) {
  if (auto a = authorize("iam:GetPolicyVersion", r.policy_arn); !a) return a.error();
  auto v = ctx_.domain.get_policy_version(ctx_.caller.account_id, r.policy_arn, r.version_id);
  if (!v) return fail<pi::GetPolicyVersionResult>(v.error());
  pi::GetPolicyVersionResult out;
  out.policy_version = to_wire(*v, true);
  return out;
}

Result<pi::ListPolicyVersionsResult> IamHandlers::list_policy_versions(const pi::ListPolicyVersionsRequest& r) {
  if (auto a = authorize("iam:ListPolicyVersions", r.policy_arn); !a) return a.error();
  auto page = ctx_.domain.list_policy_versions(ctx_.caller.account_id, r.policy_arn,
                                               list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListPolicyVersionsResult>(page.error());
  pi::ListPolicyVersionsResult out;
  for (const store::PolicyVersion& v : page->items) out.versions.push_back(to_wire(v, false));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::set_default_policy_version(const pi::SetDefaultPolicyVersionRequest& r) {
  if (auto a = authorize("iam:SetDefaultPolicyVersion", r.policy_arn); !a) return a;
  if (auto s = ctx_.domain.set_default_policy_version(ctx_.caller.account_id, r.policy_arn, r.version_id); !s) {
    return to_aws_error(s.error());
  }
  return {};
}

Result<void> IamHandlers::delete_policy_version(const pi::DeletePolicyVersionRequest& r) {
  if (auto a = authorize("iam:DeletePolicyVersion", r.policy_arn); !a) return a;
  if (auto d = ctx_.domain.delete_policy_version(ctx_.caller.account_id, r.policy_arn, r.version_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListEntitiesForPolicyResult> IamHandlers::list_entities_for_policy(
    const pi::ListEntitiesForPolicyRequest& r) {
  if (auto a = authorize("iam:ListEntitiesForPolicy", r.policy_arn); !a) return a.error();
  pi::ListEntitiesForPolicyResult out;
  std::optional<store::EntityKind> kind;
  const std::string filter = r.entity_filter.value_or("");
  if (filter == "User") kind = store::EntityKind::kUser;
  if (filter == "Group") kind = store::EntityKind::kGroup;
  if (filter == "Role") kind = store::EntityKind::kRole;
  const store::ListOptions lo = list_options(r.path_prefix, r.marker, r.max_items);
  auto page = boundaries_only(r.policy_usage_filter)
                  ? ctx_.domain.list_boundary_entities(ctx_.caller.account_id, r.policy_arn, kind, lo)
                  : ctx_.domain.list_entities_for_policy(ctx_.caller.account_id, r.policy_arn, kind, lo);
  if (!page) return fail<pi::ListEntitiesForPolicyResult>(page.error());
  // The policy-kind filters select policies, which are never attached to a policy.
  const bool policies_only = filter == "LocalManagedPolicy" || filter == "AWSManagedPolicy";
  for (const store::EntityRef& e : policies_only ? std::vector<store::EntityRef>{} : page->items) {
    switch (e.kind) {
      case store::EntityKind::kUser:
        out.policy_users.push_back(pi::PolicyUser{e.name, e.id});
        break;
      case store::EntityKind::kGroup:
        out.policy_groups.push_back(pi::PolicyGroup{e.name, e.id});
        break;
      case store::EntityKind::kRole:
        out.policy_roles.push_back(pi::PolicyRole{e.name, e.id});
        break;
    }
  }
  out.is_truncated = !policies_only && page->is_truncated();
  if (*out.is_truncated) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::tag_policy(const pi::TagPolicyRequest& r) {
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  if (auto a = authorize("iam:TagPolicy", r.policy_arn, &extra); !a) return a;
  if (auto t = ctx_.domain.tag_policy(ctx_.caller.account_id, r.policy_arn, tags); !t) return to_aws_error(t.error());
  return {};
}

Result<void> IamHandlers::untag_policy(const pi::UntagPolicyRequest& r) {
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a = authorize("iam:UntagPolicy", r.policy_arn, &extra); !a) return a;
  if (auto t = ctx_.domain.untag_policy(ctx_.caller.account_id, r.policy_arn, r.tag_keys); !t) {
    return to_aws_error(t.error());
  }
  return {};
}

Result<pi::ListPolicyTagsResult> IamHandlers::list_policy_tags(const pi::ListPolicyTagsRequest& r) {
  if (auto a = authorize("iam:ListPolicyTags", r.policy_arn); !a) return a.error();
  auto page = ctx_.domain.list_policy_tags(ctx_.caller.account_id, r.policy_arn,
                                           list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListPolicyTagsResult>(page.error());
  pi::ListPolicyTagsResult out;
  for (const store::Tag& t : page->items) out.tags.push_back(pi::Tag{t.key, t.value});
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

}  // namespace iamd::api
