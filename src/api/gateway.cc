#include "api/gateway.h"

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "api/access.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/operations.h"
#include "arn/arn.h"
#include "authz/request_context.h"
#include "common/ids.h"
#include "common/strings.h"
#include "protocol/form.h"
#include "protocol/query.h"
#include "protocol/response.h"
#include "sigv4/errors.h"
#include "sigv4/regions.h"
#include "sigv4/verifier.h"
#include "store/derived_cache.h"

namespace iamd::api {

namespace {

std::string header(const ApiRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (common::iequals(k, name)) return v;
  }
  return "";
}

}  // namespace

struct Gateway::State final : sigv4::CredentialLookup {
  State(iam::IamDomain& d, const common::Clock& c, common::Random& r)
      : domain(d),
        clock(c),
        access(d),
        keys(*d.env().store, kMaxCachedKeys),
        verifier(*this, c, verify_options()),
        request_ids(r) {}

  // The credential scope names IAM or STS and a Region of AWS's table (api.md §1, §5.5).
  // [UNCERTAIN] AWS's global IAM endpoint accepts only us-east-1 and its STS endpoints the
  // endpoint's own Region; iamd is one endpoint reached through endpoint_url, for which SDKs
  // sign with the client's configured Region (botocore 1.29: IAM with eu-west-1 is signed
  // eu-west-1), so [IMPL] any Region of the table (all three partitions) is accepted for
  // both services; the Region's partition is the request's (Caller::partition).
  static sigv4::VerifyOptions verify_options() {
    sigv4::VerifyOptions o;
    o.services = {"iam", "sts"};
    for (std::string_view region : sigv4::aws_regions()) o.regions.emplace_back(region);
    return o;
  }

  common::Result<sigv4::Credential> lookup(std::string_view access_key_id, std::string_view) const override {
    // Resolved keys are cached until the key's record or its user's record changes (a
    // deactivated or deleted key stops working with the very next request; a write to any
    // other key or user leaves it warm), sparing a store read and an AES-GCM open.
    using Built = KeyCache::Built;
    auto cached = keys.get(std::string(access_key_id), [&]() -> common::Result<Built> {
      auto owner = domain.resolve_access_key(access_key_id);
      if (!owner) return owner.error();
      Built built;
      built.depends_on.push_back(store::change_key(store::Topic::kAccessKey, owner->key.id));
      if (owner->user) built.depends_on.push_back(store::change_key(store::Topic::kUser, owner->user->id));
      built.value = std::make_shared<const iam::KeyOwner>(std::move(owner).value());
      return built;
    });
    if (!cached) {
      if (store::is_not_found(cached.error())) return sigv4::invalid_client_token_id();
      return to_aws_error(cached.error());
    }
    const std::shared_ptr<const iam::KeyOwner>& owner = *cached;
    if (owner->key.status != store::AccessKeyStatus::kActive) return sigv4::invalid_client_token_id();
    sigv4::Credential c;
    c.secret_access_key = owner->secret;
    c.principal = owner;
    return c;
  }

  // Last-used bookkeeping [IMPL]: a key's use is written when it has not been recorded in
  // the last minute or its service or region changed, so a busy key costs one write a
  // minute, not one per request (AWS itself reports usage with a delay). A failed write
  // loses only bookkeeping, never the request.
  void note_use(const std::string& key_id, std::string_view service, std::string_view region) {
    const common::Timestamp now = clock.now();
    auto recent = [&] {
      auto it = usage.find(key_id);
      return it != usage.end() && it->second.service == service && it->second.region == region &&
             now.seconds - it->second.at.seconds < kUsageInterval;
    };
    {
      std::shared_lock lock(usage_mu);  // the common case: recorded within the minute
      if (recent()) return;
    }
    {
      std::unique_lock lock(usage_mu);
      if (recent()) return;
      if (usage.size() >= kMaxCachedKeys) usage.clear();
      usage.insert_or_assign(key_id, Usage{now, std::string(service), std::string(region)});
    }
    (void)domain.record_access_key_use(key_id, service, region);
  }
  struct Usage {
    common::Timestamp at;
    std::string service;
    std::string region;
  };
  static constexpr std::int64_t kUsageInterval = 60;  // seconds
  std::shared_mutex usage_mu;
  std::unordered_map<std::string, Usage> usage;

