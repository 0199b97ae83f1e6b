// A small metrics registry and the Prometheus text exposition (format 0.0.4), with no
// third-party library.
//
// Counters and histograms are striped over cache-line-aligned shards, one chosen per thread,
// each a few relaxed atomics: recording is an add on a line no other core writes (usually),
// never a lock or an allocation. Reading sums the shards, so a scrape sees every add that
// finished before it, not a point-in-time snapshot (as every Prometheus client library).
// Label sets are fixed when a metric is registered: the owner keeps the Counter or Histogram
// and records into it directly; the registry only asks collectors to write what they hold at
// scrape time.
// Thread-safety: record and read concurrently from any thread; Registry::add and render may
// run concurrently with each other.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iamd::common::metrics {

inline constexpr std::size_t kShards = 16;

// The next shard to give a thread (round robin).
std::size_t next_shard() noexcept;
// The shard of the calling thread (assigned at its first use).
inline std::size_t shard_index() noexcept {
  thread_local const std::size_t index = next_shard();
  return index;
}

// A monotonic counter.
class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { shards_[shard_index()].value.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept;

 private:
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<Shard, kShards> shards_{};
};

// The bucket upper bounds (seconds) iamd's latency histograms use: 50 µs to 10 s.
std::span<const double> latency_buckets();

// What a histogram holds at one read: per bucket the observations at or below its bound
// (cumulative, as exposed), then the sum and the count (the +Inf bucket).
struct HistogramValues {
  std::vector<double> bounds;
  std::vector<std::uint64_t> cumulative;  // one per bound
  double sum = 0;
  std::uint64_t count = 0;
};

// A histogram of durations, observed in nanoseconds, with at most kMaxBuckets finite
// buckets. `ok_count` is an extra counter on the same shard (iamd: the successful requests
// of an operation), so a request records its latency and its outcome with one cache line.
class Histogram {
 public:
  static constexpr std::size_t kMaxBuckets = 16;
  explicit Histogram(std::span<const double> bounds_seconds = latency_buckets());
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void observe_ns(std::uint64_t ns, bool ok = false) noexcept {
    Shard& s = shards_[shard_index()];
    std::size_t i = 0;
    while (i < n_ && ns > bounds_ns_[i]) ++i;
    if (i < n_) s.buckets[i].fetch_add(1, std::memory_order_relaxed);
    s.count.fetch_add(1, std::memory_order_relaxed);
    s.sum_ns.fetch_add(ns, std::memory_order_relaxed);
    if (ok) s.ok.fetch_add(1, std::memory_order_relaxed);
  }
  HistogramValues values() const;
  std::uint64_t ok_count() const noexcept;

 private:
  struct alignas(64) Shard {
    std::array<std::atomic<std::uint64_t>, kMaxBuckets> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::atomic<std::uint64_t> ok{0};
  };
  std::size_t n_ = 0;
  std::array<double, kMaxBuckets> bounds_{};
  std::array<std::uint64_t, kMaxBuckets> bounds_ns_{};
  std::array<Shard, kShards> shards_{};
};

// A sample's labels: (name, value) pairs in the order they are written.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// Appends `value` escaped as the text format wants a label value: backslash, double quote and
// line feed as \\, \" and \n.
void append_label_value(std::string& out, std::string_view value);
// A sample value: integers without a fraction, others in the shortest form that reads back
// the same, +Inf/-Inf/NaN as the format spells them.
void append_number(std::string& out, double value);

// Builds one exposition: families in the order first named, each with its HELP and TYPE once,
// its samples together, whichever collector wrote them.
class Exposition {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  // Starts or continues the family `name`. The help and type of its first call stand.
  void family(std::string_view name, std::string_view help, Type type);
  // A counter or gauge sample of the current family.
  void sample(const Labels& labels, double value);
  // A histogram's series of the current family: <name>_bucket per bound and +Inf, _sum, _count.
  void histogram(const Labels& labels, const HistogramValues& h);
  // The text (Content-Type: text/plain; version=0.0.4).
  std::string text() const;

 private:
  struct Family {
    std::string name, help;
    Type type;
    std::string samples;
  };
  void line(std::string_view suffix, const Labels& labels, std::string_view extra_name, std::string_view extra_value,
            double value);
  std::vector<Family> families_;
  std::size_t current_ = 0;  // index into families_
};

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Collectors write their metrics into an Exposition at each scrape.
class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;
  void add(Collector c);
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::vector<Collector> collectors_;
};

}  // namespace iamd::common::metrics
