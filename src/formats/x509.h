// X.509 certificates and private keys in PEM, as IAM takes them for signing certificates
// (UploadSigningCertificate) and server certificates (UploadServerCertificate). OpenSSL stays
// inside formats/x509.cc: what leaves it are plain values (DER bytes, fingerprints, dates).
// Thread-safety: free functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace iamd::formats {

// The error code of every parse failure here (the message says what did not parse).
inline constexpr std::string_view kMalformedPem = "MalformedPem";

struct X509Certificate {
  std::string der;         // the certificate, DER
  std::string sha1;        // SHA-1 of the DER: 20 raw bytes (the certificate's fingerprint)
  std::string public_key;  // its SubjectPublicKeyInfo, DER
  common::Timestamp not_before;
  common::Timestamp not_after;
};

// The first certificate of PEM text ("-----BEGIN CERTIFICATE-----"; text before it is
// skipped, as OpenSSL does). Fails with kMalformedPem when there is none or it does not parse.
common::Result<X509Certificate> parse_pem_certificate(std::string_view pem);
// Every certificate of a PEM bundle, in order. Fails with kMalformedPem when there is none,
// or when one does not parse.
common::Result<std::vector<X509Certificate>> parse_pem_certificates(std::string_view pem);
// Whether `issuer` issued `subject`: subject's issuer name is issuer's subject name and
// subject's signature verifies under issuer's public key.
bool issued_by(const X509Certificate& subject, const X509Certificate& issuer);

// The SubjectPublicKeyInfo (DER) of an unencrypted PEM private key (PKCS#1 "RSA PRIVATE KEY",
// SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY"); compare it with a certificate's public_key
// to know whether they are a pair. Encrypted keys fail (there is no passphrase to give).
common::Result<std::string> private_key_public_key(std::string_view pem);

}  // namespace iamd::formats
