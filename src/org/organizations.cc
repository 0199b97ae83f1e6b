#include "org/organizations.h"

#include <algorithm>
#include <charconv>

#include "policy/document.h"

namespace iamd::org {

namespace {

using common::Error;
using common::Result;

// [AWS] Messages of the API reference's error shapes; a ConstraintViolationException's are
// the documented texts of its reasons (the model's documentation); [UNCERTAIN] where AWS's
// text is not documented (marked at each).
Error error(std::string_view code, std::string_view message) {
  return Error{std::string(code), std::string(message), ""};
}
Error already_in_organization() {
  return error("AlreadyInOrganizationException", "The provided account is already a member of an organization.");
}
Error parent_not_found() {
  return error("ParentNotFoundException",
               "We can't find a root or organizational unit (OU) with the ParentId that you specified.");
}
Error unit_not_found() {
  return error("OrganizationalUnitNotFoundException",
               "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.");
}
Error account_not_found() {
  return error("AccountNotFoundException", "You specified an account that doesn't exist.");
}
Error policy_not_found() {
  return error("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.");
}
Error target_not_found() {
  return error("TargetNotFoundException",
               "We can't find a root, OU, account, or policy with the TargetId that you specified.");
}
Error root_not_found() {
  return error("RootNotFoundException", "We can't find a root with the RootId that you specified.");
}
Error type_not_enabled() {
  return error("PolicyTypeNotEnabledException",
               "The specified policy type isn't currently enabled in this root. You can't attach policies of the "
               "specified type to entities in a root until you enable that type in the root.");
}
// [IMPL] Tag, backup, AI services opt-out, chatbot and declarative policies are not
// enforced by iamd: it says so rather than keep documents it cannot apply.
Error type_not_supported(std::string_view type) {
  return error("PolicyTypeNotAvailableForOrganizationException",
               "iamd does not support the policy type " + std::string(type) +
                   ": only SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY are enforced.");
}

bool supported_type(std::string_view type) {
  return type == kServiceControlPolicy || type == kResourceControlPolicy;
}

bool same_name(std::string_view a, std::string_view b) {
  // [UNCERTAIN] OU and policy names are compared exactly (AWS does not document case folding).
  return a == b;
}

const Result<void> kOk{};

}  // namespace

Result<void> Env::apply(std::string_view setting) {
  const std::size_t eq = setting.find('=');
  const std::string_view name = setting.substr(0, eq);
  const std::string_view text = eq == std::string_view::npos ? std::string_view() : setting.substr(eq + 1);
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool number = eq != std::string_view::npos && !text.empty() && ec == std::errc() &&
                      end == text.data() + text.size() && value >= 1 && value <= 1000000;
  if (!number) {
    return Error{"InvalidConfiguration",
                 "\"" + std::string(setting) + "\" is not NAME=VALUE with VALUE from 1 to 1000000", ""};
  }
  if (name == "ControlPolicySize") {
    policy_size = static_cast<int>(value);
  } else if (name == "AccountsPerOrganization") {
    max_accounts = static_cast<int>(value);
  } else {
    return Error{
        "InvalidConfiguration",
        "unknown Organizations quota \"" + std::string(name) + "\" (ControlPolicySize, AccountsPerOrganization)", ""};
  }
  return kOk;
}

Error not_in_use() {
  return error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
}
Error access_denied() {
  return error("AccessDeniedException", "You don't have permissions to access this resource.");
}
Error constraint(std::string_view reason, std::string_view message) {
  return Error{"ConstraintViolationException", std::string(message), "", std::string(reason)};
}
Error invalid_input(std::string_view reason, std::string_view message) {
  return Error{"InvalidInputException", std::string(message), "", std::string(reason)};
}

namespace {
Error delegated_admin_cannot_leave() {
  return constraint("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
                    "You attempted to remove an account that is registered as a delegated administrator for a "
                    "service integrated with your organization. To complete this operation, you must first "
                    "deregister this account as a delegated administrator.");
}
Error management_cannot_leave() {
  return error("MasterCannotLeaveOrganizationException",
               "You can't remove a management account from an organization. If you want the management account to "
               "become a member account in another organization, you must first delete the current organization of "
               "the management account.");
}

}  // namespace

std::string Organizations::new_id(std::string_view prefix, std::size_t length) const {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id(prefix);
  const std::string bytes = env_.random->bytes(length);
  for (unsigned char b : bytes) id += kChars[b % kChars.size()];
  return id;
}

Result<Organization> Organizations::of_account(store::ReadTransaction& tx, std::string_view account) const {
  auto membership = tx.get_resource(store::ResourceKind::kOrgMembership, account);
  if (!membership) return store::is_not_found(membership.error()) ? not_in_use() : membership.error();
  auto record = tx.get_resource(store::ResourceKind::kOrganization, membership->body);
  if (!record) return store::is_not_found(record.error()) ? not_in_use() : record.error();
  return decode(record->body);
}

Result<Organization> Organizations::managed_by(store::ReadTransaction& tx, std::string_view caller) const {
  auto o = of_account(tx, caller);
  if (!o) return o;
  if (o->management_account != caller) return access_denied();
  return o;
}

Result<void> Organizations::save(store::Transaction& tx, const Organization& o) const {
  store::Resource r;
  r.kind = store::ResourceKind::kOrganization;
  r.account_id = o.management_account;
  r.id = o.id;
  r.name = o.id;
  r.create_date = o.created;
  r.body = encode(o);
  return tx.update_resource(r);
}

namespace {
Result<void> add_membership(store::Transaction& tx, std::string_view account, const Organization& o,
                            common::Timestamp now) {
  store::Resource m;
  m.kind = store::ResourceKind::kOrgMembership;
  m.account_id = std::string(account);
  m.id = std::string(account);
  m.name = std::string(account);
  m.create_date = now;
  m.body = o.id;
  auto r = tx.create_resource(m);
  if (!r && r.error().code == "AlreadyExists") return already_in_organization();
  return r;
}

// Attaches the allow-all policy of each enabled type to a new target (AWS does for every OU
// and account that joins a root with the type enabled).
void attach_full_access(Organization& o, std::string_view target) {
  for (const std::string& type : o.enabled_types) {
    o.attachments.push_back(Attachment{std::string(full_access_policy(type).id), std::string(target)});
  }
}
}  // namespace

Result<Organization> Organizations::create(store::Transaction& tx, std::string_view caller,
                                           std::string_view feature_set) {
  if (auto existing = tx.get_resource(store::ResourceKind::kOrgMembership, caller); existing) {
    return already_in_organization();
  } else if (!store::is_not_found(existing.error())) {
    return existing.error();
  }
  Organization o;
  o.id = new_id("o-", 10);
  o.root_id = new_id("r-", 4);
  o.management_account = std::string(caller);
  o.feature_set = feature_set.empty() ? std::string("ALL") : std::string(feature_set);
  o.created = env_.clock->now();
  o.created.nanos = 0;
  Member m;
  m.account_id = std::string(caller);
  m.parent_id = o.root_id;
  m.joined_method = "INVITED";  // [AWS] the management account shows as invited
  m.joined = o.created;
  o.members.push_back(std::move(m));
  store::Resource r;
  r.kind = store::ResourceKind::kOrganization;
  r.account_id = o.management_account;
  r.id = o.id;
  r.name = o.id;
  r.create_date = o.created;
  r.body = encode(o);
  if (auto c = tx.create_resource(r); !c) return c.error();
  if (auto c = add_membership(tx, caller, o, o.created); !c) return c.error();
  return o;
}

Result<void> Organizations::remove(store::Transaction& tx, std::string_view caller) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (o->members.size() > 1) {
    return error("OrganizationNotEmptyException",
                 "To delete an organization you must first remove all member accounts (except the master).");
  }
  if (auto d = tx.delete_resource(store::ResourceKind::kOrgMembership, caller); !d) return d;
  return tx.delete_resource(store::ResourceKind::kOrganization, o->id);
}

