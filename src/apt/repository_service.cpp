#include "epcfleet/apt/repository_service.hpp"

#include <filesystem>

#include "epcfleet/apt/deb_reader.hpp"
#include "epcfleet/apt/digests.hpp"
#include "epcfleet/apt/pool.hpp"
#include "epcfleet/apt/publisher.hpp"
#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/store/apt_repository_store.hpp"

namespace epcfleet::apt {
namespace fs = std::filesystem;
namespace {

bool word(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.' || s.front() == '-')
    return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!ok)
      return false;
  }
  return true;
}

Status validate(const NewRepo& r) {
  if (auto s = validate_tenant_id(r.name); !s)  // same slug rules as tenant ids
    return fail(ErrorCode::kInvalidArgument, "repository name: " + s.error().message);
  if (!word(r.suite))
    return fail(ErrorCode::kInvalidArgument, "suite must be 1-64 of [a-z0-9._-]");
  if (!r.codename.empty() && !word(r.codename))
    return fail(ErrorCode::kInvalidArgument, "codename must be 1-64 of [a-z0-9._-]");
  if (r.components.empty() || r.architectures.empty())
    return fail(ErrorCode::kInvalidArgument, "give at least one component and one architecture");
  for (const auto& c : r.components) {
    if (!word(c))
      return fail(ErrorCode::kInvalidArgument, "invalid component '" + c + "'");
  }
  for (const auto& a : r.architectures) {
    if (auto s = validate_architecture(a); !s || a == "all")
      return fail(ErrorCode::kInvalidArgument,
                  "invalid architecture '" + a + "' (use amd64, arm64, …)");
  }
  return ok();
}

