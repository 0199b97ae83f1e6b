// Store reads under threads: GetUser-like (one read transaction, a user by name with its
// tags) and ListUsers-like (a page of 100 users) on the SQLite backend, at 1..N threads.
// `STORE_BENCH_MEMSTATUS=1` runs it with SQLite's default memory statistics (see main).
// A read path that scales shows items/s growing with the thread count (up to the cores);
// a serialized one stays flat. `store_bench --benchmark_filter=...`.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace {

using namespace iamd;

store::Store& bench_store() {
  static std::unique_ptr<store::Store> store = [] {
    const auto dir = std::filesystem::temp_directory_path() / ("iamd-store-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto s = store::open_store("sqlite:" + (dir / "store").string());
    if (!s) std::abort();
    auto tx = (*s)->begin_write();
    if (!tx) std::abort();
    store::Account account;
    account.id = "123456789012";
    if (!(*tx)->create_account(account)) std::abort();
    for (int i = 0; i < 100; ++i) {
      store::User u;
      u.account_id = account.id;
      u.name = "user" + std::to_string(i);
      u.id = "AIDA" + std::to_string(1000000000000000 + i);
      if (i % 2 == 0) u.tags.push_back(store::Tag{"team", "t" + std::to_string(i % 7)});
      if (!(*tx)->create_user(u)) std::abort();
    }
    if (!(*tx)->commit()) std::abort();
    return std::move(*s);
  }();
  return *store;
}

void BM_GetUser(benchmark::State& state) {
  store::Store& s = bench_store();
  int i = state.thread_index();
  for (auto _ : state) {
    auto tx = s.begin_read();
    auto u = (*tx)->get_user("123456789012", "user" + std::to_string(i++ % 100));
    benchmark::DoNotOptimize(u);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetUser)->ThreadRange(1, 8)->UseRealTime();

void BM_ListUsers100(benchmark::State& state) {
  store::Store& s = bench_store();
  store::ListOptions o;
  o.max_items = 100;
  for (auto _ : state) {
    auto tx = s.begin_read();
    auto page = (*tx)->list_users("123456789012", o);
    if (!page || page->items.size() != 100) state.SkipWithError("list_users");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListUsers100)->ThreadRange(1, 8)->UseRealTime();

// One user per write transaction, from 1..8 threads: the commit rate (group commit shares one
// sync of the log among the writers that committed meanwhile).
void BM_CreateUser(benchmark::State& state) {
  store::Store& s = bench_store();
  static std::atomic<long> next{0};
  for (auto _ : state) {
    const long n = next.fetch_add(1);
    auto tx = s.begin_write();
    store::User u;
    u.account_id = "123456789012";
    u.name = "w" + std::to_string(n);
    u.id = "AIDAW" + std::to_string(n);
    if (!tx || !(*tx)->create_user(u) || !(*tx)->commit()) state.SkipWithError("create_user");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateUser)->ThreadRange(1, 8)->UseRealTime();

}  // namespace

// STORE_BENCH_MEMSTATUS=1 turns SQLite's global allocation statistics back on (SQLite's default,
// which the store turns off) before the store opens, to compare both on one binary.
int main(int argc, char** argv) {
  if (const char* m = std::getenv("STORE_BENCH_MEMSTATUS"); m != nullptr && std::string(m) == "1") {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    sqlite3_initialize();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
