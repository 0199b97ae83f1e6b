#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace iamd::common::metrics {

std::size_t next_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) % kShards;
}

std::uint64_t Counter::value() const noexcept {
  std::uint64_t total = 0;
  for (const Shard& s : shards_) total += s.value.load(std::memory_order_relaxed);
  return total;
}

std::span<const double> latency_buckets() {
  // [IMPL] A cached GetUser answers in tens of microseconds, a write waits for the log sync
  // (milliseconds), an Argon2id password check takes tens of milliseconds.
  static constexpr std::array<double, 16> kBounds{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                  0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
  return kBounds;
}

Histogram::Histogram(std::span<const double> bounds_seconds) {
  n_ = std::min(bounds_seconds.size(), kMaxBuckets);
  for (std::size_t i = 0; i < n_; ++i) {
    bounds_[i] = bounds_seconds[i];
    bounds_ns_[i] = static_cast<std::uint64_t>(std::llround(bounds_seconds[i] * 1e9));
  }
}

HistogramValues Histogram::values() const {
  HistogramValues v;
  v.bounds.assign(bounds_.begin(), bounds_.begin() + static_cast<std::ptrdiff_t>(n_));
  v.cumulative.assign(n_, 0);
  std::uint64_t sum_ns = 0;
  for (const Shard& s : shards_) {
    for (std::size_t i = 0; i < n_; ++i) v.cumulative[i] += s.buckets[i].load(std::memory_order_relaxed);
    v.count += s.count.load(std::memory_order_relaxed);
    sum_ns += s.sum_ns.load(std::memory_order_relaxed);
  }
  for (std::size_t i = 1; i < n_; ++i) v.cumulative[i] += v.cumulative[i - 1];
  // The shards are read one after another while others record: keep the exposition
  // consistent (a bucket never above the count).
  if (n_ > 0 && v.cumulative[n_ - 1] > v.count) v.count = v.cumulative[n_ - 1];
  v.sum = static_cast<double>(sum_ns) / 1e9;
  return v;
}

std::uint64_t Histogram::ok_count() const noexcept {
  std::uint64_t total = 0;
  for (const Shard& s : shards_) total += s.ok.load(std::memory_order_relaxed);
  return total;
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void Exposition::family(std::string_view name, std::string_view help, Type type) {
  for (std::size_t i = 0; i < families_.size(); ++i) {
    if (families_[i].name == name) {
      current_ = i;
      return;
    }
  }
  families_.push_back(Family{std::string(name), std::string(help), type, {}});
  current_ = families_.size() - 1;
}

void Exposition::line(std::string_view suffix, const Labels& labels, std::string_view extra_name,
                      std::string_view extra_value, double value) {
  Family& f = families_.at(current_);  // family() comes first
  std::string& out = f.samples;
  out += f.name;
  out += suffix;
  if (!labels.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    auto label = [&](std::string_view k, std::string_view v) {
      if (!first) out += ',';
      first = false;
      out += k;
      out += "=\"";
      append_label_value(out, v);
      out += '"';
    };
    for (const auto& [k, v] : labels) label(k, v);
    if (!extra_name.empty()) label(extra_name, extra_value);
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void Exposition::sample(const Labels& labels, double value) {
  line("", labels, "", "", value);
}

void Exposition::histogram(const Labels& labels, const HistogramValues& h) {
  std::string bound;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    bound.clear();
    append_number(bound, h.bounds[i]);
    line("_bucket", labels, "le", bound, static_cast<double>(h.cumulative[i]));
  }
  line("_bucket", labels, "le", "+Inf", static_cast<double>(h.count));
  line("_sum", labels, "", "", h.sum);
  line("_count", labels, "", "", static_cast<double>(h.count));
}

std::string Exposition::text() const {
  std::string out;
  for (const Family& f : families_) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    // HELP text escapes backslash and line feed only.
    for (char c : f.help) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += "\n# TYPE ";
    out += f.name;
    out += f.type == Type::kCounter ? " counter\n" : f.type == Type::kGauge ? " gauge\n" : " histogram\n";
    out += f.samples;
  }
  return out;
}

void Registry::add(Collector c) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(c));
}

std::string Registry::render() const {
  Exposition e;
  {
    std::lock_guard lock(mu_);
    for (const Collector& c : collectors_) c(e);
  }
  return e.text();
}

}  // namespace iamd::common::metrics
