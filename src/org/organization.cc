#include "org/organization.h"

#include <algorithm>
#include <charconv>

#include "common/json_writer.h"
#include "policy/json.h"

namespace iamd::org {

namespace {

// [AWS] The contents of FullAWSAccess and RCPFullAWSAccess.
const ControlPolicy kFullAwsAccess{
    std::string(kFullAwsAccessId),
    "FullAWSAccess",
    "Allows access to every operation",
    std::string(kServiceControlPolicy),
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
    {}};
const ControlPolicy kRcpFullAwsAccess{
    std::string(kRcpFullAwsAccessId),
    "RCPFullAWSAccess",
    "Allows access to every operation",
    std::string(kResourceControlPolicy),
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
    {}};

void write_tags(common::JsonWriter& w, std::string_view key, const store::Tags& tags) {
  w.key(key).begin_array();
  for (const store::Tag& t : tags) w.begin_object().key("k").value(t.key).key("v").value(t.value).end_object();
  w.end_array();
}

store::Tags read_tags(const policy::JsonValue& o, std::string_view key) {
  store::Tags tags;
  const policy::JsonValue* list = o.find(key);
  if (list == nullptr || !list->is_array()) return tags;
  for (const policy::JsonValue& item : list->items) {
    const policy::JsonValue* k = item.find("k");
    const policy::JsonValue* v = item.find("v");
    if (k != nullptr && v != nullptr) tags.push_back(store::Tag{k->text, v->text});
  }
  return tags;
}

std::string str(const policy::JsonValue& o, std::string_view key) {
  const policy::JsonValue* v = o.find(key);
  return v != nullptr && v->is_string() ? v->text : std::string();
}

common::Timestamp time_of(const policy::JsonValue& o, std::string_view key) {
  const policy::JsonValue* v = o.find(key);
  std::int64_t n = 0;
  if (v != nullptr && v->kind == policy::JsonValue::Kind::kNumber) {
    std::from_chars(v->text.data(), v->text.data() + v->text.size(), n);
  }
  return common::Timestamp{n, 0};
}

const std::vector<policy::JsonValue>& items_of(const policy::JsonValue& o, std::string_view key) {
  static const std::vector<policy::JsonValue> none;
  const policy::JsonValue* v = o.find(key);
  return v != nullptr && v->is_array() ? v->items : none;
}

std::string arn_prefix(std::string_view partition, const Organization& o) {
  std::string s = "arn:";
  s += partition;
  s += ":organizations::";
  s += o.management_account;
  s += ':';
  return s;
}

}  // namespace

const Unit* Organization::unit(std::string_view unit_id) const {
  for (const Unit& u : units) {
    if (u.id == unit_id) return &u;
  }
  return nullptr;
}

const Member* Organization::member(std::string_view account_id) const {
  for (const Member& m : members) {
    if (m.account_id == account_id) return &m;
  }
  return nullptr;
}

const ControlPolicy* Organization::policy(std::string_view policy_id) const {
  for (const ControlPolicy& p : policies) {
    if (p.id == policy_id) return &p;
  }
  return nullptr;
}

bool Organization::delegated_admin(std::string_view account) const {
  return std::any_of(delegations.begin(), delegations.end(),
                     [&](const Delegation& d) { return d.account_id == account; });
}

bool Organization::type_enabled(std::string_view type) const {
  return std::find(enabled_types.begin(), enabled_types.end(), type) != enabled_types.end();
}

std::vector<std::string> Organization::path_to(std::string_view target) const {
  std::vector<std::string> path;
  std::string at(target);
  // Bounded by the number of OUs: a cycle cannot come from the operations, but a damaged
  // record must not loop.
  for (std::size_t i = 0; i <= units.size() + 1 && !at.empty(); ++i) {
    path.push_back(at);
    if (at == root_id) break;
    if (const Member* m = member(at)) {
      at = m->parent_id;
    } else if (const Unit* u = unit(at)) {
      at = u->parent_id;
    } else {
      at.clear();
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

int Organization::depth(std::string_view unit_id) const {
  const std::vector<std::string> path = path_to(unit_id);
  return static_cast<int>(path.size()) - 1;
}

std::string encode(const Organization& o) {
  common::JsonWriter w;
  w.begin_object();
  w.key("id").value(o.id).key("management").value(o.management_account).key("features").value(o.feature_set);
  w.key("root").value(o.root_id).key("created").value(static_cast<long long>(o.created.seconds));
  w.key("types").begin_array();
  for (const std::string& t : o.enabled_types) w.value(t);
  w.end_array();
  write_tags(w, "rootTags", o.root_tags);
  w.key("units").begin_array();
  for (const Unit& u : o.units) {
    w.begin_object().key("id").value(u.id).key("name").value(u.name).key("parent").value(u.parent_id);
    write_tags(w, "tags", u.tags);
    w.end_object();
  }
  w.end_array();
  w.key("members").begin_array();
  for (const Member& m : o.members) {
    w.begin_object().key("id").value(m.account_id).key("name").value(m.name).key("email").value(m.email);
    w.key("parent").value(m.parent_id).key("joinedMethod").value(m.joined_method);
    w.key("joined").value(static_cast<long long>(m.joined.seconds));
    write_tags(w, "tags", m.tags);
    w.end_object();
  }
  w.end_array();
  w.key("policies").begin_array();
  for (const ControlPolicy& p : o.policies) {
    w.begin_object().key("id").value(p.id).key("name").value(p.name).key("description").value(p.description);
    w.key("type").value(p.type).key("content").value(p.content);
    write_tags(w, "tags", p.tags);
    w.end_object();
  }
  w.end_array();
  w.key("attachments").begin_array();
  for (const Attachment& a : o.attachments) {
    w.begin_object().key("policy").value(a.policy_id).key("target").value(a.target_id).end_object();
  }
  w.end_array();
  w.key("createStatuses").begin_array();
  for (const CreateStatus& s : o.create_statuses) {
    w.begin_object().key("id").value(s.id).key("accountName").value(s.account_name);
    w.key("accountId").value(s.account_id).key("state").value(s.state).key("failure").value(s.failure_reason);
    w.key("requested").value(static_cast<long long>(s.requested.seconds));
    w.key("completed").value(static_cast<long long>(s.completed.seconds));
    w.end_object();
  }
  w.end_array();
  w.key("handshakes").begin_array();
  for (const Handshake& h : o.handshakes) {
    w.begin_object().key("id").value(h.id).key("target").value(h.target).key("state").value(h.state);
    w.key("notes").value(h.notes).key("requested").value(static_cast<long long>(h.requested.seconds));
    w.key("expires").value(static_cast<long long>(h.expires.seconds));
    w.end_object();
  }
  w.end_array();
  w.key("trusted").begin_array();
  for (const TrustedService& t : o.trusted_services) {
    w.begin_object().key("principal").value(t.principal);
    w.key("enabled").value(static_cast<long long>(t.enabled.seconds)).end_object();
  }
  w.end_array();
  w.key("delegations").begin_array();
  for (const Delegation& d : o.delegations) {
    w.begin_object().key("account").value(d.account_id).key("principal").value(d.principal);
    w.key("enabled").value(static_cast<long long>(d.enabled.seconds)).end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

common::Result<Organization> decode(std::string_view body) {
  auto json = policy::parse_json(body);
  if (!json || !json->is_object())
    return common::Error{"ServiceException", "a stored organization does not decode", ""};
  const policy::JsonValue& j = *json;
  Organization o;
  o.id = str(j, "id");
  o.management_account = str(j, "management");
  o.feature_set = str(j, "features");
  o.root_id = str(j, "root");
  o.created = time_of(j, "created");
  for (const policy::JsonValue& t : items_of(j, "types")) o.enabled_types.push_back(t.text);
  o.root_tags = read_tags(j, "rootTags");
  for (const policy::JsonValue& u : items_of(j, "units")) {
    o.units.push_back(Unit{str(u, "id"), str(u, "name"), str(u, "parent"), read_tags(u, "tags")});
  }
  for (const policy::JsonValue& m : items_of(j, "members")) {
    o.members.push_back(Member{str(m, "id"), str(m, "name"), str(m, "email"), str(m, "parent"), str(m, "joinedMethod"),
                               time_of(m, "joined"), read_tags(m, "tags")});
  }
  for (const policy::JsonValue& p : items_of(j, "policies")) {
    o.policies.push_back(ControlPolicy{str(p, "id"), str(p, "name"), str(p, "description"), str(p, "type"),
                                       str(p, "content"), read_tags(p, "tags")});
  }
  for (const policy::JsonValue& a : items_of(j, "attachments")) {
    o.attachments.push_back(Attachment{str(a, "policy"), str(a, "target")});
  }
  for (const policy::JsonValue& s : items_of(j, "createStatuses")) {
    o.create_statuses.push_back(CreateStatus{str(s, "id"), str(s, "accountName"), str(s, "accountId"), str(s, "state"),
                                             str(s, "failure"), time_of(s, "requested"), time_of(s, "completed")});
  }
  for (const policy::JsonValue& h : items_of(j, "handshakes")) {
    o.handshakes.push_back(Handshake{str(h, "id"), str(h, "target"), str(h, "state"), str(h, "notes"),
                                     time_of(h, "requested"), time_of(h, "expires")});
  }
  for (const policy::JsonValue& t : items_of(j, "trusted")) {
    o.trusted_services.push_back(TrustedService{str(t, "principal"), time_of(t, "enabled")});
  }
  for (const policy::JsonValue& d : items_of(j, "delegations")) {
    o.delegations.push_back(Delegation{str(d, "account"), str(d, "principal"), time_of(d, "enabled")});
  }
  if (o.id.empty() || o.root_id.empty() || o.management_account.empty()) {
    return common::Error{"ServiceException", "a stored organization does not decode", ""};
  }
  return o;
}

const ControlPolicy* aws_managed_policy(std::string_view id) {
  if (id == kFullAwsAccessId) return &kFullAwsAccess;
  if (id == kRcpFullAwsAccessId) return &kRcpFullAwsAccess;
  return nullptr;
}

const ControlPolicy& full_access_policy(std::string_view type) {
  return type == kResourceControlPolicy ? kRcpFullAwsAccess : kFullAwsAccess;
}

std::string type_segment(std::string_view type) {
  std::string s(type);
  std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  return s;
}

std::string organization_arn(std::string_view partition, const Organization& o) {
  return arn_prefix(partition, o) + "organization/" + o.id;
}

std::string root_arn(std::string_view partition, const Organization& o) {
  return arn_prefix(partition, o) + "root/" + o.id + "/" + o.root_id;
}

std::string unit_arn(std::string_view partition, const Organization& o, std::string_view unit_id) {
  return arn_prefix(partition, o) + "ou/" + o.id + "/" + std::string(unit_id);
}

std::string account_arn(std::string_view partition, const Organization& o, std::string_view account_id) {
  return arn_prefix(partition, o) + "account/" + o.id + "/" + std::string(account_id);
}

std::string policy_arn(std::string_view partition, const Organization& o, const ControlPolicy& p) {
  if (aws_managed_policy(p.id) != nullptr) {
    return "arn:" + std::string(partition) + ":organizations::aws:policy/" + type_segment(p.type) + "/" + p.id;
  }
  return arn_prefix(partition, o) + "policy/" + o.id + "/" + type_segment(p.type) + "/" + p.id;
}

std::string handshake_arn(std::string_view partition, const Organization& o, std::string_view handshake_id) {
  return arn_prefix(partition, o) + "handshake/" + o.id + "/invite/" + std::string(handshake_id);
}

}  // namespace iamd::org
