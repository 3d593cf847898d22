#include "epcfleet/store/apt_repository_store.hpp"

#include <sstream>

#include "epcfleet/core/strings.hpp"

namespace epcfleet::store {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

constexpr std::string_view kRepoColumns =
    "SELECT tenant_id, name, suite, codename, components, architectures, created_at, published_at, "
    "keep_versions, published_snapshot, (SELECT COUNT(*) FROM apt_packages p WHERE p.tenant_id = "
    "apt_repos.tenant_id AND p.repo = apt_repos.name) FROM apt_repos ";
}  // namespace

std::string_view package_columns() {
  return "component, name, version, architecture, filename, size, md5, sha1, sha256, sha512, "
         "control, uploaded_by, uploaded_at";
}

std::string insert_package_sql(std::string_view table, std::string_view owner) {
  return "INSERT INTO " + std::string(table) + " (tenant_id, " + std::string(owner) + ", " +
         std::string(package_columns()) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}

namespace {

const std::string kPackageColumns =
    "SELECT tenant_id, repo, " + std::string(package_columns()) + " FROM apt_packages ";

}  // namespace

Params package_values(const AptPackage& p) {
  return {p.component,    p.name,     p.version,
          p.architecture, p.filename, static_cast<std::int64_t>(p.size),
          p.md5,          p.sha1,     p.sha256,
          p.sha512,       p.control,  p.uploaded_by,
          p.uploaded_at};
}

namespace {

AptRepo to_repo(const Row& r) {
  AptRepo repo;
  repo.tenant_id = r.text(0);
  repo.name = r.text(1);
  repo.suite = r.text(2);
  repo.codename = r.text(3);
  repo.components = split(r.text(4));
  repo.architectures = split(r.text(5));
  repo.created_at = r.integer(6);
  repo.published_at = r.optional_integer(7);
  repo.keep_versions = r.integer(8);
  repo.published_snapshot = r.optional_text(9);
  repo.package_count = r.integer(10);
  return repo;
}

}  // namespace

AptPackage package_from_row(const Row& r) {
  AptPackage p;
  p.tenant_id = r.text(0);
  p.repo = r.text(1);
  p.component = r.text(2);
  p.name = r.text(3);
  p.version = r.text(4);
  p.architecture = r.text(5);
  p.filename = r.text(6);
  p.size = static_cast<std::uint64_t>(r.integer(7));
  p.md5 = r.text(8);
  p.sha1 = r.text(9);
  p.sha256 = r.text(10);
  p.sha512 = r.text(11);
  p.control = r.text(12);
  p.uploaded_by = r.text(13);
  p.uploaded_at = r.integer(14);
  return p;
}

std::vector<AptPackage> packages_from(const QueryResult& rows) {
  std::vector<AptPackage> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows)
    out.push_back(package_from_row(r));
  return out;
}

namespace {

Status as_status(const Result<std::int64_t>& r) {
  if (!r)
    return fail(r.error());
  return ok();
}

}  // namespace

Status AptRepositoryStore::insert_repo(const AptRepo& r) {
  return as_status(conn_.execute(
      "INSERT INTO apt_repos (tenant_id, name, suite, codename, components, architectures, "
      "created_at, keep_versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {r.tenant_id, r.name, r.suite, r.codename, join(r.components), join(r.architectures),
       r.created_at, r.keep_versions}));
}

Result<std::optional<AptRepo>> AptRepositoryStore::find_repo(const std::string& tenant_id,
                                                             const std::string& name) {
  auto row = conn_.query_one(std::string(kRepoColumns) + "WHERE tenant_id = ? AND name = ?",
                             {tenant_id, name});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<AptRepo>{};
  return std::optional<AptRepo>(to_repo(**row));
}

Result<std::vector<AptRepo>> AptRepositoryStore::list_repos(const std::string& tenant_id) {
  auto rows =
      conn_.query(std::string(kRepoColumns) + "WHERE tenant_id = ? ORDER BY name", {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<AptRepo> out;
  for (const auto& r : rows->rows)
    out.push_back(to_repo(r));
  return out;
}

Result<bool> AptRepositoryStore::remove_repo(const std::string& tenant_id,
                                             const std::string& name) {
  auto r =
      conn_.execute("DELETE FROM apt_repos WHERE tenant_id = ? AND name = ?", {tenant_id, name});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Status AptRepositoryStore::mark_published(const std::string& tenant_id, const std::string& name,
                                          TimestampMs at,
                                          const std::optional<std::string>& snapshot) {
  return as_status(conn_.execute(
      "UPDATE apt_repos SET published_at = ?, published_snapshot = ? WHERE tenant_id = ? AND "
      "name = ?",
      {at, snapshot, tenant_id, name}));
}

Status AptRepositoryStore::set_keep_versions(const std::string& tenant_id, const std::string& name,
                                             std::int64_t keep) {
  return as_status(
      conn_.execute("UPDATE apt_repos SET keep_versions = ? WHERE tenant_id = ? AND name = ?",
                    {keep, tenant_id, name}));
}

Result<std::vector<AptPackage>> AptRepositoryStore::versions(const std::string& tenant_id,
                                                             const std::string& repo,
                                                             const std::string& name) {
  auto rows = conn_.query(
      kPackageColumns + "WHERE tenant_id = ? AND repo = ? AND name = ? ORDER BY architecture",
      {tenant_id, repo, name});
  if (!rows)
    return fail(rows.error());
  return packages_from(*rows);
}

Result<bool> AptRepositoryStore::remove_package(const std::string& tenant_id,
                                                const std::string& repo, const std::string& name,
                                                const std::string& version,
                                                const std::string& architecture) {
  auto r = conn_.execute(
      "DELETE FROM apt_packages WHERE tenant_id = ? AND repo = ? AND name = ? AND version = ? "
      "AND architecture = ?",
      {tenant_id, repo, name, version, architecture});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Status AptRepositoryStore::remove_all_packages(const std::string& tenant_id,
                                               const std::string& repo) {
  return as_status(conn_.execute("DELETE FROM apt_packages WHERE tenant_id = ? AND repo = ?",
                                 {tenant_id, repo}));
}

Status AptRepositoryStore::insert_package(const AptPackage& p) {
  Params params{p.tenant_id, p.repo};
  for (auto& v : package_values(p))
    params.push_back(std::move(v));
  return as_status(conn_.execute(insert_package_sql("apt_packages", "repo"), params));
}

Result<std::optional<AptPackage>> AptRepositoryStore::find_package(
    const std::string& tenant_id, const std::string& repo, const std::string& name,
    const std::string& version, const std::string& architecture) {
  auto row =
      conn_.query_one(kPackageColumns +
                          "WHERE tenant_id = ? AND repo = ? AND name = ? AND version = ? AND "
                          "architecture = ?",
                      {tenant_id, repo, name, version, architecture});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<AptPackage>{};
  return std::optional<AptPackage>(package_from_row(**row));
}

Result<std::vector<AptPackage>> AptRepositoryStore::packages(const std::string& tenant_id,
                                                             const std::string& repo) {
  auto rows = conn_.query(
      kPackageColumns + "WHERE tenant_id = ? AND repo = ? ORDER BY name, architecture, version",
      {tenant_id, repo});
  if (!rows)
    return fail(rows.error());
  return packages_from(*rows);
}

}  // namespace epcfleet::store
