#include "sigv4/errors.h"

#include <utility>

namespace iamd::sigv4 {

common::Error missing_authentication_token() {
  return {std::string(kMissingAuthenticationToken), "Request is missing Authentication Token", ""};
}

common::Error invalid_client_token_id() {
  return {std::string(kInvalidClientTokenId), "The security token included in the request is invalid.", ""};
}

common::Error signature_does_not_match() {
  return {std::string(kSignatureDoesNotMatch), std::string(kSignatureDoesNotMatchMessage), ""};
}

common::Error signature_does_not_match(std::string message) {
  return {std::string(kSignatureDoesNotMatch), std::move(message), ""};
}

common::Error incomplete_signature(std::string message) {
  return {std::string(kIncompleteSignature), std::move(message), ""};
}

common::Error request_expired() {
  return {std::string(kRequestExpired), "Request has expired.", ""};
}

common::Error content_sha256_mismatch() {
  return {std::string(kXAmzContentSHA256Mismatch),
          "The provided 'x-amz-content-sha256' header does not match what was computed.", ""};
}

}  // namespace iamd::sigv4
