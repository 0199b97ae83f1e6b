// SAML metadata as CreateSAMLProvider accepts it, and the XML reader beneath it: a table of
// documents with what each must give.
#include "iam/saml_metadata.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time.h"
#include "formats/xml_read.h"

namespace iamd::iam {
namespace {

const std::string kNs = "urn:oasis:names:tc:SAML:2.0:metadata";

std::string idp(const std::string& attributes = R"( entityID="https://idp.example.com")",
                const std::string& descriptor = "IDPSSODescriptor") {
  return "<md:EntityDescriptor xmlns:md=\"" + kNs + "\"" + attributes + "><md:" + descriptor +
         " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>";
}

struct Case {
  const char* name;
  std::string document;
  bool ok;
  std::string entity_id;    // when ok
  std::string valid_until;  // when ok: ISO 8601, or "" for none
};

TEST(SamlMetadata, Table) {
  const std::string nested = "<md:EntitiesDescriptor xmlns:md=\"" + kNs + R"(" validUntil="2030-01-01T00:00:00Z">)" +
                             idp() + "</md:EntitiesDescriptor>";
  const Case cases[] = {
      {"prefixed", idp(), true, "https://idp.example.com", ""},
      {"default namespace",
       "<EntityDescriptor xmlns=\"" + kNs + "\" entityID=\"e\"><IDPSSODescriptor/></EntityDescriptor>", true, "e", ""},
      {"validUntil", idp(R"( entityID="e" validUntil="2031-05-06T07:08:09Z")"), true, "e", "2031-05-06T07:08:09Z"},
      {"validUntil with offset", idp(R"( entityID="e" validUntil="2031-05-06T07:08:09+02:00")"), true, "e",
       "2031-05-06T05:08:09Z"},
      {"inside EntitiesDescriptor", nested, true, "https://idp.example.com", "2030-01-01T00:00:00Z"},
      {"declaration and comments", "<?xml version=\"1.0\"?><!-- c -->" + idp(), true, "https://idp.example.com", ""},
      {"validUntil not a date", idp(R"( entityID="e" validUntil="soon")"), false, "", ""},
      {"no entityID", idp(""), false, "", ""},
      {"empty entityID", idp(R"( entityID="")"), false, "", ""},
      {"SP only", idp(R"( entityID="e")", "SPSSODescriptor"), false, "", ""},
      {"other namespace", "<EntityDescriptor xmlns=\"urn:x\" entityID=\"e\"><IDPSSODescriptor/></EntityDescriptor>",
       false, "", ""},
      {"no namespace", "<EntityDescriptor entityID=\"e\"><IDPSSODescriptor/></EntityDescriptor>", false, "", ""},
      {"not XML", "metadata", false, "", ""},
      {"empty", "", false, "", ""},
      {"two roots", idp() + idp(), false, "", ""},
      {"DOCTYPE", "<!DOCTYPE x [<!ENTITY a \"b\">]>" + idp(), false, "", ""},
      {"unbound prefix", "<md:EntityDescriptor entityID=\"e\"><md:IDPSSODescriptor/></md:EntityDescriptor>", false, "",
       ""},
  };
  for (const Case& c : cases) {
    auto m = parse_saml_metadata(c.document);
    ASSERT_EQ(static_cast<bool>(m), c.ok) << c.name;
    if (!c.ok) {
      EXPECT_EQ(m.error().code, "InvalidInput") << c.name;
      EXPECT_EQ(m.error().message, "Could not parse metadata") << c.name;
      continue;
    }
    EXPECT_EQ(m->entity_id, c.entity_id) << c.name;
    EXPECT_EQ(m->valid_until ? common::format_iso8601(*m->valid_until) : "", c.valid_until) << c.name;
  }
}

TEST(XmlRead, TreeNamespacesTextAndAttributes) {
  auto root =
      formats::read_xml(R"(<a xmlns="urn:a" xmlns:b="urn:b" b:x="1" y="&lt;2&#x41;"><b:c>t<![CDATA[<u>]]></b:c></a>)");
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->ns, "urn:a");
  EXPECT_EQ(root->name, "a");
  ASSERT_NE(root->attribute("urn:b", "x"), nullptr);
  EXPECT_EQ(root->attribute("urn:b", "x")->value, "1");
  ASSERT_NE(root->attribute("", "y"), nullptr);
  EXPECT_EQ(root->attribute("", "y")->value, "<2A");
  const formats::XmlElement* c = root->child("urn:b", "c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "t<u>");
  EXPECT_EQ(root->child("urn:a", "c"), nullptr);
}

TEST(XmlRead, Refusals) {
  std::string deep;
  for (int i = 0; i < formats::kMaxXmlDepth + 1; ++i) deep += "<x>";
  for (int i = 0; i < formats::kMaxXmlDepth + 1; ++i) deep += "</x>";
  std::string wide = "<r>";
  for (std::size_t i = 0; i < formats::kMaxXmlElements; ++i) wide += "<x/>";
  wide += "</r>";
  const std::pair<std::string, std::string> cases[] = {
      {deep, "nest deeper than 64"},
      {wide, "more than 100000 elements"},
      {"<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><r>&b;</r>", "DOCTYPE"},
      {"<r><x></r>", "mismatched tag"},
      {"<r a='1' a='2'/>", "duplicate attribute"},
      {"", "no element found"},
  };
  for (const auto& [text, why] : cases) {
    auto r = formats::read_xml(text);
    ASSERT_FALSE(r) << why;
    EXPECT_EQ(r.error().code, "InvalidInput");
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }
  // The limits themselves are allowed.
  std::string at_limit;
  for (int i = 0; i < formats::kMaxXmlDepth; ++i) at_limit += "<x>";
  for (int i = 0; i < formats::kMaxXmlDepth; ++i) at_limit += "</x>";
  EXPECT_TRUE(formats::read_xml(at_limit));
}

}  // namespace
}  // namespace iamd::iam
