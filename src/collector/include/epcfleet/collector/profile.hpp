#pragma once
// Poll profiles: which objects a poll reads and how each becomes a metric. Scalars are read with
// one GET, table columns are walked (GETBULK), every object is mapped to a metric name, a type
// (gauge, counter — stored as a rate per second — or text, kept as the latest value only), a unit
// and a scale. Built-in profiles cover the system group, IF-MIB, HOST-RESOURCES-MIB and our EPC
// objects; tenants add their own.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/snmp/types.hpp"

namespace epcfleet::collector {

enum class ObjectType : std::uint8_t { kGauge, kCounter, kText };
std::string_view to_string(ObjectType type);

struct ObjectSpec {
  snmp::Oid oid;       // scalar: the instance (…​.0); column: the column (no index)
  std::string metric;  // time-series name
  ObjectType type = ObjectType::kGauge;
  std::string unit;
  double scale = 1.0;  // stored value = read value × scale
  snmp::Oid fallback;  // column only: walked when `oid` returns nothing (ifInOctets for ifHC…)
  snmp::Oid scale_by;  // column only: multiplied by this column of the same row (hrStorage)
};

struct TableSpec {
  std::string name;                   // "ifTable"
  std::string index_label = "index";  // label holding the row index ("ifIndex")
  std::vector<std::pair<std::string, snmp::Oid>> label_columns;  // label name → text column
  std::vector<ObjectSpec> columns;
};

struct Profile {
  std::string name;
  std::string description;
  bool builtin = false;
  std::vector<std::string> includes;  // other profiles whose objects come first
  std::vector<ObjectSpec> scalars;
  std::vector<TableSpec> tables;
};

// The profile with its includes resolved (what a poll reads).
using ResolvedProfile = std::shared_ptr<const Profile>;

const std::vector<Profile>& builtin_profiles();
const Profile* find_builtin(std::string_view name);

// A profile definition as the API takes it:
// {"description","includes":[…],"scalars":[{"oid","metric","type","unit","scale"}],
//  "tables":[{"name","index_label","labels":{"ifName":"1.3.6.1.2.1.31.1.1.1.1"},
//             "columns":[{"oid","metric","type","unit","scale","fallback_oid"}]}]}
Result<Profile> parse_profile(std::string_view name, std::string_view json_text);
std::string profile_json(const Profile& profile);  // the definition, as parse_profile takes it

// Validation shared with custom OIDs: metric names are [a-zA-Z_][a-zA-Z0-9_]* (≤ 100).
bool valid_metric_name(std::string_view name);
// Names the poller writes itself (snmp_up, snmp_poll_latency_ms, …, sys_uptime_s): refused for
// profile objects and custom OIDs, so that nothing mixes into availability and latency.
bool reserved_metric_name(std::string_view name);
Result<ObjectType> parse_object_type(std::string_view text);

// Merges includes (looked up with `find`) in order, then the profile's own objects; duplicates
// of an OID keep the first. Cycles and unknown includes are errors.
Result<ResolvedProfile> resolve(const Profile& profile,
                                const std::function<const Profile*(std::string_view)>& find);

}  // namespace epcfleet::collector
