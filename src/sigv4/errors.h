// The AWS errors the SigV4 check produces: `code` is the AWS error code, `message` AWS's text
// (../shared/spec/api.md §4 common errors and §5.5-5.6). The HTTP status of each code is the
// API edge's business.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::sigv4 {

inline constexpr std::string_view kMissingAuthenticationToken = "MissingAuthenticationToken";
inline constexpr std::string_view kIncompleteSignature = "IncompleteSignature";
inline constexpr std::string_view kInvalidClientTokenId = "InvalidClientTokenId";
inline constexpr std::string_view kSignatureDoesNotMatch = "SignatureDoesNotMatch";
inline constexpr std::string_view kRequestExpired = "RequestExpired";
inline constexpr std::string_view kXAmzContentSHA256Mismatch = "XAmzContentSHA256Mismatch";

inline constexpr std::string_view kSignatureDoesNotMatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

// No Authorization header and no presigned query parameters (403).
common::Error missing_authentication_token();
// Unknown, inactive or deleted access key; a session token that does not belong to the key (403).
// CredentialLookup implementations return this for keys they do not know.
common::Error invalid_client_token_id();
// The recomputed signature differs from the one sent (403).
common::Error signature_does_not_match();
// SignatureDoesNotMatch with a specific message (clock skew, credential scope).
common::Error signature_does_not_match(std::string message);
// A malformed or incomplete Authorization header or presigned query (400).
common::Error incomplete_signature(std::string message);
// A presigned URL used after X-Amz-Date + X-Amz-Expires (400).
common::Error request_expired();
// X-Amz-Content-SHA256 differs from the SHA-256 of the body received (400; S3's code and text,
// the only AWS wording for it).
common::Error content_sha256_mismatch();

}  // namespace iamd::sigv4
