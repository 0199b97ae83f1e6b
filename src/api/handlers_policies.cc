// Managed policy operations (api.md §7.5). The pipeline (api/pipeline.h) has resolved and
// authorized each one against the policy's ARN (ListPolicies: "*", evaluation.md §6) in the
// transaction these run in. Documents go out as stored; the protocol layer URL-encodes them.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;
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
    w.tags = internal::wire_tags(p.tags);
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
  store::Tags tags;
  for (const pi::Tag& t : r.tags) tags.push_back(store::Tag{t.key, t.value});
  auto p = policies().create_policy(pipe_.write(), r.policy_name, r.path.value_or("/"), r.description.value_or(""),
                                    r.policy_document, tags);
  if (!p) return p.error();
  pi::CreatePolicyResult out;
  out.policy = to_wire(*p, PolicyView::kCreated);
  return out;
}

Result<pi::GetPolicyResult> IamHandlers::get_policy(const pi::GetPolicyRequest& r) {
  auto p = policies().get_policy(pipe_.read(), r.policy_arn);
  if (!p) return p.error();
  pi::GetPolicyResult out;
  out.policy = to_wire(*p, PolicyView::kFull);
  return out;
}

Result<pi::ListPoliciesResult> IamHandlers::list_policies(const pi::ListPoliciesRequest& r) {
  store::PolicyListOptions o;
  o.list = list_options(r.path_prefix, r.marker, r.max_items);
  const std::string scope = r.scope.value_or("All");
  o.scope = scope == "AWS"     ? store::PolicyScope::kAws
            : scope == "Local" ? store::PolicyScope::kLocal
                               : store::PolicyScope::kAll;
  o.only_attached = r.only_attached.value_or(false);
  auto page = boundaries_only(r.policy_usage_filter) ? policies().list_boundary_policies(pipe_.read(), o)
                                                     : policies().list_policies(pipe_.read(), o);
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListPoliciesResult::policies,
                               [&](const store::ManagedPolicy& p) { return to_wire(p, PolicyView::kSummary); });
}

Result<void> IamHandlers::delete_policy(const pi::DeletePolicyRequest& r) {
  return policies().delete_policy(pipe_.write(), r.policy_arn);
}

Result<pi::CreatePolicyVersionResult> IamHandlers::create_policy_version(const pi::CreatePolicyVersionRequest& r) {
  auto v = policies().create_policy_version(pipe_.write(), r.policy_arn, r.policy_document,
                                            r.set_as_default.value_or(false));
  if (!v) return v.error();
  pi::CreatePolicyVersionResult out;
  out.policy_version = to_wire(*v, false);
  return out;
}

Result<pi::GetPolicyVersionResult> IamHandlers::get_policy_version(const pi::GetPolicyVersionRequest& r) {
  auto v = policies().get_policy_version(pipe_.read(), r.policy_arn, r.version_id);
  if (!v) return v.error();
  pi::GetPolicyVersionResult out;
  out.policy_version = to_wire(*v, true);
  return out;
}

Result<pi::ListPolicyVersionsResult> IamHandlers::list_policy_versions(const pi::ListPolicyVersionsRequest& r) {
  auto page =
      policies().list_policy_versions(pipe_.read(), r.policy_arn, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListPolicyVersionsResult::versions,
                               [&](const store::PolicyVersion& v) { return to_wire(v, false); });
}

Result<void> IamHandlers::set_default_policy_version(const pi::SetDefaultPolicyVersionRequest& r) {
  return policies().set_default_policy_version(pipe_.write(), r.policy_arn, r.version_id);
}

Result<void> IamHandlers::delete_policy_version(const pi::DeletePolicyVersionRequest& r) {
  return policies().delete_policy_version(pipe_.write(), r.policy_arn, r.version_id);
}

Result<pi::ListEntitiesForPolicyResult> IamHandlers::list_entities_for_policy(
    const pi::ListEntitiesForPolicyRequest& r) {
  pi::ListEntitiesForPolicyResult out;
  std::optional<store::EntityKind> kind;
  const std::string filter = r.entity_filter.value_or("");
  if (filter == "User") kind = store::EntityKind::kUser;
  if (filter == "Group") kind = store::EntityKind::kGroup;
  if (filter == "Role") kind = store::EntityKind::kRole;
  const store::ListOptions lo = list_options(r.path_prefix, r.marker, r.max_items);
  auto page = boundaries_only(r.policy_usage_filter)
                  ? policies().list_boundary_entities(pipe_.read(), r.policy_arn, kind, lo)
                  : policies().list_entities_for_policy(pipe_.read(), r.policy_arn, kind, lo);
  if (!page) return page.error();
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
  if (out.is_truncated) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::tag_policy(const pi::TagPolicyRequest& r) {
  store::Tags tags;
  for (const pi::Tag& t : r.tags) tags.push_back(store::Tag{t.key, t.value});
  return policies().tag_policy(pipe_.write(), r.policy_arn, tags);
}

Result<void> IamHandlers::untag_policy(const pi::UntagPolicyRequest& r) {
  return policies().untag_policy(pipe_.write(), r.policy_arn, r.tag_keys);
}

Result<pi::ListPolicyTagsResult> IamHandlers::list_policy_tags(const pi::ListPolicyTagsRequest& r) {
  auto page =
      policies().list_policy_tags(pipe_.read(), r.policy_arn, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListPolicyTagsResult::tags, [&](const store::Tag& t) {
    return pi::Tag{t.key, t.value};
  });
}

}  // namespace iamd::api