Result<Unit> Organizations::create_unit(store::Transaction& tx, std::string_view caller, std::string_view parent_id,
                                        std::string_view name, const store::Tags& tags) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (parent_id != o->root_id && o->unit(parent_id) == nullptr) return parent_not_found();
  for (const Unit& u : o->units) {
    if (u.parent_id == parent_id && same_name(u.name, name)) {
      return error("DuplicateOrganizationalUnitException", "An OU with the same name already exists.");
    }
  }
  if (static_cast<int>(o->units.size()) >= env_.max_units) {
    return constraint("OU_NUMBER_LIMIT_EXCEEDED",
                      "You attempted to exceed the number of OUs that you can have in an organization.");
  }
  if (o->depth(parent_id) + 1 > env_.max_depth) {
    return constraint("OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep.");
  }
  if (static_cast<int>(tags.size()) > env_.max_tags) {
    return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.");
  }
  Unit u;
  u.id = "ou-" + o->root_id.substr(2) + "-" + new_id("", 8);
  u.name = std::string(name);
  u.parent_id = std::string(parent_id);
  u.tags = tags;
  o->units.push_back(u);
  attach_full_access(*o, u.id);
  if (auto s = save(tx, *o); !s) return s.error();
  return u;
}

Result<Unit> Organizations::rename_unit(store::Transaction& tx, std::string_view caller, std::string_view unit_id,
                                        std::string_view name) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  auto it = std::find_if(o->units.begin(), o->units.end(), [&](const Unit& u) { return u.id == unit_id; });
  if (it == o->units.end()) return unit_not_found();
  for (const Unit& u : o->units) {
    if (u.id != unit_id && u.parent_id == it->parent_id && same_name(u.name, name)) {
      return error("DuplicateOrganizationalUnitException", "An OU with the same name already exists.");
    }
  }
  it->name = std::string(name);
  Unit out = *it;
  if (auto s = save(tx, *o); !s) return s.error();
  return out;
}

