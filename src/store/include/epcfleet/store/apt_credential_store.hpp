#pragma once
// Repository logins for apt (auth.conf), looked up by username on every APT request.

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class AptCredentialStore {
public:
  explicit AptCredentialStore(Connection& conn) : conn_(conn) {}
  Status insert(const AptCredential& credential);
  Result<std::vector<AptCredential>> list(const std::string& tenant_id, const std::string& repo);
  Result<std::optional<AptCredential>> find_by_username(const std::string& username);
  Result<bool> remove(const std::string& tenant_id, const std::string& repo, const std::string& id);
  Status touch(const std::string& id, TimestampMs at);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
