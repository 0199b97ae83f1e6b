// OpenID Connect ID tokens for AssumeRoleWithWebIdentity: the keys configured per issuer
// (`iamd serve --oidc-jwks ISSUER=SOURCE`: a JWKS, RFC 7517 §5; nothing is fetched from the
// network) and the token's verification: JWS compact form (RFC 7515 §7.1), RS256/RS384/RS512
// and ES256/ES384 only (crypto/jws.h), the key chosen by `kid`, the claims iss, sub, aud, exp,
// nbf, iat and amr. Provider, audience and trust policy checks are the handler's
// (handlers_sts.cc), which has the store.
// Errors are AWS's (InvalidIdentityToken, ExpiredTokenException) with AWS's texts where known.
// Thread-safety: WebIdentityKeys is immutable once built; the free functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "crypto/jws.h"

namespace iamd::api {

// An issuer as IAM names its OIDC provider: the URL without "https://"
// ("token.actions.githubusercontent.com", "example.com/tenant"); a trailing "/" stays, as in
// AWS, where it makes another provider (an issuer "https://tenant.auth0.com/" is the provider
// ".../oidc-provider/tenant.auth0.com/" and its keys "tenant.auth0.com/:aud").
std::string oidc_provider_url(std::string_view issuer);

struct WebIdentityKey {
  std::string kid;                          // empty when the JWK has none
  std::optional<crypto::JwsAlgorithm> alg;  // the JWK's "alg", when given
  crypto::JwsKey key;
};

class WebIdentityKeys {
 public:
  // Adds the keys of a JWKS (JSON text: {"keys": [...]}) for `issuer` (with or without
  // https://). Refused (code "InvalidJwks", a message for the operator) when the text is not
  // a JWKS, has no usable key, or a key is malformed. JWKs whose "use" is not "sig" are
  // skipped, as are those of key types or curves iamd does not verify (kty oct, OKP, P-521)
  // [IMPL]; a JWKS left with no key is refused.
  common::Result<void> add(std::string_view issuer, std::string_view jwks);

  // The keys of the issuer (oidc_provider_url form or the token's iss); null when none.
  const std::vector<WebIdentityKey>* find(std::string_view issuer) const;
  std::size_t issuers() const { return keys_.size(); }

 private:
  std::map<std::string, std::vector<WebIdentityKey>, std::less<>> keys_;
};

// A token split and decoded, not yet verified.
struct IdentityToken {
  crypto::JwsAlgorithm alg = crypto::JwsAlgorithm::kRS256;
  std::string kid;
  std::string signing_input;               // "<header>.<payload>" as sent
  std::string signature;                   // raw bytes
  std::string issuer;                      // iss as sent
  std::string subject;                     // sub
  std::vector<std::string> audiences;      // aud (a string or a list of strings)
  std::vector<std::string> amr;            // amr, when present
  std::string azp;                         // azp, when present
  std::int64_t expires = 0;                // exp (seconds since the epoch)
  std::optional<std::int64_t> not_before;  // nbf
  std::optional<std::int64_t> issued_at;   // iat
  // Session tags of the claim "https://aws.amazon.com/tags" ({"principal_tags": {"<key>":
  // ["<value>"]}, "transitive_tag_keys": [...]}), in the claim's order.
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> transitive_tag_keys;
  std::string source_identity;  // "https://aws.amazon.com/source_identity"
};

// Splits and decodes the token: three base64url parts, a JSON header with a supported "alg"
// (no "none", no HS*: InvalidIdentityToken) and "typ" JWT when given, a JSON claims set with
// iss, sub, aud and exp of the right types; the session tags and source identity claims of
// AWS's documented shapes ("Pass session tags using AssumeRoleWithWebIdentity").
common::Result<IdentityToken> parse_identity_token(std::string_view token);

// The signature, with the issuer's keys: the key of the token's kid (without a kid, the only
// key that fits the algorithm); a key pinned to another alg does not verify.
common::Result<void> verify_identity_token(const IdentityToken& token, const WebIdentityKeys& keys);

// exp not passed (ExpiredTokenException), nbf and iat not in the future (InvalidIdentityToken),
// with kClockSkew seconds of tolerance for nbf and iat only [IMPL].
inline constexpr std::int64_t kClockSkew = 300;
common::Result<void> check_identity_token_times(const IdentityToken& token, common::Timestamp now);

}  // namespace iamd::api
