#include "api/handlers_org.h"

#include <algorithm>
#include <utility>

#include "common/ids.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::api {

using common::Result;

Result<void> OrganizationsHandlers::begin_operation(std::string_view operation, const protocol::Params& params) {
  return pipe_.begin("organizations", operation, params);
}

Result<void> OrganizationsHandlers::end_operation(Result<void> outcome) {
  return pipe_.end(std::move(outcome));
}

// ---- the operations ----

namespace {

// [AWS] The role CreateAccount makes in the new account: the management account may assume
// it, and it may do everything (an inline policy named AdministratorAccess).
std::string access_role_trust(std::string_view partition, std::string_view management) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:)" + std::string(partition) +
         ":iam::" + std::string(management) + R"(:root"},"Action":"sts:AssumeRole"}]})";
}
constexpr std::string_view kAdministratorAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

// [AWS] MaxResults is at most 20; [UNCERTAIN] AWS's default page when it is absent.
constexpr std::int64_t kDefaultPage = 20;

common::Error invalid_next_token() {
  return org::invalid_input("INVALID_NEXT_TOKEN",
                            "You specified an invalid value for nextToken. You must get the value from the response "
                            "to a previous call to the API.");
}

// One page of `all` after the request's NextToken (the offset of the next item, opaque to
// clients), with the next page's token when there is more.
template <class T>
Result<void> page(std::vector<T> all, const std::optional<std::string>& next_token,
                  const std::optional<std::int64_t>& max_results, std::vector<T>& out,
                  std::optional<std::string>& out_token) {
  std::size_t start = 0;
  if (next_token) {
    auto decoded = store::decode_marker(*next_token);
    if (!decoded || decoded->empty() || decoded->size() > 9 ||
        !std::all_of(decoded->begin(), decoded->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return invalid_next_token();
    }
    start = static_cast<std::size_t>(std::stoll(*decoded));
    if (start > all.size()) return invalid_next_token();
  }
  const std::size_t n = static_cast<std::size_t>(max_results.value_or(kDefaultPage));
  const std::size_t end = std::min(all.size(), start + n);
  out.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(start)),
             std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end)));
  if (end < all.size()) out_token = store::encode_marker(std::to_string(end));
  return {};
}

std::vector<po::Tag> wire_tags(const store::Tags& tags) {
  std::vector<po::Tag> out;
  for (const store::Tag& t : tags) out.push_back(po::Tag{t.key, t.value});
  std::sort(out.begin(), out.end(), [](const po::Tag& a, const po::Tag& b) { return a.key < b.key; });
  return out;
}

store::Tags domain_tags(const std::vector<po::Tag>& tags) {
  store::Tags out;
  for (const po::Tag& t : tags) out.push_back(store::Tag{t.key, t.value});
  return out;
}

std::vector<po::PolicyTypeSummary> policy_types(const org::Organization& o) {
  std::vector<po::PolicyTypeSummary> out;
  for (const std::string& t : o.enabled_types) out.push_back(po::PolicyTypeSummary{t, "ENABLED"});
  return out;
}

}  // namespace

std::string_view OrganizationsHandlers::partition() const {
  return ctx_.access.organizations().env().partition;
}

org::Organizations& OrganizationsHandlers::orgs() {
  return ctx_.access.organizations();
}

po::Organization OrganizationsHandlers::wire(const org::Organization& o) const {
  po::Organization w;
  w.id = o.id;
  w.arn = org::organization_arn(partition(), o);
  w.feature_set = o.feature_set;
  w.master_account_arn = org::account_arn(partition(), o, o.management_account);
  w.master_account_id = o.management_account;
  if (const org::Member* m = o.member(o.management_account); m != nullptr && !m->email.empty()) {
    w.master_account_email = m->email;
  }
  // [AWS] AvailablePolicyTypes is deprecated: AWS reports the SCP type as available.
  if (o.feature_set == "ALL") {
    w.available_policy_types.push_back(po::PolicyTypeSummary{std::string(org::kServiceControlPolicy), "ENABLED"});
  }
  return w;
}

po::Root OrganizationsHandlers::wire_root(const org::Organization& o) const {
  return po::Root{o.root_id, org::root_arn(partition(), o), "Root", policy_types(o)};
}

po::OrganizationalUnit OrganizationsHandlers::wire_unit(const org::Organization& o, const org::Unit& u) const {
  return po::OrganizationalUnit{u.id, org::unit_arn(partition(), o, u.id), u.name};
}

po::Account OrganizationsHandlers::wire_account(const org::Organization& o, const org::Member& m) const {
  po::Account a;
  a.id = m.account_id;
  a.arn = org::account_arn(partition(), o, m.account_id);
  if (!m.email.empty()) a.email = m.email;
  if (!m.name.empty()) a.name = m.name;
  a.status = "ACTIVE";
  a.state = "ACTIVE";
  a.joined_method = m.joined_method;
  a.joined_timestamp = m.joined;
  return a;
}