Result<void> Organizations::delete_unit(store::Transaction& tx, std::string_view caller, std::string_view unit_id) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (o->unit(unit_id) == nullptr) return unit_not_found();
  const bool has_children =
      std::any_of(o->units.begin(), o->units.end(), [&](const Unit& u) { return u.parent_id == unit_id; }) ||
      std::any_of(o->members.begin(), o->members.end(), [&](const Member& m) { return m.parent_id == unit_id; });
  if (has_children) {
    return error("OrganizationalUnitNotEmptyException",
                 "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child "
                 "OUs, and try the operation again.");
  }
  std::erase_if(o->units, [&](const Unit& u) { return u.id == unit_id; });
  std::erase_if(o->attachments, [&](const Attachment& a) { return a.target_id == unit_id; });
  return save(tx, *o);
}

Result<CreateStatus> Organizations::add_created_account(store::Transaction& tx, std::string_view caller,
                                                        std::string_view name, std::string_view email,
                                                        const store::Tags& tags,
                                                        const std::function<common::Result<std::string>()>& create) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (static_cast<int>(o->members.size()) >= env_.max_accounts) {
    return constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                      "You attempted to exceed the limit on the number of accounts in an organization.");
  }
  if (static_cast<int>(tags.size()) > env_.max_tags) {
    return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.");
  }
  const common::Timestamp now{env_.clock->now().seconds, 0};
  CreateStatus s;
  s.id = new_id("car-", 32);
  s.account_name = std::string(name);
  s.requested = now;
  s.completed = now;
  // [AWS] An address that another account uses fails the request (FailureReason
  // EMAIL_ALREADY_EXISTS); the request itself is accepted. Addresses compare case-insensitively.
  auto lower = [](std::string_view v) {
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
    return s;
  };
  const bool taken = std::any_of(o->members.begin(), o->members.end(),
                                 [&](const Member& m) { return !m.email.empty() && lower(m.email) == lower(email); });
  if (taken) {
    s.state = "FAILED";
    s.failure_reason = "EMAIL_ALREADY_EXISTS";
  } else {
    auto created = create();
    if (!created) return created.error();
    const std::string& account_id = *created;
    s.state = "SUCCEEDED";
    s.account_id = account_id;
    if (auto j = join(tx, *o, account_id, "CREATED"); !j) return j.error();
    Member& m = o->members.back();
    m.name = std::string(name);
    m.email = std::string(email);
    m.tags = tags;
  }
  o->create_statuses.push_back(s);
  if (auto r = save(tx, *o); !r) return r.error();
  return s;
}

Handshake Organizations::current(const Handshake& h) const {
  Handshake out = h;
  if (out.state == "OPEN" && env_.clock->now().seconds > out.expires.seconds) out.state = "EXPIRED";
  return out;
}

Result<void> Organizations::join(store::Transaction& tx, Organization& o, std::string_view account,
                                 std::string_view method) const {
  if (static_cast<int>(o.members.size()) >= env_.max_accounts) {
    return constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                      "You attempted to exceed the limit on the number of accounts in an organization.");
  }
  const common::Timestamp now{env_.clock->now().seconds, 0};
  if (auto r = add_membership(tx, account, o, now); !r) return r;
  Member m;
  m.account_id = std::string(account);
  m.parent_id = o.root_id;
  m.joined_method = std::string(method);
  m.joined = now;
  o.members.push_back(std::move(m));
  attach_full_access(o, account);
  return kOk;
}

