#pragma once
// The poll of issue 4 as a collector::Profile: sysUpTime (always read) + the EPC scalars
// (1.3.6.1.4.1.32473.1.1.1-10.0, the built-in "epc" profile) + every column of ifTable (22) and
// ifXTable (19), one walk per column: 41 × interfaces + 11 varbinds per poll (~1,170 on the
// simulated fleet, as in the README's reference figures). ifName is the row label; the text
// columns are read but store nothing (the poller keeps numbers only from tables).
// bench/snmp/snmp_exporter.yml is the same poll for prometheus-snmp-exporter.

#include <string>

#include "epcfleet/collector/profile.hpp"

namespace epcfleet::bench {

inline collector::Profile issue4_profile() {
  using collector::ObjectType;
  struct Column {
    const char* oid;
    const char* metric;
    ObjectType type;
  };
  constexpr auto G = ObjectType::kGauge, C = ObjectType::kCounter, T = ObjectType::kText;
  static const Column kColumns[] = {
      // ifTable (RFC 2863)
      {"1.3.6.1.2.1.2.2.1.1", "if_index", G},
      {"1.3.6.1.2.1.2.2.1.2", "if_descr", T},
      {"1.3.6.1.2.1.2.2.1.3", "if_type", G},
      {"1.3.6.1.2.1.2.2.1.4", "if_mtu", G},
      {"1.3.6.1.2.1.2.2.1.5", "if_speed", G},
      {"1.3.6.1.2.1.2.2.1.6", "if_phys_address", T},
      {"1.3.6.1.2.1.2.2.1.7", "if_admin_status", G},
      {"1.3.6.1.2.1.2.2.1.8", "if_oper_status", G},
      {"1.3.6.1.2.1.2.2.1.9", "if_last_change", G},
      {"1.3.6.1.2.1.2.2.1.10", "if_in_octets_rate", C},
      {"1.3.6.1.2.1.2.2.1.11", "if_in_ucast_pkts_rate", C},
      {"1.3.6.1.2.1.2.2.1.12", "if_in_nucast_pkts_rate", C},
      {"1.3.6.1.2.1.2.2.1.13", "if_in_discards_rate", C},
      {"1.3.6.1.2.1.2.2.1.14", "if_in_errors_rate", C},
      {"1.3.6.1.2.1.2.2.1.15", "if_in_unknown_protos_rate", C},
      {"1.3.6.1.2.1.2.2.1.16", "if_out_octets_rate", C},
      {"1.3.6.1.2.1.2.2.1.17", "if_out_ucast_pkts_rate", C},
      {"1.3.6.1.2.1.2.2.1.18", "if_out_nucast_pkts_rate", C},
      {"1.3.6.1.2.1.2.2.1.19", "if_out_discards_rate", C},
      {"1.3.6.1.2.1.2.2.1.20", "if_out_errors_rate", C},
      {"1.3.6.1.2.1.2.2.1.21", "if_out_qlen", G},
      {"1.3.6.1.2.1.2.2.1.22", "if_specific", T},
      // ifXTable (ifName, column 1, is the label)
      {"1.3.6.1.2.1.31.1.1.1.2", "if_in_multicast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.3", "if_in_broadcast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.4", "if_out_multicast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.5", "if_out_broadcast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.6", "if_hc_in_octets_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.7", "if_hc_in_ucast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.8", "if_hc_in_multicast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.9", "if_hc_in_broadcast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.10", "if_hc_out_octets_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.11", "if_hc_out_ucast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.12", "if_hc_out_multicast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.13", "if_hc_out_broadcast_pkts_rate", C},
      {"1.3.6.1.2.1.31.1.1.1.14", "if_link_up_down_trap_enable", G},
      {"1.3.6.1.2.1.31.1.1.1.15", "if_high_speed", G},
      {"1.3.6.1.2.1.31.1.1.1.16", "if_promiscuous_mode", G},
      {"1.3.6.1.2.1.31.1.1.1.17", "if_connector_present", G},
      {"1.3.6.1.2.1.31.1.1.1.18", "if_alias", T},
      {"1.3.6.1.2.1.31.1.1.1.19", "if_counter_discontinuity_time", G},
  };
  collector::TableSpec table;
  table.name = "interfaces";
  table.index_label = "ifIndex";
  table.label_columns = {{"ifName", *snmp::Oid::parse("1.3.6.1.2.1.31.1.1.1.1")}};
  for (const auto& c : kColumns) {
    collector::ObjectSpec spec;
    spec.oid = *snmp::Oid::parse(c.oid);
    spec.metric = c.metric;
    spec.type = c.type;
    table.columns.push_back(std::move(spec));
  }
  collector::Profile p;
  p.name = "issue4";
  p.includes = {"epc"};
  p.tables.push_back(std::move(table));
  return p;
}

// Varbinds a complete poll of a device with `interfaces` rows returns: sysUpTime, the EPC
// scalars, and every ifTable and ifXTable cell.
inline std::uint64_t issue4_varbinds(std::uint64_t interfaces) {
  return 1 + 10 + 41 * interfaces;
}

}  // namespace epcfleet::bench
