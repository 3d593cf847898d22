#include "epcfleet/store/snmp_device_store.hpp"

#include "page.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kDeviceColumns =
    "SELECT id, tenant_id, name, address, port, version, community_secret, v3_user, "
    "auth_protocol, auth_secret, priv_protocol, priv_secret, context, profile, interval_s, "
    "timeout_ms, retries, max_repetitions, tags_json, custom_oids_json, enabled, status, "
    "status_since, created_by, created_at, updated_at FROM snmp_devices ";

SnmpDevice to_device(const Row& r) {
  SnmpDevice d;
  d.id = r.text(0);
  d.tenant_id = r.text(1);
  d.name = r.text(2);
  d.address = r.text(3);
  d.port = static_cast<int>(r.integer(4));
  d.version = r.text(5);
  d.community_secret = r.optional_text(6);
  d.v3_user = r.text(7);
  d.auth_protocol = r.text(8);
  d.auth_secret = r.optional_text(9);
  d.priv_protocol = r.text(10);
  d.priv_secret = r.optional_text(11);
  d.context = r.text(12);
  d.profile = r.text(13);
  d.interval_s = static_cast<int>(r.integer(14));
  d.timeout_ms = static_cast<int>(r.integer(15));
  d.retries = static_cast<int>(r.integer(16));
  d.max_repetitions = static_cast<int>(r.integer(17));
  d.tags_json = r.text(18);
  d.custom_oids_json = r.text(19);
  d.enabled = r.integer(20) != 0;
  d.status = r.text(21);
  d.status_since = r.optional_integer(22);
  d.created_by = r.text(23);
  d.created_at = r.integer(24);
  d.updated_at = r.integer(25);
  return d;
}

// LIKE pattern matching `text` literally (backslash is the escape character).
std::string like_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

std::vector<SnmpDevice> to_devices(const QueryResult& result) {
  std::vector<SnmpDevice> out;
  out.reserve(result.rows.size());
  for (const auto& r : result.rows)
    out.push_back(to_device(r));
  return out;
}

// The columns an update may change, in the order append_settings gives their values.
constexpr std::string_view kSettingColumns =
    "name, address, port, version, community_secret, v3_user, auth_protocol, auth_secret, "
    "priv_protocol, priv_secret, context, profile, interval_s, timeout_ms, retries, "
    "max_repetitions, tags_json, custom_oids_json, enabled, status, status_since";
constexpr std::size_t kSettingCount = 21;

