// A program of the policy engine and the Query protocol only (the libraries of the engine's
// fuzzers: policy_fuzz, arn_fuzz, query_fuzz), linked with --no-as-needed so that every
// shared library on its link line shows in its dynamic section, as it does in the clang
// fuzz build. scripts/check-engine-links fails when OpenSSL, zlib, libqrencode, expat (or
// SQLite, Argon2) are among them: those belong to crypto, formats, store and iam.
#include <cstdio>

#include "policy/document.h"
#include "protocol/form.h"

int main() {
  auto document = iamd::policy::parse_policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]})", {});
  auto form = iamd::protocol::decode_form("", "Action=GetUser&Version=2010-05-08");
  if (!document || !form) {
    std::puts("engine_links: the engine did not parse its own example");
    return 1;
  }
  return 0;
}
