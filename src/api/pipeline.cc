#include "api/pipeline.h"

#include <array>
#include <cassert>
#include <utility>
#include <vector>

#include "api/audit.h"
#include "api/errors.h"
#include "arn/arn.h"
#include "common/json_writer.h"
#include "iam/types.h"
#include "policy/compiled.h"
#include "protocol/response.h"
#include "sigv4/errors.h"

namespace iamd::api {

using common::Error;
using common::Result;

namespace {

// The value of request member `name`, or null.
const std::string* member(const protocol::Params& params, std::string_view name) {
  return name.empty() ? nullptr : params.find(name);
}

// The values of a list member `name` (name.member.N), in order.
std::vector<std::string> list_member(const protocol::Params& params, std::string_view name) {
  std::vector<std::string> out;
  const std::string prefix = std::string(name) + ".member.";
  for (std::uint32_t i : params.list_indices(prefix, true)) {
    if (const std::string* v = params.find(prefix + std::to_string(i))) out.push_back(*v);
  }
  return out;
}

// The request's Tags.member.N.Key/Value pairs, in order.
store::Tags request_tags(const protocol::Params& params) {
  store::Tags out;
  for (std::uint32_t i : params.list_indices("Tags.member.", false)) {
    const std::string base = "Tags.member." + std::to_string(i);
    const std::string* k = params.find(base + ".Key");
    const std::string* v = params.find(base + ".Value");
    if (k != nullptr) out.push_back(store::Tag{*k, v != nullptr ? *v : std::string()});
  }
  return out;
}

bool is_principal(Resource r) {
  return r == Resource::kUser || r == Resource::kRole;
}

// The resource type word of an IAM ARN ("user", "group", ...).
std::string_view type_word(Resource r) {
  switch (r) {
    case Resource::kUser:
      return "user";
    case Resource::kGroup:
      return "group";
    case Resource::kRole:
      return "role";
    case Resource::kPolicy:
      return "policy";
    case Resource::kInstanceProfile:
      return "instance-profile";
    case Resource::kServerCertificate:
      return "server-certificate";
    case Resource::kMfaDevice:
      return "mfa";
    default:
      return "";
  }
}

// The one check of every request member of the model's pathType, whose pattern the decoder
// leaves to the service (tools/gen_protocol.py SERVICE_CHECKED_PATTERNS): Path of the Create
// operations and UploadServerCertificate, NewPath of the Update operations, and
// ListEntitiesForPolicy's PathPrefix. Lengths were checked by the decoder. CreatePolicy's Path
// (policyPathType, checked by the decoder) always passes it. AWS's message, recorded for
// CreateVirtualMFADevice (virtual_mfa_device_errors), is taken for every such member.
Result<void> check_paths(std::string_view operation, const protocol::Params& params) {
  static constexpr std::string_view kMessage =
      "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric "
      "characters and/or / characters.";
  for (std::string_view name : {"Path", "NewPath", "PathPrefix"}) {
    if (name == "PathPrefix" && operation != "ListEntitiesForPolicy") continue;
    const std::string* v = params.find(name);
    if (v != nullptr && !iam::is_valid_path(*v)) return Error{"ValidationError", std::string(kMessage), ""};
  }
  return {};
}

}  // namespace

store::ReadTransaction* Pipeline::tx() {
  if (write_) return write_.get();
  return read_.get();
}

iam::Read Pipeline::read() {
  store::ReadTransaction* t = tx();
  assert(t != nullptr && "the operation has no open transaction");
  return iam::Read{ctx_.caller.account_id, *t};
}

iam::Write Pipeline::write() {
  assert(write_ && "the operation has no write transaction");
  return iam::Write{ctx_.caller.account_id, *write_};
}

Result<void> Pipeline::begin(std::string_view service, std::string_view name, const protocol::Params& params) {
  op_ = find_operation(service, name);
  params_ = &params;
  // An operation without a row is one iamd does not serve: nothing runs unauthorized.
  if (op_ == nullptr) return protocol::unsupported_operation(name);
  if (auto p = check_paths(name, params); !p) return p;
  if (auto r = check_session_rights(service, name); !r) return r;
  if (op_->mode == Mode::kUnauthorized) return {};
  if (op_->mode == Mode::kUnauthorizedWrite) {
    auto w = ctx_.domain.env().store->begin_write();
    if (!w) return to_aws_error(w.error());
    write_ = std::move(w).value();
    return {};
  }
  // The request's own condition keys (evaluation.md §5.2): fixed for the call.
  if ((op_->keys & kRequestTags) != 0) {
    store::Tags tags = request_tags(params);
    std::vector<std::string> keys;
    for (const store::Tag& t : tags) {
      request_keys_.set("aws:RequestTag/" + t.key, t.value);
      keys.push_back(t.key);
    }
    if (!keys.empty()) request_keys_.set_list("aws:TagKeys", keys);
  }
  if ((op_->keys & kTagKeys) != 0) {
    std::vector<std::string> keys = list_member(params, "TagKeys");
    if (!keys.empty()) request_keys_.set_list("aws:TagKeys", keys);
  }
  if ((op_->keys & kPolicyArn) != 0) {
    if (const std::string* v = member(params, "PolicyArn"))
      request_keys_.set("iam:PolicyARN", in_request_partition(*v));
  }
  if ((op_->keys & kServiceName) != 0) {
    if (const std::string* v = member(params, "ServiceName")) {
      request_keys_.set("iam:ServiceSpecificCredentialServiceName", *v);
    }
  }
  if ((op_->keys & kRequestBoundary) != 0) {
    if (const std::string* v = member(params, "PermissionsBoundary")) {
      request_keys_.set("iam:PermissionsBoundary", in_request_partition(*v));
    }
  }
  if (op_->mode == Mode::kWrite) {
    auto w = ctx_.domain.env().store->begin_write();
    if (!w) return to_aws_error(w.error());
    write_ = std::move(w).value();
  } else {
    auto r = ctx_.domain.env().store->begin_read();
    if (!r) return to_aws_error(r.error());
    read_ = std::move(r).value();
  }
  auto authorized = resolve_and_authorize();
  note_target();  // a denied call's record names its target too
  if (!authorized) {
    // end() is not called after a failed begin: the transaction ends here, so that nothing
    // after the call (its audit record's own write transaction) waits for the writer.
    if (write_) write_->rollback();
    write_.reset();
    read_.reset();
  }
  return authorized;
}

protocol::CallNotes* Pipeline::call_notes() {
  return ctx_.audit != nullptr ? &ctx_.audit->notes : nullptr;
}

void Pipeline::note_target() {
  if (ctx_.audit != nullptr && !target_.arn.empty()) ctx_.audit->resource_arn = in_request_partition(target_.arn);
}

// What temporary credentials may call at all, before any policy (evaluation.md §4.2 [AWS],
// messages [OBS]): no session may ask for GetSessionToken or GetFederationToken; a
// GetSessionToken session reaches IAM only when it was created with MFA (otherwise its token
// is "invalid" there, as AWS answers) and of STS only AssumeRole and GetCallerIdentity.
Result<void> Pipeline::check_session_rights(std::string_view service, std::string_view name) const {
  const sts::Session* session = ctx_.caller.session.get();
  if (session == nullptr) return {};
  if (service == "sts" && (name == "GetSessionToken" || name == "GetFederationToken")) {
    return Error{"AccessDenied", "Cannot call " + std::string(name) + " with session credentials", ""};
  }
  if (session->kind == sts::SessionKind::kRole) return {};
  // [AWS] These limits are IAM's and STS's; other services (Organizations) take a
  // GetSessionToken or GetFederationToken session's credentials as any others.
  if (service != "iam" && service != "sts") return {};
  if (session->kind == sts::SessionKind::kFederated) {
    // [AWS] a federated user calls no IAM operation (iamd: an invalid token there, as for a
    // session without MFA [UNCERTAIN]) and of STS only GetCallerIdentity.
    if (service == "iam") return sigv4::invalid_client_token_id();
    if (name != "GetCallerIdentity") {
      return Error{"AccessDenied", "Cannot call " + std::string(name) + " with federated user credentials", ""};
    }
    return {};
  }
  if (service == "iam") {
    if (!session->mfa) return sigv4::invalid_client_token_id();
    return {};
  }
  if (name != "AssumeRole" && name != "GetCallerIdentity") {
    // [IMPL] AWS documents the restriction, not its answer.
    return Error{"AccessDenied", "Cannot call " + std::string(name) + " with session credentials", ""};
  }
  return {};
}

Result<iam::Write> Pipeline::begin_write() {
  assert(op_ != nullptr && (op_->mode == Mode::kPrepared || op_->mode == Mode::kReadUnlessMfa) && !write_);
  read_.reset();
  auto w = ctx_.domain.env().store->begin_write();
  if (!w) return to_aws_error(w.error());
  write_ = std::move(w).value();
  target_ = Target{};
  auto authorized = resolve_and_authorize();
  note_target();
  if (!authorized) return authorized.error();
  return write();
}

Result<void> Pipeline::end(Result<void> outcome) {
  if (!outcome) {
    if (write_) write_->rollback();
    write_.reset();
    read_.reset();
    return to_aws_error(outcome.error());
  }
  read_.reset();
  if (write_) {
    // The record of a write goes into its transaction: committed with it, or not at all.
    if (ctx_.audit != nullptr && ctx_.audit_trail != nullptr) {
      note_target();
      store::AuditEvent event = ctx_.audit_trail->event(*ctx_.audit);
      if (auto a = write_->append_audit_event(event); !a) {
        write_->rollback();
        write_.reset();
        return to_aws_error(a.error());
      }
      ctx_.audit->stored = std::move(event);
    }
    auto committed = write_->commit();
    write_.reset();
    if (!committed) {
      if (ctx_.audit != nullptr) ctx_.audit->stored.reset();
      return to_aws_error(committed.error());
    }
  }
  return {};
}

std::string Pipeline::in_request_partition(std::string_view arn) const {
  if (ctx_.caller.partition.empty()) return std::string(arn);
  return arn::in_partition(arn, ctx_.domain.env().partition, ctx_.caller.partition);
}

Result<void> Pipeline::resolve_and_authorize() {
  if (op_->resource == Resource::kCustom) return {};
  if (auto r = resolve(op_->resource, op_->member, (op_->keys & kCreates) != 0, target_); !r) return r;
  std::shared_ptr<const policy::CompiledPolicy> grant;
  if ((op_->keys & kPasswordGrant) != 0) {
    auto g = password_grant();
    if (!g) return g.error();
    grant = std::move(g).value();
  }
  condition::Context extra = request_keys_;
  if ((op_->keys & kTargetBoundary) != 0 && !target_.boundary.empty()) {
    extra.set("iam:PermissionsBoundary", in_request_partition(target_.boundary));
  }
  if ((op_->keys & kCreates) != 0) {
    // The new record's tags are its aws:ResourceTag/<k> (evaluation.md §5.2); iam:ResourceTag
    // names the tags of an existing user or role only.
    if (auto a = authorize_with(op_->action, target_.arn, request_tags(*params_), false, extra, grant); !a) return a;
  } else if (auto a = authorize_with(op_->action, target_.arn, target_.tags, target_.principal, extra, grant); !a) {
    return a;
  }
  if (op_->second.action.empty()) return {};
  // The operation's second action, on its own resource (AddRoleToInstanceProfile: iam:PassRole
  // on the role), resolved in the same snapshot.
  Target second;
  if (auto r = resolve(op_->second.resource, op_->second.member, false, second); !r) return r;
  return authorize_with(op_->second.action, second.arn, second.tags, second.principal, request_keys_, nullptr);
}

Result<void> Pipeline::resolve(Resource kind, std::string_view member_name, bool creates, Target& out) {
  const iam::DomainEnv& env = ctx_.domain.env();
  const std::string& account = ctx_.caller.account_id;
  store::ReadTransaction& t = *tx();
  out.principal = is_principal(kind);
  const std::string* given = member(*params_, member_name);
  auto unsaved = [&](std::string_view path) {
    out.name = given != nullptr ? *given : std::string();
    out.arn = arn::iam_arn(env.partition, account, std::string(type_word(kind)) + std::string(path) + out.name);
  };
  // A lookup's failure other than NotFound is the operation's error.
  auto missing = [](const Error& e) { return store::is_not_found(e); };

  if (creates) {
    const std::string* path = member(*params_, "Path");
    unsaved(path != nullptr ? std::string_view(*path) : std::string_view("/"));
    return {};
  }
  switch (kind) {
    case Resource::kAny:
      out.arn = "*";
      return {};
    case Resource::kList: {
      const std::string* prefix = member(*params_, "PathPrefix");
      std::string resource(member_name);
      resource += '/';
      if (prefix != nullptr && prefix->size() > 1) resource += prefix->substr(1);
      out.arn = arn::iam_arn(env.partition, account, resource);
      return {};
    }
    case Resource::kUser: {
      if (given == nullptr) {
        // The caller itself, as its key resolved it (fresh per store generation).
        const Caller& c = ctx_.caller;
        if (!c.is_user() && !c.is_root()) {  // a role session or a federated user [OBS]
          return Error{"ValidationError", "Must specify userName when calling with non-User credentials", ""};
        }
        out.arn = c.arn;
        if (c.user) {
          out.name = c.user->name;
          out.user = c.user;
          out.tags = c.user->tags;
          out.boundary = c.user->permissions_boundary;
          out.found = true;
        }
        return {};
      }
      auto u = t.get_user(account, *given);
      if (!u) {
        if (!missing(u.error())) return to_aws_error(u.error());
        unsaved("/");
        return {};
      }
      out.arn = ctx_.domain.user_arn(*u);
      out.name = u->name;
      out.tags = u->tags;
      out.boundary = u->permissions_boundary;
      out.found = true;
      out.user = std::move(u).value();
      return {};
    }
    case Resource::kGroup: {
      if (given == nullptr) return {};
      auto g = t.get_group(account, *given);
      if (!g) {
        if (!missing(g.error())) return to_aws_error(g.error());
        unsaved("/");
        return {};
      }
      out.arn = ctx_.domain.group_arn(*g);
      out.name = g->name;
      out.found = true;
      out.group = std::move(g).value();
      return {};
    }
    case Resource::kRole: {
      if (given == nullptr) return {};
      auto r = t.get_role(account, *given);
      if (!r) {
        if (!missing(r.error())) return to_aws_error(r.error());
        unsaved("/");
        return {};
      }
      out.arn = ctx_.domain.role_arn(*r);
      out.name = r->name;
      out.tags = r->tags;
      out.boundary = r->permissions_boundary;
      out.found = true;
      out.role = std::move(r).value();
      return {};
    }
    case Resource::kInstanceProfile: {
      if (given == nullptr) return {};
      auto p = t.get_instance_profile(account, *given);
      if (!p) {
        if (!missing(p.error())) return to_aws_error(p.error());
        unsaved("/");
        return {};
      }
      out.arn = ctx_.domain.instance_profile_arn(*p);
      out.name = p->name;
      out.tags = p->tags;
      out.found = true;
      out.instance_profile = std::move(p).value();
      return {};
    }
    case Resource::kPolicy: {
      if (given == nullptr) return {};
      out.arn = *given;  // a policy's ARN is its name
      auto p = ctx_.domain.find_policy(read(), *given);
      if (!p) {
        if (!missing(p.error())) return to_aws_error(p.error());
        return {};
      }
      out.name = p->name;
      out.tags = p->tags;
      out.found = true;
      out.policy = std::move(p).value();
      return {};
    }
    case Resource::kServerCertificate: {
      if (given == nullptr) return {};
      auto c = ctx_.domain.certificates.get_server_certificate(read(), *given);
      if (!c) {
        if (!missing(c.error())) return to_aws_error(c.error());
        unsaved("/");
        return {};
      }
      out.arn = ctx_.domain.server_certificate_arn(*c);
      out.name = c->name;
      out.tags = c->tags;
      out.found = true;
      return {};
    }
    case Resource::kOidcProvider:
    case Resource::kSamlProvider: {
      // Authorized against the ARN as given; the provider's tags are its aws:ResourceTag/<k>
      // when it exists. An ARN that names none (or is no ARN) is the domain's error, after
      // authorization.
      if (given == nullptr) return {};
      out.arn = *given;
      auto tags = [&](const auto& p) -> Result<void> {
        if (!p) {
          if (!missing(p.error()) && p.error().code != store::kInvalidInput) return to_aws_error(p.error());
          return {};
        }
        out.tags = p->tags;
        out.found = true;
        return {};
      };
      iam::Providers& providers = ctx_.domain.providers;
      if (kind == Resource::kOidcProvider) return tags(providers.get_oidc_provider(read(), *given));
      return tags(providers.get_saml_provider(read(), *given));
    }
    case Resource::kMfaDevice:
      // A serial number is the device's ARN; one that is not (a hardware token's serial) is
      // authorized as the account's mfa/<serial>, as before the pipeline.
      if (given == nullptr) return {};
      out.arn = arn::is_arn(*given) ? *given : ctx_.domain.mfa_serial(account, "/", *given);
      return {};
    default:
      // Resources whose members are ARNs: authorized as given (families resolve their records).
      if (given != nullptr) out.arn = *given;
      return {};
  }
}

Result<void> Pipeline::authorize(std::string_view action, std::string_view resource, const condition::Context* extra,
                                 const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  // The resource's tags, from the operation's snapshot (or one of its own).
  std::unique_ptr<store::ReadTransaction> own;
  store::ReadTransaction* t = tx();
  if (t == nullptr) {
    auto r = ctx_.domain.env().store->begin_read();
    if (!r) return to_aws_error(r.error());
    own = std::move(r).value();
    t = own.get();
  }
  store::Tags tags;
  bool principal = false;
  const Caller& c = ctx_.caller;
  const iam::IamDomain& d = ctx_.domain;
  const std::string prefix = arn::iam_arn(d.env().partition, c.account_id, "");
  if (target_.found && target_.arn == resource) {
    tags = target_.tags;
    principal = target_.principal;
  } else if (c.user && d.user_arn(*c.user) == resource) {
    tags = c.user->tags;
    principal = true;
  } else if (resource.starts_with(prefix)) {
    const std::string_view rest = resource.substr(prefix.size());
    const std::string name(rest.substr(rest.rfind('/') + 1));
    // Only a record whose ARN (with its stored path) is the resource lends its tags.
    if (rest.starts_with("user/")) {
      if (auto u = t->get_user(c.account_id, name); u && d.user_arn(*u) == resource) tags = u->tags;
      principal = true;
    } else if (rest.starts_with("role/")) {
      if (auto r = t->get_role(c.account_id, name); r && d.role_arn(*r) == resource) tags = r->tags;
      principal = true;
    } else if (rest.starts_with("policy/")) {
      if (auto p = t->get_policy(resource); p && p->account_id == c.account_id) tags = p->tags;
    } else if (rest.starts_with("instance-profile/")) {
      if (auto p = t->get_instance_profile(c.account_id, name); p && d.instance_profile_arn(*p) == resource) {
        tags = p->tags;
      }
    } else if (rest.starts_with("server-certificate/")) {
      auto sc = ctx_.domain.certificates.get_server_certificate(iam::Read{c.account_id, *t}, name);
      if (sc && d.server_certificate_arn(*sc) == resource) tags = sc->tags;
    }
  }
  return authorize_with(action, resource, tags, principal, extra != nullptr ? *extra : condition::Context(), grant);
}

Result<void> Pipeline::authorize_assume(std::string_view action, const store::Role* role, std::string_view role_arn,
                                        const condition::Context& extra) {
  const condition::Context merged =
      merged_context(role_arn, role != nullptr ? role->tags : store::Tags{}, role != nullptr, extra);
  return ctx_.access.authorize_assume(ctx_.caller, action, role, role_arn, merged);
}

Result<void> Pipeline::authorize_with(std::string_view action, std::string_view resource, const store::Tags& tags,
                                      bool principal, const condition::Context& extra,
                                      const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  return ctx_.access.authorize(ctx_.caller, action, resource, merged_context(resource, tags, principal, extra), grant);
}

condition::Context Pipeline::merged_context(std::string_view resource, const store::Tags& tags, bool principal,
                                            const condition::Context& extra) const {
  condition::Context merged = ctx_.base_context;
  // aws:ResourceAccount: the account segment of the resource's ARN, when it names one.
  std::array<std::string_view, 6> parts;
  if (arn::split6(resource, parts) && parts[0] == "arn" && arn::is_account_id(parts[4])) {
    merged.set("aws:ResourceAccount", std::string(parts[4]));
  }
  for (const store::Tag& t : tags) {
    merged.set("aws:ResourceTag/" + t.key, t.value);
    if (principal) merged.set("iam:ResourceTag/" + t.key, t.value);  // users and roles only
  }
  for (const auto& e : extra.entries()) {
    if (e.multi) {
      merged.set_list(e.key, e.values);
    } else {
      merged.set(e.key, e.values.empty() ? std::string() : e.values[0]);
    }
  }
  return merged;
}

Result<std::shared_ptr<const policy::CompiledPolicy>> Pipeline::password_grant() {
  const Caller& c = ctx_.caller;
  if (c.is_root()) return std::shared_ptr<const policy::CompiledPolicy>();
  auto account = tx()->get_account(c.account_id);
  if (!account) return to_aws_error(account.error());
  if (!account->password_policy || !account->password_policy->allow_users_to_change_password) {
    return std::shared_ptr<const policy::CompiledPolicy>();
  }
  // AWS: the option "gives IAM users permissions to iam:ChangePassword for only their user and
  // to the iam:GetAccountPasswordPolicy action ... applied at the account-level for all users"
  // (PasswordPolicy.AllowUsersToChangePassword). Evaluated as an identity-based policy of
  // the user, so an explicit Deny wins over it, as it wins over any Allow [AWS: evaluation
  // logic]. [UNCERTAIN] that the user's permissions boundary also limits it: AWS does not
  // say; a boundary limits every identity-based Allow, and this is treated as one.
  common::JsonWriter w;
  w.begin_object().key("Version").value("2012-10-17").key("Statement").begin_array();
  w.begin_object().key("Effect").value("Allow").key("Action").value("iam:ChangePassword");
  w.key("Resource").value(c.arn).end_object();
  w.begin_object().key("Effect").value("Allow").key("Action").value("iam:GetAccountPasswordPolicy");
  w.key("Resource").value("*").end_object();
  w.end_array().end_object();
  policy::ValidateOptions o;
  o.kind = policy::PolicyKind::kIdentity;
  o.inline_policy_quota = 1 << 20;  // not a stored policy: no size quota
  auto compiled = policy::compile_text(w.str(), o, "AllowUsersToChangePassword");
  if (!compiled) return Error{"ServiceFailure", "The request processing has failed because of an unknown error.", ""};
  return *compiled;
}

}  // namespace iamd::api
