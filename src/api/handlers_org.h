// The Organizations operations (AWS JSON 1.1), built per request around the authenticated
// caller like IamHandlers and StsHandlers (api/handlers.h): the generated interface
// protocol::organizations::OrganizationsService, with the pipeline's hooks wired. The
// gateway routes a request whose X-Amz-Target names Organizations here
// (protocol::handle_json); the hooks get the decoded request's members in Query form, so
// Pipeline::begin reads an Organizations request as it reads an IAM one.
//
// No operation is overridden yet: each answers the generated default ("not supported by
// iamd", UnknownOperationException in the JSON envelope), and Pipeline::begin answers the
// same for an operation without a row in the operation table (service "organizations").
// Adding an operation: its row in api/operations.cc, an override here, its body in
// handlers_org.cc.
#pragma once

#include <string_view>

#include "api/pipeline.h"
#include "common/result.h"
#include "protocol/organizations.h"

namespace iamd::api {

class OrganizationsHandlers final : public protocol::organizations::OrganizationsService {
 public:
  explicit OrganizationsHandlers(CallContext ctx) : ctx_(ctx), pipe_(ctx) {}

  // The pipeline's steps before and after each operation (api/pipeline.h).
  common::Result<void> begin_operation(std::string_view operation, const protocol::Params& params) override;
  common::Result<void> end_operation(common::Result<void> outcome) override;

 private:
  [[maybe_unused]] CallContext ctx_;
  Pipeline pipe_;
};

}  // namespace iamd::api
