#include "epcfleet/apt/snapshot_service.hpp"

#include <filesystem>

#include "epcfleet/apt/pool.hpp"
#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/store/apt_repository_store.hpp"
#include "epcfleet/store/apt_snapshot_store.hpp"
#include "names.hpp"

namespace epcfleet::apt {
namespace fs = std::filesystem;
namespace {

// Snapshot names often carry dates and versions: 2026-11-27, rc1, v1.2.3.
Status validate_name(const std::string& name) {
  if (!is_name_word(name))
    return fail(ErrorCode::kInvalidArgument, "snapshot name must be 1-64 of [a-z0-9._-]");
  return ok();
}

Error not_found(const std::string& name) {
  return Error{ErrorCode::kNotFound, "snapshot " + name + " not found"};
}

}  // namespace

Result<store::AptSnapshot> SnapshotService::create(const std::string& tenant_id,
                                                   const NewSnapshot& request, const Actor& actor) {
  if (auto s = validate_name(request.name); !s)
    return fail(s.error());
  if (request.description.size() > 1000)
    return fail(ErrorCode::kInvalidArgument, "description is limited to 1000 characters");
  const fs::path dir = snapshot_dir(apt_root_, tenant_id, request.name);
  const fs::path repo_dir = fs::path(apt_root_) / tenant_id / request.repo;
  store::AptSnapshot snapshot{
      tenant_id, request.name, request.repo, request.description, actor.name, now_ms(), 0, {}};
  bool linked = false;
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    auto repo = store::AptRepositoryStore(c).find_repo(tenant_id, request.repo);
    if (!repo)
      return fail(repo.error());
    if (!*repo)
      return fail(ErrorCode::kNotFound, "repository " + request.repo + " not found");
    store::AptSnapshotStore snapshots(c);
    auto existing = snapshots.find(tenant_id, request.name);
    if (!existing)
      return fail(existing.error());
    if (*existing)
      return fail(ErrorCode::kConflict, "snapshot " + request.name + " exists already");
    auto rows = store::AptRepositoryStore(c).packages(tenant_id, request.repo);
    if (!rows)
      return fail(rows.error());
    // Hard links inside the transaction: an upload cannot slip between the rows and the files.
    std::error_code ec;
    fs::remove_all(dir, ec);  // debris of a failed attempt (no row exists)
    for (const auto& p : *rows) {
      const fs::path to = dir / p.filename;
      fs::create_directories(to.parent_path(), ec);
      fs::create_hard_link(repo_dir / p.filename, to, ec);
      if (ec)
        return fail(ErrorCode::kUnavailable, "cannot link " + p.filename + ": " + ec.message());
      linked = true;
    }
    if (auto s = snapshots.insert(snapshot, *rows); !s)
      return fail(s.error());
    snapshot.package_count = static_cast<std::int64_t>(rows->size());
    return audit::append(
        c, actor,
        {tenant_id, "snapshot.create", request.name, "success",
         "{\"repo\":\"" + request.repo + "\",\"packages\":" + std::to_string(rows->size()) +
             ",\"description\":\"" + json_escape(request.description) + "\"}"});
  });
  if (!rec) {
    if (linked) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
    return fail(rec.error());
  }
  audit::publish(events_, *rec);
  return snapshot;
}

Result<std::vector<store::AptSnapshot>> SnapshotService::list(const std::string& tenant_id) {
  return db_->read(
      [&](store::Connection& c) { return store::AptSnapshotStore(c).list(tenant_id); });
}

Result<store::AptSnapshot> SnapshotService::get(const std::string& tenant_id,
                                                const std::string& name) {
  auto found = db_->read(
      [&](store::Connection& c) { return store::AptSnapshotStore(c).find(tenant_id, name); });
  if (!found)
    return fail(found.error());
  if (!*found)
    return fail(not_found(name));
  return **found;
}

Result<std::vector<store::AptPackage>> SnapshotService::packages(const std::string& tenant_id,
                                                                 const std::string& name) {
  if (auto s = get(tenant_id, name); !s)
    return fail(s.error());
  return db_->read(
      [&](store::Connection& c) { return store::AptSnapshotStore(c).packages(tenant_id, name); });
}

Status SnapshotService::remove(const std::string& tenant_id, const std::string& name,
                               const Actor& actor) {
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::AptSnapshotStore snapshots(c);
    auto found = snapshots.find(tenant_id, name);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(not_found(name));
    if (!(*found)->published_in.empty()) {
      return fail(ErrorCode::kConflict, "snapshot " + name + " is what " +
                                            (*found)->published_in.front() +
                                            " publishes now; publish something else there first");
    }
    if (auto removed = snapshots.remove(tenant_id, name); !removed)
      return fail(removed.error());
    return audit::append(c, actor, {tenant_id, "snapshot.delete", name, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  std::error_code ec;
  fs::remove_all(snapshot_dir(apt_root_, tenant_id, name), ec);  // after commit
  audit::publish(events_, *rec);
  return ok();
}

}  // namespace epcfleet::apt
