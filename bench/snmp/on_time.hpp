#pragma once
// "On time" for the poller benchmarks: of the polls due in a window, how many started within a
// second of their due time (and succeeded). A due time that got no poll at all (skipped because
// the previous poll still ran) counts as missed. Thread-safe: record() runs on the poller's
// thread, summarize() on the main thread.

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

namespace epcfleet::bench {

class OnTime {
public:
  // Device i is due at first_due[i] + k × interval_ms (steady ms), k = 0, 1, …
  OnTime(std::vector<std::int64_t> first_due, std::int64_t interval_ms)
      : first_due_(std::move(first_due)), interval_(interval_ms), polls_(first_due_.size()) {}

  void record(std::size_t device, std::int64_t started_ms, bool ok) {
    const auto first = first_due_[device];
    // The due time served: the last one at or before the start (5 ms of slack for the
    // millisecond rounding of the start, which is derived from end − duration).
    const auto k = std::max<std::int64_t>(0, (started_ms - first + 5) / interval_);
    const auto lag = std::max<std::int64_t>(0, started_ms - (first + k * interval_));
    std::lock_guard lock(mu_);
    polls_[device].push_back({k, lag, ok});
  }

  struct Summary {
    std::uint64_t due = 0;         // due times in the window
    std::uint64_t started = 0;     // of them, with a poll
    std::uint64_t on_time = 0;     // started ≤ on_time_ms after due
    std::uint64_t on_time_ok = 0;  // and succeeded
    std::int64_t lag_p50 = 0, lag_p99 = 0, lag_max = 0;
  };

  // Due times in [from, to] (steady ms).
  Summary summarize(std::int64_t from, std::int64_t to, std::int64_t on_time_ms = 1000) const {
    Summary s;
    std::vector<std::int64_t> lags;
    std::lock_guard lock(mu_);
    for (std::size_t d = 0; d < first_due_.size(); ++d) {
      const auto first = first_due_[d];
      const auto kmin = std::max<std::int64_t>(0, ceil_div(from - first, interval_));
      const auto kmax = floor_div(to - first, interval_);
      if (kmax < kmin)
        continue;
      s.due += static_cast<std::uint64_t>(kmax - kmin + 1);
      for (const auto& p : polls_[d]) {
        if (p.k < kmin || p.k > kmax)
          continue;
        ++s.started;
        lags.push_back(p.lag);
        if (p.lag <= on_time_ms) {
          ++s.on_time;
          s.on_time_ok += p.ok ? 1U : 0U;
        }
      }
    }
    if (!lags.empty()) {
      std::sort(lags.begin(), lags.end());
      s.lag_p50 = lags[lags.size() / 2];
      s.lag_p99 = lags[std::min(lags.size() - 1, lags.size() * 99 / 100)];
      s.lag_max = lags.back();
    }
    return s;
  }

private:
  struct Poll {
    std::int64_t k, lag;
    bool ok;
  };
  static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  }
  static std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

  std::vector<std::int64_t> first_due_;
  std::int64_t interval_;
  mutable std::mutex mu_;
  std::vector<std::vector<Poll>> polls_;
};

}  // namespace epcfleet::bench