namespace {
Error handshake_not_found() {
  return error("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.");
}
}  // namespace

Result<Handshake> Organizations::invite(store::Transaction& tx, std::string_view caller, std::string_view target,
                                        std::string_view notes) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (auto a = tx.get_account(target); !a) {
    if (!store::is_not_found(a.error())) return a.error();
    // [IMPL] Only accounts of this server can be invited.
    return invalid_input("INVALID_PARTY_TYPE_TARGET", "You specified an account that doesn't exist on this server.");
  }
  if (o->member(target) != nullptr) {
    return Error{"HandshakeConstraintViolationException", "The account is already a member of an organization.", "",
                 "ALREADY_IN_AN_ORGANIZATION"};
  }
  for (const Handshake& h : o->handshakes) {
    if (h.target == target && current(h).state == "OPEN") {
      return error("DuplicateHandshakeException", "A handshake with the same action and target already exists.");
    }
  }
  Handshake h;
  h.id = new_id("h-", 10);
  h.target = std::string(target);
  h.state = "OPEN";
  h.notes = std::string(notes);
  h.requested = common::Timestamp{env_.clock->now().seconds, 0};
  h.expires = common::Timestamp{h.requested.seconds + 15 * 24 * 3600, 0};
  o->handshakes.push_back(h);
  store::Resource r;
  r.kind = store::ResourceKind::kOrgHandshake;
  r.account_id = std::string(target);
  r.id = h.id;
  r.name = h.id;
  r.create_date = h.requested;
  r.body = o->id;
  if (auto c = tx.create_resource(r); !c) return c.error();
  if (auto s = save(tx, *o); !s) return s.error();
  return h;
}

Result<std::pair<Organization, Handshake>> Organizations::handshake(store::ReadTransaction& tx, std::string_view caller,
                                                                    std::string_view id) const {
  auto index = tx.get_resource(store::ResourceKind::kOrgHandshake, id);
  if (!index) return store::is_not_found(index.error()) ? handshake_not_found() : index.error();
  auto record = tx.get_resource(store::ResourceKind::kOrganization, index->body);
  if (!record) return store::is_not_found(record.error()) ? handshake_not_found() : record.error();
  auto o = decode(record->body);
  if (!o) return o.error();
  for (const Handshake& h : o->handshakes) {
    if (h.id != id) continue;
    if (caller != h.target && caller != o->management_account) return handshake_not_found();
    return std::pair<Organization, Handshake>{std::move(o).value(), current(h)};
  }
  return handshake_not_found();
}

Result<std::pair<Organization, Handshake>> Organizations::answer_handshake(store::Transaction& tx,
                                                                           std::string_view caller, std::string_view id,
                                                                           std::string_view answer) {
  auto found = handshake(tx, caller, id);
  if (!found) return found.error();
  auto& [o, h] = *found;
  const bool by_target = answer != "CANCELED";
  if ((by_target && caller != h.target) || (!by_target && caller != o.management_account)) {
    return access_denied();
  }
  if (h.state == answer) {
    return error("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.");
  }
  if (h.state != "OPEN") {
    return error("InvalidHandshakeTransitionException",
                 "You can't perform the operation on the handshake in its current state.");
  }
  if (answer == "ACCEPTED") {
    if (auto in = tx.get_resource(store::ResourceKind::kOrgMembership, caller); in) {
      return Error{"HandshakeConstraintViolationException", "The account is already a member of an organization.", "",
                   "ALREADY_IN_AN_ORGANIZATION"};
    } else if (!store::is_not_found(in.error())) {
      return in.error();
    }
    if (auto j = join(tx, o, caller, "INVITED"); !j) return j.error();
  }
  for (Handshake& stored : o.handshakes) {
    if (stored.id == id) stored.state = std::string(answer);
  }
  h.state = std::string(answer);
  if (auto s = save(tx, o); !s) return s.error();
  return found;
}

Result<std::vector<std::pair<Organization, Handshake>>> Organizations::handshakes_for(store::ReadTransaction& tx,
                                                                                      std::string_view account) const {
  std::vector<std::pair<Organization, Handshake>> out;
  store::ListOptions options;
  options.max_items = 1000;
  auto page = tx.list_resources(store::ResourceKind::kOrgHandshake, account, std::nullopt, options);
  if (!page) return page.error();
  for (const store::Resource& r : page->items) {
    auto h = handshake(tx, account, r.id);
    if (h) out.push_back(std::move(h).value());
  }
  return out;
}

