// SAML 2.0 metadata as IAM accepts it for a SAML provider (Create/UpdateSAMLProvider): a
// well-formed XML document whose root is an md:EntityDescriptor (or an md:EntitiesDescriptor
// holding one) with an entityID and an md:IDPSSODescriptor, md being
// urn:oasis:names:tc:SAML:2.0:metadata. Anything else is InvalidInput "Could not parse
// metadata" [OBS: AWS's one message for every rejected document]. The document is untrusted
// input: fuzz/saml_fuzz.cc runs it. Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace iamd::iam {

inline constexpr std::string_view kSamlMetadataNs = "urn:oasis:names:tc:SAML:2.0:metadata";

struct SamlMetadata {
  std::string entity_id;  // the identity provider's entityID (its Issuer)
  // The validUntil attribute of the EntityDescriptor, else of the enclosing
  // EntitiesDescriptor; empty when the document sets none.
  std::optional<common::Timestamp> valid_until;
  // The identity provider's signing certificates (DER): the ds:X509Certificate of each
  // IDPSSODescriptor/KeyDescriptor whose use is "signing" or unset, in document order. What
  // AssumeRoleWithSAML trusts; a document without one is still accepted here (AWS stores it)
  // but no assertion verifies against it.
  std::vector<std::string> signing_certificates;
};

common::Result<SamlMetadata> parse_saml_metadata(std::string_view document);

}  // namespace iamd::iam
