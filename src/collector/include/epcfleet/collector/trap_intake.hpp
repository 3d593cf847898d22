#pragma once
// Traps and informs into the event log: runs the snmp::TrapReceiver with an in-memory index of
// the devices by address (kept current by the device service's changes) and the tenants' trap
// users, translates each accepted notification with the tenant's MIBs, and stores it as an
// `snmp.trap` event (pushed live on the events WebSocket).
//
// Attribution: a notification belongs to the device whose address it comes from — v1/v2c when
// its community is the device's, v3 when it authenticates as the device's polling user or one of
// its tenant's trap users. Unknown or unauthenticated senders are counted and dropped, and so
// are notifications two devices at one address (two tenants behind one NAT) would both accept
// with the same secret: give such devices different communities or users.

#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "epcfleet/collector/device_service.hpp"
#include "epcfleet/collector/event_log.hpp"
#include "epcfleet/collector/mib_service.hpp"
#include "epcfleet/collector/trap_user_service.hpp"
#include "epcfleet/snmp/trap_receiver.hpp"

namespace epcfleet::collector {

struct TrapIntakeOptions {
  snmp::TrapReceiverOptions receiver;
  // Keeps the receiver's SNMPv3 engine id and boots across restarts (informs need both stable).
  std::string engine_file;
};

class TrapIntake final : public DeviceListener {
public:
  TrapIntake(TrapIntakeOptions options, EventLog& events, MibService& mibs, TrapUserService& users);
  ~TrapIntake() override;

  Status start(const std::vector<PollDevice>& devices);
  void stop();
  std::uint16_t port() const;
  snmp::TrapReceiverStats stats() const;
  // Notifications whose source two devices share with the same secret: withheld, not stored.
  std::uint64_t ambiguous() const { return ambiguous_.load(std::memory_order_relaxed); }

  void device_changed(const PollDevice& device) override;
  void device_removed(const std::string& tenant, const std::string& id) override;
  void tenant_removed(const std::string& tenant);
  void users_changed();

private:
  struct DeviceEntry {
    std::string tenant, id, name, address;
    snmp::Target target;
  };
  std::vector<snmp::TrapCandidate> candidates(const snmp::TrapSource& source) const;
  void deliver(std::vector<snmp::Notification>&& batch);
  void index_locked(const PollDevice& device);
  void unindex_locked(const std::string& key);

  TrapIntakeOptions options_;
  EventLog& events_;
  MibService& mibs_;
  TrapUserService& users_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, DeviceEntry> devices_;                  // tenant/id →
  std::unordered_map<std::string, std::vector<std::string>> by_address_;  // address → keys
  std::map<std::string, std::vector<TrapUser>> users_by_tenant_;
  std::unique_ptr<snmp::TrapReceiver> receiver_;
  mutable std::atomic<std::uint64_t> ambiguous_{0};
};

}  // namespace epcfleet::collector
