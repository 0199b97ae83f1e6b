// Parsing of the two places a SigV4 signature travels (../shared/spec/api.md §5.1-5.2):
// the Authorization header and the presigned X-Amz-* query parameters. Parsing only: the
// verifier checks the values against the request, the clock and the secret.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::sigv4 {

// "AWS4-HMAC-SHA256 Credential=<cred>, SignedHeaders=<list>, Signature=<hex>", as views into
// the header value.
struct AuthorizationHeader {
  std::string_view credential;
  std::string_view signed_headers;
  std::string_view signature;
};

// Strict parse with AWS's IncompleteSignature messages: the algorithm must be
// AWS4-HMAC-SHA256; every comma-separated component must be key=value
// ("'<component>' not a valid key=value pair (missing equal-sign) in Authorization header:
// '<header>'."); Credential, Signature and SignedHeaders must be present, and `has_date`
// (the request has X-Amz-Date or Date) must hold — all missing ones are named in one message
// ending in "Authorization=<header>", as AWS does. The first of repeated keys wins; unknown
// keys are ignored.
common::Result<AuthorizationHeader> parse_authorization(std::string_view header, bool has_date);

// "<access key id>/<yyyymmdd>/<region>/<service>/aws4_request", as views into `credential`.
struct CredentialScope {
  std::string_view access_key_id;
  std::string_view date;
  std::string_view region;
  std::string_view service;
  std::string_view terminator;
  std::string_view scope;  // everything after the access key id: what the string to sign carries
};

// Exactly five '/'-separated elements, else IncompleteSignature "Credential must have exactly
// 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '<credential>'".
// The elements' values are checked by the verifier.
common::Result<CredentialScope> parse_credential(std::string_view credential);

// The presigned parameters, decoded from the query.
struct PresignedQuery {
  std::string credential;
  std::string amz_date;
  std::string signed_headers;
  std::string signature;
  std::string security_token;  // empty when absent
  std::int64_t expires = 0;    // 1..604800 seconds
};

// True when the raw query has X-Amz-Algorithm, X-Amz-Credential or X-Amz-Signature, i.e. it
// is meant as a presigned request.
bool has_presigned_params(std::string_view raw_query);

// Reads X-Amz-Algorithm (must be AWS4-HMAC-SHA256), X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires (1..604800), X-Amz-SignedHeaders, X-Amz-Signature and the optional
// X-Amz-Security-Token. The first of repeated parameters wins. Failures are
// IncompleteSignature.
common::Result<PresignedQuery> parse_presigned(std::string_view raw_query);

}  // namespace iamd::sigv4
