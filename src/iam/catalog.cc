#include "iam/catalog.h"

#include "common/json_writer.h"
#include "crypto/crypto.h"
#include "policy/json.h"

// The catalogue file, linked in by catalog_data.S.
extern "C" const char iamd_managed_catalog_begin[];
extern "C" const char iamd_managed_catalog_end[];

namespace iamd::iam {

namespace {

using policy::JsonValue;

// Compact JSON of a parsed value, members in document order.
void write_compact(const JsonValue& v, std::string& out) {
  switch (v.kind) {
    case JsonValue::Kind::kNull:
      out += "null";
      break;
    case JsonValue::Kind::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case JsonValue::Kind::kNumber:
      out += v.text;
      break;
    case JsonValue::Kind::kString:
      common::append_json_string(out, v.text);
      break;
    case JsonValue::Kind::kArray:
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out.push_back(',');
        write_compact(v.items[i], out);
      }
      out.push_back(']');
      break;
    case JsonValue::Kind::kObject:
      out.push_back('{');
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i) out.push_back(',');
        common::append_json_string(out, v.members[i].key);
        out.push_back(':');
        write_compact(v.members[i].value, out);
      }
      out.push_back('}');
      break;
  }
}

std::string text_of(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.find(key);
  return v != nullptr && v->is_string() ? v->text : std::string();
}

}  // namespace

std::string stable_policy_id(std::string_view arn) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = crypto::sha256(arn);
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i)
    id.push_back(kBase32[static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]) % 32]);
  return id;
}

common::Result<ManagedCatalog> ManagedCatalog::load(std::string_view json, std::string_view partition) {
  auto root = policy::parse_json(json);
  if (!root)
    return common::Error{"InvalidCatalog", "the managed policy catalogue is not JSON: " + root.error().message, ""};
  const JsonValue* policies = root->find("policies");
  if (policies == nullptr || !policies->is_object()) {
    return common::Error{"InvalidCatalog", "the managed policy catalogue has no \"policies\" object", ""};
  }
  ManagedCatalog c;
  c.policies_.reserve(policies->members.size());
  for (const policy::JsonMember& m : policies->members) {
    const JsonValue& p = m.value;
    const JsonValue* doc = p.find("Document");
    if (!p.is_object() || doc == nullptr) {
      return common::Error{"InvalidCatalog", "catalogue entry " + m.key + " has no Document", ""};
    }
    AwsManagedPolicy a;
    a.name = m.key;
    a.path = text_of(p, "Path");
    if (a.path.empty()) a.path = "/";
    a.arn = "arn:" + std::string(partition) + ":iam::aws:policy" + a.path + a.name;
    a.policy_id = stable_policy_id(a.arn);
    a.default_version_id = text_of(p, "DefaultVersionId");
    a.create_date = text_of(p, "CreateDate");
    a.update_date = text_of(p, "UpdateDate");
    if (doc->is_string()) {
      a.document = doc->text;
    } else {
      write_compact(*doc, a.document);
    }
    if (const JsonValue* n = p.find("PermissionsBoundaryUsageCount");
        n != nullptr && n->kind == JsonValue::Kind::kNumber) {
      a.permissions_boundary_usage_count = std::stoll(n->text);
    }
    c.by_arn_.emplace(a.arn, c.policies_.size());
    c.by_name_.emplace(a.name, c.policies_.size());
    c.policies_.push_back(std::move(a));
  }
  return c;
}

const ManagedCatalog& ManagedCatalog::builtin() {
  static const ManagedCatalog catalog = [] {
    auto c = load(std::string_view(iamd_managed_catalog_begin,
                                   static_cast<std::size_t>(iamd_managed_catalog_end - iamd_managed_catalog_begin)));
    // The embedded file is part of the build and tested; failing here is a build defect.
    if (!c) std::abort();
    return std::move(c).value();
  }();
  return catalog;
}

const AwsManagedPolicy* ManagedCatalog::find_by_arn(std::string_view arn) const {
  auto it = by_arn_.find(std::string(arn));
  return it == by_arn_.end() ? nullptr : &policies_[it->second];
}

const AwsManagedPolicy* ManagedCatalog::find_by_name(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &policies_[it->second];
}

}  // namespace iamd::iam
