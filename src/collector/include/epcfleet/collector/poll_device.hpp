#pragma once
// A device as the poller and the trap intake see it: where and how to ask (secrets unsealed, in
// memory only), what to read, and the labels its samples carry.

#include <map>
#include <string>

#include "epcfleet/collector/profile.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/snmp/types.hpp"

namespace epcfleet::collector {

enum class DeviceStatus : std::uint8_t { kUnknown, kUp, kDown };
std::string_view to_string(DeviceStatus status);
DeviceStatus parse_status(std::string_view text);

struct PollDevice {
  std::string tenant;
  std::string id;
  std::string name;
  snmp::Target target;
  int interval_s = 60;
  int max_repetitions = 25;
  bool enabled = true;
  ResolvedProfile profile;  // includes resolved, custom OIDs added
  std::map<std::string, std::string> tags;
  DeviceStatus status = DeviceStatus::kUnknown;  // as stored (the poller's start)
  std::optional<TimestampMs> status_since;
};

}  // namespace epcfleet::collector
