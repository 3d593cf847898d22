#pragma once
// API tokens for scripts: scoped to one tenant and one role, expiring, shown once at creation and
// stored only as a SHA-256 hash.

#include <memory>

#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::auth {

struct NewToken {
  std::string name;
  Role role = Role::kViewer;
  std::int64_t expires_in_days = 90;
};

struct CreatedToken {
  store::ApiToken token;
  std::string secret;  // returned once, never stored
};

class TokenService {
public:
  TokenService(std::shared_ptr<store::Database> db, EventPublisher& events)
      : db_(std::move(db)), events_(events) {}

  Result<store::Page<store::ApiToken>> list(const std::string& tenant_id, const std::string& after,
                                            std::size_t limit);
  // caller_role: a token may not carry more rights than its creator has; creator_user_id (empty
  // for none) bounds the token's rights for its whole life.
  Result<CreatedToken> create(const std::string& tenant_id, const NewToken& request,
                              Role caller_role, const std::string& creator_user_id,
                              const Actor& actor);
  Status revoke(const std::string& tenant_id, const std::string& id, const Actor& actor);

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
};

}  // namespace epcfleet::auth
