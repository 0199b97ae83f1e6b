#include "iam/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "policy/json.h"

namespace iamd::iam {
namespace {

TEST(ManagedCatalog, BuiltinHasEveryPolicyWithRealDocuments) {
  const ManagedCatalog& c = ManagedCatalog::builtin();
  EXPECT_EQ(c.all().size(), 1485u);
  const AwsManagedPolicy* admin = c.find_by_arn("arn:aws:iam::aws:policy/AdministratorAccess");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->document,
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
    auto served = policy::parse_json(p->document);
    ASSERT_TRUE(served.has_value()) << m.key;
    EXPECT_TRUE(same(*served, *m.value.find("Document"), same)) << m.key;
    EXPECT_EQ(p->default_version_id, m.value.find("DefaultVersionId")->text) << m.key;
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

}  // namespace
}  // namespace iamd::iam