Error repo_not_found(const std::string& name) {
  return Error{ErrorCode::kNotFound, "repository " + name + " not found"};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string RepositoryService::repo_root(const std::string& tenant_id,
                                         const std::string& repo) const {
  return apt_root_ + "/" + tenant_id + "/" + repo;
}

Result<store::AptRepo> RepositoryService::create(const std::string& tenant_id,
                                                 const NewRepo& request, const Actor& actor) {
  NewRepo r = request;
  if (r.suite.empty())
    r.suite = r.name;
  if (auto s = validate(r); !s)
    return fail(s.error());
  store::AptRepo repo{tenant_id,    r.name,          r.suite,  r.codename,
                      r.components, r.architectures, now_ms(), std::nullopt};
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    if (auto s = store::AptRepositoryStore(c).insert_repo(repo); !s) {
      if (s.error().code == ErrorCode::kConflict)
        return fail(ErrorCode::kConflict, "repository " + r.name + " exists already");
      return fail(s.error());
    }
    return audit::append(c, actor, {tenant_id, "repo.create", r.name, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return repo;
}

Result<std::vector<store::AptRepo>> RepositoryService::list(const std::string& tenant_id) {
  return db_->read(
      [&](store::Connection& c) { return store::AptRepositoryStore(c).list_repos(tenant_id); });
}

Result<store::AptRepo> RepositoryService::get(const std::string& tenant_id,
                                              const std::string& name) {
  auto repo = db_->read([&](store::Connection& c) {
    return store::AptRepositoryStore(c).find_repo(tenant_id, name);
  });
  if (!repo)
    return fail(repo.error());
  if (!*repo)
    return fail(repo_not_found(name));
  return **repo;
}

Status RepositoryService::remove(const std::string& tenant_id, const std::string& name,
                                 const Actor& actor) {
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    auto removed = store::AptRepositoryStore(c).remove_repo(tenant_id, name);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(repo_not_found(name));
    return audit::append(c, actor, {tenant_id, "repo.delete", name, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  std::error_code ec;
  fs::remove_all(repo_root(tenant_id, name), ec);  // after commit: the rows are gone already
  audit::publish(events_, *rec);
  return ok();
}

Result<UploadResult> RepositoryService::upload(const std::string& tenant_id,
                                               const std::string& repo_name,
                                               const std::string& component,
                                               const std::string& uploaded_file,
                                               const Actor& actor) {
  auto repo = get(tenant_id, repo_name);
  if (!repo)
    return fail(repo.error());
  if (!contains(repo->components, component)) {
    return fail(ErrorCode::kInvalidArgument,
                "component '" + component + "' is not one of this repository's components");
  }
  auto info = read_deb_file(uploaded_file);
  if (!info)
    return fail(info.error());
  const auto& control = info->control;
  if (control.architecture != "all" && !contains(repo->architectures, control.architecture)) {
    return fail(ErrorCode::kInvalidArgument, "architecture " + control.architecture +
                                                 " is not one of this repository's architectures");
  }
  auto digests = digest_file(uploaded_file);
  if (!digests)
    return fail(digests.error());
  store::AptPackage p;
  p.tenant_id = tenant_id;
  p.repo = repo_name;
  p.component = component;
  p.name = control.package;
  p.version = control.version_text;
  p.architecture = control.architecture;
  p.filename = pool_path(component, control);
  p.size = digests->size;
  p.md5 = digests->md5;
  p.sha1 = digests->sha1;
  p.sha256 = digests->sha256;
  p.sha512 = digests->sha512;
  p.control = control.paragraph.to_text();
  p.uploaded_by = actor.name;
  p.uploaded_at = now_ms();

  const fs::path target = fs::path(repo_root(tenant_id, repo_name)) / p.filename;
  auto same_or_conflict = [&](const store::AptPackage& existing) -> Result<UploadResult> {
    if (existing.sha256 != p.sha256) {
      return fail(ErrorCode::kConflict,
                  p.name + " " + p.version + " (" + p.architecture +
                      ") is already in this repository with different contents");
    }
    return UploadResult{existing, false};
  };
  store::AuditRecord record;
  bool placed = false;
  // The row is inserted first: on PostgreSQL a concurrent upload of the same package waits on it
  // and then fails, instead of both writing the pool file.
  auto done = db_->write([&](store::Connection& c) -> Result<std::optional<store::AptPackage>> {
    store::AptRepositoryStore store(c);
    auto existing = store.find_package(tenant_id, repo_name, p.name, p.version, p.architecture);
    if (!existing)
      return fail(existing.error());
    if (*existing)
      return *existing;
    if (auto s = store.insert_package(p); !s)
      return fail(s.error());
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    fs::remove(target, ec);  // a file without a row is debris of an earlier failure
    // A hard link (same file system: the upload dir is in the data dir) leaves the upload in
    // place, so a retried transaction can link it again; the server removes the upload after.
    fs::create_hard_link(uploaded_file, target, ec);
    if (ec)
      return fail(ErrorCode::kUnavailable, "cannot move the upload into the pool: " + ec.message());
    placed = true;
    auto rec = audit::append(
        c, actor,
        {tenant_id, "package.upload", p.name + "_" + p.version + "_" + p.architecture, "success",
         "{\"repo\":\"" + repo_name + "\",\"sha256\":\"" + p.sha256 + "\"}"});
    if (!rec)
      return fail(rec.error());
    record = *rec;
    return std::optional<store::AptPackage>{};
  });
  if (!done) {
    std::error_code ec;
    if (placed)
      fs::remove(target, ec);                         // nothing half-written: no row, no file
    if (done.error().code == ErrorCode::kConflict) {  // lost a race: decide like a repeat upload
      auto existing = db_->read([&](store::Connection& c) {
        return store::AptRepositoryStore(c).find_package(tenant_id, repo_name, p.name, p.version,
                                                         p.architecture);
      });
      if (existing && *existing)
        return same_or_conflict(**existing);
    }
    return fail(done.error());
  }
  if (*done)
    return same_or_conflict(**done);
  audit::publish(events_, record);
  return UploadResult{p, true};
}

Result<std::vector<store::AptPackage>> RepositoryService::packages(const std::string& tenant_id,
                                                                   const std::string& repo) {
  if (auto r = get(tenant_id, repo); !r)
    return fail(r.error());
  return db_->read(
      [&](store::Connection& c) { return store::AptRepositoryStore(c).packages(tenant_id, repo); });
}

Result<store::AptRepo> RepositoryService::publish(const std::string& tenant_id,
                                                  const std::string& repo_name,
                                                  const Actor& actor) {
  auto repo = get(tenant_id, repo_name);
  if (!repo)
    return fail(repo.error());
  auto rows = packages(tenant_id, repo_name);
  if (!rows)
    return fail(rows.error());
  auto signers = keys_.signers(tenant_id);
  if (!signers)
    return fail(signers.error());
  if (signers->empty()) {
    return fail(
        ErrorCode::kConflict,
        "the tenant has no signing key yet: create one with POST …/signing-keys, then publish");
  }
  PublishRequest req;
  req.repo_root = repo_root(tenant_id, repo_name);
  req.release.label = tenant_id + " " + repo_name;
  req.release.suite = repo->suite;
  req.release.codename = repo->codename;
  req.release.architectures = repo->architectures;
  req.release.components = repo->components;
  req.release.date = now_ms();
  for (const auto& component : repo->components) {
    for (const auto& arch : repo->architectures) {
      std::vector<IndexEntry> entries;
      for (const auto& p : *rows) {
        if (p.component != component || (p.architecture != arch && p.architecture != "all"))
          continue;
        auto control = parse_package_control(p.control);
        if (!control)
          return fail(ErrorCode::kInternal, "stored control of " + p.name + " does not parse");
        entries.push_back(
            IndexEntry{*control, p.filename, Digests{p.size, p.md5, p.sha1, p.sha256, p.sha512}});
      }
      auto files = packages_files(component, arch, std::move(entries));
      if (!files)
        return fail(files.error());
      for (auto& f : *files)
        req.files.push_back(std::move(f));
    }
  }
  req.signers = std::move(*signers);
  auto published = publish_suite(req);
  if (!published)
    return fail(published.error());
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    if (auto s =
            store::AptRepositoryStore(c).mark_published(tenant_id, repo_name, req.release.date);
        !s)
      return fail(s.error());
    return audit::append(c, actor,
                         {tenant_id, "repo.publish", repo_name, "success",
                          "{\"generation\":\"" + published->generation +
                              "\",\"packages\":" + std::to_string(rows->size()) + "}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  repo->published_at = req.release.date;
  return *repo;
}

}  // namespace epcfleet::apt
