// Google Benchmark over the shared scenarios (S1 one statement, S2 ten policies + boundary,
// S3 cross-account resource policy) and a size sweep of attached statements.
// Run: build-release/bench/engine_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <string>

#include "policy/compiled.h"
#include "scenario.h"

namespace {

using namespace iamd;

std::shared_ptr<bench::Scenario> scenario(const char* id) {
  auto sc = bench::load_scenario(std::string(IAMD_SCENARIOS_DIR) + "/" + id + ".json");
  if (!sc) {
    std::fprintf(stderr, "cannot load %s: %s\n", id, sc.error().message.c_str());
    std::abort();
  }
  return *sc;
}

// One decision per iteration, cycling through the scenario's cases (the peers' protocol).
void BM_Scenario(benchmark::State& state, const char* id) {
  auto sc = scenario(id);
  authz::PolicyBundle b = sc->bundle();
  authz::Decision d;
  std::size_t i = 0, wrong = 0;
  for (auto _ : state) {
    const auto& c = sc->cases[i];
    authz::evaluate(b, c.request, d);
    benchmark::DoNotOptimize(d.decision);
    if (authz::decision_name(d.decision) != c.expected) ++wrong;
    if (++i == sc->cases.size()) i = 0;
  }
  if (wrong != 0) state.SkipWithError("a decision differs from the scenario's expected value");
  state.counters["cases"] = static_cast<double>(sc->cases.size());
}
BENCHMARK_CAPTURE(BM_Scenario, S1, "S1");
BENCHMARK_CAPTURE(BM_Scenario, S2, "S2");
BENCHMARK_CAPTURE(BM_Scenario, S3, "S3");

// N attached statements, each for a different action of its own service prefix (the
// common shape: many narrow grants); the request matches one of them.
std::shared_ptr<const policy::CompiledPolicy> sweep_policy(int n, bool same_service, int offset) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    if (i) text += ",";
    std::string k = std::to_string(offset + i);
    std::string action = same_service ? "s3:Action" + k + "*" : "svc" + k + ":Get*";
    text += R"({"Effect":"Allow","Action":")" + action + R"(","Resource":"arn:aws:s3:::bucket-)" + k +
            R"(/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t)" + k + R"("}}})";
  }
  text += "]}";
  policy::ValidateOptions o;
  o.kind = policy::PolicyKind::kIdentity;
  o.entity = policy::EntityType::kRole;
  auto p = policy::compile_text(text, o, "sweep" + std::to_string(offset));
  if (!p) std::abort();
  return *p;
}

void BM_Sweep(benchmark::State& state, bool same_service) {
  const int n = static_cast<int>(state.range(0));
  // Spread over policies of at most 10 statements each, as attached managed policies are.
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies;
  for (int off = 0; off < n; off += 10) policies.push_back(sweep_policy(std::min(10, n - off), same_service, off));
  authz::PolicySet set(std::move(policies));
  authz::PolicyBundle b;
  b.identity = &set;
  authz::Request r;
  r.principal.arn = "arn:aws:iam::111122223333:user/alice";
  r.principal.account = "111122223333";
  std::string k = std::to_string(n / 2);
  r.set_action(same_service ? "s3:Action" + k + "X" : "svc" + k + ":GetThing");
  r.resource = "arn:aws:s3:::bucket-" + k + "/key";
  r.context.set("aws:PrincipalTag/team", "t" + k);
  authz::Decision d;
  for (auto _ : state) {
    authz::evaluate(b, r, d);
    benchmark::DoNotOptimize(d.decision);
  }
  if (!d.allowed()) state.SkipWithError("sweep request should be allowed");
  state.counters["statements"] = n;
}
BENCHMARK_CAPTURE(BM_Sweep, distinct_services, false)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK_CAPTURE(BM_Sweep, one_service_wildcards, true)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

// Compile cost, for reference (done once per policy version, never per request).
void BM_CompileS2Policy(benchmark::State& state) {
  const char* text =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"ListOwnPrefix","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::corp-data","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}},{"Sid":"DenyEc2OutsideCorp","Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}}]})";
  policy::ValidateOptions o;
  for (auto _ : state) {
    auto p = policy::compile_text(text, o, "P");
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_CompileS2Policy);

}  // namespace

BENCHMARK_MAIN();
