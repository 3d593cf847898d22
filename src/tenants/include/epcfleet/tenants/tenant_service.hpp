#pragma once
// tenants: the top-level partition. Every resource lives under a tenant; only platform admins
// create or delete tenants. Deleting a tenant removes its memberships, tokens and (later) every
// resource under it; users left without any tenant are removed too.

#include <memory>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::tenants {

class TenantService {
public:
  TenantService(std::shared_ptr<store::Database> db, EventPublisher& events)
      : db_(std::move(db)), events_(events) {}

  Result<store::Tenant> create(const std::string& id, const std::string& name, const Actor& actor);
  Result<store::Tenant> get(const std::string& id);
  Result<store::Tenant> rename(const std::string& id, const std::string& name, const Actor& actor);
  Status remove(const std::string& id, const Actor& actor);

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
};

}  // namespace epcfleet::tenants
