#include "scenario.h"

#include <fstream>
#include <sstream>

#include "policy/compiled.h"
#include "policy/json.h"

namespace iamd::bench {

namespace {

using policy::JsonValue;

std::string str(const JsonValue* v) {
  return v != nullptr && v->is_string() ? v->text : std::string();
}

common::Result<std::shared_ptr<const policy::CompiledPolicy>> compile_entry(const std::string& text,
                                                                            const JsonValue& entry,
                                                                            policy::PolicyKind kind) {
  const JsonValue* doc = entry.find("document");
  if (doc == nullptr) return common::Error{"Scenario", "policy without document", ""};
  policy::ValidateOptions o;
  o.kind = kind;
  o.entity = policy::EntityType::kRole;
  return policy::compile_text(text.substr(doc->begin, doc->end - doc->begin + 1), o, str(entry.find("name")));
}

}  // namespace

common::Result<std::shared_ptr<Scenario>> load_scenario(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return common::Error{"Scenario", "cannot read " + path, ""};
  std::ostringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  auto json = policy::parse_json(text);
  if (!json) return json.error();
  const JsonValue& root = *json;
  auto sc = std::make_shared<Scenario>();
  sc->id = str(root.find("id"));

  policy::PrincipalFacts principal;
  if (const JsonValue* p = root.find("principal")) {
    principal.arn = str(p->find("arn"));
    principal.account = str(p->find("account"));
    std::string type = str(p->find("type"));
    principal.type = type == "AssumedRole" ? policy::PrincipalType::kAssumedRole : policy::PrincipalType::kUser;
    principal.role_arn = str(p->find("roleArn"));
  }
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
  if (const JsonValue* list = root.find("identityPolicies")) {
    for (const JsonValue& e : list->items) {
      auto c = compile_entry(text, e, policy::PolicyKind::kIdentity);
      if (!c) return c.error();
      sc->identity_statements += (*c)->statements.size();
      identity.push_back(*c);
    }
  }
  sc->identity = std::make_unique<authz::PolicySet>(std::move(identity));
  if (const JsonValue* b = root.find("permissionsBoundary"); b != nullptr && b->is_object()) {
    auto c = compile_entry(text, *b, policy::PolicyKind::kBoundary);
    if (!c) return c.error();
    sc->boundary = std::make_unique<authz::PolicySet>(std::vector{*c});
    principal.has_boundary = true;
  }
  if (const JsonValue* r = root.find("resourcePolicy"); r != nullptr && r->is_object()) {
    auto c = compile_entry(text, *r, policy::PolicyKind::kResource);
    if (!c) return c.error();
    sc->resource = std::make_unique<authz::PolicySet>(std::vector{*c});
  }
  if (const JsonValue* cases = root.find("cases")) {
    for (const JsonValue& c : cases->items) {
      ScenarioCase sc_case;
      sc_case.id = str(c.find("id"));
      sc_case.expected = str(c.find("expected"));
      authz::Request& req = sc_case.request;
      req.principal = principal;
      req.set_action(str(c.find("action")));
      req.resource = str(c.find("resource"));
      req.resource_account = str(c.find("resourceAccount"));
      if (const JsonValue* ctx = c.find("context")) {
        for (const auto& [k, v] : ctx->members) {
          if (v.is_array()) {
            std::vector<std::string> values;
            for (const JsonValue& e : v.items) values.push_back(e.text);
            req.context.set_list(k, std::move(values));
          } else {
            req.context.set(k, v.text);
          }
        }
      }
      sc->cases.push_back(std::move(sc_case));
    }
  }
  return sc;
}

}  // namespace iamd::bench
