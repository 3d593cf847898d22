#pragma once
// Sealed secrets (see crypto/secret_box.hpp). Rows hold only ciphertext; the row id and tenant
// are the associated data, so a value moved to another row does not open.

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class SecretRepository {
public:
  explicit SecretRepository(Connection& conn) : conn_(conn) {}
  Status insert(const SealedSecret& secret);
  Result<std::optional<SealedSecret>> find(const std::string& id);
  Result<std::vector<SealedSecret>> all();
  Result<bool> update_sealed(const std::string& id, const std::string& sealed, TimestampMs at);
  Result<bool> remove(const std::string& id);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
