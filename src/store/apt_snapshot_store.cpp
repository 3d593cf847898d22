#include "epcfleet/store/apt_snapshot_store.hpp"

#include "epcfleet/store/apt_repository_store.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kSnapshotColumns =
    "SELECT tenant_id, name, repo, description, created_by, created_at, (SELECT COUNT(*) FROM "
    "apt_snapshot_packages p WHERE p.tenant_id = apt_snapshots.tenant_id AND p.snapshot = "
    "apt_snapshots.name) FROM apt_snapshots ";

AptSnapshot to_snapshot(const Row& r) {
  return AptSnapshot{r.text(0), r.text(1),    r.text(2),    r.text(3),
                     r.text(4), r.integer(5), r.integer(6), {}};
}

}  // namespace

Status AptSnapshotStore::insert(const AptSnapshot& s, const std::vector<AptPackage>& packages) {
  auto r = conn_.execute(
      "INSERT INTO apt_snapshots (tenant_id, name, repo, description, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {s.tenant_id, s.name, s.repo, s.description, s.created_by, s.created_at});
  if (!r)
    return fail(r.error());
  const std::string insert = insert_package_sql("apt_snapshot_packages", "snapshot");
  for (const auto& p : packages) {
    Params params{s.tenant_id, s.name};
    for (auto& v : package_values(p))
      params.push_back(std::move(v));
    if (auto done = conn_.execute(insert, params); !done)
      return fail(done.error());
  }
  return ok();
}

Result<std::vector<std::string>> AptSnapshotStore::published_in(const std::string& tenant_id,
                                                                const std::string& name) {
  auto rows = conn_.query(
      "SELECT name FROM apt_repos WHERE tenant_id = ? AND published_snapshot = ? ORDER BY name",
      {tenant_id, name});
  if (!rows)
    return fail(rows.error());
  std::vector<std::string> out;
  for (const auto& r : rows->rows)
    out.push_back(r.text(0));
  return out;
}

Result<std::optional<AptSnapshot>> AptSnapshotStore::find(const std::string& tenant_id,
                                                          const std::string& name) {
  auto row = conn_.query_one(std::string(kSnapshotColumns) + "WHERE tenant_id = ? AND name = ?",
                             {tenant_id, name});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<AptSnapshot>{};
  auto snapshot = to_snapshot(**row);
  auto in = published_in(tenant_id, name);
  if (!in)
    return fail(in.error());
  snapshot.published_in = std::move(*in);
  return std::optional<AptSnapshot>(std::move(snapshot));
}

Result<std::vector<AptSnapshot>> AptSnapshotStore::list(const std::string& tenant_id) {
  auto rows =
      conn_.query(std::string(kSnapshotColumns) + "WHERE tenant_id = ? ORDER BY name", {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<AptSnapshot> out;
  for (const auto& r : rows->rows) {
    out.push_back(to_snapshot(r));
    auto in = published_in(tenant_id, out.back().name);
    if (!in)
      return fail(in.error());
    out.back().published_in = std::move(*in);
  }
  return out;
}

Result<bool> AptSnapshotStore::remove(const std::string& tenant_id, const std::string& name) {
  auto r = conn_.execute("DELETE FROM apt_snapshots WHERE tenant_id = ? AND name = ?",
                         {tenant_id, name});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::vector<AptPackage>> AptSnapshotStore::packages(const std::string& tenant_id,
                                                           const std::string& name) {
  auto rows = conn_.query("SELECT tenant_id, snapshot, " + std::string(package_columns()) +
                              " FROM apt_snapshot_packages WHERE tenant_id = ? AND snapshot = ? "
                              "ORDER BY name, architecture, version",
                          {tenant_id, name});
  if (!rows)
    return fail(rows.error());
  return packages_from(*rows);
}

}  // namespace epcfleet::store
