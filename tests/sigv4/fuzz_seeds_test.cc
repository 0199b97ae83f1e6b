// Replays every seed in tests/fuzz_seeds/sigv4 (and any crash kept there as a named
// regression input) through the entry point the libFuzzer binary calls.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sigv4_target.h"

namespace iamd::sigv4 {
namespace {

TEST(FuzzSeeds, Sigv4) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_SIGV4_SEEDS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    fuzz::sigv4_target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  EXPECT_GE(n, 20);
}

}  // namespace
}  // namespace iamd::sigv4
