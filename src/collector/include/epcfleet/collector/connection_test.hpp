#pragma once
// The connection test: GET sysDescr.0, sysObjectID.0, sysUpTime.0 and sysName.0 with a device's
// settings, and the values with the round-trip time, or the precise reason it failed.

#include <map>
#include <optional>
#include <string>

#include "epcfleet/core/error.hpp"
#include "epcfleet/snmp/client.hpp"

namespace epcfleet::collector {

struct ConnectionTestResult {
  bool ok = false;
  double rtt_ms = 0;
  double elapsed_ms = 0;
  std::map<std::string, std::string> values;  // sysDescr, sysObjectID, sysName (text)
  std::optional<std::uint64_t> sys_uptime_ticks;
  std::optional<snmp::Error> error;
};

// Blocks the calling thread (a worker of the HTTP pool) for at most timeout × (retries + 1) plus
// key derivation; the client's loop is never blocked. So that tests cannot tie up the worker
// pool, the timeout is capped at kMaxTestTimeout and retries at kMaxTestRetries, and at most
// kMaxConcurrentTests run at once (more: ErrorCode::kRateLimited).
inline constexpr std::chrono::milliseconds kMaxTestTimeout{5000};
inline constexpr int kMaxTestRetries = 2;
inline constexpr int kMaxConcurrentTests = 4;
Result<ConnectionTestResult> test_connection(snmp::Client& client, snmp::Target target);

}  // namespace epcfleet::collector
