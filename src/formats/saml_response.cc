#include "formats/saml_response.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/sha.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>

#include "common/strings.h"
#include "formats/xml_read.h"

namespace iamd::formats {

namespace {

using common::Error;
using common::Result;

constexpr const char* kProtocolNs = "urn:oasis:names:tc:SAML:2.0:protocol";
constexpr const char* kAssertionNs = "urn:oasis:names:tc:SAML:2.0:assertion";
constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success";
constexpr std::string_view kBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

Error invalid(std::string message) {
  return Error{"InvalidIdentityToken", std::move(message), ""};
}
Error bad_signature() {
  return invalid("Response signature invalid");
}

void quiet_xml(void*, const char*, ...) {}
void quiet_xmlsec(const char*, int, const char*, const char*, const char*, int, const char*) {}

}  // namespace

// libxml2 and xmlsec (OpenSSL backend, linked directly) are initialized once per process
// and never shut down: other threads may be verifying.
bool init_xml_security() {
  static const bool ok = [] {
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, quiet_xml);
    if (xmlSecInit() < 0) return false;
    if (xmlSecCheckVersion() != 1) return false;
    if (xmlSecCryptoAppInit(nullptr) < 0) return false;
    if (xmlSecCryptoInit() < 0) return false;
    xmlSecErrorsSetCallback(quiet_xmlsec);
    return true;
  }();
  return ok;
}

namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct KeyFree {
  void operator()(xmlSecKey* k) const { xmlSecKeyDestroy(k); }
};
struct DsigFree {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};

bool is(const xmlNode* n, const char* ns, const char* name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         xmlStrEqual(n->ns->href, BAD_CAST ns) != 0 && xmlStrEqual(n->name, BAD_CAST name) != 0;
}

std::vector<xmlNode*> children(xmlNode* n, const char* ns, const char* name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (is(c, ns, name)) out.push_back(c);
  }
  return out;
}

xmlNode* child(xmlNode* n, const char* ns, const char* name) {
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (is(c, ns, name)) return c;
  }
  return nullptr;
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, BAD_CAST name);
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool has_attr(const xmlNode* n, const char* name) {
  return xmlHasNsProp(n, BAD_CAST name, nullptr) != nullptr;
}

std::string text(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  const auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
}

Result<std::optional<common::Timestamp>> time_attr(const xmlNode* n, const char* name) {
  if (n == nullptr || !has_attr(n, name)) return std::optional<common::Timestamp>{};
  auto t = common::parse_aws_date(attr(n, name));
  if (!t) return invalid(std::string("Invalid ") + name + " in the SAML response");  // [UNCERTAIN] text
  return std::optional<common::Timestamp>{*t};
}

// Registers every unqualified ID attribute as an XML ID (what "#id" references resolve to)
// and refuses a document where two elements share one: a reference must name one element.
bool register_ids(xmlDoc* doc, xmlNode* n, std::set<std::string>& seen) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      if (a->ns != nullptr || xmlStrEqual(a->name, BAD_CAST "ID") == 0) continue;
      const std::string id = attr(n, "ID");
      if (id.empty() || !seen.insert(id).second) return false;
      if (xmlAddID(nullptr, doc, BAD_CAST id.c_str(), a) == nullptr) return false;
    }
    if (!register_ids(doc, n->children, seen)) return false;
  }
  return true;
}

// The enveloped signature of `signed_node` (a direct ds:Signature child): it must reference
// exactly "#<ID of signed_node>" and verify under one of the certificates.
Result<void> verify_enveloped(xmlNode* signed_node, xmlNode* signature, const std::vector<std::string>& certificates) {
  const std::string id = attr(signed_node, "ID");
  if (id.empty()) return bad_signature();
  for (const std::string& der : certificates) {
    std::unique_ptr<xmlSecKey, KeyFree> key(xmlSecCryptoAppKeyLoadMemory(
        reinterpret_cast<const xmlSecByte*>(der.data()), static_cast<xmlSecSize>(der.size()),
        xmlSecKeyDataFormatCertDer, nullptr, nullptr, nullptr));
    if (!key) continue;
    std::unique_ptr<xmlSecDSigCtx, DsigFree> ctx(xmlSecDSigCtxCreate(nullptr));
    if (!ctx) return invalid("The SAML response could not be verified");
    ctx->signKey = key.release();  // owned by ctx from here; KeyInfo in the document is never read
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
    bool ok = xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformEnvelopedId) == 0 &&
              xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NId) == 0 &&
              xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NWithCommentsId) == 0 &&
              xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformInclC14NId) == 0 &&
              xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha1Id) == 0 &&
              xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha256Id) == 0 &&
              xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NId) == 0 &&
              xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NWithCommentsId) == 0 &&
              xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformInclC14NId) == 0 &&
              xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformRsaSha1Id) == 0 &&
              xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformRsaSha256Id) == 0;
    if (!ok) return invalid("The SAML response could not be verified");
    if (xmlSecDSigCtxVerify(ctx.get(), signature) < 0 || ctx->status != xmlSecDSigStatusSucceeded) continue;
    // What was signed: one reference, to this element by its ID.
    if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) return bad_signature();
    auto* ref = static_cast<xmlSecDSigReferenceCtx*>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
    if (ref == nullptr || ref->uri == nullptr || ref->status != xmlSecDSigStatusSucceeded ||
        std::string_view(reinterpret_cast<const char*>(ref->uri)) != "#" + id) {
      return bad_signature();
    }
    return {};
  }
  return bad_signature();
}

