#pragma once
// A tenant's snapshots: frozen copies of a repository's package rows.

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class AptSnapshotStore {
public:
  explicit AptSnapshotStore(Connection& conn) : conn_(conn) {}
  // kConflict if the name exists.
  Status insert(const AptSnapshot& snapshot, const std::vector<AptPackage>& packages);
  Result<std::optional<AptSnapshot>> find(const std::string& tenant_id, const std::string& name);
  Result<std::vector<AptSnapshot>> list(const std::string& tenant_id);
  Result<bool> remove(const std::string& tenant_id, const std::string& name);
  Result<std::vector<AptPackage>> packages(const std::string& tenant_id, const std::string& name);

private:
  Result<std::vector<std::string>> published_in(const std::string& tenant_id,
                                                const std::string& name);
  Connection& conn_;
};

}  // namespace epcfleet::store
