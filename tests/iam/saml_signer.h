// Test support: signs a SAML document the way an identity provider does, with libxmlsec
// itself (an enveloped RSA-SHA256 signature, exclusive C14N, the certificate in KeyInfo),
// so the verifier is tested against a real implementation of XML signatures.
#pragma once

#include <string>

namespace iamd::testing {

// Inserts a ds:Signature into the element whose ID attribute is `id` (after its Issuer, where
// the SAML schema puts it) referencing "#<id>", signs it with `key_pem` and returns the
// document. Throws std::runtime_error when anything fails.
std::string sign_saml(const std::string& xml, const std::string& id, const std::string& key_pem,
                      const std::string& cert_pem);

// The DER bytes of a PEM certificate (what the provider metadata carries, base64).
std::string pem_to_der(const std::string& cert_pem);

std::string read_file(const std::string& path);

}  // namespace iamd::testing