std::vector<std::string> values_of(xmlNode* attribute) {
  std::vector<std::string> out;
  for (xmlNode* v : children(attribute, kAssertionNs, "AttributeValue")) out.push_back(text(v));
  return out;
}

// `response_signed`: the Response's own elements are covered by a verified signature too.
Result<SamlAssertion> read_assertion(xmlNode* response, xmlNode* assertion, bool response_signed) {
  SamlAssertion out;
  if (xmlNode* issuer = child(assertion, kAssertionNs, "Issuer")) {
    out.issuer = text(issuer);
  } else if (xmlNode* r_issuer = child(response, kAssertionNs, "Issuer"); r_issuer && response_signed) {
    out.issuer = text(r_issuer);  // never from an unsigned part of the document
  }
  if (xmlNode* subject = child(assertion, kAssertionNs, "Subject")) {
    if (xmlNode* name_id = child(subject, kAssertionNs, "NameID")) {
      out.subject = text(name_id);
      out.subject_format = attr(name_id, "Format");
    }
    for (xmlNode* sc : children(subject, kAssertionNs, "SubjectConfirmation")) {
      SamlSubjectConfirmation c;
      c.method = attr(sc, "Method");
      if (xmlNode* data = child(sc, kAssertionNs, "SubjectConfirmationData")) {
        c.recipient = attr(data, "Recipient");
        auto t = time_attr(data, "NotOnOrAfter");
        if (!t) return t.error();
        c.not_on_or_after = *t;
      }
      out.confirmations.push_back(std::move(c));
    }
  }
  if (xmlNode* conditions = child(assertion, kAssertionNs, "Conditions")) {
    auto nb = time_attr(conditions, "NotBefore");
    if (!nb) return nb.error();
    out.not_before = *nb;
    auto na = time_attr(conditions, "NotOnOrAfter");
    if (!na) return na.error();
    out.not_on_or_after = *na;
    for (xmlNode* restriction : children(conditions, kAssertionNs, "AudienceRestriction")) {
      for (xmlNode* a : children(restriction, kAssertionNs, "Audience")) out.audiences.push_back(text(a));
    }
  }
  for (xmlNode* authn : children(assertion, kAssertionNs, "AuthnStatement")) {
    auto t = time_attr(authn, "SessionNotOnOrAfter");
    if (!t) return t.error();
    if (*t && (!out.session_not_on_or_after || **t < *out.session_not_on_or_after)) out.session_not_on_or_after = *t;
  }
  for (xmlNode* statement : children(assertion, kAssertionNs, "AttributeStatement")) {
    for (xmlNode* a : children(statement, kAssertionNs, "Attribute")) {
      const std::string name = attr(a, "Name");
      auto it = std::find_if(out.attributes.begin(), out.attributes.end(),
                             [&](const SamlAttribute& s) { return s.name == name; });
      std::vector<std::string> values = values_of(a);
      if (it == out.attributes.end()) {
        out.attributes.push_back(SamlAttribute{name, std::move(values)});
      } else {
        it->values.insert(it->values.end(), values.begin(), values.end());
      }
    }
  }
  return out;
}