Result<void> Organizations::leave(store::Transaction& tx, std::string_view caller) {
  auto o = of_account(tx, caller);
  if (!o) return o.error();
  if (o->management_account == caller) {
    return management_cannot_leave();
  }
  if (o->delegated_admin(caller)) {
    return delegated_admin_cannot_leave();
  }
  std::erase_if(o->members, [&](const Member& m) { return m.account_id == caller; });
  std::erase_if(o->attachments, [&](const Attachment& a) { return a.target_id == caller; });
  if (auto d = tx.delete_resource(store::ResourceKind::kOrgMembership, caller); !d) return d;
  return save(tx, *o);
}

Result<void> Organizations::set_service_access(store::Transaction& tx, std::string_view caller,
                                               std::string_view principal, bool enabled) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (o->feature_set != "ALL") {
    return constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                      "You attempted to perform an operation that requires the organization to be configured to "
                      "support all features. An organization that supports only consolidated billing features can't "
                      "perform this operation.");
  }
  auto it = std::find_if(o->trusted_services.begin(), o->trusted_services.end(),
                         [&](const TrustedService& t) { return t.principal == principal; });
  // [AWS] Enabling twice or disabling what is not enabled succeeds and changes nothing.
  if (enabled == (it != o->trusted_services.end())) return kOk;
  if (enabled) {
    o->trusted_services.push_back(
        TrustedService{std::string(principal), common::Timestamp{env_.clock->now().seconds, 0}});
  } else {
    o->trusted_services.erase(it);
  }
  return save(tx, *o);
}

Result<void> Organizations::register_delegated_admin(store::Transaction& tx, std::string_view caller,
                                                     std::string_view account_id, std::string_view principal) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (o->member(account_id) == nullptr) return account_not_found();
  if (account_id == o->management_account) {
    return constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
                      "You attempted to register the management account of the organization as a delegated "
                      "administrator for an Amazon Web Services service integrated with Organizations. You can "
                      "designate only a member account as a delegated administrator.");
  }
  if (std::none_of(o->trusted_services.begin(), o->trusted_services.end(),
                   [&](const TrustedService& t) { return t.principal == principal; })) {
    return constraint("SERVICE_ACCESS_NOT_ENABLED",
                      "You attempted to register a delegated administrator before you enabled service access. Call "
                      "the EnableAWSServiceAccess API first.");
  }
  for (const Delegation& d : o->delegations) {
    if (d.account_id == account_id && d.principal == principal) {
      return error("AccountAlreadyRegisteredException",
                   "The provided account is already a delegated administrator for your organization.");
    }
  }
  o->delegations.push_back(
      Delegation{std::string(account_id), std::string(principal), common::Timestamp{env_.clock->now().seconds, 0}});
  return save(tx, *o);
}

Result<void> Organizations::deregister_delegated_admin(store::Transaction& tx, std::string_view caller,
                                                       std::string_view account_id, std::string_view principal) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (o->member(account_id) == nullptr) return account_not_found();
  const auto removed = std::erase_if(
      o->delegations, [&](const Delegation& d) { return d.account_id == account_id && d.principal == principal; });
  if (removed == 0) {
    return error("AccountNotRegisteredException",
                 "The provided account is not a registered delegated administrator for your organization.");
  }
  return save(tx, *o);
}

Result<void> Organizations::move_account(store::Transaction& tx, std::string_view caller, std::string_view account_id,
                                         std::string_view source, std::string_view destination) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  auto it =
      std::find_if(o->members.begin(), o->members.end(), [&](const Member& m) { return m.account_id == account_id; });
  if (it == o->members.end()) return account_not_found();
  if (source != o->root_id && o->unit(source) == nullptr) {
    return error("SourceParentNotFoundException",
                 "We can't find a source root or OU with the ParentId that you specified.");
  }
  if (destination != o->root_id && o->unit(destination) == nullptr) {
    return error("DestinationParentNotFoundException",
                 "We can't find the destination container (a root or OU) with the ParentId that you specified.");
  }
  if (it->parent_id != source) return account_not_found();  // [UNCERTAIN] not a child of the source
  if (it->parent_id == destination) {
    return error("DuplicateAccountException", "That account is already present in the specified destination.");
  }
  it->parent_id = std::string(destination);
  return save(tx, *o);
}

