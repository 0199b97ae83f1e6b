#include "iam/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "common/json_writer.h"
#include "policy/json.h"

namespace iamd::iam {
namespace {

TEST(ManagedCatalog, BuiltinHasEveryPolicyWithRealDocuments) {
  const ManagedCatalog& c = ManagedCatalog::builtin();
  EXPECT_EQ(c.all().size(), 1485u);
  const AwsManagedPolicy* admin = c.find_by_arn("arn:aws:iam::aws:policy/AdministratorAccess");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->document(),
            R"({"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"})");
  EXPECT_EQ(admin->path, "/");
  EXPECT_EQ(admin->policy_id.size(), 21u);
  EXPECT_EQ(admin->policy_id.substr(0, 4), "ANPA");
  for (const char* name : {"PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess",
                           "IAMUserChangePassword", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess"}) {
    const AwsManagedPolicy* p = c.find_by_name(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(c.find_by_arn(p->arn), p);
  }
  const AwsManagedPolicy* lambda = c.find_by_name("AWSLambdaBasicExecutionRole");
  ASSERT_NE(lambda, nullptr);
  EXPECT_EQ(lambda->arn, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  EXPECT_EQ(c.find_by_arn("arn:aws:iam::aws:policy/NoSuchPolicy"), nullptr);
  std::set<std::string> ids;
  for (const auto& p : c.all()) EXPECT_TRUE(ids.insert(p.policy_id).second) << p.name;
}

// The documents served are the published ones: parsing each served document gives back
// exactly the catalogue's value (same members, order and text).
TEST(ManagedCatalog, DocumentsMatchTheDataFile) {
  std::ifstream f(IAMD_DATA_DIR "/aws-managed-policies.json", std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  auto root = policy::parse_json(text);
  ASSERT_TRUE(root.has_value());
  const policy::JsonValue* policies = root->find("policies");
  const ManagedCatalog& c = ManagedCatalog::builtin();
  ASSERT_EQ(policies->members.size(), c.all().size());
  auto same = [](const policy::JsonValue& a, const policy::JsonValue& b, auto&& self) -> bool {
    if (a.kind != b.kind || a.text != b.text || a.boolean != b.boolean || a.items.size() != b.items.size() ||
        a.members.size() != b.members.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (!self(a.items[i], b.items[i], self)) return false;
    }
    for (std::size_t i = 0; i < a.members.size(); ++i) {
      if (a.members[i].key != b.members[i].key || !self(a.members[i].value, b.members[i].value, self)) return false;
    }
    return true;
  };
  for (const policy::JsonMember& m : policies->members) {
    const AwsManagedPolicy* p = c.find_by_name(m.key);
    ASSERT_NE(p, nullptr) << m.key;
    auto served = policy::parse_json(p->document());
    ASSERT_TRUE(served.has_value()) << m.key;
    EXPECT_TRUE(same(*served, *m.value.find("Document"), same)) << m.key;
    EXPECT_EQ(p->default_version_id, m.value.find("DefaultVersionId")->text) << m.key;
  }
}

// Byte for byte, each served document is the compact serialization of the published value
// (members in published order, strings as common::append_json_string writes them): what
// the catalogue served before it was read lazily.
void write_compact(const policy::JsonValue& v, std::string& out) {
  using Kind = policy::JsonValue::Kind;
  switch (v.kind) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case Kind::kNumber:
      out += v.text;
      break;
    case Kind::kString:
      common::append_json_string(out, v.text);
      break;
    case Kind::kArray:
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out.push_back(',');
        write_compact(v.items[i], out);
      }
      out.push_back(']');
      break;
    case Kind::kObject:
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

TEST(ManagedCatalog, DocumentsAreTheCompactPublishedText) {
  auto root = policy::parse_json(ManagedCatalog::embedded_text());
  ASSERT_TRUE(root.has_value());
  const ManagedCatalog& c = ManagedCatalog::builtin();
  for (const policy::JsonMember& m : root->find("policies")->members) {
    std::string expected;
    write_compact(*m.value.find("Document"), expected);
    const AwsManagedPolicy* p = c.find_by_name(m.key);
    ASSERT_NE(p, nullptr) << m.key;
    EXPECT_EQ(p->document(), expected) << m.key;
  }
}

TEST(ManagedCatalog, LoadRejectsBadInput) {
  EXPECT_FALSE(ManagedCatalog::load("not json").has_value());
  EXPECT_FALSE(ManagedCatalog::load(R"({"policies": []})").has_value());
  EXPECT_FALSE(ManagedCatalog::load(R"({"policies": {"X": {"Path": "/"}}})").has_value());
  auto c =
      ManagedCatalog::load(R"({"policies": {"X": {"Path": "/p/", "Document": {"Version": "2012-10-17"}}}})", "aws-cn");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->all()[0].arn, "arn:aws-cn:iam::aws:policy/p/X");
}

// Issue 10: the catalogue costs nothing at start. Constructing it reads nothing; the first
// lookup builds the index without making any document; a document is made when asked for,
// once. Fails if the catalogue is read eagerly again.
TEST(ManagedCatalog, NothingIsReadUntilTheFirstLookup) {
  ManagedCatalog c(ManagedCatalog::embedded_text());
  EXPECT_FALSE(c.indexed());
  EXPECT_EQ(c.documents_made(), 0u);
  // An ARN that cannot be an AWS managed policy does not need the index.
  EXPECT_EQ(c.find_by_arn("arn:aws:iam::123456789012:policy/Mine"), nullptr);
  EXPECT_EQ(c.find_by_arn("arn:aws-cn:iam::aws:policy/ReadOnlyAccess"), nullptr);
  EXPECT_FALSE(c.indexed());
  const AwsManagedPolicy* p = c.find_by_name("ReadOnlyAccess");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(c.indexed());
  EXPECT_EQ(c.all().size(), 1485u);
  EXPECT_EQ(c.documents_made(), 0u);
  EXPECT_EQ(c.find_by_arn("arn:aws:iam::aws:policy/ReadOnlyAccess"), p);
  EXPECT_EQ(p->document().substr(0, 14), R"({"Statement":[)");
  EXPECT_EQ(&p->document(), &p->document());
  EXPECT_EQ(c.documents_made(), 1u);
}

// Many threads asking at once build one index and make each document once.
TEST(ManagedCatalog, FirstUseFromManyThreadsAtOnce) {
  ManagedCatalog c(ManagedCatalog::embedded_text());
  constexpr int kThreads = 8;
  std::vector<const AwsManagedPolicy*> found(kThreads);
  std::vector<const std::string*> documents(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c, &found, &documents, t] {
      found[static_cast<std::size_t>(t)] = c.find_by_arn("arn:aws:iam::aws:policy/ReadOnlyAccess");
      if (found[static_cast<std::size_t>(t)] != nullptr) {
        documents[static_cast<std::size_t>(t)] = &found[static_cast<std::size_t>(t)]->document();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_NE(found[0], nullptr);
  for (int t = 1; t < kThreads; ++t) {
    EXPECT_EQ(found[static_cast<std::size_t>(t)], found[0]);
    EXPECT_EQ(documents[static_cast<std::size_t>(t)], documents[0]);
  }
  EXPECT_EQ(c.documents_made(), 1u);
  EXPECT_FALSE(documents[0]->empty());
}

// The same for the catalogue compiled in: in a fresh process (the "threadsafe" death test
// style re-executes the test binary), builtin() has read nothing.
TEST(ManagedCatalogDeathTest, BuiltinReadsNothingUntilUsed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const ManagedCatalog& c = ManagedCatalog::builtin();
        bool lazy = !c.indexed() && c.documents_made() == 0;
        bool found = c.find_by_name("AdministratorAccess") != nullptr;
        std::exit(lazy && found && c.indexed() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// The catalogue made by one pass over the text (no parse tree) is the one the full JSON
// parser reads: same names, paths, versions, dates and counts, in file order.
TEST(ManagedCatalog, IndexAgreesWithTheJsonParser) {
  std::string_view text = ManagedCatalog::embedded_text();
  auto root = policy::parse_json(text);
  ASSERT_TRUE(root.has_value());
  const policy::JsonValue* policies = root->find("policies");
  ASSERT_NE(policies, nullptr);
  const ManagedCatalog& c = ManagedCatalog::builtin();
  ASSERT_EQ(c.all().size(), policies->members.size());
  auto text_of = [](const policy::JsonValue& v, const char* key) {
    const policy::JsonValue* m = v.find(key);
    return m != nullptr && m->is_string() ? m->text : std::string();
  };
  for (std::size_t i = 0; i < c.all().size(); ++i) {
    const AwsManagedPolicy& a = c.all()[i];
    const policy::JsonMember& m = policies->members[i];
    EXPECT_EQ(a.name, m.key);
    std::string path = text_of(m.value, "Path");
    EXPECT_EQ(a.path, path.empty() ? "/" : path) << a.name;
    EXPECT_EQ(a.arn, "arn:aws:iam::aws:policy" + a.path + a.name);
    EXPECT_EQ(a.default_version_id, text_of(m.value, "DefaultVersionId")) << a.name;
    EXPECT_EQ(a.create_date, text_of(m.value, "CreateDate")) << a.name;
    EXPECT_EQ(a.update_date, text_of(m.value, "UpdateDate")) << a.name;
    const policy::JsonValue* n = m.value.find("PermissionsBoundaryUsageCount");
    EXPECT_EQ(a.permissions_boundary_usage_count, n != nullptr ? std::stoll(n->text) : 0) << a.name;
  }
}

TEST(ManagedCatalog, DocumentsWithEscapesAndStringDocuments) {
  auto c = ManagedCatalog::load(
      R"({"policies": {"A\u0042": {"Path": "/x/", "DefaultVersionId": "v3", "PermissionsBoundaryUsageCount": 4,)"
      R"( "Document": { "Version" : "2012-10-17", "Statement" : [ {"Sid": "a \" b\\", "Effect": "Allow"} ] }},)"
      R"( "S": {"Document": "{\"Version\": \"2012-10-17\"}"}}, "after": [1, {"x": "}"}]})");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  ASSERT_EQ(c->all().size(), 2u);
  const AwsManagedPolicy* a = c->find_by_arn("arn:aws:iam::aws:policy/x/AB");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "AB");
  EXPECT_EQ(a->default_version_id, "v3");
  EXPECT_EQ(a->permissions_boundary_usage_count, 4);
  EXPECT_EQ(a->document(), R"({"Version":"2012-10-17","Statement":[{"Sid":"a \" b\\","Effect":"Allow"}]})");
  const AwsManagedPolicy* s = c->find_by_name("S");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->path, "/");
  EXPECT_EQ(s->document(), R"({"Version": "2012-10-17"})");
  // Documents that are not JSON, and text that is not a catalogue, are refused.
  EXPECT_FALSE(ManagedCatalog::load(R"({"policies": {"X": {"Document": {"Version": }}}})").has_value());
  EXPECT_FALSE(ManagedCatalog::load(R"({"policies": {"X": {"Document": {"Version": "x"]}}})").has_value());
  EXPECT_FALSE(ManagedCatalog::load(R"({"policies": {"X": {"Document": {}}}} trailing)").has_value());
  EXPECT_FALSE(ManagedCatalog::load(R"({"other": {}})").has_value());
  EXPECT_FALSE(ManagedCatalog::load("").has_value());
}

}  // namespace
}  // namespace iamd::iam
