#include "api/gateway.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "api/access.h"
#include "api/audit.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/handlers_org.h"
#include "api/operations.h"
#include "api/web_identity.h"
#include "arn/arn.h"
#include "authz/request_context.h"
#include "common/ids.h"
#include "common/metrics.h"
#include "common/strings.h"
#include "crypto/crypto.h"
#include "protocol/form.h"
#include "protocol/json_rpc.h"
#include "protocol/query.h"
#include "protocol/response.h"
#include "sigv4/errors.h"
#include "sigv4/regions.h"
#include "sigv4/verifier.h"
#include "store/derived_cache.h"
#include "sts/session.h"

namespace iamd::api {

namespace {

std::string header(const ApiRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (common::iequals(k, name)) return v;
  }
  return "";
}

// The record of one call (api/call_record.h), filled as the call goes, and its answer.
struct Recorder {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  CallRecord rec;

  // Notes the operation when the table has it (its wire name; empty otherwise).
  void operation(std::string_view service, std::string_view name) {
    if (const Operation* op = find_operation(service, name)) rec.operation = op->name;
  }

  // The answer with x-amzn-RequestId, and the record: the request id and the caller's names
  // are moved in (the call is over).
  ApiResponse answer(protocol::Response&& r, std::string& request_id, Caller* caller) {
    ApiResponse out{
        r.status, {{"Content-Type", std::string(r.content_type)}, {"x-amzn-RequestId", request_id}}, std::move(r.body)};
    rec.status = r.status;
    rec.outcome = r.error_code.empty() ? std::string("ok") : std::move(r.error_code);
    if (caller != nullptr && !caller->arn.empty()) {
      rec.principal_type = caller->is_role_session() ? "AssumedRole"
                           : caller->is_federated()  ? "FederatedUser"
                           : caller->is_root()       ? "Root"
                                                     : "IAMUser";
      rec.principal_arn = std::move(caller->arn);
      rec.account_id = std::move(caller->account_id);
      rec.access_key_id = std::move(caller->access_key_id);
    }
    rec.request_id = std::move(request_id);
    rec.duration = std::chrono::steady_clock::now() - start;
    out.record = std::move(rec);
    return out;
  }
};

// The access key id and Region a request's signature names (Authorization header's
// Credential=, or a presigned X-Amz-Credential), read without verifying anything: what the
// audit record of a refused request can say of it. Empty when absent.
std::pair<std::string, std::string> named_credential(const ApiRequest& r) {
  std::string credential;
  const std::string auth = header(r, "Authorization");
  if (const std::size_t at = auth.find("Credential="); at != std::string::npos) {
    credential = auth.substr(at + 11, auth.find_first_of(", ", at) - at - 11);
  } else if (const std::size_t q = r.query.find("X-Amz-Credential="); q != std::string::npos) {
    credential = r.query.substr(q + 17, r.query.find('&', q) - q - 17);
    for (std::size_t p; (p = credential.find("%2F")) != std::string::npos;) credential.replace(p, 3, "/");
  }
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = credential.find('/', start);
    parts.push_back(credential.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  // [IMPL] Only the key id's shape is kept: anything else in its place is not written.
  std::string key = parts[0].size() <= 128 ? parts[0] : std::string();
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c))) key.clear();
  }
  std::string region = parts.size() > 2 && parts[2].size() <= 32 ? parts[2] : std::string();
  return {key, region};
}

}  // namespace

std::string_view decision_label(DecisionNote::Kind k) {
  switch (k) {
    case DecisionNote::Kind::kAllowed:
      return "allowed";
    case DecisionNote::Kind::kExplicitDeny:
      return "explicitDeny";
    case DecisionNote::Kind::kImplicitDeny:
      return "implicitDeny";
    case DecisionNote::Kind::kNone:
      break;
  }
  return "";
}

struct Gateway::State final : sigv4::CredentialLookup {
  State(iam::IamDomain& d, const common::Clock& c, common::Random& r, std::shared_ptr<const WebIdentityKeys> w,
        const org::Env& o)
      : domain(d),
        clock(c),
        access(d, o),
        keys(*d.env().store, kMaxCachedKeys),
        session_users(*d.env().store, kMaxCachedKeys),
        session_roles(*d.env().store, kMaxCachedKeys),
        tokens(d.env().master_key.derive(kTokenKeyPurpose)),
        verifier(*this, c, verify_options()),
        org_verifier(*this, c, org_verify_options()),
        request_ids(r),
        web_identity(std::move(w)),
        role_usage(*d.env().store) {}