po::PolicySummary OrganizationsHandlers::wire_summary(const org::Organization& o, const org::ControlPolicy& p) const {
  po::PolicySummary s;
  s.id = p.id;
  s.arn = org::policy_arn(partition(), o, p);
  s.name = p.name;
  s.description = p.description;
  s.type = p.type;
  s.aws_managed = org::aws_managed_policy(p.id) != nullptr;
  return s;
}

po::CreateAccountStatus OrganizationsHandlers::wire_status(const org::CreateStatus& s) const {
  po::CreateAccountStatus w;
  w.id = s.id;
  w.account_name = s.account_name;
  w.state = s.state;
  w.requested_timestamp = s.requested;
  w.completed_timestamp = s.completed;
  if (!s.account_id.empty()) w.account_id = s.account_id;
  if (!s.failure_reason.empty()) w.failure_reason = s.failure_reason;
  return w;
}

// The ARN of a root, OU or account id of `o` (an unknown id: the ARN it would have, by its
// prefix; an account's otherwise). Only authorized, never answered.
std::string OrganizationsHandlers::target_arn(const org::Organization& o, std::string_view id) const {
  if (id == o.root_id) return org::root_arn(partition(), o);
  if (o.unit(id) != nullptr) return org::unit_arn(partition(), o, id);
  if (id.starts_with("ou-")) return org::unit_arn(partition(), o, id);
  if (id.starts_with("r-"))
    return "arn:" + std::string(partition()) + ":organizations::" + o.management_account + ":root/" + o.id + "/" +
           std::string(id);
  return org::account_arn(partition(), o, id);
}

// Authorizes `action` on what `arn_of` names in the caller's organization ("*" when the
// caller is in none), then returns the organization the caller manages: AWS's IAM check
// comes before the operation's own errors.
Result<org::Organization> OrganizationsHandlers::authorized(
    std::string_view action, const std::function<std::string(const org::Organization&)>& arn_of,
    const condition::Context* extra, bool management) {
  auto o = orgs().of_account(pipe_.read().tx, pipe_.account_id());
  if (!o) {
    if (auto a = pipe_.authorize(action, "*", extra); !a) return a.error();
    return o.error();
  }
  if (auto a = pipe_.authorize(action, arn_of ? arn_of(*o) : std::string("*"), extra); !a) return a.error();
  if (management && o->management_account != pipe_.account_id()) {
    // [AWS] A delegated administrator (of any service) may call the operations that read.
    const bool reads = pipe_.operation() != nullptr && pipe_.operation()->mode == Mode::kRead;
    if (!reads || !o->delegated_admin(pipe_.account_id())) return org::access_denied();
  }
  return o;
}

namespace {
condition::Context tag_keys(const std::vector<po::Tag>& tags) {
  condition::Context c;
  std::vector<std::string> keys;
  for (const po::Tag& t : tags) {
    c.set("aws:RequestTag/" + t.key, t.value);
    keys.push_back(t.key);
  }
  if (!keys.empty()) c.set_list("aws:TagKeys", keys);
  return c;
}
condition::Context policy_type_key(std::string_view type) {
  condition::Context c;
  c.set("organizations:PolicyType", std::string(type));
  return c;
}
}  // namespace

Result<po::CreateOrganizationResult> OrganizationsHandlers::create_organization(
    const po::CreateOrganizationRequest& r) {
  if (auto a = pipe_.authorize("organizations:CreateOrganization", "*"); !a) return a.error();
  auto o = orgs().create(pipe_.write().tx, pipe_.account_id(), r.feature_set.value_or("ALL"));
  if (!o) return o.error();
  return po::CreateOrganizationResult{wire(*o)};
}

Result<po::DescribeOrganizationResult> OrganizationsHandlers::describe_organization(
    const po::DescribeOrganizationRequest&) {
  // Any account of the organization may describe it [AWS].
  auto o = authorized("organizations:DescribeOrganization", nullptr, nullptr, false);
  if (!o) return o.error();
  return po::DescribeOrganizationResult{wire(*o)};
}

Result<void> OrganizationsHandlers::delete_organization(const po::DeleteOrganizationRequest&) {
  if (auto o = authorized("organizations:DeleteOrganization", nullptr); !o) return o.error();
  return orgs().remove(pipe_.write().tx, pipe_.account_id());
}

Result<po::ListRootsResult> OrganizationsHandlers::list_roots(const po::ListRootsRequest& r) {
  auto o = authorized("organizations:ListRoots", nullptr);
  if (!o) return o.error();
  po::ListRootsResult out;
  if (auto p = page(std::vector{wire_root(*o)}, r.next_token, r.max_results, out.roots, out.next_token); !p) {
    return p.error();
  }
  return out;
}

Result<po::CreateOrganizationalUnitResult> OrganizationsHandlers::create_organizational_unit(
    const po::CreateOrganizationalUnitRequest& r) {
  const condition::Context extra = tag_keys(r.tags);
  auto o = authorized(
      "organizations:CreateOrganizationalUnit", [&](const org::Organization& o) { return target_arn(o, r.parent_id); },
      &extra);
  if (!o) return o.error();
  auto u = orgs().create_unit(pipe_.write().tx, pipe_.account_id(), r.parent_id, r.name, domain_tags(r.tags));
  if (!u) return u.error();
  return po::CreateOrganizationalUnitResult{wire_unit(*o, *u)};
}

