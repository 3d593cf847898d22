#include "epcfleet/store/snmp_device_store.hpp"
#include "page.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, tenant_id, device_id, type, at, data_json FROM snmp_events ";

SnmpEvent to_event(const Row& r) {
  return SnmpEvent{r.text(0), r.text(1), r.optional_text(2), r.text(3), r.integer(4), r.text(5)};
}

}  // namespace

Status SnmpEventStore::insert(const SnmpEvent& e) {
  auto r = conn_.execute(
      "INSERT INTO snmp_events (id, tenant_id, device_id, type, at, data_json) VALUES (?, ?, ?, "
      "?, ?, ?)",
      {e.id, e.tenant_id, Param(e.device_id), e.type, e.at, e.data_json});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<Page<SnmpEvent>> SnmpEventStore::list(const std::string& tenant_id,
                                             const SnmpEventFilter& f) {
  std::string sql = std::string(kColumns) + "WHERE tenant_id = ?";
  Params params{tenant_id};
  if (!f.device_id.empty()) {
    sql += " AND device_id = ?";
    params.emplace_back(f.device_id);
  }
  if (!f.type.empty()) {
    sql += " AND type = ?";
    params.emplace_back(f.type);
  }
  if (f.from) {
    sql += " AND at >= ?";
    params.emplace_back(*f.from);
  }
  if (f.to) {
    sql += " AND at <= ?";
    params.emplace_back(*f.to);
  }
  if (f.before) {
    sql += " AND (at < ? OR (at = ? AND id < ?))";
    params.emplace_back(f.before->first);
    params.emplace_back(f.before->first);
    params.emplace_back(f.before->second);
  }
  sql += " ORDER BY at DESC, id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(f.limit + 1));
  auto rows = conn_.query(sql, params);
  if (!rows)
    return fail(rows.error());
  return detail::paginate<SnmpEvent>(rows->rows, f.limit, to_event, [](const SnmpEvent& e) {
    return std::to_string(e.at) + ":" + e.id;
  });
}

Result<std::int64_t> SnmpEventStore::prune_before(TimestampMs at) {
  return conn_.execute("DELETE FROM snmp_events WHERE at < ?", {at});
}

Status SnmpTrapUserStore::insert(const SnmpTrapUser& u) {
  auto r = conn_.execute(
      "INSERT INTO snmp_trap_users (tenant_id, username, auth_protocol, auth_secret, "
      "priv_protocol, priv_secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {u.tenant_id, u.username, u.auth_protocol, Param(u.auth_secret), u.priv_protocol,
       Param(u.priv_secret), u.created_by, u.created_at});
  if (!r)
    return fail(r.error());
  return ok();
}

namespace {
constexpr std::string_view kUserColumns =
    "SELECT tenant_id, username, auth_protocol, auth_secret, priv_protocol, priv_secret, "
    "created_by, created_at FROM snmp_trap_users ";
SnmpTrapUser to_user(const Row& r) {
  return SnmpTrapUser{r.text(0), r.text(1),          r.text(2), r.optional_text(3),
                      r.text(4), r.optional_text(5), r.text(6), r.integer(7)};
}
}  // namespace

Result<std::optional<SnmpTrapUser>> SnmpTrapUserStore::find(const std::string& tenant_id,
                                                            const std::string& username) {
  auto row = conn_.query_one(std::string(kUserColumns) + "WHERE tenant_id = ? AND username = ?",
                             {tenant_id, username});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<SnmpTrapUser>{};
  return std::optional<SnmpTrapUser>(to_user(**row));
}

Result<bool> SnmpTrapUserStore::remove(const std::string& tenant_id, const std::string& username) {
  auto r = conn_.execute("DELETE FROM snmp_trap_users WHERE tenant_id = ? AND username = ?",
                         {tenant_id, username});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::vector<SnmpTrapUser>> SnmpTrapUserStore::list(const std::string& tenant_id) {
  auto rows =
      conn_.query(std::string(kUserColumns) + "WHERE tenant_id = ? ORDER BY username", {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<SnmpTrapUser> out;
  for (const auto& r : rows->rows)
    out.push_back(to_user(r));
  return out;
}

Result<std::vector<SnmpTrapUser>> SnmpTrapUserStore::list_all() {
  auto rows = conn_.query(std::string(kUserColumns) + "ORDER BY tenant_id, username", {});
  if (!rows)
    return fail(rows.error());
  std::vector<SnmpTrapUser> out;
  for (const auto& r : rows->rows)
    out.push_back(to_user(r));
  return out;
}

}  // namespace epcfleet::store