  // The session tokens' keys are derived from the master keys (crypto::KeyRing::derive): every
  // node configured with the same keys opens every node's tokens; a token names the master
  // key that sealed it, so a rotation (docs/operations.md) keeps sessions working as long as
  // that key stays in the ring.
  static constexpr std::string_view kTokenKeyPurpose = "iamd sts session tokens v1";

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

  // Organizations is a global service with one endpoint per partition, signed for its
  // credentialScope Region ([AWS] botocore's endpoints.json: organizations in `aws`
  // organizations.us-east-1.amazonaws.com with credentialScope us-east-1, in `aws-cn`
  // cn-northwest-1, in `aws-us-gov` us-gov-west-1): a scope naming any other Region is
  // refused as AWS's endpoint refuses it ("Credential should be scoped to a valid region").
  static sigv4::VerifyOptions org_verify_options() {
    sigv4::VerifyOptions o;
    o.services = {"organizations"};
    o.regions = {"us-east-1", "cn-northwest-1", "us-gov-west-1"};
    return o;
  }

  // A session's user or role by id, read through `cache` until its record changes (topic).
  template <class Record, class Read>
  static common::Result<std::shared_ptr<const Record>> cached_record(
      store::DerivedCache<std::shared_ptr<const Record>>& cache, store::Topic topic, const std::string& id, Read read) {
    using Built = typename store::DerivedCache<std::shared_ptr<const Record>>::Built;
    return cache.get(id, [&]() -> common::Result<Built> {
      auto r = read();
      if (!r) return r.error();
      Built built;
      built.depends_on.push_back(store::change_key(topic, id));
      built.value = std::make_shared<const Record>(std::move(r).value());
      return built;
    });
  }

  // What a verified request signed with temporary credentials carries to the handler.
  struct SessionPrincipal {
    std::shared_ptr<const sts::Session> session;
    std::optional<store::User> user;          // a GetSessionToken session's user, as stored now
    std::shared_ptr<const store::Role> role;  // a role session's role, as stored now (null: deleted)
  };

  // Temporary credentials (ASIA keys): the session sealed in the token, opened without a
  // store read; the secret is the session's. An ASIA key without a token, a token that does
  // not open under this server's key or was sealed for another key id answer
  // InvalidClientTokenId; an expired session ExpiredToken. A GetSessionToken session's user
  // must still exist (read through a cache dropped when the user changes).
  common::Result<sigv4::Credential> lookup_session(std::string_view access_key_id,
                                                   std::string_view session_token) const {
    if (session_token.empty()) return sigv4::invalid_client_token_id();
    auto opened = open_session(access_key_id, session_token);
    if (!opened) return sigv4::invalid_client_token_id();
    if (clock.now().seconds >= (*opened)->expires.seconds) return sts::expired_token();
    auto principal = std::make_shared<SessionPrincipal>();
    // A GetSessionToken session's user, or a federated user's calling user.
    const sts::Session& session = **opened;
    if (session.kind != sts::SessionKind::kRole && !session.principal_id.empty()) {
      auto user = cached_record(session_users, store::Topic::kUser, session.principal_id,
                                [&] { return domain.user_by_id(session.principal_id); });
      if (!user) {
        if (store::is_not_found(user.error())) return sigv4::invalid_client_token_id();
        return to_aws_error(user.error());
      }
      principal->user = **user;
    }
    if (session.kind == sts::SessionKind::kRole) {
      auto role = cached_record(session_roles, store::Topic::kRole, session.principal_id,
                                [&] { return domain.role_by_id(session.principal_id); });
      // [IMPL] A deleted role's sessions still authenticate (AWS's own sessions outlive their
      // role until they expire) but keep no permission: every action is denied.
      if (role) {
        principal->role = *role;
      } else if (!store::is_not_found(role.error())) {
        return to_aws_error(role.error());
      }
    }
    sigv4::Credential c;
    c.secret_access_key = session.secret_access_key;
    principal->session = std::move(opened).value();
    c.principal = std::move(principal);
    return c;
  }