Result<po::DescribeOrganizationalUnitResult> OrganizationsHandlers::describe_organizational_unit(
    const po::DescribeOrganizationalUnitRequest& r) {
  auto o = authorized("organizations:DescribeOrganizationalUnit", [&](const org::Organization& o) {
    return org::unit_arn(partition(), o, r.organizational_unit_id);
  });
  if (!o) return o.error();
  const org::Unit* u = o->unit(r.organizational_unit_id);
  if (u == nullptr) {
    return common::Error{"OrganizationalUnitNotFoundException",
                         "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.",
                         ""};
  }
  return po::DescribeOrganizationalUnitResult{wire_unit(*o, *u)};
}

Result<po::UpdateOrganizationalUnitResult> OrganizationsHandlers::update_organizational_unit(
    const po::UpdateOrganizationalUnitRequest& r) {
  auto o = authorized("organizations:UpdateOrganizationalUnit", [&](const org::Organization& o) {
    return org::unit_arn(partition(), o, r.organizational_unit_id);
  });
  if (!o) return o.error();
  const org::Unit* current = o->unit(r.organizational_unit_id);
  const std::string name = r.name.value_or(current != nullptr ? current->name : std::string());
  auto u = orgs().rename_unit(pipe_.write().tx, pipe_.account_id(), r.organizational_unit_id, name);
  if (!u) return u.error();
  return po::UpdateOrganizationalUnitResult{wire_unit(*o, *u)};
}

Result<void> OrganizationsHandlers::delete_organizational_unit(const po::DeleteOrganizationalUnitRequest& r) {
  auto o = authorized("organizations:DeleteOrganizationalUnit", [&](const org::Organization& o) {
    return org::unit_arn(partition(), o, r.organizational_unit_id);
  });
  if (!o) return o.error();
  return orgs().delete_unit(pipe_.write().tx, pipe_.account_id(), r.organizational_unit_id);
}

namespace {
common::Error parent_not_found() {
  return common::Error{"ParentNotFoundException",
                       "We can't find a root or organizational unit (OU) with the ParentId that you specified.", ""};
}
bool is_parent(const org::Organization& o, std::string_view id) {
  return id == o.root_id || o.unit(id) != nullptr;
}
}  // namespace

Result<po::ListOrganizationalUnitsForParentResult> OrganizationsHandlers::list_organizational_units_for_parent(
    const po::ListOrganizationalUnitsForParentRequest& r) {
  auto o = authorized("organizations:ListOrganizationalUnitsForParent",
                      [&](const org::Organization& o) { return target_arn(o, r.parent_id); });
  if (!o) return o.error();
  if (!is_parent(*o, r.parent_id)) return parent_not_found();
  std::vector<po::OrganizationalUnit> all;
  for (const org::Unit& u : o->units) {
    if (u.parent_id == r.parent_id) all.push_back(wire_unit(*o, u));
  }
  po::ListOrganizationalUnitsForParentResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.organizational_units, out.next_token); !p) {
    return p.error();
  }
  return out;
}

Result<po::CreateAccountResult> OrganizationsHandlers::create_account(const po::CreateAccountRequest& r) {
  const condition::Context extra = tag_keys(r.tags);
  auto o = authorized("organizations:CreateAccount", nullptr, &extra);
  if (!o) return o.error();
  iam::Write w = pipe_.write();
  iam::IamDomain& domain = ctx_.domain;
  const std::string role_name = r.role_name.value_or("OrganizationAccountAccessRole");
  const std::string management = o->management_account;
  auto status = orgs().add_created_account(
      w.tx, pipe_.account_id(), r.account_name, r.email, domain_tags(r.tags), [&]() -> Result<std::string> {
        // A new account id no account has.
        std::string id;
        for (int i = 0; i < 100 && id.empty(); ++i) {
          std::string candidate = common::make_account_id(*domain.env().random);
          auto existing = w.tx.get_account(candidate);
          if (!existing && store::is_not_found(existing.error())) id = std::move(candidate);
        }
        if (id.empty()) return common::Error{"ServiceException", "no free account id", ""};
        store::Account account;
        account.id = id;
        account.create_date = domain.env().clock->now();
        if (auto c = w.tx.create_account(account); !c) return c.error();
        store::Role role;
        role.name = role_name;
        role.trust_policy = access_role_trust(domain.env().partition, management);
        role.max_session_duration = 3600;
        const iam::Write in_new{id, w.tx};
        if (auto c = domain.roles.create_role(in_new, role); !c) return c.error();
        if (auto p = domain.roles.put_role_policy(in_new, role_name, "AdministratorAccess", kAdministratorAccess); !p) {
          return p.error();
        }
        return id;
      });
  if (!status) return status.error();
  // [IMPL] iamd creates the account at once: the answer already says SUCCEEDED (or FAILED),
  // where AWS answers IN_PROGRESS and DescribeCreateAccountStatus later says the same.
  return po::CreateAccountResult{wire_status(*status)};
}

