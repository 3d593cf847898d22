#pragma once
// A tenant's APT repositories and the packages in them (one aggregate: packages belong to a repo
// and go with it).

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class AptRepositoryStore {
public:
  explicit AptRepositoryStore(Connection& conn) : conn_(conn) {}
  Status insert_repo(const AptRepo& repo);  // kConflict if the name exists
  Result<std::optional<AptRepo>> find_repo(const std::string& tenant_id, const std::string& name);
  Result<std::vector<AptRepo>> list_repos(const std::string& tenant_id);
  Result<bool> remove_repo(const std::string& tenant_id, const std::string& name);
  Status mark_published(const std::string& tenant_id, const std::string& name, TimestampMs at,
                        const std::optional<std::string>& snapshot);
  Status set_keep_versions(const std::string& tenant_id, const std::string& name,
                           std::int64_t keep);

  Status insert_package(const AptPackage& p);
  Result<std::optional<AptPackage>> find_package(const std::string& tenant_id,
                                                 const std::string& repo, const std::string& name,
                                                 const std::string& version,
                                                 const std::string& architecture);
  Result<std::vector<AptPackage>> packages(const std::string& tenant_id, const std::string& repo);
  Result<std::vector<AptPackage>> versions(const std::string& tenant_id, const std::string& repo,
                                           const std::string& name);
  Result<bool> remove_package(const std::string& tenant_id, const std::string& repo,
                              const std::string& name, const std::string& version,
                              const std::string& architecture);
  Status remove_all_packages(const std::string& tenant_id, const std::string& repo);

private:
  Connection& conn_;
};

// Shared with the snapshot store, whose package rows have the same shape.
AptPackage package_from_row(const Row& row);  // columns as in SELECT tenant_id, owner, <below>
std::vector<AptPackage> packages_from(const QueryResult& rows);
std::string_view package_columns();          // component … uploaded_at
Params package_values(const AptPackage& p);  // in package_columns() order
// INSERT INTO <table> (tenant_id, <owner>, <package_columns()>) VALUES (?, …).
std::string insert_package_sql(std::string_view table, std::string_view owner);

}  // namespace epcfleet::store
