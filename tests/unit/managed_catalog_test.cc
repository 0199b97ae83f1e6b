// Every AWS managed policy that AWS publishes (data/aws-managed-policies.json, 1,485
// documents) is valid for our validator and compiles: real documents are the best check
// that validation is not stricter than AWS. AWS managed policies have no size quota.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy/compiled.h"
#include "policy/json.h"

namespace iamd::policy {
namespace {

TEST(ManagedCatalog, EveryAwsManagedPolicyValidatesAndCompiles) {
  std::ifstream f(IAMD_DATA_DIR "/aws-managed-policies.json", std::ios::binary);
  ASSERT_TRUE(f) << "cannot read the catalogue";
  std::ostringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  auto json = parse_json(text);
  ASSERT_TRUE(json.has_value());
  const JsonValue* policies = json->find("policies");
  ASSERT_NE(policies, nullptr);
  ValidateOptions o;
  o.kind = PolicyKind::kManaged;
  o.managed_policy_quota = 0;
  int n = 0;
  for (const JsonMember& m : policies->members) {
    const JsonValue* doc = m.value.find("Document");
    ASSERT_NE(doc, nullptr) << m.key;
    std::string_view body = doc->is_string() ? std::string_view(doc->text)
                                             : std::string_view(text).substr(doc->begin, doc->end - doc->begin + 1);
    auto c = compile_text(body, o, m.key);
    EXPECT_TRUE(c.has_value()) << m.key << ": " << (c ? "" : c.error().message + " at " + c.error().path);
    ++n;
  }
  EXPECT_EQ(n, 1485);
}

}  // namespace
}  // namespace iamd::policy
