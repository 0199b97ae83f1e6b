// Evaluation does not allocate once warm: replaces the global allocation functions with
// counting ones and evaluates every scenario case twice, expecting no allocation in the
// second pass. A separate binary, so the counting operator new affects nothing else.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "authz/authorizer.h"
#include "scenario.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace iamd {
namespace {

TEST(HotPath, EvaluationDoesNotAllocateOnceWarm) {
  for (const char* name : {"S1", "S2", "S3"}) {
    auto sc = bench::load_scenario(std::string(IAMD_SCENARIOS_DIR) + "/" + name + ".json");
    ASSERT_TRUE(sc.has_value());
    authz::PolicyBundle b = (*sc)->bundle();
    authz::Decision d;
    for (const auto& c : (*sc)->cases) authz::evaluate(b, c.request, d);  // warm up buffers
    long before = g_allocations.load();
    for (int round = 0; round < 3; ++round) {
      for (const auto& c : (*sc)->cases) authz::evaluate(b, c.request, d);
    }
    EXPECT_EQ(g_allocations.load() - before, 0) << name;
  }
}

}  // namespace
}  // namespace iamd