Result<po::DescribeCreateAccountStatusResult> OrganizationsHandlers::describe_create_account_status(
    const po::DescribeCreateAccountStatusRequest& r) {
  auto o = authorized("organizations:DescribeCreateAccountStatus", nullptr);
  if (!o) return o.error();
  for (const org::CreateStatus& s : o->create_statuses) {
    if (s.id == r.create_account_request_id) return po::DescribeCreateAccountStatusResult{wire_status(s)};
  }
  return common::Error{"CreateAccountStatusNotFoundException",
                       "We can't find an create account request with the CreateAccountRequestId that you specified.",
                       ""};
}

Result<po::ListCreateAccountStatusResult> OrganizationsHandlers::list_create_account_status(
    const po::ListCreateAccountStatusRequest& r) {
  auto o = authorized("organizations:ListCreateAccountStatus", nullptr);
  if (!o) return o.error();
  std::vector<po::CreateAccountStatus> all;
  for (const org::CreateStatus& s : o->create_statuses) {
    if (r.states.empty() || std::find(r.states.begin(), r.states.end(), s.state) != r.states.end()) {
      all.push_back(wire_status(s));
    }
  }
  po::ListCreateAccountStatusResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.create_account_statuses, out.next_token); !p) {
    return p.error();
  }
  return out;
}

Result<po::DescribeAccountResult> OrganizationsHandlers::describe_account(const po::DescribeAccountRequest& r) {
  auto o = authorized("organizations:DescribeAccount",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  const org::Member* m = o->member(r.account_id);
  if (m == nullptr) {
    return common::Error{"AccountNotFoundException", "You specified an account that doesn't exist.", ""};
  }
  return po::DescribeAccountResult{wire_account(*o, *m)};
}

Result<po::ListAccountsResult> OrganizationsHandlers::list_accounts(const po::ListAccountsRequest& r) {
  auto o = authorized("organizations:ListAccounts", nullptr);
  if (!o) return o.error();
  std::vector<po::Account> all;
  for (const org::Member& m : o->members) all.push_back(wire_account(*o, m));
  po::ListAccountsResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.accounts, out.next_token); !p) return p.error();
  return out;
}

Result<po::ListAccountsForParentResult> OrganizationsHandlers::list_accounts_for_parent(
    const po::ListAccountsForParentRequest& r) {
  auto o = authorized("organizations:ListAccountsForParent",
                      [&](const org::Organization& o) { return target_arn(o, r.parent_id); });
  if (!o) return o.error();
  if (!is_parent(*o, r.parent_id)) return parent_not_found();
  std::vector<po::Account> all;
  for (const org::Member& m : o->members) {
    if (m.parent_id == r.parent_id) all.push_back(wire_account(*o, m));
  }
  po::ListAccountsForParentResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.accounts, out.next_token); !p) return p.error();
  return out;
}

Result<void> OrganizationsHandlers::move_account(const po::MoveAccountRequest& r) {
  auto o = authorized("organizations:MoveAccount",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  return orgs().move_account(pipe_.write().tx, pipe_.account_id(), r.account_id, r.source_parent_id,
                             r.destination_parent_id);
}

Result<void> OrganizationsHandlers::remove_account_from_organization(
    const po::RemoveAccountFromOrganizationRequest& r) {
  auto o = authorized("organizations:RemoveAccountFromOrganization",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  return orgs().remove_account(pipe_.write().tx, pipe_.account_id(), r.account_id);
}

Result<po::ListParentsResult> OrganizationsHandlers::list_parents(const po::ListParentsRequest& r) {
  auto o =
      authorized("organizations:ListParents", [&](const org::Organization& o) { return target_arn(o, r.child_id); });
  if (!o) return o.error();
  std::string parent;
  if (const org::Member* m = o->member(r.child_id)) parent = m->parent_id;
  if (const org::Unit* u = o->unit(r.child_id)) parent = u->parent_id;
  if (parent.empty()) {
    return common::Error{
        "ChildNotFoundException",
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", ""};
  }
  po::ListParentsResult out;
  std::vector<po::Parent> all{po::Parent{parent, parent == o->root_id ? "ROOT" : "ORGANIZATIONAL_UNIT"}};
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.parents, out.next_token); !p) return p.error();
  return out;
}

Result<po::ListChildrenResult> OrganizationsHandlers::list_children(const po::ListChildrenRequest& r) {
  auto o =
      authorized("organizations:ListChildren", [&](const org::Organization& o) { return target_arn(o, r.parent_id); });
  if (!o) return o.error();
  if (!is_parent(*o, r.parent_id)) return parent_not_found();
  std::vector<po::Child> all;
  if (r.child_type == "ACCOUNT") {
    for (const org::Member& m : o->members) {
      if (m.parent_id == r.parent_id) all.push_back(po::Child{m.account_id, "ACCOUNT"});
    }
  } else {
    for (const org::Unit& u : o->units) {
      if (u.parent_id == r.parent_id) all.push_back(po::Child{u.id, "ORGANIZATIONAL_UNIT"});
    }
  }
  po::ListChildrenResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.children, out.next_token); !p) return p.error();
  return out;
}

