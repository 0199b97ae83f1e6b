#include "protocol/query.h"

namespace iamd::protocol {

common::Result<ActionRef> extract_action(const Params& params) {
  const std::string* action = params.find("Action");
  if (action == nullptr || action->empty()) {
    return common::Error{"MissingAction", "The request is missing an action or a required parameter.", {}};
  }
  ActionRef ref{*action, std::nullopt};
  if (const std::string* version = params.find("Version")) ref.version = *version;
  return ref;
}

common::Result<Service> resolve_service(const ActionRef& ref, std::optional<Service> scope_service) {
  if (ref.version) {
    if (auto s = service_for_version(*ref.version)) return *s;
    return unknown_operation(ref.action, *ref.version);
  }
  if (scope_service) return *scope_service;
  return common::Error{"MissingParameter", "The request must contain the parameter Version.", {}};
}

Response handle_query(const Params& params, const Handlers& handlers, std::optional<Service> scope_service,
                      std::string_view request_id) {
  auto ref = extract_action(params);
  if (!ref) return error_response(scope_service.value_or(Service::kIam), ref.error(), request_id);
  auto service = resolve_service(*ref, scope_service);
  if (!service) return error_response(scope_service.value_or(Service::kIam), service.error(), request_id);
  const ServiceInfo& info = service_info(*service);
  if (*service == Service::kIam) {
    if (handlers.iam == nullptr) {
      return error_response(*service, unknown_operation(ref->action, info.api_version), request_id);
    }
    return iam::dispatch(*handlers.iam, ref->action, params, request_id);
  }
  if (handlers.sts == nullptr) {
    return error_response(*service, unknown_operation(ref->action, info.api_version), request_id);
  }
  return sts::dispatch(*handlers.sts, ref->action, params, request_id);
}

}  // namespace iamd::protocol