  // The session sealed in `token` for `access_key_id`: opened once (base64, AES-256-GCM and
  // decoding were ~6% of a session request's CPU), then found by the token itself. A session
  // never changes (its expiry is checked at each use), so an entry needs no invalidation.
  // [IMPL] At most kMaxCachedSessions tokens are kept (all forgotten when full); a token
  // that does not open is never kept.
  common::Result<std::shared_ptr<const sts::Session>> open_session(std::string_view access_key_id,
                                                                   std::string_view token) const {
    {
      std::shared_lock lock(sessions_mu);
      auto it = sessions.find(token);
      if (it != sessions.end()) {
        token_hits.add();
        // The token opens only for the key id it was sealed for.
        if (it->second->access_key_id != access_key_id) return sigv4::invalid_client_token_id();
        return it->second;
      }
    }
    token_misses.add();
    auto opened = tokens.open(access_key_id, token);
    if (!opened) return opened.error();
    auto session = std::make_shared<const sts::Session>(std::move(opened).value());
    std::unique_lock lock(sessions_mu);
    if (sessions.size() >= kMaxCachedSessions) sessions.clear();
    sessions.emplace(std::string(token), session);
    return session;
  }
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::size_t kMaxCachedSessions = 20000;
  mutable common::metrics::Counter token_hits, token_misses;  // lookups of `sessions`
  mutable std::shared_mutex sessions_mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const sts::Session>, TokenHash, std::equal_to<>> sessions;

