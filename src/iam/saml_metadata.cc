#include "iam/saml_metadata.h"

#include "common/strings.h"
#include "formats/xml_read.h"
#include "iam/internal.h"

namespace iamd::iam {

namespace {

using formats::XmlElement;

// The first EntityDescriptor that describes an identity provider: the root itself, or a
// direct child of an EntitiesDescriptor root.
const XmlElement* identity_provider(const XmlElement& root) {
  auto is_idp = [](const XmlElement& e) {
    return e.ns == kSamlMetadataNs && e.name == "EntityDescriptor" &&
           e.child(kSamlMetadataNs, "IDPSSODescriptor") != nullptr;
  };
  if (is_idp(root)) return &root;
  if (root.ns != kSamlMetadataNs || root.name != "EntitiesDescriptor") return nullptr;
  for (const XmlElement& c : root.children) {
    if (is_idp(c)) return &c;
  }
  return nullptr;
}

}  // namespace

common::Result<SamlMetadata> parse_saml_metadata(std::string_view document) {
  const common::Error unparsable = internal::invalid_input("Could not parse metadata");
  auto root = formats::read_xml(document);
  if (!root) return unparsable;
  const XmlElement* idp = identity_provider(*root);
  if (idp == nullptr) return unparsable;
  SamlMetadata out;
  const formats::XmlAttribute* entity_id = idp->attribute("", "entityID");
  if (entity_id == nullptr || entity_id->value.empty()) return unparsable;
  out.entity_id = entity_id->value;
  const formats::XmlAttribute* valid_until = idp->attribute("", "validUntil");
  if (valid_until == nullptr && idp != &*root) valid_until = root->attribute("", "validUntil");
  if (valid_until != nullptr) {
    // xs:dateTime; a value that is not one makes the document unusable.
    auto t = common::parse_aws_date(valid_until->value);
    if (!t) return unparsable;
    out.valid_until = *t;
  }
  constexpr std::string_view kDsig = "http://www.w3.org/2000/09/xmldsig#";
  const XmlElement* sso = idp->child(kSamlMetadataNs, "IDPSSODescriptor");
  for (const XmlElement& kd : sso->children) {
    if (kd.ns != kSamlMetadataNs || kd.name != "KeyDescriptor") continue;
    const formats::XmlAttribute* use = kd.attribute("", "use");
    if (use != nullptr && use->value != "signing") continue;
    const XmlElement* info = kd.child(kDsig, "KeyInfo");
    if (info == nullptr) continue;
    for (const XmlElement& data : info->children) {
      if (data.ns != kDsig || data.name != "X509Data") continue;
      for (const XmlElement& cert : data.children) {
        if (cert.ns != kDsig || cert.name != "X509Certificate") continue;
        std::string compact;
        for (char ch : cert.text) {
          if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') compact.push_back(ch);
        }
        std::string der;
        // [IMPL] a certificate that is not base64 is skipped, as AWS stores such documents.
        if (common::base64_decode(compact, der) && !der.empty()) out.signing_certificates.push_back(std::move(der));
      }
    }
  }
  return out;
}

}  // namespace iamd::iam