Result<po::CreatePolicyResult> OrganizationsHandlers::create_policy(const po::CreatePolicyRequest& r) {
  condition::Context extra = tag_keys(r.tags);
  extra.set("organizations:PolicyType", r.type);
  auto o = authorized("organizations:CreatePolicy", nullptr, &extra);
  if (!o) return o.error();
  auto p = orgs().create_policy(pipe_.write().tx, pipe_.account_id(), r.name, r.description, r.type, r.content,
                                domain_tags(r.tags));
  if (!p) return p.error();
  return po::CreatePolicyResult{po::Policy{wire_summary(*o, *p), p->content}};
}

namespace {
// The ARN of a policy id in `o` (AWS managed or not; for an unknown id, as a service control
// policy would be named: the ARN is only what is authorized).
std::string policy_arn_of(std::string_view partition, const org::Organization& o, std::string_view id) {
  auto p = org::Organizations::find_policy(o, id);
  if (p) return org::policy_arn(partition, o, *p);
  org::ControlPolicy unknown;
  unknown.id = std::string(id);
  unknown.type = std::string(org::kServiceControlPolicy);
  return org::policy_arn(partition, o, unknown);
}
}  // namespace

Result<po::DescribePolicyResult> OrganizationsHandlers::describe_policy(const po::DescribePolicyRequest& r) {
  auto o = authorized("organizations:DescribePolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  auto p = org::Organizations::find_policy(*o, r.policy_id);
  if (!p) return p.error();
  return po::DescribePolicyResult{po::Policy{wire_summary(*o, *p), p->content}};
}

Result<po::UpdatePolicyResult> OrganizationsHandlers::update_policy(const po::UpdatePolicyRequest& r) {
  auto o = authorized("organizations:UpdatePolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  auto opt = [](const std::optional<std::string>& v) { return v ? std::optional<std::string_view>(*v) : std::nullopt; };
  auto p = orgs().update_policy(pipe_.write().tx, pipe_.account_id(), r.policy_id, opt(r.name), opt(r.description),
                                opt(r.content));
  if (!p) return p.error();
  return po::UpdatePolicyResult{po::Policy{wire_summary(*o, *p), p->content}};
}

Result<void> OrganizationsHandlers::delete_policy(const po::DeletePolicyRequest& r) {
  auto o = authorized("organizations:DeletePolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  return orgs().delete_policy(pipe_.write().tx, pipe_.account_id(), r.policy_id);
}

Result<void> OrganizationsHandlers::attach_policy(const po::AttachPolicyRequest& r) {
  // [AWS] Both the policy and the target are resources of AttachPolicy.
  auto o = authorized("organizations:AttachPolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  if (auto a = pipe_.authorize("organizations:AttachPolicy", target_arn(*o, r.target_id)); !a) return a;
  return orgs().attach(pipe_.write().tx, pipe_.account_id(), r.policy_id, r.target_id);
}

Result<void> OrganizationsHandlers::detach_policy(const po::DetachPolicyRequest& r) {
  auto o = authorized("organizations:DetachPolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  if (auto a = pipe_.authorize("organizations:DetachPolicy", target_arn(*o, r.target_id)); !a) return a;
  return orgs().detach(pipe_.write().tx, pipe_.account_id(), r.policy_id, r.target_id);
}

Result<po::ListPoliciesResult> OrganizationsHandlers::list_policies(const po::ListPoliciesRequest& r) {
  const condition::Context extra = policy_type_key(r.filter);
  auto o = authorized("organizations:ListPolicies", nullptr, &extra);
  if (!o) return o.error();
  std::vector<po::PolicySummary> all;
  if (r.filter == org::kServiceControlPolicy || r.filter == org::kResourceControlPolicy) {
    all.push_back(wire_summary(*o, org::full_access_policy(r.filter)));
  }
  for (const org::ControlPolicy& p : o->policies) {
    if (p.type == r.filter) all.push_back(wire_summary(*o, p));
  }
  po::ListPoliciesResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.policies, out.next_token); !p) return p.error();
  return out;
}

Result<po::ListPoliciesForTargetResult> OrganizationsHandlers::list_policies_for_target(
    const po::ListPoliciesForTargetRequest& r) {
  const condition::Context extra = policy_type_key(r.filter);
  auto o = authorized(
      "organizations:ListPoliciesForTarget", [&](const org::Organization& o) { return target_arn(o, r.target_id); },
      &extra);
  if (!o) return o.error();
  if (auto t = org::Organizations::find_target(*o, r.target_id); !t) return t.error();
  std::vector<po::PolicySummary> all;
  for (const std::string& id : org::Organizations::attached(*o, r.target_id, r.filter)) {
    auto p = org::Organizations::find_policy(*o, id);
    if (p) all.push_back(wire_summary(*o, *p));
  }
  po::ListPoliciesForTargetResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.policies, out.next_token); !p) return p.error();
  return out;
}

Result<po::ListTargetsForPolicyResult> OrganizationsHandlers::list_targets_for_policy(
    const po::ListTargetsForPolicyRequest& r) {
  auto o = authorized("organizations:ListTargetsForPolicy",
                      [&](const org::Organization& o) { return policy_arn_of(partition(), o, r.policy_id); });
  if (!o) return o.error();
  if (auto p = org::Organizations::find_policy(*o, r.policy_id); !p) return p.error();
  std::vector<po::PolicyTargetSummary> all;
  for (const org::Attachment& a : o->attachments) {
    if (a.policy_id != r.policy_id) continue;
    po::PolicyTargetSummary t;
    t.target_id = a.target_id;
    t.arn = target_arn(*o, a.target_id);
    if (a.target_id == o->root_id) {
      t.name = "Root";
      t.type = "ROOT";
    } else if (const org::Unit* u = o->unit(a.target_id)) {
      t.name = u->name;
      t.type = "ORGANIZATIONAL_UNIT";
    } else if (const org::Member* m = o->member(a.target_id)) {
      t.name = m->name;
      t.type = "ACCOUNT";
    }
    all.push_back(std::move(t));
  }
  po::ListTargetsForPolicyResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.targets, out.next_token); !p) return p.error();
  return out;
}

