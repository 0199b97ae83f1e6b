// SigV4 verification of a whole request: who signed it, for which region and service, when.
//
// Order of checks (../shared/spec/api.md §5.5): an Authorization header or presigned query
// must be present (MissingAuthenticationToken), not both (IncompleteSignature); it must parse
// (IncompleteSignature); X-Amz-Date (or, for the header form without it, Date) must be in
// ISO 8601 basic form; the credential scope must have five elements, end in aws4_request,
// carry the request's date, an allowed region and the service the request is for
// (SignatureDoesNotMatch, with AWS's texts, ../shared/spec/api.md §5.5); host must be signed; the time must be within
// the skew window, or for a presigned request before X-Amz-Date + X-Amz-Expires; then the lookup finds the secret (its
// error is passed through, e.g. InvalidClientTokenId or ExpiredToken); then the payload hash and the signature are
// recomputed and compared in constant time (SignatureDoesNotMatch).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "sigv4/key_cache.h"
#include "sigv4/request.h"

namespace iamd::sigv4 {

// What the caller's credential store answers for an access key id.
struct Credential {
  std::string secret_access_key;
  // Opaque data the caller wants back with a verified request (the user, the sealed session,
  // ...); handed through untouched.
  std::shared_ptr<const void> principal;
};

// Implemented by the caller (store-backed keys, sealed STS session tokens, a test map).
// Thread-safety: lookup is called concurrently from every thread that verifies.
class CredentialLookup {
 public:
  virtual ~CredentialLookup() = default;
  // `session_token` is X-Amz-Security-Token, empty when the request has none; a lookup for
  // temporary credentials takes the secret from it and checks that it belongs to the key.
  // Unknown keys answer invalid_client_token_id() (errors.h); any Error is returned to the
  // verifier's caller unchanged.
  virtual common::Result<Credential> lookup(std::string_view access_key_id, std::string_view session_token) const = 0;
};

struct VerifyOptions {
  // Allowed distance between X-Amz-Date and the clock, both ways (AWS: 15 minutes).
  std::int64_t max_skew_seconds = 900;
  // Allowed credential-scope regions and services; empty allows any. A scope naming
  // another region is refused with "Credential should be scoped to a valid region, not
  // '<region>'. ", one naming another service with "Credential should be scoped to correct
  // service: '<service>'. " (both SignatureDoesNotMatch; [OBS] texts, trailing space
  // included, as IAM and STS answer them: aws-sdk-php#493, cognitect-labs/aws-api#27).
  std::vector<std::string> regions;
  std::vector<std::string> services;
  // Accept X-Amz-Content-SHA256: UNSIGNED-PAYLOAD (IAM and STS do not).
  bool allow_unsigned_payload = false;
  // Append the expected canonical request and string to sign to SignatureDoesNotMatch
  // messages, as AWS's Query services do. A debugging aid: off in production.
  bool explain_signature_mismatch = false;
};

struct VerifiedRequest {
  std::string access_key_id;
  std::string region;   // from the credential scope
  std::string service;  // from the credential scope: the server routes IAM vs STS on it
  common::Timestamp signing_time;
  std::string session_token;  // X-Amz-Security-Token as sent (signed or not); empty if none
  bool presigned = false;
  std::shared_ptr<const void> principal;  // Credential::principal from the lookup
};

// Thread-safety: verify() may be called concurrently; the lookup and the clock must allow
// that too. The Verifier borrows both and must not outlive them.
class Verifier {
 public:
  Verifier(const CredentialLookup& lookup, const common::Clock& clock, VerifyOptions options = {},
           std::size_t key_cache_capacity = 4096);

  // `service` is the service the request is for (the server knows it from the request
  // before authenticating it: IAM or STS); the scope must name exactly it, and the error
  // names it. Empty: any of VerifyOptions::services (the error names the first).
  common::Result<VerifiedRequest> verify(const RequestView& request, std::string_view service = {}) const;
  common::Result<VerifiedRequest> verify(const Request& request, std::string_view service = {}) const;

  const SigningKeyCache& key_cache() const { return cache_; }
  const VerifyOptions& options() const { return options_; }

 private:
  const CredentialLookup& lookup_;
  const common::Clock& clock_;
  VerifyOptions options_;
  mutable SigningKeyCache cache_;
};

}  // namespace iamd::sigv4
