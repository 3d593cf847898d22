#pragma once
// API tokens and login sessions: both are bearer secrets kept only as SHA-256 hashes.

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class TokenRepository {
public:
  explicit TokenRepository(Connection& conn) : conn_(conn) {}
  Status insert(const ApiToken& token);
  Result<std::optional<ApiToken>> find_by_hash(const std::string& token_hash);
  Result<std::optional<ApiToken>> find(const std::string& tenant_id, const std::string& id);
  // Newest first would need a time cursor; ids are random, so list by id (stable and cheap).
  Result<Page<ApiToken>> list(const std::string& tenant_id, const std::string& after,
                              std::size_t limit);
  Result<bool> remove(const std::string& tenant_id, const std::string& id);
  Status touch(const std::string& id, TimestampMs at);

private:
  Connection& conn_;
};

class SessionRepository {
public:
  explicit SessionRepository(Connection& conn) : conn_(conn) {}
  Status insert(const Session& session);
  Result<std::optional<Session>> find(const std::string& token_hash);
  Result<bool> remove(const std::string& token_hash);
  Result<std::int64_t> remove_for_user(const std::string& user_id);
  Result<std::int64_t> remove_expired(TimestampMs now);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
