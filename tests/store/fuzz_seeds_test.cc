// Replays every seed in tests/fuzz_seeds/import (and any crash kept there as a named
// regression input) through the entry point fuzz/import_fuzz.cc calls.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "import_target.h"
#include "store/dump.h"

namespace iamd::store {
namespace {

TEST(FuzzSeeds, Import) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IAMD_IMPORT_SEEDS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    fuzz::import_target(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
    // The seeds named *_valid import (so that the fuzzer starts from files that go deep).
    if (e.path().filename().string().ends_with("_valid")) {
      auto target = open_store("memory:");
      ASSERT_TRUE(target.has_value());
      std::istringstream in(data);
      auto r = import_store(**target, ImportOptions{"00"}, in);
      EXPECT_TRUE(r.has_value()) << e.path() << ": " << r.error().message;
    }
  }
  EXPECT_GE(n, 15);
}

}  // namespace
}  // namespace iamd::store