Result<po::EnablePolicyTypeResult> OrganizationsHandlers::enable_policy_type(const po::EnablePolicyTypeRequest& r) {
  const condition::Context extra = policy_type_key(r.policy_type);
  auto o = authorized(
      "organizations:EnablePolicyType", [&](const org::Organization& o) { return target_arn(o, r.root_id); }, &extra);
  if (!o) return o.error();
  auto after = orgs().enable_type(pipe_.write().tx, pipe_.account_id(), r.root_id, r.policy_type);
  if (!after) return after.error();
  return po::EnablePolicyTypeResult{wire_root(*after)};
}

Result<po::DisablePolicyTypeResult> OrganizationsHandlers::disable_policy_type(const po::DisablePolicyTypeRequest& r) {
  const condition::Context extra = policy_type_key(r.policy_type);
  auto o = authorized(
      "organizations:DisablePolicyType", [&](const org::Organization& o) { return target_arn(o, r.root_id); }, &extra);
  if (!o) return o.error();
  auto after = orgs().disable_type(pipe_.write().tx, pipe_.account_id(), r.root_id, r.policy_type);
  if (!after) return after.error();
  return po::DisablePolicyTypeResult{wire_root(*after)};
}

// The ARN of a taggable resource id (root, OU, account or policy).
std::string OrganizationsHandlers::resource_arn(const org::Organization& o, std::string_view id) const {
  if (id.starts_with("p-")) return policy_arn_of(partition(), o, id);
  return target_arn(o, id);
}

Result<void> OrganizationsHandlers::tag_resource(const po::TagResourceRequest& r) {
  const condition::Context extra = tag_keys(r.tags);
  auto o = authorized(
      "organizations:TagResource", [&](const org::Organization& o) { return resource_arn(o, r.resource_id); }, &extra);
  if (!o) return o.error();
  return orgs().tag(pipe_.write().tx, pipe_.account_id(), r.resource_id, domain_tags(r.tags));
}

Result<void> OrganizationsHandlers::untag_resource(const po::UntagResourceRequest& r) {
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  auto o = authorized(
      "organizations:UntagResource", [&](const org::Organization& o) { return resource_arn(o, r.resource_id); },
      &extra);
  if (!o) return o.error();
  return orgs().untag(pipe_.write().tx, pipe_.account_id(), r.resource_id, r.tag_keys);
}

Result<po::ListTagsForResourceResult> OrganizationsHandlers::list_tags_for_resource(
    const po::ListTagsForResourceRequest& r) {
  auto o = authorized("organizations:ListTagsForResource",
                      [&](const org::Organization& o) { return resource_arn(o, r.resource_id); });
  if (!o) return o.error();
  auto tags = orgs().tags_of(pipe_.read().tx, pipe_.account_id(), r.resource_id);
  if (!tags) return tags.error();
  po::ListTagsForResourceResult out;
  if (auto p = page(wire_tags(*tags), r.next_token, std::nullopt, out.tags, out.next_token); !p) return p.error();
  return out;
}