  common::Result<sigv4::Credential> lookup(std::string_view access_key_id,
                                           std::string_view session_token) const override {
    if (access_key_id.starts_with("ASIA")) return lookup_session(access_key_id, session_token);
    // A long-term key never works with a session token [OBS].
    if (!session_token.empty()) return sigv4::invalid_client_token_id();
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

  // The request's environment keys (evaluation.md §5.2).
  void add_environment(condition::Context& context, const ApiRequest& req, std::string_view region) const {
    authz::EnvironmentKeys env;
    env.now = clock.now();
    env.source_ip = req.source_ip;
    env.secure_transport = req.secure_transport;
    env.user_agent = header(req, "User-Agent");
    env.requested_region = std::string(region);
    env.referer = header(req, "Referer");
    authz::add_environment_keys(context, env);
  }

  // An unsigned request to an operation that allows it (Key::kAnonymous).
  ApiResponse handle_anonymous(const ApiRequest& req, const protocol::Params& params, protocol::Service service,
                               std::string& request_id, Recorder& call) {
    State& s = *this;
    Caller caller;
    caller.anonymous = true;
    caller.decision = &call.rec.decision;
    caller.partition = s.domain.env().partition;
    condition::Context context;
    add_environment(context, req, "us-east-1");  // [IMPL] an unsigned request names no Region
    std::optional<RoleUse> role_use;
    CallContext ctx{s.domain, s.access, caller, context, s.tokens, s.web_identity.get(), &role_use};
    std::unique_ptr<AuditCall> audit_call = start_audit(req, request_id, protocol::service_info(service).name);
    if (audit_call) {
      if (const std::string* action = params.find("Action")) audit_call->event_name = *action;
    }
    attach_audit(audit_call.get(), caller, ctx, audit);
    IamHandlers iam_handlers(ctx);
    StsHandlers sts_handlers(ctx);
    protocol::Response answer =
        protocol::handle_query(params, protocol::Handlers{&iam_handlers, &sts_handlers}, service, request_id);
    if (answer.status == 200 && role_use) s.role_usage.note(*role_use);
    finish_audit(audit_call.get());
    return call.answer(std::move(answer), request_id, nullptr);
  }

  // Who the verified caller is (Caller) and the request's global condition keys: the
  // principal's (evaluation.md §5.1) and the environment's. Long-term keys' use is recorded.
  void identify(const ApiRequest& req, const sigv4::VerifiedRequest& verified, Caller& caller,
                condition::Context& context);
  // The second half of identify, once the caller's account and principal are set: its ARN,
  // partition-independent facts and the condition keys.
  void describe(const ApiRequest& req, std::string_view region, Caller& caller, condition::Context& context);

  ApiResponse handle_json(const ApiRequest& req, std::string_view target, std::string& request_id, Recorder& call);

  // Last accessed bookkeeping (iam/last_accessed.h): every authenticated attempt of an IAM
  // user or role (a role session's role; a user's GetSessionToken or federated session: the
  // user) at an operation iamd serves, allowed or denied as AWS counts them. The root user
  // is no IAM entity. At most one store write a minute for all of them (AccessTracker).
  void note_access(const Caller& caller, std::string_view service, std::string_view operation,
                   std::string_view region) {
    std::string_view entity;
    if (caller.is_role_session()) {
      entity = caller.session->principal_id;
    } else if (caller.user) {
      entity = caller.user->id;
    } else {
      return;
    }
    if (find_operation(service, operation) == nullptr) return;
    iam::AccessTracker& tracker = domain.tracker;
    const common::Timestamp now = clock.now();
    if (tracker.note({caller.account_id, entity, service, operation, region}, now)) {
      (void)tracker.flush(*domain.env().store, now);  // a failed write loses only bookkeeping
    }
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
  using UserCache = store::DerivedCache<std::shared_ptr<const store::User>>;
  using RoleCache = store::DerivedCache<std::shared_ptr<const store::Role>>;

  iam::IamDomain& domain;
  const common::Clock& clock;
  Access access;
  mutable KeyCache keys;            // resolved access keys, active or not
  mutable UserCache session_users;  // GetSessionToken sessions' users, by id
  mutable RoleCache session_roles;  // role sessions' roles, by id
  sts::TokenSealer tokens;
  sigv4::Verifier verifier;      // IAM and STS (Query)
  sigv4::Verifier org_verifier;  // Organizations (JSON 1.1)
  common::RequestIds request_ids;
  std::shared_ptr<const WebIdentityKeys> web_identity;
  RoleUsage role_usage;         // RoleLastUsed of assumed roles
  AuditTrail* audit = nullptr;  // the audit trail; null: calls are not recorded

  // A call's audit record in the making, when calls are recorded (api/audit.h).
  std::unique_ptr<AuditCall> start_audit(const ApiRequest& req, const std::string& request_id,
                                         std::string_view service) const {
    if (audit == nullptr) return nullptr;
    auto audit_call = std::make_unique<AuditCall>();
    audit_call->time = clock.now();
    audit_call->request_id = request_id;
    audit_call->service = std::string(service);
    audit_call->source_ip = req.source_ip;
    audit_call->user_agent = header(req, "User-Agent");
    auto [key, region] = named_credential(req);
    audit_call->access_key_id = std::move(key);
    audit_call->region = region.empty() ? "us-east-1" : std::move(region);
    return audit_call;
  }
  // Ends the call's record: a refusal before any operation is `refused`.
  void finish_audit(AuditCall* audit_call, const std::optional<common::Error>& refused = std::nullopt) const {
    if (audit_call == nullptr) return;
    if (refused) audit_call->error = refused;
    audit->finish(*audit_call);
  }
  // Connects a call's record to its caller and context.
  static void attach_audit(AuditCall* audit_call, Caller& caller, CallContext& ctx, AuditTrail* trail) {
    if (audit_call == nullptr) return;
    audit_call->caller = &caller;
    caller.audit_decision = &audit_call->decision;
    ctx.audit = audit_call;
    ctx.audit_trail = trail;
  }
};

Gateway::Gateway(iam::IamDomain& domain, const common::Clock& clock, common::Random& random,
                 std::shared_ptr<const WebIdentityKeys> web_identity, const org::Env& org_quotas)
    : state_(std::make_unique<State>(domain, clock, random, std::move(web_identity), org_quotas)) {}

Gateway::~Gateway() = default;

std::uint64_t Gateway::key_builds() const {
  return state_->keys.builds();
}
std::uint64_t Gateway::policy_set_builds() const {
  return state_->access.policy_set_builds();
}

std::vector<CacheStats> Gateway::cache_stats() const {
  const State& s = *state_;
  std::vector<CacheStats> out;
  out.push_back({"access_keys", s.keys.hits(), s.keys.builds()});
  out.push_back({"session_users", s.session_users.hits(), s.session_users.builds()});
  out.push_back({"session_roles", s.session_roles.hits(), s.session_roles.builds()});
  out.push_back({"session_tokens", s.token_hits.value(), s.token_misses.value()});
  const sigv4::SigningKeyCache& q = s.verifier.key_cache();
  const sigv4::SigningKeyCache& o = s.org_verifier.key_cache();
  out.push_back({"sigv4_signing_keys", q.hits() + o.hits(), q.misses() + o.misses()});
  s.access.cache_stats(out);
  return out;
}

void Gateway::set_audit(AuditTrail* trail) {
  state_->audit = trail;
}

common::Result<std::size_t> Gateway::flush_usage() {
  return state_->role_usage.flush();
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
                             "PolicySourceArn", "SerialNumber", "RoleArn", "PrincipalArn", "Arn"}) {
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

// A session's aws:PrincipalTag values: its session tags, then the principal's own tags
// (`principal`: the role's or the calling user's; null when gone) that no session tag
// overrides (keys compare without case, evaluation.md §5.1).
std::vector<std::pair<std::string, std::string>> session_principal_tags(const sts::Session& session,
                                                                        const store::Tags* principal) {
  std::vector<std::pair<std::string, std::string>> tags = session.tags;
  if (principal == nullptr) return tags;
  for (const store::Tag& t : *principal) {
    const bool overridden = std::any_of(session.tags.begin(), session.tags.end(),
                                        [&](const auto& st) { return common::iequals(st.first, t.key); });
    if (!overridden) tags.emplace_back(t.key, t.value);
  }
  return tags;
}

}  // namespace

bool Gateway::may_write(std::string_view query, std::string_view body, std::string_view target) {
  if (!target.empty()) {
    std::optional<protocol::JsonTarget> t = protocol::parse_json_target(target);
    if (!t) return false;  // answered before any store access
    const Operation* op = find_operation(protocol::service_info(t->service).name, t->operation);
    return op != nullptr &&
           (op->mode == Mode::kWrite || op->mode == Mode::kPrepared || op->mode == Mode::kUnauthorizedWrite);
  }
  std::optional<std::string_view> action = form_value(body, "Action");
  if (!action) action = form_value(query, "Action");
  if (!action) return false;  // answered with an error before any store access
  // IAM and STS share no operation name.
  const Operation* op = find_operation("iam", *action);
  if (op == nullptr) op = find_operation("sts", *action);
  if (op == nullptr) return false;  // no such operation in iamd: InvalidAction, before the store
  if (op->mode == Mode::kReadUnlessMfa) {
    for (std::string_view member : {"SerialNumber", "TokenCode"}) {
      if (form_value(body, member) || form_value(query, member)) return true;
    }
    return false;
  }
  return op->mode == Mode::kWrite || op->mode == Mode::kPrepared || op->mode == Mode::kUnauthorizedWrite;
}

std::string Gateway::next_request_id() {
  return state_->request_ids.next();
}

ApiResponse Gateway::error_response(int status) {
  const std::string request_id = state_->request_ids.next();
  protocol::Response r = protocol::error_response(protocol::Service::kIam, http_error(status), request_id);
  return ApiResponse{status, {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", request_id}}, std::move(r.body)};
}

ApiResponse Gateway::handle(const ApiRequest& req) {
  State& s = *state_;
  Recorder call;
  std::string request_id = s.request_ids.next();
  // AWS JSON 1.1 (Organizations) names its operation in X-Amz-Target; the Query services never
  // send one.
  const std::string target = header(req, "X-Amz-Target");
  // Writes committed by other nodes sharing the store are applied to this node's caches
  // before anything (the request's key first) is looked up: a change made through any node
  // is enforced on the next request (store::Store::sync; a no-op for a store of one process).
  if (auto synced = s.domain.env().store->sync(); !synced) {
    const common::Error e = to_aws_error(synced.error());
    if (!target.empty()) return call.answer(protocol::json_error_response(e, request_id), request_id, nullptr);
    return call.answer(protocol::error_response(protocol::Service::kIam, e, request_id), request_id, nullptr);
  }
  if (!target.empty()) return s.handle_json(req, target, request_id, call);
  Caller caller;  // known once the signature is verified
  caller.decision = &call.rec.decision;
  auto respond = [&](protocol::Response&& r) { return call.answer(std::move(r), request_id, &caller); };

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
  // [IMPL] The record names the service of the form's Version (the signature's scope may
  // still refuse it); a request without a usable Version is counted under iam, the envelope
  // it is answered in.
  call.rec.service = protocol::service_info(envelope).name;
  if (params) {
    if (const std::string* action = params->find("Action")) call.operation(call.rec.service, *action);
  }

  std::vector<sigv4::HeaderView> headers;
  headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) headers.push_back(sigv4::HeaderView{k, v});
  sigv4::RequestView view{req.method, req.path, req.query, headers, req.body};
  auto verified = s.verifier.verify(view, service);
  // A refused request's record: who it named, what it asked for, why it was refused.
  auto refused = [&](const common::Error& e) {
    if (std::unique_ptr<AuditCall> audit_call = s.start_audit(req, request_id, protocol::service_info(envelope).name)) {
      if (params) {
        if (const std::string* action = params->find("Action")) audit_call->event_name = *action;
      }
      s.finish_audit(audit_call.get(), e);
    }
  };
  if (!verified && verified.error().code == sigv4::kMissingAuthenticationToken && params) {
    // An unsigned request to an operation that allows it (Key::kAnonymous) goes on as an
    // anonymous caller; any other unsigned request is MissingAuthenticationToken.
    const std::string* action = params->find("Action");
    const Operation* op = action != nullptr && !service.empty() ? find_operation(service, *action) : nullptr;
    if (op != nullptr && (op->keys & kAnonymous) != 0)
      return s.handle_anonymous(req, *params, envelope, request_id, call);
  }
  if (!verified) {
    const common::Error e = to_aws_error(verified.error());
    refused(e);
    return respond(protocol::error_response(envelope, e, request_id));
  }
  // The verifier admits only these two services.
  const protocol::Service scope = verified->service == "sts" ? protocol::Service::kSts : protocol::Service::kIam;
  if (!params) {
    refused(params.error());
    return respond(protocol::error_response(scope, params.error(), request_id));
  }
  // The request's partition is its Region's (the verifier admits only Regions of the table).
  // [IMPL] iamd stores every ARN in its own partition (DomainEnv::partition, "aws") and
  // converts at this edge: ARN members of the request are taken into it, the answer's ARNs
  // are given in the request's partition, and authorization sees the request's partition
  // (Access::authorize, Pipeline). So a user created through cn-north-1 is
  // arn:aws-cn:iam::<account>:user/<name> there, and arn:aws:... through us-east-1.
  const std::string& stored = s.domain.env().partition;
  const std::string_view partition = sigv4::partition_of_region(verified->region);
  if (!partition.empty() && partition != stored) params = stored_partition_params(*params, partition, stored);

  condition::Context context;
  s.identify(req, *verified, caller, context);
  if (const std::string* action = params->find("Action")) {
    s.note_access(caller, verified->service, *action, verified->region);
  }
  std::optional<RoleUse> role_use;
  CallContext ctx{s.domain, s.access, caller, context, s.tokens, s.web_identity.get(), &role_use};
  std::unique_ptr<AuditCall> audit_call = s.start_audit(req, request_id, verified->service);
  if (audit_call) {
    audit_call->region = verified->region;
    if (const std::string* action = params->find("Action")) audit_call->event_name = *action;
  }
  State::attach_audit(audit_call.get(), caller, ctx, s.audit);
  IamHandlers iam_handlers(ctx);
  StsHandlers sts_handlers(ctx);
  protocol::Response answer =
      protocol::handle_query(*params, protocol::Handlers{&iam_handlers, &sts_handlers}, scope, request_id);
  // A role assumed: its RoleLastUsed, after the operation's transaction has ended.
  if (answer.status == 200 && role_use) s.role_usage.note(*role_use);
  s.finish_audit(audit_call.get());
  // Every ARN of the answer (results and error messages) in the request's partition. Policy
  // documents are URL-encoded in IAM's answers, so the text their author wrote is untouched.
  // [IMPL] A tag value or description that starts with "arn:aws:" is shown in the request's
  // partition as well.
  if (caller.partition != stored) answer.body = arn::replace_partition(answer.body, stored, caller.partition);
  return respond(std::move(answer));
}

ApiResponse Gateway::handle_console(const ApiRequest& req, const ConsolePrincipal& who, std::string* explanation) {
  State& s = *state_;
  Recorder call;
  std::string request_id = s.request_ids.next();
  Caller caller;
  caller.decision = &call.rec.decision;
  auto respond = [&](protocol::Response&& r) { return call.answer(std::move(r), request_id, &caller); };
  auto params = protocol::decode_form("", req.body);
  protocol::Service service = protocol::Service::kIam;
  if (params) {
    if (const std::string* v = params->find("Version")) {
      if (auto svc = protocol::service_for_version(*v)) service = *svc;
    }
  }
  // The console's calls are counted as the console's, by the IAM or STS operation they run
  // (IAM and STS share no operation name).
  call.rec.service = "console";
  if (params) {
    if (const std::string* action = params->find("Action")) {
      call.operation(protocol::service_info(service).name, *action);
    }
  }
  if (!params) return respond(protocol::error_response(service, params.error(), request_id));
  if (auto synced = s.domain.env().store->sync(); !synced) {
    return respond(protocol::error_response(service, to_aws_error(synced.error()), request_id));
  }
  constexpr std::string_view kRegion = "us-east-1";  // [IMPL] the console's Region
  const std::string_view service_name = protocol::service_info(service).name;
  condition::Context context;
  if (!who.access_key_id.empty()) {
    // A switched role: the role session its credentials stand for, as a signed request's.
    auto credential = s.lookup_session(who.access_key_id, who.session_token);
    if (!credential) return respond(protocol::error_response(service, to_aws_error(credential.error()), request_id));
    sigv4::VerifiedRequest verified;
    verified.access_key_id = who.access_key_id;
    verified.region = std::string(kRegion);
    verified.service = std::string(service_name);
    verified.session_token = who.session_token;
    verified.principal = credential->principal;
    s.identify(req, verified, caller, context);
  } else {
    caller.account_id = who.account_id;
    caller.partition = s.domain.env().partition;
    if (!who.user_id.empty()) {
      auto user = s.cached_record(s.session_users, store::Topic::kUser, who.user_id,
                                  [&] { return s.domain.user_by_id(who.user_id); });
      if (!user) {
        // The user was deleted since it signed in: its console session ends.
        const common::Error e =
            store::is_not_found(user.error()) ? sigv4::invalid_client_token_id() : to_aws_error(user.error());
        return respond(protocol::error_response(service, e, request_id));
      }
      caller.user = **user;
    }
    caller.console = Caller::SignIn{who.signed_in, who.mfa, who.mfa_time};
    s.describe(req, kRegion, caller, context);
  }
  caller.explanation = explanation;
  if (const std::string* action = params->find("Action")) s.note_access(caller, service_name, *action, kRegion);
  std::optional<RoleUse> role_use;
  CallContext ctx{s.domain, s.access, caller, context, s.tokens, s.web_identity.get(), &role_use};
  std::unique_ptr<AuditCall> audit_call = s.start_audit(req, request_id, service_name);
  if (audit_call) {
    audit_call->region = std::string(kRegion);
    audit_call->console = true;
    audit_call->access_key_id = caller.access_key_id;
    if (const std::string* action = params->find("Action")) audit_call->event_name = *action;
  }
  State::attach_audit(audit_call.get(), caller, ctx, s.audit);
  IamHandlers iam_handlers(ctx);
  StsHandlers sts_handlers(ctx);
  protocol::Response answer =
      protocol::handle_query(*params, protocol::Handlers{&iam_handlers, &sts_handlers}, service, request_id);
  if (answer.status == 200 && role_use) s.role_usage.note(*role_use);
  s.finish_audit(audit_call.get());
  return respond(std::move(answer));
}

void Gateway::State::identify(const ApiRequest& req, const sigv4::VerifiedRequest& verified, Caller& caller,
                              condition::Context& context) {
  State& s = *this;
  const std::string& stored = s.domain.env().partition;
  const std::string_view partition = sigv4::partition_of_region(verified.region);
  caller.access_key_id = verified.access_key_id;
  caller.partition = partition.empty() ? stored : std::string(partition);
  if (verified.access_key_id.starts_with("ASIA")) {
    const auto& p = *std::static_pointer_cast<const State::SessionPrincipal>(verified.principal);
    caller.account_id = p.session->account_id;
    caller.user = p.user;
    caller.role = p.role;
    caller.session = p.session;
  } else {
    const auto& owner = *std::static_pointer_cast<const iam::KeyOwner>(verified.principal);
    s.note_use(owner.key.id, verified.service, verified.region);  // long-term keys only, as AWS
    caller.account_id = owner.account_id;
    caller.user = owner.user;
  }
  describe(req, verified.region, caller, context);
}

void Gateway::State::describe(const ApiRequest& req, std::string_view region, Caller& caller,
                              condition::Context& context) {
  State& s = *this;
  const std::string& stored = s.domain.env().partition;
  if (caller.is_role_session()) {
    caller.arn =
        s.domain.assumed_role_arn(caller.account_id, caller.session->principal_name, caller.session->session_name);
  } else if (caller.is_federated()) {
    caller.arn = s.domain.federated_user_arn(caller.account_id, caller.session->principal_name);
  } else {
    caller.arn = caller.user ? s.domain.user_arn(*caller.user) : s.domain.root_arn(caller.account_id);
  }
  caller.arn = arn::in_partition(caller.arn, stored, caller.partition);

  authz::CallerKeys keys;
  keys.facts.type = caller.is_root() ? policy::PrincipalType::kRoot : policy::PrincipalType::kUser;
  keys.facts.arn = caller.arn;
  keys.facts.account = caller.account_id;
  if (caller.is_role_session()) {
    const sts::Session& session = *caller.session;
    keys.facts.type = policy::PrincipalType::kAssumedRole;
    keys.facts.unique_id = session.principal_id + ":" + session.session_name;
    keys.facts.role_arn = arn::in_partition(session.principal_arn, stored, caller.partition);
    keys.role_arn = keys.facts.role_arn;
    // aws:PrincipalTag: the role's tags, overridden by the session's.
    keys.tags = session_principal_tags(session, caller.role ? &caller.role->tags : nullptr);
  }
  if (caller.is_federated()) {
    const sts::Session& session = *caller.session;
    keys.facts.type = policy::PrincipalType::kFederatedUser;
    keys.facts.unique_id = caller.account_id + ":" + session.principal_name;
    keys.facts.parent_user_arn = arn::in_partition(session.principal_arn, stored, caller.partition);
    // aws:PrincipalTag: the calling user's tags, overridden by the session's.
    keys.tags = session_principal_tags(session, caller.user ? &caller.user->tags : nullptr);
  } else if (caller.user) {
    keys.facts.unique_id = caller.user->id;
    keys.user_name = caller.user->name;
    for (const store::Tag& t : caller.user->tags) keys.tags.emplace_back(t.key, t.value);
  }
  if (caller.session) {
    keys.temporary = true;
    keys.token_issue_time = caller.session->issued;
    keys.mfa_authenticated = caller.session->mfa;
    keys.mfa_age_seconds = std::max<std::int64_t>(0, s.clock.now().seconds - caller.session->mfa_time.seconds);
    keys.source_identity = caller.session->source_identity;
  } else if (caller.console) {
    // [IMPL] A console sign-in is a session of its own, as AWS's console sessions are:
    // aws:TokenIssueTime is the sign-in, aws:MultiFactorAuthPresent says whether it took an
    // MFA code.
    keys.temporary = true;
    keys.token_issue_time = caller.console->at;
    keys.mfa_authenticated = caller.console->mfa;
    keys.mfa_age_seconds = std::max<std::int64_t>(0, s.clock.now().seconds - caller.console->mfa_time.seconds);
  }
  authz::add_principal_keys(context, keys);
  s.add_environment(context, req, region);
}

// An AWS JSON 1.1 request (Organizations): X-Amz-Target names the operation, the body is
// JSON. Authenticated exactly as a Query request (the same lookup of keys and sealed session
// tokens), with the credential scope of the service the target names; errors in the JSON
// envelope. [IMPL] The Content-Type is not checked: the target alone routes (SDKs send
// application/x-amz-json-1.1).
ApiResponse Gateway::State::handle_json(const ApiRequest& req, std::string_view target, std::string& request_id,
                                        Recorder& call) {
  State& s = *this;
  Caller caller;
  caller.decision = &call.rec.decision;
  auto respond = [&](protocol::Response&& r) { return call.answer(std::move(r), request_id, &caller); };
  call.rec.service = "organizations";
  if (auto t = protocol::parse_json_target(target))
    call.operation(protocol::service_info(t->service).name, t->operation);
  std::vector<sigv4::HeaderView> headers;
  headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) headers.push_back(sigv4::HeaderView{k, v});
  sigv4::RequestView view{req.method, req.path, req.query, headers, req.body};
  // Every JSON target iamd knows is Organizations'; an unknown one is answered after the
  // signature was checked against the Organizations scope (as for a Query request, nothing
  // about the request is answered before it is authenticated).
  auto verified = s.org_verifier.verify(view, "organizations");
  const std::optional<protocol::JsonTarget> named = protocol::parse_json_target(target);
  if (!verified) {
    const common::Error e = to_aws_error(verified.error());
    if (std::unique_ptr<AuditCall> audit_call = s.start_audit(req, request_id, "organizations")) {
      if (named) audit_call->event_name = std::string(named->operation);
      s.finish_audit(audit_call.get(), e);
    }
    return respond(protocol::json_error_response(e, request_id));
  }

  condition::Context context;
  s.identify(req, *verified, caller, context);
  if (named) s.note_access(caller, verified->service, named->operation, verified->region);
  CallContext ctx{s.domain, s.access, caller, context, s.tokens, s.web_identity.get()};
  std::unique_ptr<AuditCall> audit_call = s.start_audit(req, request_id, "organizations");
  if (audit_call) {
    audit_call->region = verified->region;
    if (named) audit_call->event_name = std::string(named->operation);
  }
  State::attach_audit(audit_call.get(), caller, ctx, s.audit);
  OrganizationsHandlers org_handlers(ctx);
  protocol::Response answer =
      protocol::handle_json(target, req.body, protocol::JsonHandlers{&org_handlers}, request_id);
  s.finish_audit(audit_call.get());
  // Every ARN of the answer in the request's partition (the body is JSON text; ARNs are
  // whole JSON strings or start one).
  const std::string& stored = s.domain.env().partition;
  if (caller.partition != stored) answer.body = arn::replace_partition(answer.body, stored, caller.partition);
  return respond(std::move(answer));
}

}  // namespace iamd::api
