#include "authz/policy_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace iamd::authz {
namespace {

std::shared_ptr<const PrincipalPolicies> entry(std::uint64_t generation) {
  auto p = std::make_shared<PrincipalPolicies>();
  p->generation = generation;
  return p;
}

TEST(PrincipalPolicyCache, RebuildsOnlyWhenTheGenerationChanges) {
  PrincipalPolicyCache cache;
  int builds = 0;
  std::uint64_t gen = 1;
  auto build = [&]() -> common::Result<std::shared_ptr<const PrincipalPolicies>> {
    ++builds;
    return entry(gen);
  };
  auto a = cache.get("user/AIDA1", gen, build);
  auto b = cache.get("user/AIDA1", gen, build);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(builds, 1);
  gen = 2;  // anything changed in the store: the next request sees it
  auto c = cache.get("user/AIDA1", gen, build);
  EXPECT_EQ(builds, 2);
  EXPECT_NE(a->get(), c->get());
  EXPECT_EQ((*c)->generation, 2u);
}

TEST(PrincipalPolicyCache, FailedBuildIsNotCachedAndCapacityIsBounded) {
  PrincipalPolicyCache cache(3);
  auto fail = []() -> common::Result<std::shared_ptr<const PrincipalPolicies>> {
    return common::Error{"MalformedPolicyDocument", "bad", ""};
  };
  EXPECT_FALSE(cache.get("k", 1, fail).has_value());
  EXPECT_EQ(cache.size(), 0u);
  for (int i = 0; i < 10; ++i) {
    std::string key = "k";
    key += std::to_string(i);  // appended: GCC 12 warns falsely on "k" + std::string
    ASSERT_TRUE(cache.get(key, 1, [] { return common::Result(entry(1)); }).has_value());
  }
  EXPECT_EQ(cache.size(), 3u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

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
