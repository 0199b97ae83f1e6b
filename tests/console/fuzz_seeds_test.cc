// Replays the console fuzz target's seeds (tests/fuzz_seeds/console) through the entry point
// the libFuzzer target calls, so every build runs them under its sanitizers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "console_target.h"

namespace iamd {
namespace {

TEST(FuzzSeeds, ConsoleRequests) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_CONSOLE_SEEDS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    const std::string data = s.str();
    fuzz::console_target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  EXPECT_GT(n, 10);
}

}  // namespace
}  // namespace iamd
