#include "epcfleet/collector/connection_test.hpp"

#include <algorithm>
#include <atomic>
#include <future>

namespace epcfleet::collector {

namespace {

std::atomic<int> g_running{0};

}  // namespace

Result<ConnectionTestResult> test_connection(snmp::Client& client, snmp::Target target) {
  if (g_running.fetch_add(1) >= kMaxConcurrentTests) {
    --g_running;
    return fail(ErrorCode::kRateLimited,
                std::to_string(kMaxConcurrentTests) +
                    " connection tests are running; try again in a few seconds");
  }
  struct Release {
    ~Release() { --g_running; }
  } release;
  target.timeout = std::min(target.timeout, kMaxTestTimeout);
  target.retries = std::min(target.retries, kMaxTestRetries);
  const std::vector<snmp::Oid> oids = {{1, 3, 6, 1, 2, 1, 1, 1, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 2, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 3, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 5, 0}};
  static const char* const kNames[] = {"sysDescr", "sysObjectID", "sysUpTime", "sysName"};
  auto promise = std::make_shared<std::promise<snmp::Result<snmp::Response>>>();
  auto answer = promise->get_future();
  const auto started = std::chrono::steady_clock::now();
  client.get(target, oids,
             [promise](snmp::Result<snmp::Response> r) { promise->set_value(std::move(r)); });
  auto result = answer.get();
  ConnectionTestResult out;
  out.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!result) {
    out.error = result.error();
    return out;
  }
  if (auto missing = snmp::missing_object(result->varbinds)) {
    out.error = *missing;
    return out;
  }
  out.ok = true;
  out.rtt_ms = static_cast<double>(result->rtt.count()) / 1000.0;
  for (std::size_t i = 0; i < result->varbinds.size() && i < 4; ++i) {
    const auto& vb = result->varbinds[i];
    if (i == 2) {
      out.sys_uptime_ticks = vb.as_uint();
      continue;
    }
    if (const auto* oid = vb.as_oid())
      out.values[kNames[i]] = oid->to_string();
    else
      out.values[kNames[i]] = vb.value_string();
  }
  return out;
}

}  // namespace epcfleet::collector
