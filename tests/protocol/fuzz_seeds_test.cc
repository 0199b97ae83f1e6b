// Replays every seed in tests/fuzz_seeds/query and tests/fuzz_seeds/json (and any crash kept
// there as a named regression input) through the entry points the libFuzzer binaries call.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "json_target.h"
#include "query_target.h"

namespace iamd::protocol {
namespace {

TEST(FuzzSeeds, Query) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_QUERY_SEEDS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    fuzz::query_target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  EXPECT_GE(n, 20);
}

TEST(FuzzSeeds, Json) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_JSON_SEEDS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    fuzz::json_target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  EXPECT_GE(n, 30);
}

}  // namespace
}  // namespace iamd::protocol
