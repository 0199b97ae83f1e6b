#include "authz/policy_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace iamd::authz {
namespace {

TEST(CompiledPolicyCache, CompilesOncePerKeyAcrossThreads) {
  CompiledPolicyCache cache;
  std::atomic<int> compiles{0};
  auto compile = [&]() -> common::Result<std::shared_ptr<const policy::CompiledPolicy>> {
    ++compiles;
    policy::ValidateOptions o;
    return policy::compile_text(
        R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", o, "P");
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) ASSERT_TRUE(cache.get("arn:aws:iam::aws:policy/AdministratorAccess#v1", compile));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_LE(compiles.load(), 4);  // racing first lookups may compile, later ones never do
  EXPECT_GE(compiles.load(), 1);
}

}  // namespace
}  // namespace iamd::authz
