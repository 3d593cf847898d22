#include "epcfleet/store/user_repository.hpp"

#include "page.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kUserColumns =
    "SELECT id, username, password_hash, platform_admin, created_at, last_login_at FROM users ";

User to_user(const Row& r) {
  return User{r.text(0),         r.text(1),    r.text(2),
              r.integer(3) != 0, r.integer(4), r.optional_integer(5)};
}

Member to_member(const Row& r) {
  return Member{r.text(0), r.text(1), parse_role(r.text(2)).value_or(Role::kViewer), r.integer(3),
                r.optional_integer(4)};
}

Result<std::optional<User>> one_user(Connection& conn, std::string_view where,
                                     const std::string& value) {
  auto row = conn.query_one(std::string(kUserColumns) + std::string(where), {value});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<User>{};
  return std::optional<User>(to_user(**row));
}

Result<std::int64_t> count(Connection& conn, std::string_view sql, const Params& params) {
  auto row = conn.query_one(sql, params);
  if (!row)
    return fail(row.error());
  return *row ? (*row)->integer(0) : 0;
}

Status as_status(const Result<std::int64_t>& r) {
  if (!r)
    return fail(r.error());
  return ok();
}

}  // namespace

Status UserRepository::insert(const User& u) {
  return as_status(conn_.execute(
      "INSERT INTO users (id, username, password_hash, platform_admin, created_at) VALUES (?, ?, "
      "?, ?, ?)",
      {u.id, u.username, u.password_hash, u.platform_admin, u.created_at}));
}

Result<std::optional<User>> UserRepository::find_by_username(const std::string& username) {
  return one_user(conn_, "WHERE username = ?", username);
}

Result<std::optional<User>> UserRepository::find_by_id(const std::string& id) {
  return one_user(conn_, "WHERE id = ?", id);
}

Status UserRepository::set_password_hash(const std::string& user_id, const std::string& hash) {
  return as_status(
      conn_.execute("UPDATE users SET password_hash = ? WHERE id = ?", {hash, user_id}));
}

Status UserRepository::set_last_login(const std::string& user_id, TimestampMs at) {
  return as_status(conn_.execute("UPDATE users SET last_login_at = ? WHERE id = ?", {at, user_id}));
}

Result<bool> UserRepository::remove(const std::string& user_id) {
  auto r = conn_.execute("DELETE FROM users WHERE id = ?", {user_id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::int64_t> UserRepository::count_platform_admins() {
  return count(conn_, "SELECT COUNT(*) FROM users WHERE platform_admin = 1", {});
}

Status UserRepository::add_membership(const std::string& tenant_id, const std::string& user_id,
                                      Role role, TimestampMs at) {
  return as_status(conn_.execute(
      "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
      {tenant_id, user_id, std::string(to_string(role)), at}));
}

Result<std::optional<Role>> UserRepository::role_in(const std::string& tenant_id,
                                                    const std::string& user_id) {
  auto row = conn_.query_one("SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?",
                             {tenant_id, user_id});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<Role>{};
  return parse_role((*row)->text(0));
}

Result<bool> UserRepository::set_role(const std::string& tenant_id, const std::string& user_id,
                                      Role role) {
  auto r = conn_.execute("UPDATE memberships SET role = ? WHERE tenant_id = ? AND user_id = ?",
                         {std::string(to_string(role)), tenant_id, user_id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<bool> UserRepository::remove_membership(const std::string& tenant_id,
                                               const std::string& user_id) {
  auto r = conn_.execute("DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
                         {tenant_id, user_id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::int64_t> UserRepository::count_memberships(const std::string& user_id) {
  return count(conn_, "SELECT COUNT(*) FROM memberships WHERE user_id = ?", {user_id});
}

Result<std::int64_t> UserRepository::count_with_role(const std::string& tenant_id, Role role) {
  return count(conn_, "SELECT COUNT(*) FROM memberships WHERE tenant_id = ? AND role = ?",
               {tenant_id, std::string(to_string(role))});
}

Status UserRepository::lock_tenant(const std::string& tenant_id) {
  if (conn_.dialect() != Dialect::kPostgres)
    return ok();
  return as_status(conn_.execute("SELECT id FROM tenants WHERE id = ? FOR UPDATE", {tenant_id}));
}

Result<std::vector<Membership>> UserRepository::memberships_of(const std::string& user_id) {
  auto rows = conn_.query(
      "SELECT t.id, t.name, m.role, t.created_at FROM memberships m JOIN tenants t ON t.id = "
      "m.tenant_id WHERE "
      "m.user_id = ? ORDER BY t.id",
      {user_id});
  if (!rows)
    return fail(rows.error());
  std::vector<Membership> out;
  for (const auto& r : rows->rows) {
    out.push_back(Membership{r.text(0), r.text(1), parse_role(r.text(2)).value_or(Role::kViewer),
                             r.integer(3)});
  }
  return out;
}

Result<Page<Member>> UserRepository::members(const std::string& tenant_id, const std::string& after,
                                             std::size_t limit) {
  auto rows = conn_.query(
      "SELECT u.id, u.username, m.role, m.created_at, u.last_login_at FROM memberships m JOIN "
      "users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.username > ? ORDER BY u.username "
      "LIMIT ?",
      {tenant_id, after, static_cast<std::int64_t>(limit + 1)});
  if (!rows)
    return fail(rows.error());
  return detail::paginate<Member>(rows->rows, limit, to_member,
                                  [](const Member& m) { return m.username; });
}

Result<std::optional<Member>> UserRepository::member(const std::string& tenant_id,
                                                     const std::string& username) {
  auto row = conn_.query_one(
      "SELECT u.id, u.username, m.role, m.created_at, u.last_login_at FROM memberships m JOIN "
      "users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.username = ?",
      {tenant_id, username});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<Member>{};
  return std::optional<Member>(to_member(**row));
}

Result<std::int64_t> UserRepository::remove_orphans() {
  return conn_.execute(
      "DELETE FROM users WHERE platform_admin = 0 AND NOT EXISTS (SELECT 1 FROM memberships m "
      "WHERE m.user_id = users.id)");
}

}  // namespace epcfleet::store
