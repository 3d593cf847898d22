#include "epcfleet/collector/connection_test.hpp"

#include <future>

namespace epcfleet::collector {

ConnectionTestResult test_connection(snmp::Client& client, const snmp::Target& target) {
  const std::vector<snmp::Oid> oids = {{1, 3, 6, 1, 2, 1, 1, 1, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 2, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 3, 0},
                                       {1, 3, 6, 1, 2, 1, 1, 5, 0}};
  static const char* const kNames[] = {"sysDescr", "sysObjectID", "sysUpTime", "sysName"};
  auto promise = std::make_shared<std::promise<snmp::Result<snmp::Response>>>();
  auto answer = promise->get_future();
  client.get(target, oids,
             [promise](snmp::Result<snmp::Response> r) { promise->set_value(std::move(r)); });
  auto result = answer.get();
  ConnectionTestResult out;
  if (!result) {
    out.error = result.error();
    return out;
  }
  out.elapsed_ms = static_cast<double>(result->elapsed.count()) / 1000.0;
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
