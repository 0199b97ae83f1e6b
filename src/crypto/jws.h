// JWS signature verification (RFC 7515, algorithms of RFC 7518 §3.3 and §3.4) for OpenID
// Connect ID tokens (AssumeRoleWithWebIdentity), with OpenSSL kept inside crypto/jws.cc.
// Public keys come as the raw big-endian values of a JWK (RFC 7517/7518 §6): RSA n and e,
// EC crv, x and y; parsing JSON and base64url is the caller's (api/web_identity.h).
// Only asymmetric algorithms exist here: no "none", no HS* (a shared secret would make every
// holder of the JWKS an issuer).
// Thread-safety: JwsKey is immutable after make(); verify is thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::crypto {

enum class JwsAlgorithm { kRS256, kRS384, kRS512, kES256, kES384 };

// "RS256" -> kRS256, ...; nullopt for any other name (none, HS256, PS256, ES512, ...).
std::optional<JwsAlgorithm> jws_algorithm(std::string_view name);
std::string_view jws_algorithm_name(JwsAlgorithm alg);

// The public key of one JWK.
struct JwkValues {
  std::string kty;   // "RSA" or "EC"
  std::string n, e;  // RSA modulus and exponent, raw big-endian bytes
  std::string crv;   // EC: "P-256" or "P-384"
  std::string x, y;  // EC coordinates, raw big-endian bytes
};

class JwsKey {
 public:
  // The key, checked: RSA with a modulus of at least 2048 bits, EC on P-256 or P-384 with a
  // point on the curve. Error code "InvalidKey" with a short reason otherwise.
  static common::Result<JwsKey> make(const JwkValues& values);

  bool is_rsa() const { return rsa_; }
  std::string_view curve() const { return curve_; }  // EC only

  // Whether `signature` (raw JWS bytes: RSASSA-PKCS1-v1_5, or ECDSA r|s of the curve's size)
  // signs `signing_input` ("<header>.<payload>" as sent) with `alg` under this key. An
  // algorithm that does not fit the key (RS* on an EC key, ES256 on a P-384 key) is false.
  bool verify(JwsAlgorithm alg, std::string_view signing_input, std::string_view signature) const;

 private:
  struct Holder;
  std::shared_ptr<const Holder> key_;
  bool rsa_ = false;
  std::string curve_;
};

}  // namespace iamd::crypto
