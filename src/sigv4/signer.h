// Signs requests the way botocore does (SigV4Auth / SigV4QueryAuth for non-S3 services),
// through the same canonical-request code the verifier uses: for tests, benchmarks and
// integration clients.
// Thread-safety: pure functions over the request they are given.
#pragma once

#include <cstdint>
#include <string>

#include "common/time.h"
#include "sigv4/request.h"

namespace iamd::sigv4 {

struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string region;
  std::string service;
  common::Timestamp time;
};

// Header form. Removes any Authorization header; sets X-Amz-Date (unless the request carries a
// Date header and no X-Amz-Date: then Date is kept as the signing time's carrier, and must
// say `params.time`), and X-Amz-Security-Token when there is a session token; then signs every
// header present except User-Agent, Expect and X-Amzn-Trace-Id (botocore's list), hashing the
// body (or using X-Amz-Content-SHA256 when present) and adds
// "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
// The request should carry a Host header: the verifier requires it to be signed.
void sign(Request& request, const SigningParams& params);

// Presigned form: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders and X-Amz-Security-Token (with a session token) to the query, signs
// (payload hash as for sign()), and appends X-Amz-Signature. `expires_seconds` is 1..604800.
void presign(Request& request, const SigningParams& params, std::int64_t expires_seconds);

}  // namespace iamd::sigv4