Result<void> Organizations::remove_account(store::Transaction& tx, std::string_view caller,
                                           std::string_view account_id) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (account_id == o->management_account) {
    return management_cannot_leave();
  }
  if (o->member(account_id) == nullptr) return account_not_found();
  if (o->delegated_admin(account_id)) {
    return delegated_admin_cannot_leave();
  }
  std::erase_if(o->members, [&](const Member& m) { return m.account_id == account_id; });
  std::erase_if(o->attachments, [&](const Attachment& a) { return a.target_id == account_id; });
  if (auto d = tx.delete_resource(store::ResourceKind::kOrgMembership, account_id); !d) return d;
  return save(tx, *o);
}

Result<void> Organizations::check_content(std::string_view type, std::string_view content) const {
  // [AWS] The size quota counts every character, whitespace included.
  if (static_cast<int>(content.size()) > env_.policy_size) {
    return constraint("POLICY_CONTENT_LIMIT_EXCEEDED",
                      "You attempted to create a policy that is larger than the maximum size.");
  }
  policy::ValidateOptions v;
  v.kind = type == kResourceControlPolicy ? policy::PolicyKind::kRcp : policy::PolicyKind::kScp;
  v.control_policy_quota = env_.policy_size;
  v.partition = env_.partition;
  if (auto p = policy::parse_policy(content, v); !p) {
    // [AWS] Organizations gives one message for every rule; iamd adds the engine's reason.
    return error("MalformedPolicyDocumentException",
                 "The provided policy document does not meet the requirements of the specified policy type. " +
                     p.error().message);
  }
  return kOk;
}

Result<ControlPolicy> Organizations::create_policy(store::Transaction& tx, std::string_view caller,
                                                   std::string_view name, std::string_view description,
                                                   std::string_view type, std::string_view content,
                                                   const store::Tags& tags) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (!supported_type(type)) return type_not_supported(type);
  if (auto c = check_content(type, content); !c) return c.error();
  int of_type = 0;
  for (const ControlPolicy& p : o->policies) {
    if (p.type != type) continue;
    ++of_type;
    if (same_name(p.name, name))
      return error("DuplicatePolicyException", "A policy with the same name already exists.");
  }
  if (same_name(full_access_policy(type).name, name)) {
    return error("DuplicatePolicyException", "A policy with the same name already exists.");
  }
  if (of_type >= env_.max_policies_per_type) {
    return constraint("POLICY_NUMBER_LIMIT_EXCEEDED",
                      "You attempted to exceed the number of policies that you can have in an organization.");
  }
  if (static_cast<int>(tags.size()) > env_.max_tags) {
    return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.");
  }
  ControlPolicy p;
  p.id = new_id("p-", 8);
  p.name = std::string(name);
  p.description = std::string(description);
  p.type = std::string(type);
  p.content = std::string(content);
  p.tags = tags;
  o->policies.push_back(p);
  if (auto s = save(tx, *o); !s) return s.error();
  return p;
}

Result<ControlPolicy> Organizations::update_policy(store::Transaction& tx, std::string_view caller,
                                                   std::string_view policy_id, std::optional<std::string_view> name,
                                                   std::optional<std::string_view> description,
                                                   std::optional<std::string_view> content) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  // [UNCERTAIN] AWS's answer for a change to an AWS managed policy.
  if (aws_managed_policy(policy_id) != nullptr) return access_denied();
  auto it =
      std::find_if(o->policies.begin(), o->policies.end(), [&](const ControlPolicy& p) { return p.id == policy_id; });
  if (it == o->policies.end()) return policy_not_found();
  if (content) {
    if (auto c = check_content(it->type, *content); !c) return c.error();
  }
  if (name) {
    for (const ControlPolicy& p : o->policies) {
      if (p.id != policy_id && p.type == it->type && same_name(p.name, *name)) {
        return error("DuplicatePolicyException", "A policy with the same name already exists.");
      }
    }
    it->name = std::string(*name);
  }
  if (description) it->description = std::string(*description);
  if (content) it->content = std::string(*content);
  ControlPolicy out = *it;
  if (auto s = save(tx, *o); !s) return s.error();
  return out;
}

