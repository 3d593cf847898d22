#pragma once
// MIB modules per tenant: the standard ones and EPC-FLEET-MIB for everyone (the base
// translator), plus modules a tenant uploads — validated by net-snmp's parser before they are
// stored, refused with its messages when broken. Translation (OID ↔ name) uses the tenant's view.

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/mib/tenant_mibs.hpp"
#include "epcfleet/mib/translator.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::collector {

struct UploadedModule {
  std::string module;
  std::string filename;
  std::size_t objects = 0;
  std::vector<std::string> warnings;
  std::string uploaded_by;
  TimestampMs uploaded_at = 0;
};

class MibService {
public:
  MibService(std::shared_ptr<store::Database> db, EventPublisher& events,
             std::shared_ptr<const mib::Translator> base);

  Result<std::vector<store::MibModule>> list(const std::string& tenant);
  Result<UploadedModule> upload(const std::string& tenant, const std::string& filename,
                                std::string_view text, const Actor& actor);
  Status remove(const std::string& tenant, const std::string& module, const Actor& actor);
  // The tenant's view (the base when it uploaded nothing). Never fails: a broken view falls back
  // to the base.
  std::shared_ptr<const mib::Translator> translator(const std::string& tenant);
  const mib::Translator& base() const { return *mibs_.base(); }

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
  mib::TenantMibs mibs_;
  // Each tenant's view, looked up once (traps are translated at thousands a second); dropped on
  // upload and delete.
  std::mutex views_mutex_;
  std::map<std::string, std::shared_ptr<const mib::Translator>> views_;
};

}  // namespace epcfleet::collector
