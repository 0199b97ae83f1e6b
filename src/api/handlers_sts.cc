// STS AssumeRole: a role session for an IAM user or another role session (evaluation.md
// §4.3). The operation's row is Resource::kCustom: the role is named by an ARN, may not exist
// (then the answer is the same AccessDenied as for a caller without permission, never
// NoSuchEntity), and its trust policy takes part as the resource-based policy.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"
#include "api/web_identity.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "formats/saml_response.h"
#include "iam/internal.h"
#include "policy/document.h"
#include "sts/session.h"

namespace iamd::api {

namespace ps = protocol::sts;
using common::Error;
using common::Result;

namespace {

Error invalid_parameter(std::string message) {
  return Error{"InvalidParameterValue", std::move(message), ""};
}

using SessionTags = std::vector<std::pair<std::string, std::string>>;

bool has_key(const SessionTags& tags, std::string_view key) {
  return std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return common::iequals(t.first, key); });
}

// Session tags (evaluation.md §4.3 step 7, message [OBS]): keys compare without case.
Result<SessionTags> session_tags(const std::vector<ps::Tag>& given) {
  SessionTags tags;
  for (const ps::Tag& t : given) {
    if (has_key(tags, t.key)) {
      return invalid_parameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    tags.emplace_back(t.key, t.value);
  }
  return tags;
}

}  // namespace

Result<StsHandlers::SessionPolicies> StsHandlers::session_policies(const std::optional<std::string>& inline_policy,
                                                                   const std::vector<ps::PolicyDescriptorType>& arns,
                                                                   const SessionTags& tags, std::string_view account) {
  const iam::DomainEnv& env = ctx_.domain.env();
  SessionPolicies out;
  // The inline policy is validated as AWS validates session policies (its size is the
  // packed size); managed ones must be AWS's or the session account's.
  std::size_t packed_bytes = 0;
  if (inline_policy) {
    policy::ValidateOptions o = iam::internal::validate_options(env.quotas, policy::PolicyKind::kSession);
    auto doc = policy::parse_policy(*inline_policy, o);
    if (!doc) return doc.error();
    packed_bytes += doc->size;
    out.policy = *inline_policy;
  }
  for (const ps::PolicyDescriptorType& p : arns) {
    const std::string arn = p.arn.value_or("");
    // [UNCERTAIN] AWS's answer for a policy that does not exist or is another account's.
    auto text = ctx_.domain.managed_policy_text(pipe_.read(), arn);
    if (!text || !(arn.starts_with(arn::iam_arn(env.partition, "aws", "")) ||
                   arn.starts_with(arn::iam_arn(env.partition, account, "")))) {
      return Error{"MalformedPolicyDocument", "Policy " + arn + " does not exist or is not attachable.", ""};
    }
    out.arns.push_back(arn);
  }
  for (const auto& [k, v] : tags) packed_bytes += k.size() + v.size();
  // [IMPL] AWS packs (compresses) the session policy and tags into 2,048 bytes and reports
  // the share used; iamd counts their plain bytes against the same limit.
  out.packed_percent = static_cast<std::int64_t>((packed_bytes * 100 + 2047) / 2048);
  if (out.packed_percent > 100) {
    return Error{"PackedPolicyTooLarge",
                 "Packed policy consumes " + std::to_string(out.packed_percent) +
                     "% of allotted space, please use smaller policy for this request.",
                 ""};
  }
  return out;
}

Result<StsHandlers::IssuedRoleSession> StsHandlers::issue_role_session(sts::Session s, const store::Role& role,
                                                                       std::string_view role_arn,
                                                                       std::int64_t duration) {
  const iam::DomainEnv& env = ctx_.domain.env();
  s.kind = sts::SessionKind::kRole;
  s.account_id = role.account_id;
  s.issued = env.clock->now();
  s.expires = common::Timestamp{s.issued.seconds + duration, 0};
  s.principal_id = role.id;
  s.principal_name = role.name;
  s.principal_arn = std::string(role_arn);
  s.access_key_id = common::make_access_key_id("ASIA", s.account_id, *env.random);
  s.secret_access_key = common::make_secret_access_key(*env.random);
  auto token = ctx_.tokens.seal(s, *env.random);
  if (!token) return token.error();

  // RoleLastUsed: when and in which Region (the request's) the role was last assumed,
  // recorded by the gateway once the call has succeeded (api/role_usage.h).
  if (ctx_.role_use != nullptr) {
    const condition::Context::Entry* region = ctx_.base_context.find("aws:RequestedRegion");
    *ctx_.role_use = RoleUse{role.id, s.issued, region != nullptr && !region->values.empty() ? region->values[0] : ""};
  }

  IssuedRoleSession out;
  out.credentials.access_key_id = s.access_key_id;
  out.credentials.secret_access_key = s.secret_access_key;
  out.credentials.session_token = std::move(token).value();
  out.credentials.expiration = s.expires;
  out.user.arn = ctx_.domain.assumed_role_arn(s.account_id, s.principal_name, s.session_name);
  out.user.assumed_role_id = s.principal_id + ":" + s.session_name;
  return out;
}

