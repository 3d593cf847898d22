#include "epcfleet/store/tenant_repository.hpp"

#include "page.hpp"

namespace epcfleet::store {
namespace {
Tenant to_tenant(const Row& r) {
  return Tenant{r.text(0), r.text(1), r.integer(2)};
}
}  // namespace

Status TenantRepository::insert(const Tenant& t) {
  auto r = conn_.execute("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                         {t.id, t.name, t.created_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::optional<Tenant>> TenantRepository::find(const std::string& id) {
  auto row = conn_.query_one("SELECT id, name, created_at FROM tenants WHERE id = ?", {id});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<Tenant>{};
  return std::optional<Tenant>(to_tenant(**row));
}

Result<Page<Tenant>> TenantRepository::list(const std::string& after, std::size_t limit) {
  auto rows =
      conn_.query("SELECT id, name, created_at FROM tenants WHERE id > ? ORDER BY id LIMIT ?",
                  {after, static_cast<std::int64_t>(limit + 1)});
  if (!rows)
    return fail(rows.error());
  return detail::paginate<Tenant>(rows->rows, limit, to_tenant,
                                  [](const Tenant& t) { return t.id; });
}

Result<bool> TenantRepository::rename(const std::string& id, const std::string& name) {
  auto r = conn_.execute("UPDATE tenants SET name = ? WHERE id = ?", {name, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<bool> TenantRepository::remove(const std::string& id, TimestampMs at) {
  auto r = conn_.execute("DELETE FROM tenants WHERE id = ?", {id});
  if (!r)
    return fail(r.error());
  if (*r == 0)
    return false;
  if (auto s = conn_.execute("DELETE FROM secrets WHERE tenant_id = ?", {id}); !s)
    return fail(s.error());
  if (auto t =
          conn_.execute("INSERT INTO deleted_tenants (id, deleted_at) VALUES (?, ?)", {id, at});
      !t) {
    return fail(t.error());
  }
  return true;
}

Result<bool> TenantRepository::was_deleted(const std::string& id) {
  auto row = conn_.query_one("SELECT id FROM deleted_tenants WHERE id = ?", {id});
  if (!row)
    return fail(row.error());
  return row->has_value();
}

}  // namespace epcfleet::store
