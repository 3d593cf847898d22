#pragma once

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class TenantRepository {
public:
  explicit TenantRepository(Connection& conn) : conn_(conn) {}
  Status insert(const Tenant& tenant);  // kConflict if the id exists
  Result<std::optional<Tenant>> find(const std::string& id);
  // Ordered by id, after the cursor (an id).
  Result<Page<Tenant>> list(const std::string& after, std::size_t limit);
  Result<bool> rename(const std::string& id, const std::string& name);
  // Removes the tenant and leaves a tombstone: a deleted tenant's id is never given out again, so
  // nothing recorded under it (audit records, backups) can be read by a newcomer.
  Result<bool> remove(const std::string& id, TimestampMs at);
  Result<bool> was_deleted(const std::string& id);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