po::Handshake OrganizationsHandlers::wire_handshake(const org::Organization& o, const org::Handshake& h) const {
  po::Handshake w;
  w.id = h.id;
  w.arn = org::handshake_arn(partition(), o, h.id);
  w.parties.push_back(po::HandshakeParty{o.id, "ORGANIZATION"});
  w.parties.push_back(po::HandshakeParty{h.target, "ACCOUNT"});
  w.state = h.state;
  w.requested_timestamp = h.requested;
  w.expiration_timestamp = h.expires;
  w.action = "INVITE";
  po::HandshakeResource organization;
  organization.value = o.id;
  organization.type = "ORGANIZATION";
  organization.resources.push_back(po::HandshakeResource{o.feature_set, "ORGANIZATION_FEATURE_SET", {}});
  w.resources.push_back(std::move(organization));
  w.resources.push_back(po::HandshakeResource{h.target, "ACCOUNT", {}});
  if (!h.notes.empty()) w.resources.push_back(po::HandshakeResource{h.notes, "NOTES", {}});
  return w;
}

Result<po::InviteAccountToOrganizationResult> OrganizationsHandlers::invite_account_to_organization(
    const po::InviteAccountToOrganizationRequest& r) {
  const condition::Context extra = tag_keys(r.tags);
  auto o = authorized("organizations:InviteAccountToOrganization", nullptr, &extra);
  if (!o) return o.error();
  if (r.target.type != "ACCOUNT") {
    // [IMPL] iamd accounts have no email address to invite by.
    return org::invalid_input("INVALID_PARTY_TYPE_TARGET",
                              "iamd invites accounts by their account id (Target Type ACCOUNT).");
  }
  auto h = orgs().invite(pipe_.write().tx, pipe_.account_id(), r.target.id, r.notes.value_or(""));
  if (!h) return h.error();
  return po::InviteAccountToOrganizationResult{wire_handshake(*o, *h)};
}

Result<po::Handshake> OrganizationsHandlers::answer(std::string_view action, std::string_view id,
                                                    std::string_view state) {
  // [AWS] The handshake is the resource; the invited account answers before it has an
  // organization, so the ARN comes from the handshake's.
  auto found = orgs().handshake(pipe_.read().tx, pipe_.account_id(), id);
  const std::string arn = found ? org::handshake_arn(partition(), found->first, id) : std::string("*");
  if (auto a = pipe_.authorize(action, arn); !a) return a.error();
  if (!found) return found.error();
  auto done = orgs().answer_handshake(pipe_.write().tx, pipe_.account_id(), id, state);
  if (!done) return done.error();
  return wire_handshake(done->first, done->second);
}

Result<po::AcceptHandshakeResult> OrganizationsHandlers::accept_handshake(const po::AcceptHandshakeRequest& r) {
  auto h = answer("organizations:AcceptHandshake", r.handshake_id, "ACCEPTED");
  if (!h) return h.error();
  return po::AcceptHandshakeResult{std::move(h).value()};
}

Result<po::DeclineHandshakeResult> OrganizationsHandlers::decline_handshake(const po::DeclineHandshakeRequest& r) {
  auto h = answer("organizations:DeclineHandshake", r.handshake_id, "DECLINED");
  if (!h) return h.error();
  return po::DeclineHandshakeResult{std::move(h).value()};
}

Result<po::CancelHandshakeResult> OrganizationsHandlers::cancel_handshake(const po::CancelHandshakeRequest& r) {
  auto h = answer("organizations:CancelHandshake", r.handshake_id, "CANCELED");
  if (!h) return h.error();
  return po::CancelHandshakeResult{std::move(h).value()};
}

Result<po::DescribeHandshakeResult> OrganizationsHandlers::describe_handshake(const po::DescribeHandshakeRequest& r) {
  auto found = orgs().handshake(pipe_.read().tx, pipe_.account_id(), r.handshake_id);
  const std::string arn = found ? org::handshake_arn(partition(), found->first, r.handshake_id) : std::string("*");
  if (auto a = pipe_.authorize("organizations:DescribeHandshake", arn); !a) return a.error();
  if (!found) return found.error();
  return po::DescribeHandshakeResult{wire_handshake(found->first, found->second)};
}

Result<po::ListHandshakesForAccountResult> OrganizationsHandlers::list_handshakes_for_account(
    const po::ListHandshakesForAccountRequest& r) {
  if (auto a = pipe_.authorize("organizations:ListHandshakesForAccount", "*"); !a) return a.error();
  auto mine = orgs().handshakes_for(pipe_.read().tx, pipe_.account_id());
  if (!mine) return mine.error();
  std::vector<po::Handshake> all;
  for (const auto& entry : *mine) {
    if (r.filter && r.filter->action_type && *r.filter->action_type != "INVITE") continue;
    all.push_back(wire_handshake(entry.first, entry.second));
  }
  po::ListHandshakesForAccountResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.handshakes, out.next_token); !p) return p.error();
  return out;
}

Result<po::ListHandshakesForOrganizationResult> OrganizationsHandlers::list_handshakes_for_organization(
    const po::ListHandshakesForOrganizationRequest& r) {
  auto o = authorized("organizations:ListHandshakesForOrganization", nullptr);
  if (!o) return o.error();
  std::vector<po::Handshake> all;
  for (const org::Handshake& h : o->handshakes) {
    if (r.filter && r.filter->action_type && *r.filter->action_type != "INVITE") continue;
    all.push_back(wire_handshake(*o, h));
  }
  po::ListHandshakesForOrganizationResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.handshakes, out.next_token); !p) return p.error();
  return out;
}

