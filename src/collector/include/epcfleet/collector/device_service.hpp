#pragma once
// SNMP devices of a tenant: create, change, delete, enable and disable, bulk import. Communities
// and passwords are sealed in the secrets vault inside the same transaction as the device; every
// change is audited and handed to the listeners (the poller, the trap intake) with the secrets
// unsealed, in memory only.

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "epcfleet/collector/device_input.hpp"
#include "epcfleet/collector/poll_device.hpp"
#include "epcfleet/collector/profile_service.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"
#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::collector {

class DeviceListener {
public:
  virtual ~DeviceListener() = default;
  virtual void device_changed(const PollDevice& device) = 0;
  virtual void device_removed(const std::string& tenant, const std::string& id) = 0;
};

struct ImportResult {
  std::vector<store::SnmpDevice> created;
  std::vector<CsvLineError> errors;  // non-empty: nothing was created
};

class DeviceService {
public:
  DeviceService(std::shared_ptr<store::Database> db, const secrets::SecretVault& vault,
                ProfileService& profiles, EventPublisher& events);

  Result<store::SnmpDevice> create(const std::string& tenant, const DeviceInput& input,
                                   const Actor& actor);
  Result<store::SnmpDevice> update(const std::string& tenant, const std::string& id,
                                   const DeviceInput& input, const Actor& actor);
  Status remove(const std::string& tenant, const std::string& id, const Actor& actor);
  Result<store::SnmpDevice> set_enabled(const std::string& tenant, const std::string& id,
                                        bool enabled, const Actor& actor);
  Result<ImportResult> import_csv(const std::string& tenant, std::string_view csv,
                                  const Actor& actor);

  Result<store::SnmpDevice> get(const std::string& tenant, const std::string& id);
  Result<store::Page<store::SnmpDevice>> list(const std::string& tenant,
                                              const store::SnmpDeviceFilter& filter);

  // A saved device ready to poll (secrets unsealed). Used by the connection test and at start.
  Result<PollDevice> poll_device(const store::SnmpDevice& device);
  // The target an unsaved device would use (the connection test before saving).
  Result<snmp::Target> target_for(const std::string& tenant, const DeviceInput& input);
  // Every device of every tenant, for the poller's start.
  Result<std::vector<PollDevice>> load_all();

  void add_listener(DeviceListener* listener) { listeners_.push_back(listener); }
  // Re-plans every device of the tenant using the profile (after the profile changed).
  void profile_changed(const std::string& tenant, const std::string& profile);

private:
  Result<store::SnmpDevice> build(const std::string& tenant, const DeviceInput& input,
                                  const Actor& actor);
  void notify(const store::SnmpDevice& device);

  std::shared_ptr<store::Database> db_;
  const secrets::SecretVault& vault_;
  ProfileService& profiles_;
  EventPublisher& events_;
  std::vector<DeviceListener*> listeners_;
  std::mutex notify_mu_;  // listeners hear one change at a time
};

}  // namespace epcfleet::collector
