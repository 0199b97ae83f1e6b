// The SAML response verifier (formats/saml_response.h) and the metadata's signing
// certificates (iam/saml_metadata.h), against responses signed by libxmlsec itself
// (saml_signer.h) with the test keys in tests/iam/saml/.
#include "formats/saml_response.h"

#include <gtest/gtest.h>

#include <string>

#include "common/strings.h"
#include "common/time.h"
#include "iam/saml_metadata.h"
#include "saml_signer.h"

namespace iamd::formats {
namespace {

using iamd::testing::pem_to_der;
using iamd::testing::read_file;
using iamd::testing::sign_saml;

const std::string kDir = IAMD_SAML_TEST_DIR;
const std::string kIssuer = "https://idp.example.com/saml";
const std::string kRole = "arn:aws:iam::123456789012:role/SamlRole";
const std::string kProvider = "arn:aws:iam::123456789012:saml-provider/Idp";

struct Parts {
  std::string assertion_id = "_assertion1";
  std::string issuer = kIssuer;
  std::string audience = "https://signin.aws.amazon.com/saml";
  std::string recipient = "https://signin.aws.amazon.com/saml";
  std::string not_before = "2026-12-04T23:00:00Z";
  std::string not_on_or_after = "2026-12-05T00:00:00Z";
  std::string confirmation_not_on_or_after = "2026-12-05T00:00:00Z";
  std::string session_name = "alice@example.com";
  std::string extra_assertion;   // a second Assertion element, verbatim
  bool assertion_issuer = true;  // the Assertion has an Issuer of its own
};

std::string assertion_xml(const Parts& p) {
  return "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + p.assertion_id +
         "\" Version=\"2.0\" IssueInstant=\"2026-12-04T23:30:00Z\">" +
         (p.assertion_issuer ? "<saml:Issuer>" + p.issuer + "</saml:Issuer>" : std::string()) +
         "<saml:Subject><saml:NameID "
         "Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\">alice</saml:NameID>"
         "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
         "<saml:SubjectConfirmationData NotOnOrAfter=\"" +
         p.confirmation_not_on_or_after + "\" Recipient=\"" + p.recipient +
         "\"/></saml:SubjectConfirmation></saml:Subject>"
         "<saml:Conditions NotBefore=\"" +
         p.not_before + "\" NotOnOrAfter=\"" + p.not_on_or_after + "\"><saml:AudienceRestriction><saml:Audience>" +
         p.audience +
         "</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
         "<saml:AuthnStatement AuthnInstant=\"2026-12-04T23:30:00Z\" SessionNotOnOrAfter=\"2026-12-05T02:00:00Z\"/>"
         "<saml:AttributeStatement>"
         "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\"><saml:AttributeValue>" +
         kRole + "," + kProvider +
         "</saml:AttributeValue></saml:Attribute>"
         "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\"><saml:AttributeValue>" +
         p.session_name +
         "</saml:AttributeValue></saml:Attribute>"
         "</saml:AttributeStatement></saml:Assertion>";
}

std::string response_xml(const Parts& p) {
  return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
         "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_response1\" Version=\"2.0\" "
         "IssueInstant=\"2026-12-04T23:30:00Z\" Destination=\"https://signin.aws.amazon.com/saml\">"
         "<saml:Issuer>" +
         p.issuer +
         "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
         "</samlp:Status>" +
         assertion_xml(p) + p.extra_assertion + "</samlp:Response>";
}

class SamlResponseTest : public ::testing::Test {
 protected:
  const std::string key = read_file(kDir + "/idp-key.pem");
  const std::string cert = read_file(kDir + "/idp-cert.pem");
  const std::string other_key = read_file(kDir + "/other-key.pem");
  const std::string other_cert = read_file(kDir + "/other-cert.pem");
  const std::vector<std::string> trusted = {pem_to_der(cert)};

  static std::string b64(const std::string& xml) { return common::base64_encode(xml); }

  SamlExpectations expect() const {
    SamlExpectations e;
    e.now = *common::parse_aws_date("2026-12-04T23:35:00Z");
    e.issuer = kIssuer;
    e.audiences = {"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"};
    e.recipients = {"https://signin.aws.amazon.com/saml"};
    e.regional_host = "signin.aws.amazon.com";
    return e;
  }
  // Signed assertion (the common IdP form), verified and checked.
  common::Result<std::string> run(const Parts& p) {
    auto a = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, key, cert)), trusted);
    if (!a) return a.error();
    return check_saml_assertion(*a, expect());
  }
};

