#pragma once
// SNMP devices, poll profiles, SNMPv3 trap users and the event log (traps, status changes).

#include <vector>

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

struct SnmpDeviceFilter {
  std::string name_contains;           // case-insensitive substring; empty: any
  std::string status;                  // unknown | up | down; empty: any
  std::vector<std::string> tag_pairs;  // `"key":"value"` JSON fragments (all must be present)
  std::optional<std::string> after_name;
  std::size_t limit = 100;
};

class SnmpDeviceStore {
public:
  explicit SnmpDeviceStore(Connection& conn) : conn_(conn) {}
  Status insert(const SnmpDevice& device);
  Status update(const SnmpDevice& device);  // every column but id, tenant, created_*
  Result<bool> remove(const std::string& tenant_id, const std::string& id);
  Result<std::optional<SnmpDevice>> find(const std::string& tenant_id, const std::string& id);
  // On PostgreSQL, locks the row until the transaction ends (read-modify-write of a device:
  // concurrent changes wait instead of overwriting each other). SQLite's writers are serial.
  Status lock(const std::string& tenant_id, const std::string& id);
  Result<std::optional<SnmpDevice>> find_by_name(const std::string& tenant_id,
                                                 const std::string& name);
  Result<Page<SnmpDevice>> list(const std::string& tenant_id, const SnmpDeviceFilter& filter);
  Result<std::vector<SnmpDevice>> list_all();  // every tenant's (the poller's start)
  Result<std::vector<SnmpDevice>> list_using_profile(const std::string& tenant_id,
                                                     const std::string& profile);
  Status set_status(const std::string& tenant_id, const std::string& id, const std::string& status,
                    TimestampMs since);

private:
  Connection& conn_;
};

class SnmpProfileStore {
public:
  explicit SnmpProfileStore(Connection& conn) : conn_(conn) {}
  Status insert(const SnmpProfile& profile);
  Result<bool> update(const SnmpProfile& profile);
  Result<bool> remove(const std::string& tenant_id, const std::string& name);
  Result<std::optional<SnmpProfile>> find(const std::string& tenant_id, const std::string& name);
  Result<std::vector<SnmpProfile>> list(const std::string& tenant_id);

private:
  Connection& conn_;
};

struct SnmpEventFilter {
  std::string device_id;  // empty: any
  std::string type;       // empty: any
  std::optional<TimestampMs> from, to;
  // Newest first; the cursor is "<at>:<id>" of the last event of the previous page.
  std::optional<std::pair<TimestampMs, std::string>> before;
  std::size_t limit = 100;
};

class SnmpEventStore {
public:
  explicit SnmpEventStore(Connection& conn) : conn_(conn) {}
  Status insert(const SnmpEvent& event);
  Result<Page<SnmpEvent>> list(const std::string& tenant_id, const SnmpEventFilter& filter);
  Result<std::int64_t> prune_before(TimestampMs at);

private:
  Connection& conn_;
};

class SnmpTrapUserStore {
public:
  explicit SnmpTrapUserStore(Connection& conn) : conn_(conn) {}
  Status insert(const SnmpTrapUser& user);
  Result<std::optional<SnmpTrapUser>> find(const std::string& tenant_id,
                                           const std::string& username);
  Result<bool> remove(const std::string& tenant_id, const std::string& username);
  Result<std::vector<SnmpTrapUser>> list(const std::string& tenant_id);
  Result<std::vector<SnmpTrapUser>> list_all();

private:
  Connection& conn_;
};

}  // namespace epcfleet::store

namespace epcfleet::store {

struct MibModule {
  std::string tenant_id;
  std::string module;
  std::string filename;
  std::string content;
  std::string uploaded_by;
  TimestampMs uploaded_at = 0;
};

// A tenant's uploaded MIB modules (validated before they are stored).
class MibModuleStore {
public:
  explicit MibModuleStore(Connection& conn) : conn_(conn) {}
  Status upsert(const MibModule& module);
  Result<bool> remove(const std::string& tenant_id, const std::string& module);
  Result<std::vector<MibModule>> list(const std::string& tenant_id);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