  static constexpr std::size_t kMaxCachedKeys = 100000;
  using KeyCache = store::DerivedCache<std::shared_ptr<const iam::KeyOwner>>;

  iam::IamDomain& domain;
  const common::Clock& clock;
  Access access;
  mutable KeyCache keys;  // resolved access keys, active or not
  sigv4::Verifier verifier;
  common::RequestIds request_ids;
};

Gateway::Gateway(iam::IamDomain& domain, const common::Clock& clock, common::Random& random)
    : state_(std::make_unique<State>(domain, clock, random)) {}

Gateway::~Gateway() = default;

std::uint64_t Gateway::key_builds() const {
  return state_->keys.builds();
}
std::uint64_t Gateway::policy_set_builds() const {
  return state_->access.policy_set_builds();
}

namespace {

// The raw value of parameter `name` in a form (`a=1&b=2`), when it is there.
std::optional<std::string_view> form_value(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    const std::size_t amp = form.find('&');
    const std::string_view pair = form.substr(0, amp);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    form.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// The request members that name a stored entity by its ARN (IAM and STS models): these are
// looked up in the store, so they are taken from the request's partition into the server's.
// [IMPL] ResourceArns, CallerArn and ResourceOwner of the simulator are evaluated, not looked
// up, and stay in the request's partition.
bool names_stored_arn(std::string_view name) {
  for (std::string_view m : {"PolicyArn", "PermissionsBoundary", "OpenIDConnectProviderArn", "SAMLProviderArn",
                             "PolicySourceArn", "SerialNumber", "RoleArn", "PrincipalArn"}) {
    if (name == m) return true;
  }
  return name.starts_with("PolicyArns.member.") && name.ends_with(".arn");
}

protocol::Params stored_partition_params(const protocol::Params& params, std::string_view from, std::string_view to) {
  std::vector<protocol::Param> items = params.items();
  for (protocol::Param& p : items) {
    if (names_stored_arn(p.name)) p.value = arn::in_partition(p.value, from, to);
  }
  // The names are those of a valid form: no repeated one.
  return std::move(protocol::Params::from(std::move(items))).value();
}

}  // namespace

bool Gateway::may_write(std::string_view query, std::string_view body) {
  std::optional<std::string_view> action = form_value(body, "Action");
  if (!action) action = form_value(query, "Action");
  if (!action) return false;  // answered with an error before any store access
  // IAM and STS share no operation name.
  const Operation* op = find_operation("iam", *action);
  if (op == nullptr) op = find_operation("sts", *action);
  if (op == nullptr) return false;  // no such operation in iamd: InvalidAction, before the store
  return op->mode == Mode::kWrite || op->mode == Mode::kPrepared;
}

ApiResponse Gateway::error_response(int status) {
  const std::string request_id = state_->request_ids.next();
  protocol::Response r = protocol::error_response(protocol::Service::kIam, http_error(status), request_id);
  return ApiResponse{status, {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", request_id}}, std::move(r.body)};
}

ApiResponse Gateway::handle(const ApiRequest& req) {
  State& s = *state_;
  const std::string request_id = s.request_ids.next();
  auto respond = [&](const protocol::Response& r) {
    return ApiResponse{r.status, {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", request_id}}, r.body};
  };

  // The form is read first only to learn which service the request is for (its Version):
  // the envelope of errors before authentication and the service the credential scope must
  // name. A form that cannot be read is answered only after the signature has been checked,
  // so that a request altered after signing gets SignatureDoesNotMatch, never
  // MalformedQueryString (404).
  auto params =
      protocol::decode_form(req.query, req.method == "POST" ? std::string_view(req.body) : std::string_view());
  protocol::Service envelope = protocol::Service::kIam;
  std::string_view service;  // empty: not known, the scope may name IAM or STS
  if (params) {
    if (const std::string* v = params->find("Version")) {
      if (auto svc = protocol::service_for_version(*v)) {
        envelope = *svc;
        service = protocol::service_info(*svc).name;
      }
    }
  }

  std::vector<sigv4::HeaderView> headers;
  headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) headers.push_back(sigv4::HeaderView{k, v});
  sigv4::RequestView view{req.method, req.path, req.query, headers, req.body};
  auto verified = s.verifier.verify(view, service);
  if (!verified) return respond(protocol::error_response(envelope, to_aws_error(verified.error()), request_id));
  // The verifier admits only these two services.
  const protocol::Service scope = verified->service == "sts" ? protocol::Service::kSts : protocol::Service::kIam;
  if (!params) return respond(protocol::error_response(scope, params.error(), request_id));
  const auto& owner = *std::static_pointer_cast<const iam::KeyOwner>(verified->principal);

  s.note_use(owner.key.id, verified->service, verified->region);

  // The request's partition is its Region's (the verifier admits only Regions of the table).
  // [IMPL] iamd stores every ARN in its own partition (DomainEnv::partition, "aws") and
  // converts at this edge: ARN members of the request are taken into it, the answer's ARNs
  // are given in the request's partition, and authorization sees the request's partition
  // (Access::authorize, Pipeline). So a user created through cn-north-1 is
  // arn:aws-cn:iam::<account>:user/<name> there, and arn:aws:... through us-east-1.
  const std::string& stored = s.domain.env().partition;
  const std::string_view partition = sigv4::partition_of_region(verified->region);
  if (!partition.empty() && partition != stored) params = stored_partition_params(*params, partition, stored);

  Caller caller;
  caller.account_id = owner.account_id;
  caller.access_key_id = owner.key.id;
  caller.user = owner.user;
  caller.partition = partition.empty() ? stored : std::string(partition);
  caller.arn = arn::in_partition(owner.user ? s.domain.user_arn(*owner.user) : s.domain.root_arn(owner.account_id),
                                 stored, caller.partition);

  condition::Context context;
  authz::CallerKeys keys;
  keys.facts.type = caller.is_root() ? policy::PrincipalType::kRoot : policy::PrincipalType::kUser;
  keys.facts.arn = caller.arn;
  keys.facts.account = caller.account_id;
  if (caller.user) {
    keys.facts.unique_id = caller.user->id;
    keys.user_name = caller.user->name;
    for (const store::Tag& t : caller.user->tags) keys.tags.emplace_back(t.key, t.value);
  }
  authz::add_principal_keys(context, keys);
  authz::EnvironmentKeys env;
  env.now = s.clock.now();
  env.source_ip = req.source_ip;
  env.secure_transport = req.secure_transport;
  env.user_agent = header(req, "User-Agent");
  env.requested_region = verified->region;
  env.referer = header(req, "Referer");
  authz::add_environment_keys(context, env);

  CallContext ctx{s.domain, s.access, caller, context};
  IamHandlers iam_handlers(ctx);
  StsHandlers sts_handlers(ctx);
  protocol::Response answer =
      protocol::handle_query(*params, protocol::Handlers{&iam_handlers, &sts_handlers}, scope, request_id);
  // Every ARN of the answer (results and error messages) in the request's partition. Policy
  // documents are URL-encoded in IAM's answers, so the text their author wrote is untouched.
  // [IMPL] A tag value or description that starts with "arn:aws:" is shown in the request's
  // partition as well.
  if (caller.partition != stored) answer.body = arn::replace_partition(answer.body, stored, caller.partition);
  return respond(answer);
}

}  // namespace iamd::api
