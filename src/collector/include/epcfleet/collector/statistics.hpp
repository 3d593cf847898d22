#pragma once
// Availability, latency and poll success of a device (or of a tenant's devices) over a range,
// read from the series the poller writes: snmp_up (1/0 per poll) and snmp_poll_latency_ms.
// Raw samples are used while the range is within raw retention; older parts come from the 5-minute
// rollups (availability and success from sums and counts; latency percentiles only from raw).

#include <cstdint>
#include <optional>
#include <string>

namespace epcfleet::tsdb {
class Engine;
}

namespace epcfleet::collector {

struct PollStatistics {
  std::uint64_t polls_ok = 0;
  std::uint64_t polls_failed = 0;
  std::optional<double> availability_pct;  // ok / all polls × 100
  std::optional<double> success_ratio;     // ok / all polls
  std::optional<double> latency_p50_ms, latency_p95_ms, latency_p99_ms;
  std::size_t devices = 0;  // devices with polls in the range
};

// `device` empty: every device of the tenant.
PollStatistics poll_statistics(const tsdb::Engine& engine, const std::string& tenant,
                               const std::string& device, std::int64_t from_ms, std::int64_t to_ms);

}  // namespace epcfleet::collector
