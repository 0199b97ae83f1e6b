// The data-driven corpus (tests/corpus/*.json, format in tests/corpus/README.md): one
// GoogleTest case per corpus case, and a sample replayed through `iamd policy simulate`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "authz/authorizer.h"
#include "authz/policy_set.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "policy/compiled.h"
#include "policy/document.h"
#include "policy/json.h"

namespace iamd {
namespace {

using policy::JsonValue;

struct CorpusCase {
  std::string file;
  std::string name;
  std::shared_ptr<const std::string> text;  // the whole file
  const JsonValue* json = nullptr;
  std::shared_ptr<const JsonValue> root;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<CorpusCase> load_corpus() {
  std::vector<CorpusCase> cases;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_CORPUS_DIR)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    auto text = std::make_shared<const std::string>(read_file(path));
    auto parsed = policy::parse_json(*text);
    if (!parsed) {
      ADD_FAILURE() << path << ": " << parsed.error().message;
      continue;
    }
    auto root = std::make_shared<const JsonValue>(std::move(parsed).value());
    const JsonValue* list = root->find("cases");
    if (list == nullptr) continue;
    for (const JsonValue& c : list->items) {
      const JsonValue* name = c.find("name");
      cases.push_back(CorpusCase{path.filename().string(), name ? name->text : "unnamed", text, &c, root});
    }
  }
  return cases;
}

const std::vector<CorpusCase>& corpus() {
  static const std::vector<CorpusCase> cases = load_corpus();
  return cases;
}

std::string str(const JsonValue* v, std::string fallback = "") {
  return v != nullptr && v->is_string() ? v->text : fallback;
}

// The text of a `document`: a raw string, or the object's source text.
std::string document_text(const CorpusCase& c, const JsonValue& doc) {
  if (doc.is_string()) return doc.text;
  return c.text->substr(doc.begin, doc.end - doc.begin + 1);
}

std::optional<policy::PrincipalType> principal_type(std::string_view t) {
  using T = policy::PrincipalType;
  if (t == "Root") return T::kRoot;
  if (t == "User") return T::kUser;
  if (t == "AssumedRole") return T::kAssumedRole;
  if (t == "FederatedUser") return T::kFederatedUser;
  if (t == "Service") return T::kService;
  if (t == "WebIdentity") return T::kWebIdentity;
  if (t == "SAML") return T::kSaml;
  if (t == "Anonymous") return T::kAnonymous;
  return std::nullopt;
}

class Corpus : public ::testing::TestWithParam<std::size_t> {};

std::shared_ptr<const policy::CompiledPolicy> compile_or_fail(const CorpusCase& c, const JsonValue& entry,
                                                              policy::PolicyKind kind) {
  policy::ValidateOptions o;
  o.kind = kind;
  o.entity = policy::EntityType::kRole;
  std::string id = str(entry.find("id"), "P");
  const JsonValue* doc = entry.find("document");
  if (doc == nullptr) {
    ADD_FAILURE() << "policy " << id << " has no document";
    return nullptr;
  }
  auto compiled = policy::compile_text(document_text(c, *doc), o, id);
  if (!compiled) {
    ADD_FAILURE() << "policy " << id << " (" << policy::kind_name(kind)
                  << ") does not compile: " << compiled.error().message << " at " << compiled.error().path;
    return nullptr;
  }
  return *compiled;
}

std::unique_ptr<authz::PolicySet> make_set(const CorpusCase& c, const JsonValue* list, policy::PolicyKind kind) {
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies;
  if (list != nullptr) {
    for (const JsonValue& e : list->items) {
      if (auto p = compile_or_fail(c, e, kind)) policies.push_back(p);
    }
  }
  return std::make_unique<authz::PolicySet>(std::move(policies));
}

std::vector<std::string> sorted_strings(const JsonValue* v, bool lower) {
  std::vector<std::string> out;
  if (v != nullptr) {
    for (const JsonValue& e : v->items) out.push_back(lower ? common::to_lower(e.text) : e.text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void run_validation(const CorpusCase& c, const JsonValue& v, const JsonValue& expect) {
  policy::ValidateOptions o;
  auto kind = policy::parse_kind(str(v.find("kind"), "identity"));
  ASSERT_TRUE(kind.has_value()) << "unknown kind";
  o.kind = *kind;
  std::string entity = str(v.find("entity"), "user");
  o.entity = entity == "group"  ? policy::EntityType::kGroup
             : entity == "role" ? policy::EntityType::kRole
                                : policy::EntityType::kUser;
  o.entity_name = str(v.find("entityName"), "alice");
  const JsonValue* doc = v.find("document");
  ASSERT_NE(doc, nullptr);
  auto r = policy::parse_policy(document_text(c, *doc), o);
  const JsonValue* valid = expect.find("valid");
  if (valid != nullptr && valid->boolean) {
    EXPECT_TRUE(r.has_value()) << "expected valid, got " << r.error().code << ": " << r.error().message << " at "
                               << r.error().path;
    return;
  }
  ASSERT_FALSE(r.has_value()) << "expected " << str(expect.find("error")) << ": " << str(expect.find("message"));
  EXPECT_EQ(r.error().code, str(expect.find("error")));
  EXPECT_EQ(r.error().message, str(expect.find("message")));
  if (const JsonValue* path = expect.find("path")) {
    EXPECT_EQ(r.error().path, path->text);
  }
}

void run_evaluation(const CorpusCase& c) {
  const JsonValue& j = *c.json;
  authz::Request req;
  req.principal.type = policy::PrincipalType::kUser;
  req.principal.arn = "arn:aws:iam::111122223333:user/alice";
  req.principal.account = "111122223333";
  if (const JsonValue* p = j.find("principal")) {
    auto t = principal_type(str(p->find("type"), "User"));
    ASSERT_TRUE(t.has_value()) << "unknown principal type";
    req.principal.type = *t;
    req.principal.arn = str(p->find("arn"));
    req.principal.account = str(p->find("account"));
    req.principal.role_arn = str(p->find("roleArn"));
    req.principal.parent_user_arn = str(p->find("parentUserArn"));
    req.principal.unique_id = str(p->find("uniqueId"));
  }
  const JsonValue* request = j.find("request");
  ASSERT_NE(request, nullptr);
  req.set_action(str(request->find("action")));
  req.resource = str(request->find("resource"), "*");
  req.resource_account = str(request->find("resourceAccount"));
  if (const JsonValue* ctx = request->find("context")) {
    for (const auto& [k, v] : ctx->members) {
      if (v.is_array()) {
        std::vector<std::string> values;
        for (const JsonValue& e : v.items) values.push_back(e.text);
        req.context.set_list(k, std::move(values));
      } else {
        req.context.set(k, v.kind == JsonValue::Kind::kBool ? (v.boolean ? "true" : "false") : v.text);
      }
    }
  }

  auto identity = make_set(c, j.find("identity"), policy::PolicyKind::kIdentity);
  std::unique_ptr<authz::PolicySet> boundary, session, resource;
  if (const JsonValue* b = j.find("boundary")) {
    auto p = compile_or_fail(c, *b, policy::PolicyKind::kBoundary);
    boundary = std::make_unique<authz::PolicySet>(std::vector<std::shared_ptr<const policy::CompiledPolicy>>{p});
    req.principal.has_boundary = true;
  }
  if (const JsonValue* s = j.find("session")) session = make_set(c, s, policy::PolicyKind::kSession);
  bool trust = false;
  if (const JsonValue* r = j.find("resourcePolicy")) {
    const JsonValue* t = r->find("trust");
    trust = t != nullptr && t->boolean;
    auto p = compile_or_fail(c, *r, trust ? policy::PolicyKind::kTrust : policy::PolicyKind::kResource);
    resource = std::make_unique<authz::PolicySet>(std::vector<std::shared_ptr<const policy::CompiledPolicy>>{p});
  }
  std::vector<std::unique_ptr<authz::PolicySet>> scp_sets, rcp_sets;
  std::vector<const authz::PolicySet*> scp, rcp;
  auto levels = [&](const char* key, policy::PolicyKind kind, std::vector<std::unique_ptr<authz::PolicySet>>& owned,
                    std::vector<const authz::PolicySet*>& out) {
    if (const JsonValue* l = j.find(key)) {
      for (const JsonValue& level : l->items) {
        owned.push_back(make_set(c, &level, kind));
        out.push_back(owned.back().get());
      }
    }
  };
  levels("scp", policy::PolicyKind::kScp, scp_sets, scp);
  levels("rcp", policy::PolicyKind::kRcp, rcp_sets, rcp);
  if (::testing::Test::HasFailure()) return;

  authz::PolicyBundle bundle;
  bundle.identity = identity.get();
  bundle.boundary = boundary.get();
  bundle.session = session.get();
  bundle.resource = resource.get();
  bundle.resource_is_trust = trust;
  bundle.scp = scp;
  bundle.rcp = rcp;
  authz::Decision d = authz::evaluate(bundle, req);

  const JsonValue* expect = j.find("expect");
  ASSERT_NE(expect, nullptr);
  std::string why;
  for (const auto& m : d.matched)
    why += " " + m.statement->display_name() + "(" + std::string(authz::policy_type_name(m.type)) + ")";
  EXPECT_EQ(authz::decision_name(d.decision), str(expect->find("decision"))) << "matched:" << why;
  if (const JsonValue* matched = expect->find("matched")) {
    std::vector<std::string> got;
    for (const auto& m : d.deciding) got.push_back(m.statement->display_name());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, sorted_strings(matched, false)) << "deciding statements";
  }
  if (const JsonValue* blocked = expect->find("blockedBy")) {
    EXPECT_EQ(d.blocked_by ? std::string(authz::policy_type_name(*d.blocked_by)) : std::string("(none)"),
              blocked->text);
  }
  if (const JsonValue* missing = expect->find("missing")) {
    std::vector<std::string> got;
    for (std::string_view k : d.missing_keys) got.push_back(common::to_lower(k));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, sorted_strings(missing, true)) << "missing context keys";
  }
}

TEST_P(Corpus, Case) {
  const CorpusCase& c = corpus()[GetParam()];
  SCOPED_TRACE(c.file + " / " + c.name);
  if (const JsonValue* v = c.json->find("validate")) {
    const JsonValue* expect = c.json->find("expect");
    ASSERT_NE(expect, nullptr);
    run_validation(c, *v, *expect);
  } else {
    run_evaluation(c);
  }
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string n = corpus()[info.param].name;
  for (char& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n + "_" + std::to_string(info.param);
}

INSTANTIATE_TEST_SUITE_P(All, Corpus, ::testing::Range<std::size_t>(0, corpus().size()), case_name);

TEST(CorpusShape, HasEnoughUniqueCases) {
  std::set<std::string> names;
  for (const auto& c : corpus()) EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
  EXPECT_GE(corpus().size(), 400u);
}

// The offline CLI agrees with the engine: every 4th evaluation case that
// SimulateCustomPolicy can express (identity policies, an optional boundary, an optional
// non-trust resource policy, a user or role-session caller) goes through the binary.
TEST(CorpusCli, SimulateAgreesWithCorpus) {
  int run = 0, eligible = 0;
  for (const auto& c : corpus()) {
    const JsonValue& j = *c.json;
    if (j.find("validate") || j.find("session") || j.find("scp") || j.find("rcp")) continue;
    std::string ptype = "User";
    std::string caller = "arn:aws:iam::111122223333:user/alice";
    if (const JsonValue* p = j.find("principal")) {
      ptype = str(p->find("type"));
      caller = str(p->find("arn"));
    }
    if (ptype != "User" && ptype != "Root") continue;
    const JsonValue* rp = j.find("resourcePolicy");
    if (rp && rp->find("trust") && rp->find("trust")->boolean) continue;
    const JsonValue* request = j.find("request");
    // The CLI types context values by ContextKeyType; keep to plain strings and lists.
    if (eligible++ % 4 != 0) continue;
    common::JsonWriter w;
    w.begin_object();
    w.key("PolicyInputList").begin_array();
    if (const JsonValue* ids = j.find("identity")) {
      for (const JsonValue& e : ids->items) w.value(document_text(c, *e.find("document")));
    }
    w.end_array();
    if (const JsonValue* b = j.find("boundary")) {
      w.key("PermissionsBoundaryPolicyInputList")
          .begin_array()
          .value(document_text(c, *b->find("document")))
          .end_array();
    }
    if (rp) w.key("ResourcePolicy").value(document_text(c, *rp->find("document")));
    w.key("CallerArn").value(caller);
    if (const JsonValue* ra = request->find("resourceAccount")) w.key("ResourceOwner").value(ra->text);
    w.key("ActionNames").begin_array().value(str(request->find("action"))).end_array();
    w.key("ResourceArns").begin_array().value(str(request->find("resource"), "*")).end_array();
    w.key("ContextEntries").begin_array();
    if (const JsonValue* ctx = request->find("context")) {
      for (const auto& [k, v] : ctx->members) {
        w.begin_object().key("ContextKeyName").value(k).key("ContextKeyValues").begin_array();
        if (v.is_array()) {
          for (const JsonValue& e : v.items) w.value(e.text);
        } else {
          w.value(v.kind == JsonValue::Kind::kBool ? (v.boolean ? "true" : "false") : v.text);
        }
        w.end_array().key("ContextKeyType").value(v.is_array() ? "stringList" : "string").end_object();
      }
    }
    w.end_array();
    w.end_object();
    std::string path = ::testing::TempDir() + "/iamd_sim_" + std::to_string(run) + ".json";
    {
      std::ofstream f(path);
      f << w.str();
    }
    std::string cmd = std::string(IAMD_BINARY) + " policy simulate --cli-input-json file://" + path + " 2>&1";
    std::FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    int status = pclose(pipe);
    ++run;
    SCOPED_TRACE(c.name);
    ASSERT_EQ(status, 0) << out;
    std::string expected = "\"EvalDecision\": \"" + str(j.find("expect")->find("decision")) + "\"";
    EXPECT_NE(out.find(expected), std::string::npos) << out;
  }
  EXPECT_GE(run, 50);
}

}  // namespace
}  // namespace iamd
