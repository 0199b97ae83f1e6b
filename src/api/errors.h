// Domain error codes -> AWS error codes: the one table at the API edge.
#pragma once

#include "common/result.h"

namespace iamd::api {

// NotFound -> NoSuchEntity, AlreadyExists -> EntityAlreadyExists, Conflict -> DeleteConflict,
// Unavailable/StorageFailure -> ServiceFailure (with a generic message: storage details
// are not the caller's business); AWS codes pass through unchanged.
common::Error to_aws_error(common::Error error);

// The AWS error for a request the HTTP server refuses before any service sees it, by HTTP
// status: 500 InternalFailure and 503 ServiceUnavailable (AWS's common errors, api.md §4.1);
// [UNCERTAIN] AWS's front end documents no code for the others, so iamd uses the codes AWS
// gives them elsewhere: 400 InvalidRequest, 405 MethodNotAllowed, 413
// RequestEntityTooLarge, 431 RequestHeaderSectionTooLarge; any other status InternalFailure.
common::Error http_error(int status);

}  // namespace iamd::api
