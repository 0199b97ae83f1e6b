// The web identity token fuzz entry point, shared by fuzz/jwt_fuzz.cc and the seed-replay
// test (tests/fuzz_replay_test.cc): the bytes go through the ID token parser of
// AssumeRoleWithWebIdentity (JWS compact form, JSON header and claims, session tags) and,
// as a JWKS, through the key loader of `iamd serve --oidc-jwks`. Both take untrusted input
// (the token from any caller; a JWKS file an operator may have been handed). Neither may
// crash, leak or trip a sanitizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/web_identity.h"

namespace iamd::fuzz {

inline void jwt_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto token = api::parse_identity_token(text);
  if (token && token->signing_input.empty()) __builtin_trap();
  api::WebIdentityKeys keys;
  if (keys.add("https://idp.example.com", text)) {
    if (keys.find("https://idp.example.com") == nullptr) __builtin_trap();
  }
}

}  // namespace iamd::fuzz
