// A SAML 2.0 authentication response as STS AssumeRoleWithSAML takes it (the SAMLAssertion
// member: a base64 samlp:Response), verified against the identity provider's signing
// certificates: libxml2 parses, libxmlsec checks the XML signature (saml_response.cc); both
// stay inside this module.
//
// verify_saml_response accepts a response only when:
// - it decodes, is well-formed, has no DOCTYPE (so no entity is expanded, nothing is fetched),
//   stays under the size, depth and element caps of formats/xml_read.h, and its root is a
//   samlp:Response holding exactly one saml:Assertion (no EncryptedAssertion);
// - no two elements share an ID, and the Response or the Assertion (or both) carry an
//   enveloped ds:Signature as a direct child whose one Reference is "#<ID of that element>":
//   the signed element is, by ID, the Response that holds the assertion or the assertion
//   itself, so the attributes read are the ones signed (no signature wrapping). Every
//   signature present must verify under one of `certificates` (DER X.509, the metadata's
//   signing keys); a KeyInfo in the response is never used. Only same-document references,
//   the enveloped and (exclusive) C14N transforms, SHA-1/SHA-256 digests and RSA-SHA1/SHA256
//   signatures are enabled.
// check_saml_assertion then applies the time, audience, recipient and issuer rules.
//
// Errors: code InvalidIdentityToken / ExpiredTokenException / IDPRejectedClaim with the
// messages documented at each function. Thread-safety: both functions are reentrant (the
// libraries are initialized once, on first use).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace iamd::formats {

inline constexpr std::size_t kMaxSamlResponseBytes = 100000;  // the model's SAMLAssertionType

struct SamlAttribute {
  std::string name;  // the Name attribute
  std::vector<std::string> values;
};

struct SamlSubjectConfirmation {
  std::string method;     // urn:oasis:names:tc:SAML:2.0:cm:bearer for AWS
  std::string recipient;  // SubjectConfirmationData Recipient, empty when absent
  std::optional<common::Timestamp> not_on_or_after;
};

// What the signed assertion says, as plain values.
struct SamlAssertion {
  std::string issuer;          // the Assertion's Issuer (else a signed Response's)
  std::string subject;         // Subject/NameID
  std::string subject_format;  // NameID's Format, as written
  std::vector<SamlSubjectConfirmation> confirmations;
  std::optional<common::Timestamp> not_before;               // Conditions
  std::optional<common::Timestamp> not_on_or_after;          // Conditions
  std::vector<std::string> audiences;                        // every AudienceRestriction/Audience
  std::optional<common::Timestamp> session_not_on_or_after;  // AuthnStatement
  std::vector<SamlAttribute> attributes;

  // The values of the attribute named `name` (exact match), or nullptr.
  const SamlAttribute* attribute(std::string_view name) const;
};

// Parses `response_base64` and verifies its signature (rules above). Errors
// [OBS "Response signature invalid" for a bad signature; the others UNCERTAIN]:
// InvalidIdentityToken for anything that is not a well-formed, single-assertion, validly
// signed response; IDPRejectedClaim when its StatusCode is not Success.
common::Result<SamlAssertion> verify_saml_response(std::string_view response_base64,
                                                   const std::vector<std::string>& certificates);

struct SamlExpectations {
  common::Timestamp now;
  std::string issuer;  // the provider's entityID
  // Accepted audiences (one must be listed) and recipients (a bearer confirmation must name
  // one): https://signin.aws.amazon.com/saml and urn:amazon:webservices for the aws partition.
  std::vector<std::string> audiences;
  std::vector<std::string> recipients;
  // Also accepted as a recipient: "https://<region>.<regional_host>/saml" (AWS's regional
  // sign-in endpoints, e.g. https://eu-west-1.signin.aws.amazon.com/saml), <region> being
  // lowercase letters, digits and '-'. Empty: none.
  std::string regional_host;
};

// The rules of "Configure SAML assertions for the authentication response": the Issuer is
// the provider's (InvalidIdentityToken "Issuer not present in specified provider" [OBS]);
// now is within Conditions NotBefore/NotOnOrAfter and before a bearer confirmation's
// NotOnOrAfter (ExpiredTokenException otherwise, [UNCERTAIN] text); an accepted audience and
// recipient (InvalidIdentityToken, [UNCERTAIN] text). Returns the recipient used (AWS's
// saml:aud and the answer's Audience).
common::Result<std::string> check_saml_assertion(const SamlAssertion& assertion, const SamlExpectations& expect);

// Initializes libxml2 and libxmlsec once per process (verify_saml_response does it itself);
// false when they cannot be. For tests that sign responses with libxmlsec in-process.
bool init_xml_security();

// AWS's NameQualifier: base64(SHA1(issuer + account id + "/" + provider name)).
std::string saml_name_qualifier(std::string_view issuer, std::string_view account_id, std::string_view provider_name);

}  // namespace iamd::formats
