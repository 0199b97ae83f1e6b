// Helpers shared by the handler source files (handlers.cc, handlers_groups.cc,
// handlers_policies.cc). Internal to the api module.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.h"
#include "common/result.h"
#include "condition/context.h"
#include "iam/service.h"
#include "protocol/iam.h"
#include "store/store.h"

namespace iamd::api::internal {

// Pagination parameters of a List* request (MaxItems defaults to 100, as in AWS).
inline store::ListOptions list_options(const std::optional<std::string>& prefix,
                                       const std::optional<std::string>& marker,
                                       const std::optional<std::int64_t>& max_items) {
  store::ListOptions o;
  if (prefix) o.path_prefix = *prefix;
  if (marker) o.marker = *marker;
  o.max_items = max_items ? static_cast<std::size_t>(*max_items) : 100;
  return o;
}

// The same for the lists whose answers leave the records' tags out (ListUsers, ListRoles,
// GetGroup's members): the store need not read them.
inline store::ListOptions list_options_without_tags(const std::optional<std::string>& prefix,
                                                    const std::optional<std::string>& marker,
                                                    const std::optional<std::int64_t>& max_items) {
  store::ListOptions o = list_options(prefix, marker, max_items);
  o.with_tags = false;
  return o;
}

// A resource's tags as every answer shows them: in AWS's order, sorted by key [AWS: the
// List*Tags references, "The returned list of tags is sorted by tag key"; [UNCERTAIN] that
// Get*/Create* answers and GetAccountAuthorizationDetails use the same order]. Byte order of
// the UTF-8 keys (iam::internal::sort_tags, which the domain's tag listings use).
inline std::vector<protocol::iam::Tag> wire_tags(const store::Tags& tags) {
  std::vector<protocol::iam::Tag> out;
  out.reserve(tags.size());
  for (const store::Tag& t : tags) out.push_back(protocol::iam::Tag{t.key, t.value});
  std::stable_sort(out.begin(), out.end(),
                   [](const protocol::iam::Tag& a, const protocol::iam::Tag& b) { return a.key < b.key; });
  return out;
}

// The lists answered from one record rather than a store page (ListUserTags, ListAccessKeys,
// ListAccountAliases) page by position: the marker is the index of the next item in
// store::encode_marker's form; one this server did not issue is store::invalid_marker().
inline common::Result<std::size_t> marker_position(const std::optional<std::string>& marker) {
  if (!marker || marker->empty()) return std::size_t{0};
  auto decoded = store::decode_marker(*marker);
  if (!decoded) return decoded.error();
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), n);
  if (ec != std::errc() || end != decoded->data() + decoded->size()) return store::invalid_marker();
  return n;
}

// Fills `out.*items` from `all` starting at the marker's position, at most MaxItems (100 by
// default) of them, with IsTruncated and the Marker of the next page.
template <class Out, class Item, class Dest, class Map>
common::Result<void> positional_page(const std::vector<Item>& all, const std::optional<std::string>& marker,
                                     const std::optional<std::int64_t>& max_items, Out& out,
                                     std::vector<Dest> Out::*items, Map&& map) {
  auto start = marker_position(marker);
  if (!start) return start.error();
  const std::size_t limit = max_items ? static_cast<std::size_t>(std::max<std::int64_t>(*max_items, 1)) : 100;
  out.is_truncated = false;
  for (std::size_t i = *start; i < all.size(); ++i) {
    if ((out.*items).size() == limit) {
      out.is_truncated = true;
      out.marker = store::encode_marker(std::to_string(i));
      break;
    }
    (out.*items).push_back(map(all[i]));
  }
  return {};
}

// A List* answer from one store page: each item mapped (`map`, which may move from it) into
// the list member `items` of the result, and IsTruncated with the Marker to continue from.
template <class Out, class Item, class Dest, class Map>
Out page_result(store::Page<Item>& page, std::vector<Dest> Out::*items, Map&& map) {
  Out out;
  (out.*items).reserve(page.items.size());
  for (Item& item : page.items) (out.*items).push_back(map(item));
  out.is_truncated = page.is_truncated();
  if (page.is_truncated()) out.marker = page.next_marker;
  return out;
}

// A managed policy attached to a user, group or role, as the ListAttached* answers show it.
inline protocol::iam::AttachedPolicy attached_to_wire(const store::AttachedPolicy& p) {
  protocol::iam::AttachedPolicy w;
  w.policy_name = p.name;
  w.policy_arn = p.arn;
  return w;
}

// The request's tags as the store keeps them, and the condition keys they set
// (aws:RequestTag/<key>, aws:TagKeys).
inline store::Tags request_tags(const std::vector<protocol::iam::Tag>& tags, condition::Context& extra) {
  store::Tags out;
  std::vector<std::string> keys;
  for (const protocol::iam::Tag& t : tags) {
    extra.set("aws:RequestTag/" + t.key, t.value);
    keys.push_back(t.key);
    out.push_back(store::Tag{t.key, t.value});
  }
  if (!keys.empty()) extra.set_list("aws:TagKeys", keys);
  return out;
}

// Create* and Upload*: the request's tags are the new resource's, so they are also its
// aws:ResourceTag/<key> (evaluation.md §5.2).
inline store::Tags creation_tags(const std::vector<protocol::iam::Tag>& tags, condition::Context& extra) {
  store::Tags out = request_tags(tags, extra);
  for (const store::Tag& t : out) extra.set("aws:ResourceTag/" + t.key, t.value);
  return out;
}

// ---- Managed policies (defined in handlers_policies.cc) ----
// A policy version, with its document (GetPolicyVersion, GetAccountAuthorizationDetails)
// or without (ListPolicyVersions, CreatePolicyVersion).
protocol::iam::PolicyVersion to_wire(const store::PolicyVersion& v, bool with_document);
// ---- end of Managed policies ----

// ---- Users (defined in handlers.cc) ----
// The user as GetUser/CreateUser (`full`: with permissions boundary and tags) or the lists
// (ListUsers, ListVirtualMFADevices' User) return it.
protocol::iam::User to_wire(const iam::IamDomain& domain, const store::User& u, bool full);
// The same as the lists show it, moving the strings out of `u`.
protocol::iam::User to_wire_listed(const iam::IamDomain& domain, store::User&& u);
// "Active" / "Inactive".
std::string_view status_name(store::AccessKeyStatus s);
// ---- end of Users ----

// ---- Roles (defined in handlers_roles.cc) ----
enum class RoleView {
  kCreate,     // no MaxSessionDuration, no RoleLastUsed
  kGet,        // everything, RoleLastUsed empty when never used
  kList,       // no PermissionsBoundary, RoleLastUsed or Tags
  kInProfile,  // an InstanceProfile's Roles: Path, RoleName, RoleId, Arn, CreateDate, document
};
// The role as each operation returns it (api.md §3.1).
protocol::iam::Role to_wire(const iam::IamDomain& domain, const store::Role& r, RoleView view);
// ---- end of Roles ----

// ---- Instance profiles (defined in handlers_instance_profiles.cc) ----
// The InstanceProfile shape: each role with its six basic members (RoleView::kInProfile);
// `with_tags` false for the listings, which leave tags out as AWS does.
protocol::iam::InstanceProfile to_wire(const iam::IamDomain& domain, const iam::ProfileWithRoles& p, bool with_tags);
// ---- end of Instance profiles ----

}  // namespace iamd::api::internal
