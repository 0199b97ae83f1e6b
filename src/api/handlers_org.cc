#include "api/handlers_org.h"

#include <utility>

namespace iamd::api {

using common::Result;

Result<void> OrganizationsHandlers::begin_operation(std::string_view operation, const protocol::Params& params) {
  return pipe_.begin("organizations", operation, params);
}

Result<void> OrganizationsHandlers::end_operation(Result<void> outcome) {
  return pipe_.end(std::move(outcome));
}

}  // namespace iamd::api
