// The fuzz entry points, shared by the libFuzzer binaries and the seed-replay test.
// Each one must never crash, leak or trip a sanitizer, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "arn/arn.h"
#include "authz/authorizer.h"
#include "common/wildcard.h"
#include "policy/compiled.h"
#include "policy/document.h"

namespace iamd::fuzz {

// Policy text -> every kind of validation -> compile -> evaluate against a request built
// from the same bytes.
inline void policy_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (policy::PolicyKind kind :
       {policy::PolicyKind::kIdentity, policy::PolicyKind::kManaged, policy::PolicyKind::kTrust,
        policy::PolicyKind::kResource, policy::PolicyKind::kSession, policy::PolicyKind::kScp}) {
    policy::ValidateOptions o;
    o.kind = kind;
    auto compiled = policy::compile_text(text, o, "F");
    if (!compiled) continue;
    authz::PolicySet set({*compiled});
    authz::PolicyBundle b;
    if (kind == policy::PolicyKind::kTrust || kind == policy::PolicyKind::kResource) {
      b.resource = &set;
      b.resource_is_trust = kind == policy::PolicyKind::kTrust;
    } else {
      b.identity = &set;
    }
    authz::Request r;
    r.principal.arn = "arn:aws:iam::111122223333:user/alice";
    r.principal.account = "111122223333";
    r.set_action(size > 0 && data[0] % 2 ? "s3:GetObject" : "iam:CreateUser");
    r.resource = "arn:aws:s3:::bucket/key";
    r.context.set("aws:username", "alice");
    r.context.set("aws:SourceIp", "10.1.2.3");
    r.context.set("aws:CurrentTime", "2025-06-15T12:00:00Z");
    r.context.set_list("aws:TagKeys", {"a", "b"});
    authz::Decision d = authz::evaluate(b, r);
    (void)authz::access_denied_message(r, d);
  }
}

// ARN text -> parse, split, and match against itself as a pattern.
inline void arn_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = arn::Arn::parse(text);
  if (a) {
    auto again = arn::Arn::parse(a->to_string());
    if (!again || !(*again == *a)) __builtin_trap();
  }
  std::array<std::string_view, 6> parts;
  if (arn::split6(text, parts)) {
    std::array<std::string, 6> pattern;
    for (std::size_t i = 0; i < 6; ++i) pattern[i] = common::encode_glob(parts[i]);
    // A pattern always matches the text it came from unless it holds wildcards... and
    // literal-encoded it always matches itself.
    std::array<std::string, 6> literal;
    for (std::size_t i = 0; i < 6; ++i) literal[i] = common::encode_literal(parts[i]);
    if (!arn::arn_like(literal, text)) __builtin_trap();
    (void)arn::arn_like(pattern, "arn:aws:s3:::bucket/key");
  }
}

}  // namespace iamd::fuzz