Result<ps::AssumeRoleResult> StsHandlers::assume_role(const ps::AssumeRoleRequest& r) {
  const Caller& c = ctx_.caller;
  iam::IamDomain& domain = ctx_.domain;
  const iam::DomainEnv& env = domain.env();
  // The role's ARN [OBS]: "<value> is invalid" when it is no ARN with a partition, service and resource.
  auto parsed = arn::Arn::parse(r.role_arn);
  if (!parsed || parsed->resource().empty()) return Error{"ValidationError", r.role_arn + " is invalid", ""};

  auto given_tags = session_tags(r.tags);
  if (!given_tags) return given_tags.error();
  const SessionTags& tags = *given_tags;
  for (const std::string& k : r.transitive_tag_keys) {
    if (!has_key(tags, k)) {
      return invalid_parameter("The specified transitive tag key must be included in the requested tags.");
    }
  }
  const sts::Session* calling = c.is_role_session() ? c.session.get() : nullptr;
  SessionTags inherited;  // the calling session's transitive tags
  std::vector<std::string> transitive = r.transitive_tag_keys;
  if (calling != nullptr) {
    for (const auto& tag : calling->tags) {
      const std::string& k = tag.first;
      const std::string& v = tag.second;
      const auto& keys = calling->transitive_tag_keys;
      if (std::none_of(keys.begin(), keys.end(), [&](const std::string& t) { return common::iequals(t, k); })) {
        continue;
      }
      if (has_key(tags, k)) {
        return invalid_parameter(
            "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key "
            "from the calling session.");
      }
      inherited.emplace_back(k, v);
      transitive.push_back(k);
    }
  }
  // [UNCERTAIN] AWS's text; the rule is documented: a source identity cannot start with
  // "aws:" and, once set in a chain of sessions, cannot change.
  std::string source_identity = r.source_identity.value_or("");
  if (source_identity.starts_with("aws:")) {
    return Error{"ValidationError", "The source identity cannot begin with the prefix aws:", ""};
  }
  if (calling != nullptr && !calling->source_identity.empty()) {
    if (!source_identity.empty() && source_identity != calling->source_identity) {
      return invalid_parameter("The source identity of the calling session cannot be changed.");
    }
    source_identity = calling->source_identity;
  }

  // The root user assumes no role [OBS].
  if (c.is_root()) return Error{"AccessDenied", "Roles may not be assumed by root accounts.", ""};

  // A read (Mode::kReadUnlessMfa), unless an MFA code is given: the check records the code it
  // used, so the role is read and the call authorized in the write transaction. Otherwise the
  // role comes from Access's cache, as fresh as a read snapshot (store/derived_cache.h).
  const bool mfa_given = r.serial_number || r.token_code;
  if (mfa_given) {
    if (auto w = pipe_.begin_write(); !w) return w.error();
  }

  // The role, in the account its ARN names: the caller's own, or another account of the
  // server (cross-account: the caller's identity policies and the role's trust policy must
  // both allow, evaluation.md §3.2).
  std::shared_ptr<const store::Role> role;
  std::string resource = r.role_arn;
  if (parsed->service() == "iam" && arn::is_account_id(parsed->account()) && parsed->resource().starts_with("role/")) {
    const std::string_view rest = std::string_view(parsed->resource()).substr(4);
    const std::string name(rest.substr(rest.rfind('/') + 1));
    Result<std::shared_ptr<const store::Role>> found = Error{};
    if (mfa_given) {
      auto read = pipe_.read().tx.get_role(parsed->account(), name);
      if (read) {
        found = std::make_shared<const store::Role>(std::move(read).value());
      } else {
        found = read.error();
      }
    } else {
      found = ctx_.access.role_by_name(parsed->account(), name);
    }
    if (found && domain.role_arn(**found) == r.role_arn) {
      role = std::move(found).value();
      resource = domain.role_arn(*role);
    } else if (!found && !store::is_not_found(found.error())) {
      return found.error();
    }
  }

  // MFA given in this call counts for this evaluation (and the session).
  bool mfa = calling != nullptr && calling->mfa;
  common::Timestamp mfa_time = calling != nullptr ? calling->mfa_time : common::Timestamp{};
  if (r.serial_number || r.token_code) {
    auto checked = c.is_root() ? ctx_.domain.mfa_devices.authenticate_root(pipe_.write(), r.serial_number.value_or(""),
                                                                           r.token_code.value_or(""))
                               : ctx_.domain.mfa_devices.authenticate(
                                     pipe_.write(), c.user, r.serial_number.value_or(""), r.token_code.value_or(""));
    if (!checked) return checked.error();
    mfa = true;
    mfa_time = env.clock->now();
  }

  condition::Context keys;
  keys.set("sts:RoleSessionName", r.role_session_name);
  if (r.external_id) keys.set("sts:ExternalId", *r.external_id);
  if (!source_identity.empty()) keys.set("sts:SourceIdentity", source_identity);
  if (!r.transitive_tag_keys.empty()) keys.set_list("sts:TransitiveTagKeys", r.transitive_tag_keys);
  std::vector<std::string> tag_keys;
  for (const auto& [k, v] : tags) {
    keys.set("aws:RequestTag/" + k, v);
    tag_keys.push_back(k);
  }
  if (!tag_keys.empty()) keys.set_list("aws:TagKeys", tag_keys);
  if (mfa) {
    keys.set("aws:MultiFactorAuthPresent", "true");
    keys.set("aws:MultiFactorAuthAge",
             std::to_string(std::max<std::int64_t>(0, env.clock->now().seconds - mfa_time.seconds)));
  }
  const store::Role* role_ptr = role ? &*role : nullptr;
  if (auto a = pipe_.authorize_assume("sts:AssumeRole", role_ptr, resource, keys); !a) return a.error();
  if (!tags.empty()) {
    if (auto a = pipe_.authorize_assume("sts:TagSession", role_ptr, resource, keys); !a) return a.error();
  }
  if (r.source_identity) {
    if (auto a = pipe_.authorize_assume("sts:SetSourceIdentity", role_ptr, resource, keys); !a) return a.error();
  }

  if (!role) return Error{"AccessDenied", "", ""};  // authorize_assume denies a missing role: not reached
  // Duration (evaluation.md §4.3 step 6, messages [OBS]): one hour unless asked.
  const std::int64_t duration = r.duration_seconds.value_or(3600);
  if (duration > role->max_session_duration) {
    return Error{"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                 ""};
  }
  if (calling != nullptr && duration > 3600) {
    return Error{"ValidationError",
                 "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
                 ""};
  }

  auto policies = session_policies(r.policy, r.policy_arns, tags, role->account_id);
  if (!policies) return policies.error();

  sts::Session s;
  s.session_name = r.role_session_name;
  s.mfa = mfa;
  s.mfa_time = mfa_time;
  s.source_identity = source_identity;
  s.policy = policies->policy;
  s.policy_arns = policies->arns;
  s.tags = tags;
  s.tags.insert(s.tags.end(), inherited.begin(), inherited.end());
  s.transitive_tag_keys = std::move(transitive);
  auto issued = issue_role_session(std::move(s), *role, resource, duration);
  if (!issued) return issued.error();

  ps::AssumeRoleResult out;
  out.credentials = std::move(issued->credentials);
  out.assumed_role_user = std::move(issued->user);
  // [OBS] PackedPolicySize only when a session policy or tags were passed.
  if (r.policy || !r.policy_arns.empty() || !r.tags.empty()) out.packed_policy_size = policies->packed_percent;
  if (!source_identity.empty()) out.source_identity = source_identity;
  return out;
}

Result<ps::DecodeAuthorizationMessageResult> StsHandlers::decode_authorization_message(
    const ps::DecodeAuthorizationMessageRequest& r) {
  // Authorized by the row (sts:DecodeAuthorizationMessage on "*"); the message opens only in
  // the account whose request it describes.
  auto decoded = ctx_.access.decode_authorization_message(ctx_.caller, r.encoded_message);
  if (!decoded) return decoded.error();
  ps::DecodeAuthorizationMessageResult out;
  out.decoded_message = std::move(decoded).value();
  return out;
}

Result<ps::GetFederationTokenResult> StsHandlers::get_federation_token(const ps::GetFederationTokenRequest& r) {
  // A federated user (evaluation.md §4.4): called with an IAM user's (or the root user's)
  // long-term key, authorized on arn:<p>:sts::<acct>:federated-user/<Name>; its requests are
  // allowed what both the calling user's policies and the session policies allow.
  const Caller& c = ctx_.caller;
  iam::IamDomain& domain = ctx_.domain;
  const iam::DomainEnv& env = domain.env();
  auto given_tags = session_tags(r.tags);
  if (!given_tags) return given_tags.error();
  const SessionTags& tags = *given_tags;
  const std::string federated_arn = domain.federated_user_arn(c.account_id, r.name);
  condition::Context keys;
  std::vector<std::string> tag_keys;
  for (const auto& [k, v] : tags) {
    keys.set("aws:RequestTag/" + k, v);
    tag_keys.push_back(k);
  }
  if (!tag_keys.empty()) keys.set_list("aws:TagKeys", tag_keys);
  if (auto a = pipe_.authorize("sts:GetFederationToken", federated_arn, &keys); !a) return a.error();
  if (!tags.empty()) {
    if (auto a = pipe_.authorize("sts:TagSession", federated_arn, &keys); !a) return a.error();
  }
  // [AWS] 12 hours unless asked; the root user's at most one hour (a longer request is
  // shortened). The model bounds the request to 900-129600 s.
  std::int64_t duration = r.duration_seconds.value_or(43200);
  if (c.is_root()) duration = std::min<std::int64_t>(duration, 3600);
  auto policies = session_policies(r.policy, r.policy_arns, tags, c.account_id);
  if (!policies) return policies.error();

  sts::Session s;
  s.kind = sts::SessionKind::kFederated;
  s.account_id = c.account_id;
  s.issued = env.clock->now();
  s.expires = common::Timestamp{s.issued.seconds + duration, 0};
  if (c.user) s.principal_id = c.user->id;
  s.principal_name = r.name;
  s.principal_arn = c.arn;  // the calling user's
  s.session_name = r.name;
  s.policy = policies->policy;
  s.policy_arns = policies->arns;
  s.tags = tags;
  s.access_key_id = common::make_access_key_id("ASIA", s.account_id, *env.random);
  s.secret_access_key = common::make_secret_access_key(*env.random);
  auto token = ctx_.tokens.seal(s, *env.random);
  if (!token) return token.error();

  ps::GetFederationTokenResult out;
  ps::Credentials creds;
  creds.access_key_id = s.access_key_id;
  creds.secret_access_key = s.secret_access_key;
  creds.session_token = std::move(token).value();
  creds.expiration = s.expires;
  out.credentials = std::move(creds);
  ps::FederatedUser user;
  user.federated_user_id = c.account_id + ":" + r.name;
  user.arn = federated_arn;
  out.federated_user = std::move(user);
  if (r.policy || !r.policy_arns.empty() || !r.tags.empty()) out.packed_policy_size = policies->packed_percent;
  return out;
}

// ---- AssumeRoleWithWebIdentity (evaluation.md §4.3) ----
// An unsigned call (the row's Key::kAnonymous): the OpenID Connect ID token authenticates it.
// Its issuer must be an OIDC provider of the role's account, its signature verify with the
// keys configured for that issuer (`iamd serve --oidc-jwks`), its audience be one of the
// provider's client IDs; then the role's trust policy alone decides, for the provider as the
// Federated principal, with the token's claims as <provider url>:aud, :sub, :amr, :oaud, and
// its session tags and source identity claims as AssumeRole's Tags and SourceIdentity.
// [IMPL] Thumbprints: AWS pins the TLS certificate of the issuer's JWKS endpoint with the
// provider's ThumbprintList; iamd fetches nothing (the keys are configured locally), so there
// is no certificate to pin and the stored thumbprints take no part in verification.

namespace {

// [UNCERTAIN] AWS's text as its users report it.
Error no_provider(std::string_view issuer) {
  return Error{"InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + std::string(issuer),
               ""};
}

}  // namespace

Result<ps::AssumeRoleWithWebIdentityResult> StsHandlers::assume_role_with_web_identity(
    const ps::AssumeRoleWithWebIdentityRequest& r) {
  iam::IamDomain& domain = ctx_.domain;
  const iam::DomainEnv& env = domain.env();
  constexpr std::string_view kAction = "sts:AssumeRoleWithWebIdentity";
  auto parsed = arn::Arn::parse(r.role_arn);
  if (!parsed || parsed->resource().empty()) return Error{"ValidationError", r.role_arn + " is invalid", ""};
  // [IMPL] ProviderId names an OAuth 2.0 provider (www.amazon.com, graph.facebook.com) whose
  // access tokens only that provider can check; iamd verifies OpenID Connect ID tokens only.
  if (r.provider_id) {
    return invalid_parameter(
        "ProviderId is only for OAuth 2.0 access tokens, which iamd does not accept; send an "
        "OpenID Connect ID token without ProviderId.");
  }
  auto token = parse_identity_token(r.web_identity_token);
  if (!token) return token.error();

  // The provider, in the role's account: its ARN from the token's issuer.
  const std::string& account = parsed->account();
  const std::string url = oidc_provider_url(token->issuer);
  const std::string provider_arn = domain.oidc_provider_arn(account, url);
  const iam::Read rd{account, pipe_.write().tx};
  if (!arn::is_account_id(account)) return no_provider(token->issuer);
  auto provider = domain.providers.get_oidc_provider(rd, provider_arn);
  if (!provider) {
    if (store::is_not_found(provider.error()) || provider.error().code == "InvalidInput") {
      return no_provider(token->issuer);
    }
    return provider.error();
  }
  static const WebIdentityKeys kNoKeys;
  const WebIdentityKeys& keys = ctx_.web_identity != nullptr ? *ctx_.web_identity : kNoKeys;
  if (auto v = verify_identity_token(*token, keys); !v) return v.error();
  if (auto t = check_identity_token_times(*token, env.clock->now()); !t) return t.error();
  // The audience: azp when the token has one (an ID token for several audiences names the
  // requesting client there), else one of aud, must be a client ID of the provider.
  const auto& ids = provider->client_ids;
  std::vector<std::string> candidates = token->azp.empty() ? token->audiences : std::vector{token->azp};
  auto match = std::find_if(candidates.begin(), candidates.end(),
                            [&](const std::string& a) { return std::find(ids.begin(), ids.end(), a) != ids.end(); });
  if (match == candidates.end()) return Error{"InvalidIdentityToken", "Incorrect token audience", ""};
  const std::string audience = *match;

  // Session tags and source identity from the token's claims: the limits of AssumeRole's
  // Tags and SourceIdentity members (50 tags, keys 1-128 and values 0-256 characters) and its
  // rules (keys unique without case; transitive keys among the tags) [UNCERTAIN: AWS's texts
  // for a token beyond them].
  if (token->tags.size() > 50) return Error{"InvalidIdentityToken", "The token has more than 50 session tags.", ""};
  SessionTags tags;
  for (const auto& [k, v] : token->tags) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return Error{"InvalidIdentityToken", "A session tag of the token is too long or has an empty key.", ""};
    }
    if (has_key(tags, k)) {
      return invalid_parameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    tags.emplace_back(k, v);
  }
  for (const std::string& k : token->transitive_tag_keys) {
    if (!has_key(tags, k)) {
      return invalid_parameter("The specified transitive tag key must be included in the requested tags.");
    }
  }
  const std::string& source_identity = token->source_identity;
  if (!source_identity.empty() && (source_identity.size() < 2 || source_identity.size() > 64)) {
    return Error{"InvalidIdentityToken", "The source identity of the token must have 2 to 64 characters.", ""};
  }
  if (source_identity.starts_with("aws:")) {
    return Error{"ValidationError", "The source identity cannot begin with the prefix aws:", ""};
  }

  std::optional<store::Role> role;
  std::string resource = r.role_arn;
  if (parsed->service() == "iam" && parsed->resource().starts_with("role/")) {
    const std::string_view rest = std::string_view(parsed->resource()).substr(4);
    const std::string name(rest.substr(rest.rfind('/') + 1));
    auto found = pipe_.write().tx.get_role(account, name);
    if (found && domain.role_arn(*found) == r.role_arn) {
      role = std::move(found).value();
      resource = domain.role_arn(*role);
    } else if (!found && !store::is_not_found(found.error())) {
      return found.error();
    }
  }

  // The trust policy's keys ("Available keys for AWS web identity federation"): aud is the
  // audience accepted above (azp when the token has one); oaud, when the token names more
  // audiences or has azp, every value of its aud [UNCERTAIN: AWS documents oaud for Google's
  // tokens; iamd gives it for any provider]; amr when the token has it.
  condition::Context keys_ctx = ctx_.base_context;
  keys_ctx.set("sts:RoleSessionName", r.role_session_name);
  keys_ctx.set(url + ":aud", audience);
  if (!token->azp.empty() || token->audiences.size() > 1) keys_ctx.set_list(url + ":oaud", token->audiences);
  keys_ctx.set(url + ":sub", token->subject);
  if (!token->amr.empty()) keys_ctx.set_list(url + ":amr", token->amr);
  std::vector<std::string> tag_keys;
  for (const auto& [k, v] : tags) {
    keys_ctx.set("aws:RequestTag/" + k, v);
    tag_keys.push_back(k);
  }
  if (!tag_keys.empty()) keys_ctx.set_list("aws:TagKeys", tag_keys);
  if (!token->transitive_tag_keys.empty()) keys_ctx.set_list("sts:TransitiveTagKeys", token->transitive_tag_keys);
  if (!source_identity.empty()) keys_ctx.set("sts:SourceIdentity", source_identity);
  // The trust policy must also allow sts:TagSession for tags and sts:SetSourceIdentity for a
  // source identity, as for AssumeRole.
  const store::Role* role_ptr = role ? &*role : nullptr;
  for (std::string_view action :
       {kAction, std::string_view("sts:TagSession"), std::string_view("sts:SetSourceIdentity")}) {
    if (action == "sts:TagSession" && tags.empty()) continue;
    if (action == "sts:SetSourceIdentity" && source_identity.empty()) continue;
    if (auto a = ctx_.access.authorize_federated(action, policy::PrincipalType::kWebIdentity, provider_arn, role_ptr,
                                                 resource, keys_ctx, ctx_.caller.decision);
        !a) {
      return a.error();
    }
  }
  if (!role) return Error{"AccessDenied", "Not authorized to perform " + std::string(kAction), ""};

  const std::int64_t duration = r.duration_seconds.value_or(3600);
  if (duration > role->max_session_duration) {
    return Error{"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                 ""};
  }
  auto policies = session_policies(r.policy, r.policy_arns, tags, role->account_id);
  if (!policies) return policies.error();

  sts::Session s;
  s.session_name = r.role_session_name;
  s.policy = policies->policy;
  s.policy_arns = policies->arns;
  s.source_identity = source_identity;
  s.tags = tags;
  s.transitive_tag_keys = token->transitive_tag_keys;
  // RoleLastUsed: an unsigned request names no Region (no credential scope).
  auto issued = issue_role_session(std::move(s), *role, resource, duration);
  if (!issued) return issued.error();

  ps::AssumeRoleWithWebIdentityResult out;
  out.credentials = std::move(issued->credentials);
  out.assumed_role_user = std::move(issued->user);
  if (r.policy || !r.policy_arns.empty() || !tags.empty()) out.packed_policy_size = policies->packed_percent;
  if (!source_identity.empty()) out.source_identity = source_identity;
  out.subject_from_web_identity_token = token->subject;
  out.provider = token->issuer;
  out.audience = audience;
  return out;
}
// ---- end of AssumeRoleWithWebIdentity ----

// ---- AssumeRoleWithSAML (evaluation.md §4.3) ----
// Unsigned (Key::kAnonymous) or signed alike: the SAML response authenticates the call, and
// only the role's trust policy decides, for the provider as a Federated principal.

namespace {

constexpr std::string_view kSamlRoleAttribute = "https://aws.amazon.com/SAML/Attributes/Role";
constexpr std::string_view kSamlSessionNameAttribute = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
constexpr std::string_view kSamlSessionDurationAttribute = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
constexpr std::string_view kSamlPrincipalTagPrefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
constexpr std::string_view kSamlTransitiveTagKeysAttribute = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";
constexpr std::string_view kSamlSourceIdentityAttribute = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";

// Attributes with a saml:* condition key of their own ("Available keys for SAML-based
// federation"; the eduPerson OIDs of the eduPerson schema). [UNCERTAIN] the list is the part
// of AWS's table iamd maps; other attributes give no key.
struct SamlKey {
  std::string_view attribute;
  std::string_view key;
};
constexpr SamlKey kSamlKeys[] = {
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "saml:edupersonaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "saml:edupersonnickname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "saml:edupersonorgdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "saml:edupersonorgunitdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "saml:edupersonprimaryaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "saml:edupersonprincipalname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "saml:edupersonentitlement"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "saml:edupersonprimaryorgunitdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "saml:edupersonscopedaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "saml:edupersontargetedid"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "saml:edupersonassurance"},
    {"urn:oid:2.5.4.3", "saml:cn"},
    {"urn:oid:2.5.4.42", "saml:givenName"},
    {"urn:oid:2.5.4.4", "saml:sn"},
    {"urn:oid:0.9.2342.19200300.100.1.3", "saml:mail"},
    {"urn:oid:0.9.2342.19200300.100.1.1", "saml:uid"},
    {"urn:oid:2.5.4.45", "saml:x500UniqueIdentifier"},
};

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

// The Role attribute's values "roleArn,providerArn" in either order: is (role, provider) one?
bool saml_pair_listed(const formats::SamlAttribute* roles, std::string_view role, std::string_view provider) {
  if (roles == nullptr) return false;
  for (const std::string& v : roles->values) {
    const auto comma = v.find(',');
    if (comma == std::string::npos) continue;
    const std::string a = trimmed(std::string_view(v).substr(0, comma));
    const std::string b = trimmed(std::string_view(v).substr(comma + 1));
    if ((a == role && b == provider) || (a == provider && b == role)) return true;
  }
  return false;
}

bool is_session_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '+' || ch == '=' || ch == ',' ||
           ch == '.' || ch == '@' || ch == '-';
  });
}