Result<void> Organizations::delete_policy(store::Transaction& tx, std::string_view caller, std::string_view policy_id) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (aws_managed_policy(policy_id) != nullptr) return access_denied();
  if (o->policy(policy_id) == nullptr) return policy_not_found();
  if (std::any_of(o->attachments.begin(), o->attachments.end(),
                  [&](const Attachment& a) { return a.policy_id == policy_id; })) {
    return error("PolicyInUseException",
                 "The policy is attached to one or more entities. You must detach it from all roots, OUs, and "
                 "accounts before performing this operation.");
  }
  std::erase_if(o->policies, [&](const ControlPolicy& p) { return p.id == policy_id; });
  return save(tx, *o);
}

Result<ControlPolicy> Organizations::find_policy(const Organization& o, std::string_view policy_id) {
  if (const ControlPolicy* p = aws_managed_policy(policy_id)) return *p;
  if (const ControlPolicy* p = o.policy(policy_id)) return *p;
  return policy_not_found();
}

Result<void> Organizations::find_target(const Organization& o, std::string_view target_id) {
  if (target_id == o.root_id || o.unit(target_id) != nullptr || o.member(target_id) != nullptr) return kOk;
  return target_not_found();
}

std::vector<std::string> Organizations::attached(const Organization& o, std::string_view target_id,
                                                 std::string_view type) {
  std::vector<std::string> ids;
  for (const Attachment& a : o.attachments) {
    if (a.target_id != target_id) continue;
    auto p = find_policy(o, a.policy_id);
    if (p && p->type == type) ids.push_back(a.policy_id);
  }
  return ids;
}

Result<void> Organizations::attach(store::Transaction& tx, std::string_view caller, std::string_view policy_id,
                                   std::string_view target_id) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  auto p = find_policy(*o, policy_id);
  if (!p) return p.error();
  if (auto t = find_target(*o, target_id); !t) return t;
  if (!o->type_enabled(p->type)) return type_not_enabled();
  const Attachment a{std::string(policy_id), std::string(target_id)};
  if (std::find(o->attachments.begin(), o->attachments.end(), a) != o->attachments.end()) {
    return error("DuplicatePolicyAttachmentException",
                 "The selected policy is already attached to the specified target.");
  }
  if (static_cast<int>(attached(*o, target_id, p->type).size()) >= env_.max_attached_per_target) {
    return constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                      "You attempted to exceed the number of policies of a certain type that can be attached to an "
                      "entity at one time.");
  }
  o->attachments.push_back(a);
  return save(tx, *o);
}

Result<void> Organizations::detach(store::Transaction& tx, std::string_view caller, std::string_view policy_id,
                                   std::string_view target_id) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  auto p = find_policy(*o, policy_id);
  if (!p) return p.error();
  if (auto t = find_target(*o, target_id); !t) return t;
  const Attachment a{std::string(policy_id), std::string(target_id)};
  auto it = std::find(o->attachments.begin(), o->attachments.end(), a);
  if (it == o->attachments.end()) {
    return error("PolicyNotAttachedException",
                 "The policy isn't attached to the specified target in the specified root.");
  }
  // [AWS] Every root, OU and account keeps at least one policy of an enabled type.
  if (attached(*o, target_id, p->type).size() <= 1) {
    return constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                      "You attempted to detach a policy from an entity that would cause the entity to have fewer than "
                      "the minimum number of policies of a certain type required.");
  }
  o->attachments.erase(it);
  return save(tx, *o);
}

Result<Organization> Organizations::enable_type(store::Transaction& tx, std::string_view caller,
                                                std::string_view root_id, std::string_view type) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (root_id != o->root_id) return root_not_found();
  if (!supported_type(type)) return type_not_supported(type);
  if (o->feature_set != "ALL") {
    return error("PolicyTypeNotAvailableForOrganizationException",
                 "You can't use the specified policy type with the feature set currently enabled for this "
                 "organization. For example, you can enable SCPs only after you enable all features in the "
                 "organization.");
  }
  if (o->type_enabled(type)) {
    return error("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.");
  }
  o->enabled_types.push_back(std::string(type));
  // [AWS] The allow-all policy of the type goes on the root, every OU and every account.
  const std::string full(full_access_policy(type).id);
  std::erase_if(o->attachments, [&](const Attachment& a) { return a.policy_id == full; });
  o->attachments.push_back(Attachment{full, o->root_id});
  for (const Unit& u : o->units) o->attachments.push_back(Attachment{full, u.id});
  for (const Member& m : o->members) o->attachments.push_back(Attachment{full, m.account_id});
  if (auto s = save(tx, *o); !s) return s.error();
  return o;
}

