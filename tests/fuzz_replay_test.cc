// Replays every fuzz seed (and every crash found, kept as a named regression input)
// through the same entry points the libFuzzer targets call.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../fuzz/targets.h"
#include "jwt_target.h"
#include "saml_response_target.h"
#include "saml_target.h"

namespace iamd {
namespace {

void replay(const char* sub, void (*target)(const std::uint8_t*, std::size_t)) {
  std::filesystem::path dir = std::filesystem::path(IAMD_FUZZ_SEEDS_DIR) / sub;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  EXPECT_GT(n, 10) << dir;
}

TEST(FuzzSeeds, PolicyParser) {
  replay("policy", fuzz::policy_target);
}
TEST(FuzzSeeds, ArnParser) {
  replay("arn", fuzz::arn_target);
}
TEST(FuzzSeeds, SamlMetadataParser) {
  replay("saml", fuzz::saml_target);
}
TEST(FuzzSeeds, WebIdentityTokenAndJwks) {
  replay("jwt", fuzz::jwt_target);
}
TEST(FuzzSeeds, SamlResponseVerifier) {
  replay("saml_response", fuzz::saml_response_target);
}

}  // namespace
}  // namespace iamd