// AWS's SubjectType: the NameID Format without urn:oasis:names:tc:SAML:2.0:nameid-format:.
std::string saml_subject_type(std::string_view format) {
  constexpr std::string_view kPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
  if (format.starts_with(kPrefix)) format.remove_prefix(kPrefix.size());
  return std::string(format);
}

}  // namespace

Result<ps::AssumeRoleWithSAMLResult> StsHandlers::assume_role_with_saml(const ps::AssumeRoleWithSAMLRequest& r) {
  iam::IamDomain& domain = ctx_.domain;
  const iam::DomainEnv& env = domain.env();
  const std::string action = "sts:AssumeRoleWithSAML";
  const Error denied{"AccessDenied", "Not authorized to perform " + action, ""};
  auto role_arn = arn::Arn::parse(r.role_arn);
  if (!role_arn || role_arn->resource().empty()) return Error{"ValidationError", r.role_arn + " is invalid", ""};
  auto provider_arn = arn::Arn::parse(r.principal_arn);
  if (!provider_arn || provider_arn->resource().empty()) {
    return Error{"ValidationError", r.principal_arn + " is invalid", ""};
  }
  // The provider must be the role's account's (identity providers are per account,
  // evaluation.md §3.2): another account's is reported as a missing one [IMPL].
  const std::string account = role_arn->account();
  if (provider_arn->service() != "iam" || provider_arn->account() != account ||
      !provider_arn->resource().starts_with("saml-provider/")) {
    return Error{"InvalidIdentityToken", "Specified provider doesn't exist", ""};
  }
  store::Transaction& tx = pipe_.write().tx;
  const iam::Write in_account{account, tx};
  auto login = domain.providers.authenticate_saml(in_account, r.principal_arn, r.saml_assertion);
  if (!login) return login.error();
  const formats::SamlAssertion& a = login->assertion;
  // The assertion must offer this role with this provider [UNCERTAIN: AWS's answer].
  if (!saml_pair_listed(a.attribute(kSamlRoleAttribute), r.role_arn, r.principal_arn)) return denied;
  // [OBS] text for a missing RoleSessionName; [UNCERTAIN] for an invalid one.
  const formats::SamlAttribute* name_attr = a.attribute(kSamlSessionNameAttribute);
  if (name_attr == nullptr || name_attr->values.empty()) {
    return Error{"InvalidIdentityToken", "RoleSessionName is required in AuthnResponse", ""};
  }
  const std::string session_name = name_attr->values.front();
  if (!is_session_name(session_name)) {
    return Error{"InvalidIdentityToken",
                 "RoleSessionName in AuthnResponse must be 2-64 characters of [\\w+=,.@-]: " + session_name, ""};
  }
  // Session tags from PrincipalTag:<key> attributes, transitive keys and the source identity.
  SessionTags tags;
  std::vector<std::string> transitive;
  for (const formats::SamlAttribute& attr : a.attributes) {
    if (!std::string_view(attr.name).starts_with(kSamlPrincipalTagPrefix) || attr.values.empty()) continue;
    const std::string key = attr.name.substr(kSamlPrincipalTagPrefix.size());
    if (has_key(tags, key)) {
      return invalid_parameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    // The session tag limits of AWS's "Passing session tags in STS" (50 tags, keys 1-128 and
    // values up to 256 characters); [UNCERTAIN] AWS's code and text for an assertion over them.
    if (key.empty() || key.size() > 128 || attr.values.front().size() > 256 || tags.size() == 50) {
      return Error{"InvalidIdentityToken",
                   "PrincipalTag attributes must be at most 50, with keys of 1-128 and values of at most 256 "
                   "characters",
                   ""};
    }
    tags.emplace_back(key, attr.values.front());
  }
  if (const formats::SamlAttribute* t = a.attribute(kSamlTransitiveTagKeysAttribute)) {
    for (const std::string& k : t->values) {
      if (!has_key(tags, k)) {
        return invalid_parameter("The specified transitive tag key must be included in the requested tags.");
      }
      transitive.push_back(k);
    }
  }
  std::string source_identity;
  if (const formats::SamlAttribute* s = a.attribute(kSamlSourceIdentityAttribute); s && !s->values.empty()) {
    source_identity = s->values.front();
    if (source_identity.starts_with("aws:")) {
      return Error{"ValidationError", "The source identity cannot begin with the prefix aws:", ""};
    }
  }

  // The role, in its account.
  std::optional<store::Role> role;
  std::string resource = r.role_arn;
  if (role_arn->service() == "iam" && role_arn->resource().starts_with("role/")) {
    const std::string_view rest = std::string_view(role_arn->resource()).substr(4);
    const std::string name(rest.substr(rest.rfind('/') + 1));
    auto found = tx.get_role(account, name);
    if (found && domain.role_arn(*found) == r.role_arn) {
      role = std::move(found).value();
      resource = domain.role_arn(*role);
    } else if (!found && !store::is_not_found(found.error())) {
      return found.error();
    }
  }

  // The trust policy's keys: the request's environment, the assertion's claims.
  const std::string provider_name =
      std::string(provider_arn->resource().substr(provider_arn->resource().rfind('/') + 1));
  condition::Context keys = ctx_.base_context;
  keys.set("sts:RoleSessionName", session_name);
  keys.set("saml:aud", login->recipient);
  keys.set("saml:iss", a.issuer);
  keys.set("saml:sub", a.subject);
  keys.set("saml:sub_type", saml_subject_type(a.subject_format));
  keys.set("saml:namequalifier", login->name_qualifier);
  keys.set("saml:doc", account + "/" + provider_name);
  for (const SamlKey& k : kSamlKeys) {
    if (const formats::SamlAttribute* v = a.attribute(k.attribute); v && !v->values.empty()) {
      keys.set_list(k.key, v->values);
    }
  }
  std::vector<std::string> tag_keys;
  for (const auto& [k, v] : tags) {
    keys.set("aws:RequestTag/" + k, v);
    tag_keys.push_back(k);
  }
  if (!tag_keys.empty()) keys.set_list("aws:TagKeys", tag_keys);
  if (!transitive.empty()) keys.set_list("sts:TransitiveTagKeys", transitive);
  if (!source_identity.empty()) keys.set("sts:SourceIdentity", source_identity);
  const store::Role* role_ptr = role ? &*role : nullptr;
  auto authorize = [&](std::string_view act) {
    return ctx_.access.authorize_federated(act, policy::PrincipalType::kSaml, r.principal_arn, role_ptr, resource, keys,
                                           ctx_.caller.decision);
  };
  if (auto d = authorize(action); !d) return d.error();
  if (!tags.empty()) {
    if (auto d = authorize("sts:TagSession"); !d) return d.error();
  }
  if (!source_identity.empty()) {
    if (auto d = authorize("sts:SetSourceIdentity"); !d) return d.error();
  }
  if (!role) return denied;  // authorize_federated denies a missing role: not reached

  // Duration: DurationSeconds (one hour unless asked) within the role's maximum, shortened
  // to the AuthnStatement's SessionNotOnOrAfter [AWS] and to the SessionDuration attribute.
  // [UNCERTAIN] AWS's API reference describes SessionDuration as the console session's
  // length, separate from DurationSeconds; iamd takes it as a cap on the API session too.
  std::int64_t duration = r.duration_seconds.value_or(3600);
  if (duration > role->max_session_duration) {
    return Error{"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                 ""};
  }
  const common::Timestamp now = env.clock->now();
  if (const formats::SamlAttribute* d = a.attribute(kSamlSessionDurationAttribute); d && !d->values.empty()) {
    std::int64_t cap = 0;
    const std::string& text = d->values.front();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cap);
    // [UNCERTAIN] AWS's answer to a SessionDuration outside 900-43200.
    if (ec != std::errc{} || end != text.data() + text.size() || cap < 900 || cap > 43200) {
      return Error{"InvalidIdentityToken", "SessionDuration in AuthnResponse must be an integer from 900 to 43200", ""};
    }
    duration = std::min(duration, cap);
  }
  if (a.session_not_on_or_after) {
    duration = std::min(duration, std::max<std::int64_t>(0, a.session_not_on_or_after->seconds - now.seconds));
    if (duration <= 0) return Error{"ExpiredTokenException", "The SAML assertion's session has expired.", ""};
  }

  auto policies = session_policies(r.policy, r.policy_arns, tags, account);
  if (!policies) return policies.error();

  sts::Session s;
  s.session_name = session_name;
  s.source_identity = source_identity;
  s.policy = policies->policy;
  s.policy_arns = policies->arns;
  s.tags = tags;
  s.transitive_tag_keys = transitive;
  auto issued = issue_role_session(std::move(s), *role, resource, duration);
  if (!issued) return issued.error();

  ps::AssumeRoleWithSAMLResult out;
  out.credentials = std::move(issued->credentials);
  out.assumed_role_user = std::move(issued->user);
  if (r.policy || !r.policy_arns.empty() || !tags.empty()) out.packed_policy_size = policies->packed_percent;
  out.subject = a.subject;
  out.subject_type = saml_subject_type(a.subject_format);
  out.issuer = a.issuer;
  out.audience = login->recipient;
  out.name_qualifier = login->name_qualifier;
  if (!source_identity.empty()) out.source_identity = source_identity;
  return out;
}

}  // namespace iamd::api
