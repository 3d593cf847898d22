#pragma once
// A tenant's people: create (with a role), change role or password, remove. Every change is
// audited in its own transaction. The tenant always keeps at least one owner.

#include <memory>
#include <optional>

#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::auth {

struct NewUser {
  std::string username;
  std::string password;
  Role role = Role::kViewer;
};

struct UserChange {
  std::optional<Role> role;
  std::optional<std::string> password;
};

class UserService {
public:
  UserService(std::shared_ptr<store::Database> db, EventPublisher& events, PasswordHasher& hasher)
      : db_(std::move(db)), events_(events), hasher_(hasher) {}

  Result<store::Page<store::Member>> list(const std::string& tenant_id, const std::string& after,
                                          std::size_t limit);
  Result<store::Member> get(const std::string& tenant_id, const std::string& username);
  Result<store::Member> create(const std::string& tenant_id, const NewUser& user,
                               const Actor& actor);
  Result<store::Member> update(const std::string& tenant_id, const std::string& username,
                               const UserChange& change, const Actor& actor);
  Status remove(const std::string& tenant_id, const std::string& username, const Actor& actor);

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
  PasswordHasher& hasher_;
};

}  // namespace epcfleet::auth
