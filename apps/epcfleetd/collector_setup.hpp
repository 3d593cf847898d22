#pragma once
// SNMP monitoring as epcfleetd runs it: the shared SNMP client, the device and profile services,
// the poller, the event log and the trap receiver, built from the configuration, with their
// figures on /metrics. Start after the store and the time-series engine; stop before them.

#include <memory>

#include "config.hpp"
#include "epcfleet/collector/device_service.hpp"
#include "epcfleet/collector/event_log.hpp"
#include "epcfleet/collector/mib_service.hpp"
#include "epcfleet/collector/poller.hpp"
#include "epcfleet/collector/profile_service.hpp"
#include "epcfleet/collector/trap_intake.hpp"
#include "epcfleet/collector/trap_user_service.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "epcfleet/snmp/client.hpp"
#include "epcfleet/tsdb/engine.hpp"

namespace epcfleet::app {

struct Collector {
  std::unique_ptr<snmp::Client> client;
  std::unique_ptr<collector::ProfileService> profiles;
  std::unique_ptr<collector::DeviceService> devices;
  std::unique_ptr<collector::EventLog> events;
  std::unique_ptr<collector::Poller> poller;  // null when snmp_poller is false
  std::unique_ptr<collector::MibService> mibs;
  std::unique_ptr<collector::TrapUserService> trap_users;
  std::unique_ptr<collector::TrapIntake> traps;  // null when snmp_trap_listen is empty

  ~Collector();  // stops in order: traps, poller (its polls end), client, event log (drained)
};

Result<std::unique_ptr<Collector>> open_collector(const Config& config,
                                                  std::shared_ptr<store::Database> db,
                                                  const secrets::SecretVault& vault,
                                                  EventPublisher& events, tsdb::Engine& engine);

}  // namespace epcfleet::app
