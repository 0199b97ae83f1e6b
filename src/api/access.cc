#include "api/access.h"

#include <optional>

#include "arn/arn.h"
#include "authz/authorizer.h"
#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::api {

namespace {

// The compiled-document cache key: where the text comes from and the SHA-256 of the text
// itself, so that a policy deleted and created again with the same ARN and version id (or
// any other reuse of a name) can never find a document compiled from other text. [IMPL] The
// AWS managed catalogue is fixed for the life of the process: its "<arn>#<version>" names
// one text, and its large documents are not hashed on every build.
std::string document_key(const iam::PolicyText& text) {
  if (text.source_type == "aws-managed") return text.cache_key;
  std::string key = text.cache_key;
  key += "#sha256:";
  key += common::to_hex(crypto::sha256(text.document));
  return key;
}

common::Result<std::shared_ptr<const policy::CompiledPolicy>> compile_cached(authz::CompiledPolicyCache& cache,
                                                                             const iam::PolicyText& text,
                                                                             policy::PolicyKind kind) {
  return cache.get(document_key(text), [&]() -> common::Result<std::shared_ptr<const policy::CompiledPolicy>> {
    policy::ValidateOptions o;
    o.kind = kind;
    o.managed_policy_quota = 0;  // stored documents were checked when written
    o.entity = policy::EntityType::kRole;
    return policy::compile_text(text.document, o, text.cache_key);
  });
}

}  // namespace

common::Result<std::shared_ptr<const authz::PrincipalPolicies>> Access::policies_of(const store::User& user) {
  using Built = decltype(principals_)::Built;
  return principals_.get("user/" + user.id, [&]() -> common::Result<Built> {
    auto texts = domain_.user_policies(user.id);
    if (!texts) return texts.error();
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
    for (const iam::PolicyText& t : texts->identity) {
      // Inline policies may be 2008-10-17 and are not managed: validate them as inline.
      auto c = compile_cached(
          compiled_, t,
          t.source_type.ends_with("managed") ? policy::PolicyKind::kManaged : policy::PolicyKind::kIdentity);
      if (!c) return c.error();
      identity.push_back(*c);
    }
    auto p = std::make_shared<authz::PrincipalPolicies>();
    p->identity = authz::PolicySet(std::move(identity));
    if (texts->boundary) {
      auto c = compile_cached(compiled_, *texts->boundary, policy::PolicyKind::kManaged);
      if (!c) return c.error();
      p->boundary = std::make_unique<authz::PolicySet>(std::vector{*c});
    }
    return Built{std::shared_ptr<const authz::PrincipalPolicies>(std::move(p)), std::move(texts->depends_on)};
  });
}

common::Result<void> Access::authorize(const Caller& caller, std::string_view action, std::string_view resource,
                                       const condition::Context& context,
                                       const std::shared_ptr<const policy::CompiledPolicy>& grant) {
  authz::Request req;
  req.principal.account = caller.account_id;
  req.principal.arn = caller.arn;
  req.set_action(action);
  // The ARNs iamd builds and stores are in its own partition; the request is authorized in
  // the partition of its Region, so that policies naming arn:aws-cn:... apply to it.
  req.resource = caller.partition.empty() ? std::string(resource)
                                          : arn::in_partition(resource, domain_.env().partition, caller.partition);
  req.resource_account = caller.account_id;
  req.context = context;
  authz::PolicyBundle bundle;
  std::shared_ptr<const authz::PrincipalPolicies> policies;
  authz::PolicySet none;
  std::optional<authz::PolicySet> granted;
  if (caller.is_root()) {
    req.principal.type = policy::PrincipalType::kRoot;
    bundle.identity = &none;
  } else {
    req.principal.type = policy::PrincipalType::kUser;
    req.principal.unique_id = caller.user->id;
    auto p = policies_of(*caller.user);
    // A stored policy that cannot be evaluated denies (evaluation.md §3, last line).
    if (!p) return common::Error{"AccessDenied", authz::access_denied_message(req, authz::Decision{}, false), ""};
    policies = *p;
    bundle.identity = &policies->identity;
    if (grant != nullptr) {
      auto identity = policies->identity.policies();
      identity.push_back(grant);
      granted.emplace(std::move(identity));
      bundle.identity = &*granted;
    }
    bundle.boundary = policies->boundary.get();
    req.principal.has_boundary = policies->boundary != nullptr;
  }
  authz::Decision d;
  authz::evaluate(bundle, req, d);
  if (d.allowed()) return {};
  return common::Error{"AccessDenied", authz::access_denied_message(req, d), ""};
}

}  // namespace iamd::api