TEST_F(SamlResponseTest, SignedAssertionVerifiesAndIsRead) {
  Parts p;
  auto a = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, key, cert)), trusted);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->issuer, kIssuer);
  EXPECT_EQ(a->subject, "alice");
  EXPECT_EQ(a->subject_format, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
  ASSERT_EQ(a->audiences.size(), 1u);
  const SamlAttribute* role = a->attribute("https://aws.amazon.com/SAML/Attributes/Role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->values, std::vector<std::string>{kRole + "," + kProvider});
  ASSERT_TRUE(a->session_not_on_or_after);
  auto recipient = check_saml_assertion(*a, expect());
  ASSERT_TRUE(recipient) << recipient.error().message;
  EXPECT_EQ(*recipient, "https://signin.aws.amazon.com/saml");
}

TEST_F(SamlResponseTest, SignedResponseVerifies) {
  Parts p;
  auto a = verify_saml_response(b64(sign_saml(response_xml(p), "_response1", key, cert)), trusted);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->subject, "alice");
}

TEST_F(SamlResponseTest, AttributeChangedAfterSigningIsRejected) {
  Parts p;
  std::string signed_xml = sign_saml(response_xml(p), p.assertion_id, key, cert);
  const auto at = signed_xml.find("alice@example.com");
  ASSERT_NE(at, std::string::npos);
  signed_xml.replace(at, 5, "mallo");
  auto a = verify_saml_response(b64(signed_xml), trusted);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "InvalidIdentityToken");
  EXPECT_EQ(a.error().message, "Response signature invalid");
}

TEST_F(SamlResponseTest, SignatureByAnotherKeyIsRejected) {
  Parts p;
  // Its own certificate travels in KeyInfo: it must not be trusted.
  auto a = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, other_key, other_cert)), trusted);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "Response signature invalid");
  // The same response verifies when that certificate is the provider's.
  auto b = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, other_key, other_cert)),
                                {pem_to_der(other_cert)});
  EXPECT_TRUE(b) << b.error().message;
}

TEST_F(SamlResponseTest, IssuerIsReadOnlyFromSignedParts) {
  Parts p;
  p.assertion_issuer = false;  // only the Response names the issuer
  auto a = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, key, cert)), trusted);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->issuer, "");  // the Response is not signed: its Issuer is not taken
  EXPECT_EQ(check_saml_assertion(*a, expect()).error().message, "Issuer not present in specified provider");
  auto b = verify_saml_response(b64(sign_saml(response_xml(p), "_response1", key, cert)), trusted);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->issuer, kIssuer);
}

TEST_F(SamlResponseTest, UnsignedResponseIsRejected) {
  auto a = verify_saml_response(b64(response_xml(Parts{})), trusted);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "Response signature invalid");
}

TEST_F(SamlResponseTest, SignatureWrappingIsRejected) {
  // A second, unsigned assertion next to the signed one.
  Parts evil;
  evil.assertion_id = "_evil";
  evil.session_name = "mallory";
  Parts p;
  p.extra_assertion = assertion_xml(evil);
  auto a = verify_saml_response(b64(sign_saml(response_xml(p), p.assertion_id, key, cert)), trusted);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "InvalidIdentityToken");

  // The signed assertion moved into an Extensions element, an unsigned one in its place that
  // carries the signature whose reference still names the original ID.
  std::string signed_xml = sign_saml(response_xml(Parts{}), "_assertion1", key, cert);
  const auto start = signed_xml.find("<saml:Assertion");
  const auto end = signed_xml.find("</saml:Assertion>") + std::string("</saml:Assertion>").size();
  const std::string original = signed_xml.substr(start, end - start);
  std::string forged = original;
  const auto name = forged.find("alice@example.com");
  forged.replace(name, 17, "mallory");
  forged.replace(forged.find("ID=\"_assertion1\""), 16, "ID=\"_forged\"");
  std::string wrapped = signed_xml.substr(0, start) + "<samlp:Extensions>" + original + "</samlp:Extensions>" + forged +
                        signed_xml.substr(end);
  auto b = verify_saml_response(b64(wrapped), trusted);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "Response signature invalid");

  // Two elements with the signed ID.
  std::string dup = signed_xml.substr(0, start) + "<samlp:Extensions>" + original + "</samlp:Extensions>" + original +
                    signed_xml.substr(end);
  EXPECT_FALSE(verify_saml_response(b64(dup), trusted));
}

