// The metrics registry and its Prometheus text exposition (common/metrics.h), the store's
// timing decorator (store/timed_store.h) and the log lines of `iamd serve` (app/observe.h).
#include "common/metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/call_record.h"
#include "app/observe.h"
#include "store/store.h"
#include "store/timed_store.h"

namespace iamd {
namespace {

using common::metrics::Counter;
using common::metrics::Exposition;
using common::metrics::Histogram;

TEST(MetricsTest, LabelValuesAreEscaped) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"plain", "plain"}, {"a\"b", "a\\\"b"},     {"back\\slash", "back\\\\slash"}, {"two\nlines", "two\\nlines"},
      {"", ""},           {"ünïcode", "ünïcode"},
  };
  for (const Case& c : cases) {
    std::string out;
    common::metrics::append_label_value(out, c.in);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(MetricsTest, Numbers) {
  struct Case {
    double in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {0, "0"},
      {3, "3"},
      {0.25, "0.25"},
      {1e-05, "1e-05"},
      {12345678, "12345678"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
  };
  for (const Case& c : cases) {
    std::string out;
    common::metrics::append_number(out, c.in);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(MetricsTest, HelpAndTypeOncePerFamilyWithItsSamplesTogether) {
  Exposition x;
  x.family("a_total", "first", Exposition::Type::kCounter);
  x.sample({{"k", "1"}}, 1);
  x.family("b", "second", Exposition::Type::kGauge);
  x.sample({}, 7);
  // A second collector adds to the first family: its samples join the first ones.
  x.family("a_total", "ignored help", Exposition::Type::kGauge);
  x.sample({{"k", "x\"y"}, {"j", "z"}}, 2);
  EXPECT_EQ(x.text(),
            "# HELP a_total first\n"
            "# TYPE a_total counter\n"
            "a_total{k=\"1\"} 1\n"
            "a_total{k=\"x\\\"y\",j=\"z\"} 2\n"
            "# HELP b second\n"
            "# TYPE b gauge\n"
            "b 7\n");
}

TEST(MetricsTest, HelpTextEscapesBackslashAndNewline) {
  Exposition x;
  x.family("h", "a\\b\nc \"q\"", Exposition::Type::kGauge);
  x.sample({}, 1);
  EXPECT_EQ(x.text(), "# HELP h a\\\\b\\nc \"q\"\n# TYPE h gauge\nh 1\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  const std::vector<double> bounds = {0.001, 0.01, 0.1};
  Histogram h(bounds);
  h.observe_ns(500'000);        // 0.0005 s: first bucket
  h.observe_ns(1'000'000);      // exactly 0.001 s: le is inclusive
  h.observe_ns(50'000'000);     // 0.05 s: third
  h.observe_ns(2'000'000'000);  // 2 s: only +Inf
  Exposition x;
  x.family("d_seconds", "durations", Exposition::Type::kHistogram);
  x.histogram({{"op", "commit"}}, h.values());
  EXPECT_EQ(x.text(),
            "# HELP d_seconds durations\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{op=\"commit\",le=\"0.001\"} 2\n"
            "d_seconds_bucket{op=\"commit\",le=\"0.01\"} 2\n"
            "d_seconds_bucket{op=\"commit\",le=\"0.1\"} 3\n"
            "d_seconds_bucket{op=\"commit\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{op=\"commit\"} 2.0515\n"
            "d_seconds_count{op=\"commit\"} 4\n");
}

TEST(MetricsTest, HistogramOkCountAndEmptyHistogram) {
  Histogram h;
  EXPECT_EQ(h.values().count, 0u);
  EXPECT_EQ(h.values().cumulative.size(), common::metrics::latency_buckets().size());
  h.observe_ns(10, true);
  h.observe_ns(10, false);
  EXPECT_EQ(h.ok_count(), 1u);
  EXPECT_EQ(h.values().count, 2u);
}

TEST(MetricsTest, CountersAddFromManyThreads) {
  Counter c;
  Histogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.add();
        h.observe_ns(1000, true);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(c.value(), 80000u);
  EXPECT_EQ(h.values().count, 80000u);
  EXPECT_EQ(h.ok_count(), 80000u);
}

TEST(MetricsTest, RegistryRendersEveryCollector) {
  common::metrics::Registry r;
  Counter c;
  c.add(3);
  r.add([&](Exposition& x) {
    x.family("c_total", "c", Exposition::Type::kCounter);
    x.sample({}, static_cast<double>(c.value()));
  });
  r.add([&](Exposition& x) {
    x.family("g", "g", Exposition::Type::kGauge);
    x.sample({{"version", "0.1.0"}}, 1);
  });
  EXPECT_EQ(
      r.render(),
      "# HELP c_total c\n# TYPE c_total counter\nc_total 3\n# HELP g g\n# TYPE g gauge\ng{version=\"0.1.0\"} 1\n");
}

TEST(MetricsTest, TimedStoreMeasuresBeginAndCommitAndCountsStoreFailuresOnly) {
  auto inner = store::open_store("memory:");
  ASSERT_TRUE(inner);
  store::StoreMetrics m;
  store::TimedStore timed(**inner, m);
  {
    auto tx = timed.begin_read();
    ASSERT_TRUE(tx);
    auto missing = (*tx)->get_user_by_id("AIDANOSUCHUSER000000");
    EXPECT_FALSE(missing);  // NotFound is an answer, not a store failure
  }
  {
    auto tx = timed.begin_write();
    ASSERT_TRUE(tx);
    store::Account a;
    a.id = "123456789012";
    ASSERT_TRUE((*tx)->create_account(a));
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(m.begin_read.values().count, 1u);
  EXPECT_EQ(m.begin_write.values().count, 1u);
  EXPECT_EQ(m.commit.values().count, 1u);
  EXPECT_EQ(m.errors.value(), 0u);
  EXPECT_EQ(timed.generation(), (*inner)->generation());
  m.note(common::Error{std::string(store::kStorageFailure), "disk", ""});
  m.note(common::Error{std::string(store::kNotFound), "no", ""});
  EXPECT_EQ(m.errors.value(), 1u);
}

TEST(MetricsTest, RequestMetricsCountOutcomesAndDecisions) {
  app::RequestMetrics rm;
  api::CallRecord ok;
  ok.service = "iam";
  ok.operation = "GetUser";
  ok.outcome = "ok";
  ok.duration = std::chrono::microseconds(100);
  ok.decision.note(api::DecisionNote::Kind::kAllowed, "");
  rm.record(ok);
  rm.record(ok);
  api::CallRecord denied = ok;
  denied.outcome = "AccessDenied";
  denied.decision = {};
  denied.decision.note(api::DecisionNote::Kind::kImplicitDeny, "permissions boundary");
  rm.record(denied);
  api::CallRecord unknown;
  unknown.service = "iam";
  unknown.operation = "";  // not one iamd serves
  unknown.outcome = "InvalidAction";
  rm.record(unknown);
  Exposition x;
  rm.collect(x);
  const std::string text = x.text();
  EXPECT_NE(text.find("iamd_requests_total{service=\"iam\",operation=\"GetUser\",outcome=\"ok\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("iamd_requests_total{service=\"iam\",operation=\"GetUser\",outcome=\"AccessDenied\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("iamd_requests_total{service=\"iam\",operation=\"\",outcome=\"InvalidAction\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("iamd_request_duration_seconds_count{service=\"iam\",operation=\"GetUser\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("iamd_decisions_total{decision=\"allowed\",policy_type=\"\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("iamd_decisions_total{decision=\"implicitDeny\",policy_type=\"permissions boundary\"} 1\n"),
            std::string::npos);
  // Operations never called have no series.
  EXPECT_EQ(text.find("operation=\"CreateUser\""), std::string::npos);
  EXPECT_EQ(text.find("# TYPE iamd_requests_total counter"), text.rfind("# TYPE iamd_requests_total counter"));
}

TEST(LogTest, LinesInTextAndJson) {
  std::ostringstream sink;
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764924301123));
  app::Log text(sink, app::Log::Format::kText);
  EXPECT_EQ(text.format_line(app::Log::Level::kWarn, "disk low", {}, at), "iamd: warning: disk low");
  EXPECT_EQ(text.format_line(app::Log::Level::kInfo, "request", {{"path", "/"}, {"agent", "a \"b\""}}, at),
            "iamd: request path=/ agent=\"a \\\"b\\\"\"");
  app::Log json(sink, app::Log::Format::kJson);
  EXPECT_EQ(json.format_line(app::Log::Level::kError, "cannot \"x\"\n", {{"status", "200", true}, {"k", "v"}}, at),
            "{\"time\":\"2025-12-05T08:45:01.123Z\",\"level\":\"error\",\"msg\":\"cannot \\\"x\\\"\\n\","
            "\"status\":200,\"k\":\"v\"}");
  EXPECT_EQ(app::rfc3339_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(5))),
            "1970-01-01T00:00:00.005Z");
}

}  // namespace
}  // namespace iamd