bool is_regional_recipient(std::string_view recipient, std::string_view host) {
  constexpr std::string_view kScheme = "https://";
  if (host.empty() || !recipient.starts_with(kScheme)) return false;
  recipient.remove_prefix(kScheme.size());
  std::string tail(1, '.');
  tail.append(host).append("/saml");
  if (!recipient.ends_with(tail)) return false;
  const std::string_view region = recipient.substr(0, recipient.size() - tail.size());
  return !region.empty() && std::all_of(region.begin(), region.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

}  // namespace

const SamlAttribute* SamlAssertion::attribute(std::string_view name) const {
  for (const SamlAttribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Result<SamlAssertion> verify_saml_response(std::string_view response_base64,
                                           const std::vector<std::string>& certificates) {
  // [UNCERTAIN] AWS's texts for an undecodable or unparsable response.
  const Error malformed = invalid("Invalid SAML response");
  if (response_base64.size() > kMaxSamlResponseBytes) return malformed;
  std::string compact;
  for (char ch : response_base64) {
    if (ch != '\r' && ch != '\n' && ch != ' ' && ch != '\t') compact.push_back(ch);
  }
  std::string xml;
  if (!common::base64_decode(compact, xml) || xml.empty()) return malformed;
  // The hardened reader first: no DOCTYPE (so no entity besides the predefined ones, no
  // external subset), bounded depth and element count. libxml2 then parses a document that
  // passed, with network access off.
  if (!read_xml(xml)) return malformed;
  if (!init_xml_security()) return invalid("The SAML response could not be verified");
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "saml.xml", nullptr,
                                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || doc->intSubset != nullptr || doc->extSubset != nullptr) return malformed;
  xmlNode* response = xmlDocGetRootElement(doc.get());
  if (!is(response, kProtocolNs, "Response")) return malformed;

  if (xmlNode* status = child(response, kProtocolNs, "Status")) {
    xmlNode* code = child(status, kProtocolNs, "StatusCode");
    if (code == nullptr || attr(code, "Value") != kSuccess) {
      // [UNCERTAIN] AWS's text; the code is the documented one for a rejected claim.
      return Error{"IDPRejectedClaim", "The identity provider did not report a successful authentication.", ""};
    }
  }
  if (child(response, kAssertionNs, "EncryptedAssertion") != nullptr) {
    return invalid("Encrypted assertions are not supported");  // [IMPL] no private key is configured
  }
  const std::vector<xmlNode*> assertions = children(response, kAssertionNs, "Assertion");
  if (assertions.size() != 1) return malformed;
  xmlNode* assertion = assertions.front();

  std::set<std::string> ids;
  if (!register_ids(doc.get(), response, ids)) return malformed;
  const std::vector<xmlNode*> response_sigs = children(response, kDsigNs, "Signature");
  const std::vector<xmlNode*> assertion_sigs = children(assertion, kDsigNs, "Signature");
  if (response_sigs.size() > 1 || assertion_sigs.size() > 1) return bad_signature();
  if (response_sigs.empty() && assertion_sigs.empty()) return bad_signature();
  if (!response_sigs.empty()) {
    if (auto v = verify_enveloped(response, response_sigs.front(), certificates); !v) return v.error();
  }
  if (!assertion_sigs.empty()) {
    if (auto v = verify_enveloped(assertion, assertion_sigs.front(), certificates); !v) return v.error();
  }
  return read_assertion(response, assertion, !response_sigs.empty());
}

Result<std::string> check_saml_assertion(const SamlAssertion& a, const SamlExpectations& expect) {
  if (a.issuer.empty() || a.issuer != expect.issuer) return invalid("Issuer not present in specified provider");
  // [IMPL] no clock skew allowance; [UNCERTAIN] AWS's texts.
  const Error expired{"ExpiredTokenException", "The SAML assertion has expired or is not yet valid.", ""};
  if (a.not_before && expect.now < *a.not_before) return expired;
  if (a.not_on_or_after && !(expect.now < *a.not_on_or_after)) return expired;
  if (std::none_of(a.audiences.begin(), a.audiences.end(), [&](const std::string& aud) {
        return std::find(expect.audiences.begin(), expect.audiences.end(), aud) != expect.audiences.end();
      })) {
    return invalid("The SAML assertion's AudienceRestriction does not include this service provider");
  }
  bool recipient_seen = false;
  for (const SamlSubjectConfirmation& c : a.confirmations) {
    if (c.method != kBearer) continue;
    if (std::find(expect.recipients.begin(), expect.recipients.end(), c.recipient) == expect.recipients.end() &&
        !is_regional_recipient(c.recipient, expect.regional_host)) {
      continue;
    }
    recipient_seen = true;
    if (c.not_on_or_after && !(expect.now < *c.not_on_or_after)) continue;
    return c.recipient;
  }
  if (recipient_seen) return expired;
  return invalid("The SAML assertion has no bearer SubjectConfirmation for this recipient");
}

std::string saml_name_qualifier(std::string_view issuer, std::string_view account_id, std::string_view provider_name) {
  const std::string input = std::string(issuer) + std::string(account_id) + "/" + std::string(provider_name);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return common::base64_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace iamd::formats