TEST_F(SamlResponseTest, OnlySameDocumentReferencesAndKnownTransforms) {
  const std::string good = sign_saml(response_xml(Parts{}), "_assertion1", key, cert);
  ASSERT_TRUE(verify_saml_response(b64(good), trusted));
  std::string external = good;
  external.replace(external.find("URI=\"#_assertion1\""), 17, "URI=\"http://x/a\"");
  EXPECT_FALSE(verify_saml_response(b64(external), trusted));
  const std::string c14n = "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
  std::string xslt = good;
  const auto at = xslt.find(c14n);
  ASSERT_NE(at, std::string::npos);
  xslt.replace(at, c14n.size(), "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>");
  EXPECT_FALSE(verify_saml_response(b64(xslt), trusted));
}

TEST_F(SamlResponseTest, FailedStatusAndEncryptedAssertions) {
  std::string denied = sign_saml(response_xml(Parts{}), "_assertion1", key, cert);
  const std::string success = "urn:oasis:names:tc:SAML:2.0:status:Success";
  denied.replace(denied.find(success), success.size(), "urn:oasis:names:tc:SAML:2.0:status:Requester");
  auto a = verify_saml_response(b64(denied), trusted);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "IDPRejectedClaim");
  std::string encrypted = response_xml(Parts{});
  const auto start = encrypted.find("<saml:Assertion");
  const auto end = encrypted.find("</saml:Assertion>") + std::string("</saml:Assertion>").size();
  encrypted.replace(start, end - start, "<saml:EncryptedAssertion/>");
  auto b = verify_saml_response(b64(encrypted), trusted);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "InvalidIdentityToken");
}

TEST_F(SamlResponseTest, DoctypeIsRejected) {
  const std::string xml =
      "<!DOCTYPE r [<!ENTITY x \"y\">]>" + sign_saml(response_xml(Parts{}), "_assertion1", key, cert);
  EXPECT_FALSE(verify_saml_response(b64(xml), trusted));
  EXPECT_FALSE(verify_saml_response("not base64!", trusted));
}

TEST_F(SamlResponseTest, TimeAudienceRecipientAndIssuer) {
  EXPECT_TRUE(run(Parts{}));
  Parts expired;
  expired.not_on_or_after = "2026-12-04T23:35:00Z";  // now: not before it
  auto e = run(expired);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, "ExpiredTokenException");
  Parts early;
  early.not_before = "2026-12-04T23:40:00Z";
  EXPECT_EQ(run(early).error().code, "ExpiredTokenException");
  Parts confirmation_expired;
  confirmation_expired.confirmation_not_on_or_after = "2026-12-04T23:34:59Z";
  EXPECT_EQ(run(confirmation_expired).error().code, "ExpiredTokenException");
  Parts audience;
  audience.audience = "https://sp.example.com";
  EXPECT_EQ(run(audience).error().code, "InvalidIdentityToken");
  Parts webservices;
  webservices.audience = "urn:amazon:webservices";
  EXPECT_TRUE(run(webservices));
  Parts recipient;
  recipient.recipient = "https://sp.example.com/acs";
  EXPECT_EQ(run(recipient).error().code, "InvalidIdentityToken");
  Parts regional;
  regional.recipient = "https://eu-west-1.signin.aws.amazon.com/saml";
  auto r = run(regional);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "https://eu-west-1.signin.aws.amazon.com/saml");
  Parts not_regional;
  not_regional.recipient = "https://evil.example.com/x.signin.aws.amazon.com/saml";
  EXPECT_EQ(run(not_regional).error().code, "InvalidIdentityToken");
  Parts issuer;
  issuer.issuer = "https://other.example.com";
  auto i = run(issuer);
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().message, "Issuer not present in specified provider");
}

TEST(SamlNameQualifier, AwsFormula) {
  // base64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP")), the docs' example.
  EXPECT_EQ(saml_name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP"),
            "1uAJanUnBc2XeUkHURMht+xam2c=");
}

TEST(SamlMetadataCertificates, SigningKeysAreTaken) {
  const std::string cert = read_file(kDir + "/idp-cert.pem");
  std::string b64;
  for (char ch : cert) b64.push_back(ch);
  const std::string der = pem_to_der(cert);
  const std::string body = common::base64_encode(der);
  auto key = [&](const std::string& use) {
    return "<md:KeyDescriptor" + use + "><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n" + body +
           "\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>";
  };
  const std::string doc =
      "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
      "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"" +
      kIssuer + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">" +
      key(" use=\"encryption\"") + key(" use=\"signing\"") + key("") + "</md:IDPSSODescriptor></md:EntityDescriptor>";
  auto m = iam::parse_saml_metadata(doc);
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->signing_certificates.size(), 2u);  // the encryption key is not one
  EXPECT_EQ(m->signing_certificates[0], der);
}

}  // namespace
}  // namespace iamd::formats
