#include "epcfleet/collector/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/query.hpp"

namespace epcfleet::collector {
namespace {

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

PollStatistics poll_statistics(const tsdb::Engine& engine, const std::string& tenant,
                               const std::string& device, std::int64_t from, std::int64_t to) {
  PollStatistics out;
  const auto raw_horizon = engine.tier_horizon(tenant, tsdb::Tier::kRaw);
  std::set<std::string> devices;
  std::vector<tsdb::Sample> samples;
  for (auto id : tsdb::select_series(engine, {tenant, "snmp_up", device, {}})) {
    const auto key = engine.key(id);
    samples.clear();
    // Before the raw horizon, the 5-minute rollups: their sum is the ok polls, count all polls.
    if (from < raw_horizon) {
      std::vector<tsdb::Bucket> buckets;
      if (engine.read_rollup(id, tsdb::Tier::k5m, from, std::min(to, raw_horizon - 1), buckets)) {
        for (const auto& b : buckets) {
          out.polls_ok += static_cast<std::uint64_t>(std::llround(b.sum));
          out.polls_failed += static_cast<std::uint64_t>(std::llround(b.count - b.sum));
          if (b.count > 0)
            devices.insert(key.device);
        }
      }
    }
    if (!engine.read_raw(id, std::max(from, raw_horizon), to, samples))
      continue;
    for (const auto& s : samples) {
      if (s.v >= 0.5)
        ++out.polls_ok;
      else
        ++out.polls_failed;
    }
    if (!samples.empty())
      devices.insert(key.device);
  }
  out.devices = devices.size();
  const auto total = out.polls_ok + out.polls_failed;
  if (total > 0) {
    out.success_ratio = static_cast<double>(out.polls_ok) / static_cast<double>(total);
    out.availability_pct = *out.success_ratio * 100.0;
  }
  std::vector<double> latencies;
  for (auto id : tsdb::select_series(engine, {tenant, "snmp_poll_latency_ms", device, {}})) {
    samples.clear();
    if (!engine.read_raw(id, std::max(from, raw_horizon), to, samples))
      continue;
    for (const auto& s : samples)
      latencies.push_back(s.v);
  }
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    out.latency_p50_ms = percentile(latencies, 50);
    out.latency_p95_ms = percentile(latencies, 95);
    out.latency_p99_ms = percentile(latencies, 99);
  }
  return out;
}

}  // namespace epcfleet::collector
