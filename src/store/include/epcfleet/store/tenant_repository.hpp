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
  Result<bool> remove(const std::string& id);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
