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

#include "common/result.h"
#include "common/time.h"

namespace iamd::iam {

inline constexpr std::string_view kSamlMetadataNs = "urn:oasis:names:tc:SAML:2.0:metadata";

struct SamlMetadata {
  std::string entity_id;  // the identity provider's entityID (its Issuer)
  // The validUntil attribute of the EntityDescriptor, else of the enclosing
  // EntitiesDescriptor; empty when the document sets none.
  std::optional<common::Timestamp> valid_until;
};

common::Result<SamlMetadata> parse_saml_metadata(std::string_view document);

}  // namespace iamd::iam
