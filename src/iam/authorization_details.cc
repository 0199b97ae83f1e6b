// GetAccountAuthorizationDetails: the account's users, groups, roles and managed policies
// with everything attached to them, in one paginated listing. The listing runs through
// sections in AWS's order (users, groups, roles, customer managed policies, attached AWS
// managed policies); a marker names the section and the store's marker within it.
#include "iam/internal.h"
#include "iam/service.h"

namespace iamd::iam {

using internal::all_pages;

namespace {

constexpr char kSections[] = {'U', 'G', 'R', 'L', 'A'};
constexpr unsigned kSectionFilter[] = {kDetailUsers, kDetailGroups, kDetailRoles, kDetailLocalPolicies,
                                       kDetailAwsPolicies};

}  // namespace

Result<AuthorizationDetails> Reports::authorization_details(const Read& rd, unsigned filter,
                                                            const store::ListOptions& options) {
  // The marker: one section letter, then the store's marker within that section.
  std::size_t section = 0;
  std::string inner;
  if (!options.marker.empty()) {
    const auto* found = std::find(std::begin(kSections), std::end(kSections), options.marker[0]);
    if (found == std::end(kSections)) return store::invalid_marker();
    section = static_cast<std::size_t>(found - std::begin(kSections));
    inner = options.marker.substr(1);
  }
  AuthorizationDetails out;
  std::size_t left = std::max<std::size_t>(options.max_items, 1);
  auto inline_of = [&](store::EntityKind kind, const std::string& id) {
    return all_pages<store::InlinePolicy>(
        [&](const store::ListOptions& lo) { return rd.tx.list_inline_policies(kind, id, lo); });
  };
  auto attached_of = [&](store::EntityKind kind, const std::string& id) {
    return all_pages<store::AttachedPolicy>(
        [&](const store::ListOptions& lo) { return rd.tx.list_attached_policies(kind, id, lo); });
  };
  for (; section < std::size(kSections); ++section, inner.clear()) {
    if ((filter & kSectionFilter[section]) == 0) continue;
    store::ListOptions page_options;
    page_options.marker = inner;
    page_options.max_items = left;
    std::string next;
    std::size_t got = 0;
    switch (kSections[section]) {
      case 'U': {
        auto page = rd.tx.list_users(rd.account_id, page_options);
        if (!page) return page.error();
        for (store::User& u : page->items) {
          UserDetails d;
          auto inl = inline_of(store::EntityKind::kUser, u.id);
          if (!inl) return inl.error();
          auto att = attached_of(store::EntityKind::kUser, u.id);
          if (!att) return att.error();
          auto groups = all_pages<store::Group>(
              [&](const store::ListOptions& lo) { return rd.tx.list_groups_for_user(u.id, lo); });
          if (!groups) return groups.error();
          for (const store::Group& g : *groups) d.group_names.push_back(g.name);
          d.inline_policies = std::move(*inl);
          d.attached = std::move(*att);
          d.user = std::move(u);
          out.users.push_back(std::move(d));
        }
        got = page->items.size();
        next = page->next_marker;
        break;
      }
      case 'G': {
        auto page = rd.tx.list_groups(rd.account_id, page_options);
        if (!page) return page.error();
        for (store::Group& g : page->items) {
          GroupDetails d;
          auto inl = inline_of(store::EntityKind::kGroup, g.id);
          if (!inl) return inl.error();
          auto att = attached_of(store::EntityKind::kGroup, g.id);
          if (!att) return att.error();
          d.inline_policies = std::move(*inl);
          d.attached = std::move(*att);
          d.group = std::move(g);
          out.groups.push_back(std::move(d));
        }
        got = page->items.size();
        next = page->next_marker;
        break;
      }
      case 'R': {
        auto page = rd.tx.list_roles(rd.account_id, page_options);
        if (!page) return page.error();
        for (store::Role& r : page->items) {
          RoleDetails d;
          auto inl = inline_of(store::EntityKind::kRole, r.id);
          if (!inl) return inl.error();
          auto att = attached_of(store::EntityKind::kRole, r.id);
          if (!att) return att.error();
          auto profiles = rd.tx.list_instance_profiles_for_role(r.id);
          if (!profiles) return profiles.error();
          auto full = internal::profiles_with_roles(rd.tx, std::move(*profiles));
          if (!full) return full.error();
          d.instance_profiles = std::move(*full);
          d.inline_policies = std::move(*inl);
          d.attached = std::move(*att);
          d.role = std::move(r);
          out.roles.push_back(std::move(d));
        }
        got = page->items.size();
        next = page->next_marker;
        break;
      }
      default: {  // 'L', 'A'
        store::PolicyListOptions po;
        po.list = page_options;
        po.scope = kSections[section] == 'L' ? store::PolicyScope::kLocal : store::PolicyScope::kAws;
        po.only_attached = kSections[section] == 'A';
        auto page = rd.tx.list_policies(rd.account_id, po);
        if (!page) return page.error();
        for (store::ManagedPolicy& p : page->items) {
          PolicyDetails d;
          if (p.aws_managed && env_.catalog != nullptr) {
            if (const AwsManagedPolicy* aws = env_.catalog->find_by_arn(p.arn)) {
              store::PolicyVersion v;
              v.version_id = aws->default_version_id;
              v.document = aws->document();
              v.create_date = p.create_date;
              v.is_default = true;
              d.versions.push_back(std::move(v));
            }
          } else {
            auto versions = rd.tx.list_policy_versions(p.arn);
            if (!versions) return versions.error();
            d.versions.assign(versions->rbegin(), versions->rend());  // newest first, as AWS lists them
          }
          d.policy = std::move(p);
          out.policies.push_back(std::move(d));
        }
        got = page->items.size();
        next = page->next_marker;
        break;
      }
    }
    left -= got;
    if (!next.empty()) {
      out.next_marker = std::string(1, kSections[section]) + next;
      return out;
    }
    if (left == 0) {
      // The page is full at a section's end: continue with the next section that is asked for.
      for (std::size_t s = section + 1; s < std::size(kSections); ++s) {
        if ((filter & kSectionFilter[s]) != 0) {
          out.next_marker = std::string(1, kSections[s]);
          return out;
        }
      }
      return out;
    }
  }
  return out;
}

}  // namespace iamd::iam
