// PolicyDocument -> CompiledPolicy: typed, pre-parsed, immutable matchers (Action,
// Resource, Principal, Condition) with one const match function each. Shared between
// threads as shared_ptr<const CompiledPolicy>; evaluation takes no lock and re-parses
// nothing.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/wildcard.h"
#include "condition/clause.h"
#include "condition/context.h"
#include "condition/template.h"
#include "policy/document.h"

namespace iamd::policy {

enum class Effect { kAllow, kDeny };

// Who is making the request, as principal matching needs it (evaluation.md §3, §5.1).
enum class PrincipalType { kRoot, kUser, kAssumedRole, kFederatedUser, kService, kWebIdentity, kSaml, kAnonymous };

struct PrincipalFacts {
  PrincipalType type = PrincipalType::kUser;
  std::string arn;              // user/root ARN, session ARN, service name or federated provider
  std::string account;          // 12 digits; empty for services and anonymous callers
  std::string role_arn;         // kAssumedRole: the role of the session
  std::string parent_user_arn;  // kFederatedUser: the user that called GetFederationToken
  std::string unique_id;        // AIDA..., AROA...:session
  bool has_boundary = false;    // the user or role has a permissions boundary
};

// How a Principal element matched, which decides what a resource-policy Allow overrides
// (evaluation.md §3.1(b)).
enum class PrincipalMatch { kNone, kAccount, kRoleOfSession, kParentUser, kExact };

// The requested resource, split once per request.
struct ResourceView {
  explicit ResourceView(std::string_view resource);
  std::string_view text;
  std::array<std::string_view, 6> parts;
  bool arn_shaped = false;
};

struct ResourcePattern {
  std::string raw;
  bool any = false;                          // "*"
  bool arn_shaped = false;                   // has six segments
  std::array<condition::Template, 6> parts;  // kGlob templates, one per segment
};

struct CompiledPrincipal {
  enum class Kind { kAny, kAccount, kArn, kUniqueId, kService, kFederated, kCanonicalUser };
  Kind kind = Kind::kAny;
  std::string value;  // account id, ARN, id, service or provider
};

struct CompiledPolicy;

struct CompiledStatement {
  const CompiledPolicy* policy = nullptr;
  int index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<common::Glob> actions;  // lowercased
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  bool has_principal = false;
  bool not_principal = false;
  std::vector<CompiledPrincipal> principals;
  std::vector<condition::Clause> conditions;
  std::size_t begin = 0, end = 0;  // byte offsets in the policy text

  // `action_lower` is the requested action, ASCII-lowercased.
  bool matches_action(std::string_view action_lower) const;
  bool matches_resource(const ResourceView& resource, const condition::Context& context,
                        condition::EvalSink& sink) const;
  PrincipalMatch match_principal(const PrincipalFacts& principal) const;
  // The AND of the clauses. After the first false clause the rest are only checked for
  // missing keys, so that every missing key is still reported.
  bool matches_conditions(const condition::Context& context, condition::EvalSink& sink) const;
  // "<policy id>:<Sid>" or "<policy id>:#<index>".
  std::string display_name() const;
};

struct CompiledPolicy {
  std::string id;          // caller-chosen name (PolicyInputList.1, a policy ARN, ...)
  std::string version_id;  // v1, v2, ... for managed policies; may be empty
  PolicyKind kind = PolicyKind::kIdentity;
  std::string text;
  std::vector<CompiledStatement> statements;
};

std::shared_ptr<const CompiledPolicy> compile(const PolicyDocument& document, PolicyKind kind, std::string id,
                                              std::string version_id = "");
// parse_policy + compile.
common::Result<std::shared_ptr<const CompiledPolicy>> compile_text(std::string_view text,
                                                                   const ValidateOptions& options, std::string id,
                                                                   std::string version_id = "");

}  // namespace iamd::policy
