// Domain error codes -> AWS error codes: the one table at the API edge.
#pragma once

#include "common/result.h"

namespace iamd::api {

// NotFound -> NoSuchEntity, AlreadyExists -> EntityAlreadyExists, Conflict -> DeleteConflict,
// Unavailable/StorageFailure -> ServiceFailure (with a generic message: storage details
// are not the caller's business); AWS codes pass through unchanged.
common::Error to_aws_error(common::Error error);

}  // namespace iamd::api