Result<void> OrganizationsHandlers::leave_organization(const po::LeaveOrganizationRequest&) {
  if (auto o = authorized("organizations:LeaveOrganization", nullptr, nullptr, false); !o) return o.error();
  return orgs().leave(pipe_.write().tx, pipe_.account_id());
}

Result<void> OrganizationsHandlers::enable_aws_service_access(const po::EnableAWSServiceAccessRequest& r) {
  if (auto o = authorized("organizations:EnableAWSServiceAccess", nullptr); !o) return o.error();
  return orgs().set_service_access(pipe_.write().tx, pipe_.account_id(), r.service_principal, true);
}

Result<void> OrganizationsHandlers::disable_aws_service_access(const po::DisableAWSServiceAccessRequest& r) {
  if (auto o = authorized("organizations:DisableAWSServiceAccess", nullptr); !o) return o.error();
  return orgs().set_service_access(pipe_.write().tx, pipe_.account_id(), r.service_principal, false);
}

Result<po::ListAWSServiceAccessForOrganizationResult> OrganizationsHandlers::list_aws_service_access_for_organization(
    const po::ListAWSServiceAccessForOrganizationRequest& r) {
  auto o = authorized("organizations:ListAWSServiceAccessForOrganization", nullptr);
  if (!o) return o.error();
  std::vector<po::EnabledServicePrincipal> all;
  for (const org::TrustedService& t : o->trusted_services)
    all.push_back(po::EnabledServicePrincipal{t.principal, t.enabled});
  po::ListAWSServiceAccessForOrganizationResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.enabled_service_principals, out.next_token); !p) {
    return p.error();
  }
  return out;
}

Result<void> OrganizationsHandlers::register_delegated_administrator(
    const po::RegisterDelegatedAdministratorRequest& r) {
  auto o = authorized("organizations:RegisterDelegatedAdministrator",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  return orgs().register_delegated_admin(pipe_.write().tx, pipe_.account_id(), r.account_id, r.service_principal);
}

Result<void> OrganizationsHandlers::deregister_delegated_administrator(
    const po::DeregisterDelegatedAdministratorRequest& r) {
  auto o = authorized("organizations:DeregisterDelegatedAdministrator",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  return orgs().deregister_delegated_admin(pipe_.write().tx, pipe_.account_id(), r.account_id, r.service_principal);
}

Result<po::ListDelegatedAdministratorsResult> OrganizationsHandlers::list_delegated_administrators(
    const po::ListDelegatedAdministratorsRequest& r) {
  auto o = authorized("organizations:ListDelegatedAdministrators", nullptr);
  if (!o) return o.error();
  std::vector<po::DelegatedAdministrator> all;
  std::vector<std::string> seen;
  for (const org::Delegation& d : o->delegations) {
    if (r.service_principal && d.principal != *r.service_principal) continue;
    if (std::find(seen.begin(), seen.end(), d.account_id) != seen.end()) continue;
    const org::Member* m = o->member(d.account_id);
    if (m == nullptr) continue;
    seen.push_back(d.account_id);
    const po::Account a = wire_account(*o, *m);
    po::DelegatedAdministrator w;
    w.id = a.id;
    w.arn = a.arn;
    w.email = a.email;
    w.name = a.name;
    w.status = a.status;
    w.joined_method = a.joined_method;
    w.joined_timestamp = a.joined_timestamp;
    w.delegation_enabled_date = d.enabled;  // [UNCERTAIN] the first delegation's, for several services
    all.push_back(std::move(w));
  }
  po::ListDelegatedAdministratorsResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.delegated_administrators, out.next_token); !p) {
    return p.error();
  }
  return out;
}

Result<po::ListDelegatedServicesForAccountResult> OrganizationsHandlers::list_delegated_services_for_account(
    const po::ListDelegatedServicesForAccountRequest& r) {
  auto o = authorized("organizations:ListDelegatedServicesForAccount",
                      [&](const org::Organization& o) { return org::account_arn(partition(), o, r.account_id); });
  if (!o) return o.error();
  if (o->member(r.account_id) == nullptr) {
    return common::Error{"AccountNotFoundException", "You specified an account that doesn't exist.", ""};
  }
  std::vector<po::DelegatedService> all;
  for (const org::Delegation& d : o->delegations) {
    if (d.account_id == r.account_id) all.push_back(po::DelegatedService{d.principal, d.enabled});
  }
  if (all.empty()) {
    return common::Error{"AccountNotRegisteredException",
                         "The provided account is not a registered delegated administrator for your organization.", ""};
  }
  po::ListDelegatedServicesForAccountResult out;
  if (auto p = page(std::move(all), r.next_token, r.max_results, out.delegated_services, out.next_token); !p) {
    return p.error();
  }
  return out;
}

}  // namespace iamd::api
