#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT tenant_id, name, description, definition_json, created_by, created_at, updated_at "
    "FROM snmp_profiles ";

SnmpProfile to_profile(const Row& r) {
  return SnmpProfile{r.text(0), r.text(1),    r.text(2),   r.text(3),
                     r.text(4), r.integer(5), r.integer(6)};
}

}  // namespace

Status SnmpProfileStore::insert(const SnmpProfile& p) {
  auto r = conn_.execute(
      "INSERT INTO snmp_profiles (tenant_id, name, description, definition_json, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {p.tenant_id, p.name, p.description, p.definition_json, p.created_by, p.created_at,
       p.updated_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<bool> SnmpProfileStore::update(const SnmpProfile& p) {
  auto r = conn_.execute(
      "UPDATE snmp_profiles SET description = ?, definition_json = ?, updated_at = ? "
      "WHERE tenant_id = ? AND name = ?",
      {p.description, p.definition_json, p.updated_at, p.tenant_id, p.name});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<bool> SnmpProfileStore::remove(const std::string& tenant_id, const std::string& name) {
  auto r = conn_.execute("DELETE FROM snmp_profiles WHERE tenant_id = ? AND name = ?",
                         {tenant_id, name});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::optional<SnmpProfile>> SnmpProfileStore::find(const std::string& tenant_id,
                                                          const std::string& name) {
  auto row = conn_.query_one(std::string(kColumns) + "WHERE tenant_id = ? AND name = ?",
                             {tenant_id, name});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<SnmpProfile>{};
  return std::optional<SnmpProfile>(to_profile(**row));
}

Result<std::vector<SnmpProfile>> SnmpProfileStore::list(const std::string& tenant_id) {
  auto rows = conn_.query(std::string(kColumns) + "WHERE tenant_id = ? ORDER BY name", {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<SnmpProfile> out;
  for (const auto& r : rows->rows)
    out.push_back(to_profile(r));
  return out;
}

}  // namespace epcfleet::store

namespace epcfleet::store {

Status MibModuleStore::upsert(const MibModule& m) {
  auto removed = remove(m.tenant_id, m.module);
  if (!removed)
    return fail(removed.error());
  auto r = conn_.execute(
      "INSERT INTO mib_modules (tenant_id, module, filename, content, uploaded_by, uploaded_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {m.tenant_id, m.module, m.filename, m.content, m.uploaded_by, m.uploaded_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<bool> MibModuleStore::remove(const std::string& tenant_id, const std::string& module) {
  auto r = conn_.execute("DELETE FROM mib_modules WHERE tenant_id = ? AND module = ?",
                         {tenant_id, module});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::vector<MibModule>> MibModuleStore::list(const std::string& tenant_id) {
  auto rows = conn_.query(
      "SELECT tenant_id, module, filename, content, uploaded_by, uploaded_at FROM mib_modules "
      "WHERE tenant_id = ? ORDER BY module",
      {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<MibModule> out;
  for (const auto& r : rows->rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5)});
  return out;
}

}  // namespace epcfleet::store
