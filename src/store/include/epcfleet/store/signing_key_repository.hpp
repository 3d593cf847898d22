#pragma once

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class SigningKeyRepository {
public:
  explicit SigningKeyRepository(Connection& conn) : conn_(conn) {}
  Status insert(const SigningKeyRecord& key);
  // Newest first.
  Result<std::vector<SigningKeyRecord>> list(const std::string& tenant_id);
  Result<bool> set_state(const std::string& tenant_id, const std::string& id,
                         const std::string& state, std::optional<TimestampMs> retire_at);
  // Keys whose overlap has ended become retired.
  Result<std::int64_t> retire_due(const std::string& tenant_id, TimestampMs now);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
