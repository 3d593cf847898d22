#pragma once

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

class UserRepository {
public:
  explicit UserRepository(Connection& conn) : conn_(conn) {}
  Status insert(const User& user);  // kConflict if the username exists
  Result<std::optional<User>> find_by_username(const std::string& username);
  Result<std::optional<User>> find_by_id(const std::string& id);
  Status set_password_hash(const std::string& user_id, const std::string& hash);
  Status set_last_login(const std::string& user_id, TimestampMs at);
  Result<bool> remove(const std::string& user_id);
  Result<std::int64_t> count_platform_admins();

  // Tenant membership.
  Status add_membership(const std::string& tenant_id, const std::string& user_id, Role role,
                        TimestampMs at);
  Result<std::optional<Role>> role_in(const std::string& tenant_id, const std::string& user_id);
  Result<bool> set_role(const std::string& tenant_id, const std::string& user_id, Role role);
  Result<bool> remove_membership(const std::string& tenant_id, const std::string& user_id);
  Result<std::int64_t> count_memberships(const std::string& user_id);
  Result<std::int64_t> count_with_role(const std::string& tenant_id, Role role);
  // Serializes membership changes of one tenant (PostgreSQL row lock on the tenant; SQLite's
  // write transaction already excludes other writers), so that "keep one owner" holds.
  Status lock_tenant(const std::string& tenant_id);
  Result<std::vector<Membership>> memberships_of(const std::string& user_id);
  // A tenant's members ordered by username, after the cursor (a username).
  Result<Page<Member>> members(const std::string& tenant_id, const std::string& after,
                               std::size_t limit);
  Result<std::optional<Member>> member(const std::string& tenant_id, const std::string& username);
  // Users left without any tenant and without platform rights (after a tenant is deleted).
  Result<std::int64_t> remove_orphans();

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
