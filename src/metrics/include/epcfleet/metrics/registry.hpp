#pragma once
// metrics: epcfleetd's own health in Prometheus text exposition format (served on /metrics).
// Counters, gauges and histograms keyed by family name and label set; lookups take a short lock,
// updates are atomic. Label values are escaped here; never put secrets in labels.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace epcfleet::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
  void inc(double by = 1.0);
  // For collectors that mirror a counter kept elsewhere (it must only grow).
  void set(double total) { value_.store(total, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0.0};
};

class Gauge {
public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0.0};
};

class Histogram {
public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  // Cumulative counts per bound (last is +Inf), sum and count, read consistently enough for
  // monitoring (each field is atomic; a scrape may straddle one observation).
  std::vector<std::uint64_t> cumulative_counts() const;
  const std::vector<double>& bounds() const { return bounds_; }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, 0.5 ms to 10 s.
std::vector<double> latency_buckets();

class Registry {
public:
  Counter& counter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, Labels labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, Labels labels = {},
                       std::vector<double> bounds = latency_buckets());
  // Called at every scrape, for values that are cheaper to read than to keep up to date.
  void on_collect(std::function<void(Registry&)> collector);
  std::string render();

private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, Kind kind);

  std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void(Registry&)>> collectors_;
};

// The process-wide registry that /metrics renders.
Registry& default_registry();

}  // namespace epcfleet::metrics