Result<Organization> Organizations::disable_type(store::Transaction& tx, std::string_view caller,
                                                 std::string_view root_id, std::string_view type) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  if (root_id != o->root_id) return root_not_found();
  if (!supported_type(type)) return type_not_supported(type);
  if (!o->type_enabled(type)) return type_not_enabled();
  std::erase(o->enabled_types, std::string(type));
  // [AWS] Disabling a type detaches every policy of that type from every target.
  std::erase_if(o->attachments, [&](const Attachment& a) {
    auto p = find_policy(*o, a.policy_id);
    return !p || p->type == type;
  });
  if (auto s = save(tx, *o); !s) return s.error();
  return o;
}

namespace {
store::Tags* tags_slot(Organization& o, std::string_view id) {
  if (id == o.root_id) return &o.root_tags;
  for (Unit& u : o.units) {
    if (u.id == id) return &u.tags;
  }
  for (Member& m : o.members) {
    if (m.account_id == id) return &m.tags;
  }
  for (ControlPolicy& p : o.policies) {
    if (p.id == id) return &p.tags;
  }
  return nullptr;
}
}  // namespace

Result<store::Tags> Organizations::tags_of(store::ReadTransaction& tx, std::string_view caller,
                                           std::string_view resource_id) const {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  store::Tags* slot = tags_slot(*o, resource_id);
  if (slot == nullptr) return target_not_found();
  return *slot;
}

Result<void> Organizations::tag(store::Transaction& tx, std::string_view caller, std::string_view resource_id,
                                const store::Tags& tags) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  store::Tags* slot = tags_slot(*o, resource_id);
  if (slot == nullptr) return target_not_found();
  for (const store::Tag& t : tags) {
    auto it = std::find_if(slot->begin(), slot->end(), [&](const store::Tag& x) { return x.key == t.key; });
    if (it != slot->end()) {
      it->value = t.value;
    } else {
      slot->push_back(t);
    }
  }
  if (static_cast<int>(slot->size()) > env_.max_tags) {
    return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.");
  }
  return save(tx, *o);
}

Result<void> Organizations::untag(store::Transaction& tx, std::string_view caller, std::string_view resource_id,
                                  const std::vector<std::string>& keys) {
  auto o = managed_by(tx, caller);
  if (!o) return o.error();
  store::Tags* slot = tags_slot(*o, resource_id);
  if (slot == nullptr) return target_not_found();
  std::erase_if(*slot, [&](const store::Tag& t) { return std::find(keys.begin(), keys.end(), t.key) != keys.end(); });
  return save(tx, *o);
}

Result<ControlLevels> Organizations::control_levels(store::ReadTransaction& tx, std::string_view account) const {
  ControlLevels out;
  out.depends_on.push_back(store::resource_change_key(store::ResourceKind::kOrgMembership, account));
  auto membership = tx.get_resource(store::ResourceKind::kOrgMembership, account);
  if (!membership) {
    if (store::is_not_found(membership.error())) return out;
    return membership.error();
  }
  out.depends_on.push_back(store::resource_change_key(store::ResourceKind::kOrganization, membership->body));
  auto record = tx.get_resource(store::ResourceKind::kOrganization, membership->body);
  if (!record) {
    if (store::is_not_found(record.error())) return out;
    return record.error();
  }
  auto o = decode(record->body);
  if (!o) return o.error();
  if (o->member(account) == nullptr) return out;
  const std::vector<std::string> path = o->path_to(account);
  out.org_id = o->id;
  out.org_path = o->id + "/";
  for (const std::string& target : path) {
    if (target != account) out.org_path += target + "/";
  }
  // [AWS] SCPs and RCPs never apply to the management account.
  if (o->management_account == account) return out;
  for (std::string_view type : {kServiceControlPolicy, kResourceControlPolicy}) {
    if (!o->type_enabled(type)) continue;
    auto& levels = type == kServiceControlPolicy ? out.scp : out.rcp;
    for (const std::string& target : path) {
      std::vector<ControlPolicy> level;
      for (const std::string& id : attached(*o, target, type)) {
        auto p = find_policy(*o, id);
        if (p) level.push_back(std::move(p).value());
      }
      levels.push_back(std::move(level));
    }
  }
  return out;
}

}  // namespace iamd::org
