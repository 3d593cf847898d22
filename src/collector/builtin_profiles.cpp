// The profiles every tenant has. OIDs from RFC 3418 (system), RFC 2863 (IF-MIB: the 64-bit
// ifXTable counters first, the 32-bit ifTable ones where an agent has no ifXTable), RFC 2790
// (HOST-RESOURCES-MIB) and EPC-FLEET-MIB (mibs/, docs/mib.md).
#include "epcfleet/collector/profile.hpp"

namespace epcfleet::collector {
namespace {

snmp::Oid oid(std::string_view text) {
  return *snmp::Oid::parse(text);
}

ObjectSpec object(std::string_view o, std::string metric, ObjectType type, std::string unit,
                  double scale = 1.0) {
  ObjectSpec spec;
  spec.oid = oid(o);
  spec.metric = std::move(metric);
  spec.type = type;
  spec.unit = std::move(unit);
  spec.scale = scale;
  return spec;
}

ObjectSpec with_fallback(ObjectSpec spec, std::string_view fallback) {
  spec.fallback = oid(fallback);
  return spec;
}

Profile system_profile() {
  Profile p;
  p.name = "system";
  p.description = "SNMPv2-MIB system group: description, name, object id (uptime is always read)";
  p.builtin = true;
  p.scalars = {object("1.3.6.1.2.1.1.1.0", "sys_descr", ObjectType::kText, ""),
               object("1.3.6.1.2.1.1.2.0", "sys_object_id", ObjectType::kText, ""),
               object("1.3.6.1.2.1.1.5.0", "sys_name", ObjectType::kText, ""),
               object("1.3.6.1.2.1.1.6.0", "sys_location", ObjectType::kText, "")};
  return p;
}

Profile if_mib_profile() {
  using T = ObjectType;
  Profile p;
  p.name = "if-mib";
  p.description =
      "IF-MIB interfaces: traffic, packets, errors, discards (64-bit counters "
      "preferred), status and speed, per interface";
  p.builtin = true;
  TableSpec t;
  t.name = "ifTable";
  t.index_label = "ifIndex";
  t.label_columns = {{"ifName", oid("1.3.6.1.2.1.31.1.1.1.1")}};
  t.columns = {
      with_fallback(object("1.3.6.1.2.1.31.1.1.1.6", "if_in_octets_rate", T::kCounter, "B/s"),
                    "1.3.6.1.2.1.2.2.1.10"),
      with_fallback(object("1.3.6.1.2.1.31.1.1.1.10", "if_out_octets_rate", T::kCounter, "B/s"),
                    "1.3.6.1.2.1.2.2.1.16"),
      with_fallback(
          object("1.3.6.1.2.1.31.1.1.1.7", "if_in_ucast_pkts_rate", T::kCounter, "packets/s"),
          "1.3.6.1.2.1.2.2.1.11"),
      with_fallback(
          object("1.3.6.1.2.1.31.1.1.1.11", "if_out_ucast_pkts_rate", T::kCounter, "packets/s"),
          "1.3.6.1.2.1.2.2.1.17"),
      object("1.3.6.1.2.1.2.2.1.13", "if_in_discards_rate", T::kCounter, "packets/s"),
      object("1.3.6.1.2.1.2.2.1.14", "if_in_errors_rate", T::kCounter, "packets/s"),
      object("1.3.6.1.2.1.2.2.1.19", "if_out_discards_rate", T::kCounter, "packets/s"),
      object("1.3.6.1.2.1.2.2.1.20", "if_out_errors_rate", T::kCounter, "packets/s"),
      object("1.3.6.1.2.1.2.2.1.7", "if_admin_status", T::kGauge, "1=up 2=down 3=testing"),
      object("1.3.6.1.2.1.2.2.1.8", "if_oper_status", T::kGauge, "1=up 2=down …"),
      object("1.3.6.1.2.1.31.1.1.1.15", "if_high_speed", T::kGauge, "Mbit/s"),
  };
  p.tables.push_back(std::move(t));
  return p;
}

Profile host_resources_profile() {
  using T = ObjectType;
  Profile p;
  p.name = "host-resources";
  p.description = "HOST-RESOURCES-MIB: CPU load per processor, memory size, storage use";
  p.builtin = true;
  p.scalars = {object("1.3.6.1.2.1.25.2.2.0", "hr_memory_size_bytes", T::kGauge, "B", 1024.0)};
  TableSpec cpu;
  cpu.name = "hrProcessorTable";
  cpu.index_label = "hrDeviceIndex";
  cpu.columns = {object("1.3.6.1.2.1.25.3.3.1.2", "hr_processor_load", T::kGauge, "%")};
  TableSpec storage;
  storage.name = "hrStorageTable";
  storage.index_label = "hrStorageIndex";
  storage.label_columns = {{"hrStorageDescr", oid("1.3.6.1.2.1.25.2.3.1.3")}};
  auto size = object("1.3.6.1.2.1.25.2.3.1.5", "hr_storage_size_bytes", T::kGauge, "B");
  size.scale_by = oid("1.3.6.1.2.1.25.2.3.1.4");
  auto used = object("1.3.6.1.2.1.25.2.3.1.6", "hr_storage_used_bytes", T::kGauge, "B");
  used.scale_by = oid("1.3.6.1.2.1.25.2.3.1.4");
  storage.columns = {size, used};
  p.tables = {cpu, storage};
  return p;
}

Profile epc_profile() {
  using T = ObjectType;
  Profile p;
  p.name = "epc";
  p.description =
      "EPC-FLEET-MIB core figures: UEs, sessions, bearers, eNodeBs, attach "
      "rates, user-plane traffic, CPU and memory";
  p.builtin = true;
  const std::string base = "1.3.6.1.4.1.32473.1.1.";
  p.scalars = {
      object(base + "1.0", "epc_attached_ues", T::kGauge, "UEs"),
      object(base + "2.0", "epc_sessions", T::kGauge, "sessions"),
      object(base + "3.0", "epc_bearers", T::kGauge, "bearers"),
      object(base + "4.0", "epc_connected_enbs", T::kGauge, "eNodeBs"),
      object(base + "5.0", "epc_attach_requests_rate", T::kCounter, "1/s"),
      object(base + "6.0", "epc_attach_failures_rate", T::kCounter, "1/s"),
      object(base + "7.0", "epc_user_plane_in_rate", T::kCounter, "B/s"),
      object(base + "8.0", "epc_user_plane_out_rate", T::kCounter, "B/s"),
      object(base + "9.0", "epc_cpu_load", T::kGauge, "%"),
      object(base + "10.0", "epc_memory_used", T::kGauge, "%"),
  };
  return p;
}

Profile epc_default_profile() {
  Profile p;
  p.name = "epc-default";
  p.description = "An EPC: system group, interfaces, host resources and the EPC figures";
  p.builtin = true;
  p.includes = {"system", "if-mib", "host-resources", "epc"};
  return p;
}

Profile uptime_only_profile() {
  Profile p;
  p.name = "uptime";
  p.description = "Reachability, latency and sysUpTime only";
  p.builtin = true;
  return p;
}

}  // namespace

const std::vector<Profile>& builtin_profiles() {
  static const std::vector<Profile> all = {epc_default_profile(), system_profile(),
                                           if_mib_profile(),      host_resources_profile(),
                                           epc_profile(),         uptime_only_profile()};
  return all;
}

const Profile* find_builtin(std::string_view name) {
  for (const auto& p : builtin_profiles()) {
    if (p.name == name)
      return &p;
  }
  return nullptr;
}

}  // namespace epcfleet::collector
