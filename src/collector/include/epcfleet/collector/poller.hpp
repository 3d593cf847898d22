#pragma once
// The poller: keeps every enabled device on its schedule. One scheduler thread starts polls when
// they are due (first polls spread over the interval by a hash of the device, so a fleet added
// at once does not poll in one burst), the snmp::Client runs all requests of all polls
// concurrently over its shared sockets (a device that does not answer holds up nothing but its
// own poll), and the scheduler turns finished polls into samples (counter rates, scales, labels)
// appended to the time-series store, up/down status with hysteresis, and per-device figures.
//
// A poll = one GET of sysUpTime.0 and the profile's scalars + one walk per table column (all in
// flight at once: the walks of one device are pipelined). The poll succeeds when the GET is
// answered; a failed walk is counted and reported as the device's last error.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "epcfleet/collector/counter_rate.hpp"
#include "epcfleet/collector/device_service.hpp"
#include "epcfleet/collector/poll_device.hpp"
#include "epcfleet/snmp/client.hpp"

namespace epcfleet::tsdb {
class Engine;
}

namespace epcfleet::collector {

struct PollerOptions {
  Hysteresis hysteresis;
  // Polls running at once; a due poll beyond it waits (counted as deferred).
  std::size_t max_polls_in_flight = 5000;
  // A poll that starts this late after its due time counts as late.
  std::int64_t late_after_ms = 5000;
  // Optional observer of every finished poll (benchmarks, tests), on the poller's thread after
  // its samples were appended; must not block. latency_ms: the poll's start to that point.
  std::function<void(const PollDevice&, bool ok, double latency_ms, std::uint64_t varbinds)>
      on_poll;
};

struct DeviceRuntime {
  DeviceStatus status = DeviceStatus::kUnknown;
  std::optional<TimestampMs> status_since;
  std::optional<TimestampMs> last_poll_at;
  std::optional<double> last_latency_ms;
  std::optional<snmp::Error> last_error;
  std::optional<double> sys_uptime_s;
  std::uint64_t polls_ok = 0;
  std::uint64_t polls_failed = 0;
  std::uint64_t walk_errors = 0;
  std::map<std::string, std::string> text;  // latest values of text objects (sys_descr …)
};

struct PollerStats {
  std::uint64_t devices = 0;  // enabled, scheduled
  std::uint64_t polls_started = 0;
  std::uint64_t polls_ok = 0;
  std::uint64_t polls_failed = 0;
  std::uint64_t polls_late = 0;      // started more than late_after_ms after they were due
  std::uint64_t polls_overrun = 0;   // due while the previous poll of the device still ran
  std::uint64_t polls_deferred = 0;  // waited for the in-flight bound
  std::uint64_t walk_errors = 0;
  std::uint64_t samples_written = 0;
  std::uint64_t samples_rejected = 0;  // the store refused them (disk full, …)
  std::uint64_t counter_resets = 0;    // counters that went back (wrap refused, restart)
  std::uint64_t agent_restarts = 0;    // sysUpTime went back
  std::uint64_t in_flight = 0;
};

class StatusListener {
public:
  virtual ~StatusListener() = default;
  // Called on the poller's thread: must not block (queue the work).
  virtual void status_changed(const PollDevice& device, DeviceStatus previous, DeviceStatus now,
                              TimestampMs at, const std::string& reason) = 0;
};

class Poller final : public DeviceListener {
public:
  Poller(PollerOptions options, snmp::Client& client, tsdb::Engine& engine,
         StatusListener* listener = nullptr);
  ~Poller() override;
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Devices loaded at start get their first poll spread over their interval.
  void load(std::vector<PollDevice> devices);
  void start();
  void stop();  // waits for polls in flight to end (their results are still written)

  void device_changed(const PollDevice& device) override;
  void device_removed(const std::string& tenant, const std::string& id) override;
  // Before the tenant's time series are dropped: its devices stop and their series ids go.
  void tenant_removed(const std::string& tenant);

  std::optional<DeviceRuntime> runtime(const std::string& tenant, const std::string& id) const;
  PollerStats stats() const;
  // Per-device outcome counters for /metrics: (tenant, device, ok, failed).
  void for_each_device(const std::function<void(const std::string&, const std::string&,
                                                const DeviceRuntime&)>& fn) const;

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace epcfleet::collector