void append_settings(Params& p, const SnmpDevice& d) {
  p.insert(p.end(), {Param(d.name),
                     Param(d.address),
                     Param(d.port),
                     Param(d.version),
                     Param(d.community_secret),
                     Param(d.v3_user),
                     Param(d.auth_protocol),
                     Param(d.auth_secret),
                     Param(d.priv_protocol),
                     Param(d.priv_secret),
                     Param(d.context),
                     Param(d.profile),
                     Param(d.interval_s),
                     Param(d.timeout_ms),
                     Param(d.retries),
                     Param(d.max_repetitions),
                     Param(d.tags_json),
                     Param(d.custom_oids_json),
                     Param(d.enabled),
                     Param(d.status),
                     Param(d.status_since)});
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

Status SnmpDeviceStore::insert(const SnmpDevice& d) {
  Params params{d.id, d.tenant_id};
  append_settings(params, d);
  params.insert(params.end(), {Param(d.created_by), Param(d.created_at), Param(d.updated_at)});
  auto r =
      conn_.execute("INSERT INTO snmp_devices (id, tenant_id, " + std::string(kSettingColumns) +
                        ", created_by, created_at, updated_at) VALUES (?, ?, " +
                        placeholders(kSettingCount) + ", ?, ?, ?)",
                    params);
  if (!r)
    return fail(r.error());
  return ok();
}

Status SnmpDeviceStore::update(const SnmpDevice& d) {
  std::string assignments;
  std::string_view columns = kSettingColumns;
  while (!columns.empty()) {
    const auto comma = columns.find(", ");
    assignments += std::string(columns.substr(0, comma)) + " = ?, ";
    columns = comma == std::string_view::npos ? std::string_view{} : columns.substr(comma + 2);
  }
  Params params;
  append_settings(params, d);
  params.insert(params.end(), {Param(d.updated_at), Param(d.tenant_id), Param(d.id)});
  auto r = conn_.execute(
      "UPDATE snmp_devices SET " + assignments + "updated_at = ? WHERE tenant_id = ? AND id = ?",
      params);
  if (!r)
    return fail(r.error());
  return ok();
}

Result<bool> SnmpDeviceStore::remove(const std::string& tenant_id, const std::string& id) {
  auto r =
      conn_.execute("DELETE FROM snmp_devices WHERE tenant_id = ? AND id = ?", {tenant_id, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::optional<SnmpDevice>> SnmpDeviceStore::find(const std::string& tenant_id,
                                                        const std::string& id) {
  auto row = conn_.query_one(std::string(kDeviceColumns) + "WHERE tenant_id = ? AND id = ?",
                             {tenant_id, id});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<SnmpDevice>{};
  return std::optional<SnmpDevice>(to_device(**row));
}

Status SnmpDeviceStore::lock(const std::string& tenant_id, const std::string& id) {
  if (conn_.dialect() != Dialect::kPostgres)
    return ok();
  auto r = conn_.execute("SELECT id FROM snmp_devices WHERE tenant_id = ? AND id = ? FOR UPDATE",
                         {tenant_id, id});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::optional<SnmpDevice>> SnmpDeviceStore::find_by_name(const std::string& tenant_id,
                                                                const std::string& name) {
  auto row = conn_.query_one(std::string(kDeviceColumns) + "WHERE tenant_id = ? AND name = ?",
                             {tenant_id, name});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<SnmpDevice>{};
  return std::optional<SnmpDevice>(to_device(**row));
}

Result<Page<SnmpDevice>> SnmpDeviceStore::list(const std::string& tenant_id,
                                               const SnmpDeviceFilter& f) {
  std::string sql = std::string(kDeviceColumns) + "WHERE tenant_id = ?";
  Params params{tenant_id};
  if (!f.name_contains.empty()) {
    sql += " AND lower(name) LIKE ? ESCAPE '\\'";
    std::string lowered;
    for (char c : f.name_contains)
      lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    params.emplace_back("%" + like_literal(lowered) + "%");
  }
  if (!f.status.empty()) {
    sql += " AND status = ?";
    params.emplace_back(f.status);
  }
  for (const auto& pair : f.tag_pairs) {
    sql += " AND tags_json LIKE ? ESCAPE '\\'";
    params.emplace_back("%" + like_literal(pair) + "%");
  }
  if (f.after_name) {
    sql += " AND name > ?";
    params.emplace_back(*f.after_name);
  }
  sql += " ORDER BY name LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(f.limit + 1));
  auto rows = conn_.query(sql, params);
  if (!rows)
    return fail(rows.error());
  return detail::paginate<SnmpDevice>(rows->rows, f.limit, to_device,
                                      [](const SnmpDevice& d) { return d.name; });
}

Result<std::vector<SnmpDevice>> SnmpDeviceStore::list_all() {
  auto rows = conn_.query(std::string(kDeviceColumns) + "ORDER BY tenant_id, name", {});
  if (!rows)
    return fail(rows.error());
  return to_devices(*rows);
}

Result<std::vector<SnmpDevice>> SnmpDeviceStore::list_using_profile(const std::string& tenant_id,
                                                                    const std::string& profile) {
  auto rows = conn_.query(std::string(kDeviceColumns) + "WHERE tenant_id = ? AND profile = ?",
                          {tenant_id, profile});
  if (!rows)
    return fail(rows.error());
  return to_devices(*rows);
}

Status SnmpDeviceStore::set_status(const std::string& tenant_id, const std::string& id,
                                   const std::string& status, TimestampMs since) {
  auto r = conn_.execute(
      "UPDATE snmp_devices SET status = ?, status_since = ? WHERE tenant_id = ? AND id = ?",
      {status, since, tenant_id, id});
  if (!r)
    return fail(r.error());
  return ok();
}

}  // namespace epcfleet::store
