#include "epcfleet/apt/repository_service.hpp"

#include <malloc.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "epcfleet/apt/deb_reader.hpp"
#include "epcfleet/apt/digests.hpp"
#include "epcfleet/apt/pool.hpp"
#include "epcfleet/apt/pool_gc.hpp"
#include "epcfleet/apt/publisher.hpp"
#include "epcfleet/apt/version.hpp"
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

Status validate(const NewRepo& r) {
  if (auto s = validate_tenant_id(r.name); !s)  // same slug rules as tenant ids
    return fail(ErrorCode::kInvalidArgument, "repository name: " + s.error().message);
  if (!is_name_word(r.suite))
    return fail(ErrorCode::kInvalidArgument, "suite must be 1-64 of [a-z0-9._-]");
  if (!r.codename.empty() && !is_name_word(r.codename))
    return fail(ErrorCode::kInvalidArgument, "codename must be 1-64 of [a-z0-9._-]");
  if (r.keep_versions < 0 || r.keep_versions > 1000)
    return fail(ErrorCode::kInvalidArgument, "keep_versions must be between 0 (keep all) and 1000");
  if (r.components.empty() || r.architectures.empty())
    return fail(ErrorCode::kInvalidArgument, "give at least one component and one architecture");
  for (const auto& c : r.components) {
    if (!is_name_word(c))
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

std::string package_key(const store::AptPackage& p) {
  return p.name + "_" + p.version + "_" + p.architecture;
}

// Removes the rows of `name` beyond the newest `keep` versions per architecture (keep 0: none) and
// returns their keys. Their pool files stay until the next publish's garbage collection.
Result<std::vector<std::string>> expire_versions(store::AptRepositoryStore& store,
                                                 const store::AptRepo& repo,
                                                 const std::string& name,
                                                 const std::string& repo_root) {
  std::vector<std::string> expired;
  if (repo.keep_versions <= 0)
    return expired;
  auto rows = store.versions(repo.tenant_id, repo.name, name);
  if (!rows)
    return fail(rows.error());
  std::map<std::string, std::vector<store::AptPackage>> by_arch;
  for (auto& p : *rows)
    by_arch[p.architecture].push_back(std::move(p));
  for (auto& [arch, versions] : by_arch) {
    std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
      auto va = parse_version(a.version);
      auto vb = parse_version(b.version);
      const int c = va && vb ? compare_versions(*va, *vb) : a.version.compare(b.version);
      return c > 0;  // newest first
    });
    for (std::size_t i = static_cast<std::size_t>(repo.keep_versions); i < versions.size(); ++i) {
      auto removed = store.remove_package(repo.tenant_id, repo.name, name, versions[i].version,
                                          versions[i].architecture);
      if (!removed)
        return fail(removed.error());
      expired.push_back(package_key(versions[i]));
    }
  }
  if (!expired.empty())
    mark_pool_garbage(repo_root);  // before the commit: a crash after it leaves a harmless mark
  return expired;
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& i : items) {
    if (out.size() > 1)
      out += ",";
    out += "\"" + json_escape(i) + "\"";
  }
  return out + "]";
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
  store::AptRepo repo;
  repo.tenant_id = tenant_id;
  repo.name = r.name;
  repo.suite = r.suite;
  repo.codename = r.codename;
  repo.components = r.components;
  repo.architectures = r.architectures;
  repo.created_at = now_ms();
  repo.keep_versions = r.keep_versions;
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
  DigestStream digest_stream;
  auto info = read_deb_file(uploaded_file, {}, &digest_stream);
  if (!info)
    return fail(info.error());
  const auto& control = info->control;
  if (control.architecture != "all" && !contains(repo->architectures, control.architecture)) {
    return fail(ErrorCode::kInvalidArgument, "architecture " + control.architecture +
                                                 " is not one of this repository's architectures");
  }
  const auto digests = digest_stream.finish();
  store::AptPackage p;
  p.tenant_id = tenant_id;
  p.repo = repo_name;
  p.component = component;
  p.name = control.package;
  p.version = control.version_text;
  p.architecture = control.architecture;
  p.filename = pool_path(component, control);
  p.size = digests.size;
  p.md5 = digests.md5;
  p.sha1 = digests.sha1;
  p.sha256 = digests.sha256;
  p.sha512 = digests.sha512;
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
    auto expired = expire_versions(store, *repo, p.name, repo_root(tenant_id, repo_name));
    if (!expired)
      return fail(expired.error());
    auto rec = audit::append(c, actor,
                             {tenant_id, "package.upload", package_key(p), "success",
                              "{\"repo\":\"" + repo_name + "\",\"sha256\":\"" + p.sha256 +
                                  "\",\"expired\":" + json_list(*expired) + "}"});
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

Result<store::AptRepo> RepositoryService::set_keep_versions(const std::string& tenant_id,
                                                            const std::string& repo_name,
                                                            std::int64_t keep, const Actor& actor) {
  if (keep < 0 || keep > 1000)
    return fail(ErrorCode::kInvalidArgument, "keep_versions must be between 0 (keep all) and 1000");
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::AptRepositoryStore store(c);
    auto repo = store.find_repo(tenant_id, repo_name);
    if (!repo)
      return fail(repo.error());
    if (!*repo)
      return fail(repo_not_found(repo_name));
    if (auto s = store.set_keep_versions(tenant_id, repo_name, keep); !s)
      return fail(s.error());
    (*repo)->keep_versions = keep;
    auto rows = store.packages(tenant_id, repo_name);
    if (!rows)
      return fail(rows.error());
    std::set<std::string> names;
    for (const auto& p : *rows)
      names.insert(p.name);
    std::vector<std::string> expired;
    for (const auto& name : names) {
      auto e = expire_versions(store, **repo, name, repo_root(tenant_id, repo_name));
      if (!e)
        return fail(e.error());
      expired.insert(expired.end(), e->begin(), e->end());
    }
    return audit::append(c, actor,
                         {tenant_id, "repo.update", repo_name, "success",
                          "{\"keep_versions\":" + std::to_string(keep) +
                              ",\"expired\":" + json_list(expired) + "}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return get(tenant_id, repo_name);
}

Status RepositoryService::remove_package(const std::string& tenant_id, const std::string& repo,
                                         const std::string& name, const std::string& version,
                                         const std::string& architecture, const Actor& actor) {
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::AptRepositoryStore store(c);
    auto found = store.find_repo(tenant_id, repo);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(repo_not_found(repo));
    mark_pool_garbage(repo_root(tenant_id, repo));
    auto removed = store.remove_package(tenant_id, repo, name, version, architecture);
    if (!removed)
      return fail(removed.error());
    if (!*removed) {
      return fail(ErrorCode::kNotFound,
                  name + " " + version + " (" + architecture + ") is not in this repository");
    }
    return audit::append(c, actor,
                         {tenant_id, "package.delete", name + "_" + version + "_" + architecture,
                          "success", "{\"repo\":\"" + repo + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return ok();
}

Result<std::vector<store::AptPackage>> RepositoryService::copy(
    const std::string& tenant_id, const std::string& to_repo, const std::string& from_repo,
    const std::string& name, const std::string& version,
    const std::optional<std::string>& architecture, const Actor& actor) {
  if (to_repo == from_repo)
    return fail(ErrorCode::kInvalidArgument, "source and target are the same repository");
  auto target = get(tenant_id, to_repo);
  if (!target)
    return fail(target.error());
  if (auto source = get(tenant_id, from_repo); !source)
    return fail(source.error());
  std::vector<store::AptPackage> copied;
  std::vector<fs::path> linked;
  store::AuditRecord record;
  auto done = db_->write([&](store::Connection& c) -> Result<bool> {
    copied.clear();
    store::AptRepositoryStore store(c);
    auto rows = store.versions(tenant_id, from_repo, name);
    if (!rows)
      return fail(rows.error());
    std::size_t matched = 0;
    for (auto p : *rows) {
      if (p.version != version || (architecture && p.architecture != *architecture))
        continue;
      ++matched;
      if (!contains(target->components, p.component)) {
        return fail(ErrorCode::kInvalidArgument,
                    "component " + p.component + " is not one of " + to_repo + "'s components");
      }
      if (p.architecture != "all" && !contains(target->architectures, p.architecture)) {
        return fail(
            ErrorCode::kInvalidArgument,
            "architecture " + p.architecture + " is not one of " + to_repo + "'s architectures");
      }
      auto existing = store.find_package(tenant_id, to_repo, p.name, p.version, p.architecture);
      if (!existing)
        return fail(existing.error());
      if (*existing) {
        if ((*existing)->sha256 != p.sha256) {
          return fail(ErrorCode::kConflict,
                      package_key(p) + " is already in " + to_repo + " with different contents");
        }
        continue;  // already there: copying again changes nothing
      }
      const fs::path from = fs::path(repo_root(tenant_id, from_repo)) / p.filename;
      const fs::path to = fs::path(repo_root(tenant_id, to_repo)) / p.filename;
      p.repo = to_repo;
      if (auto s = store.insert_package(p); !s)
        return fail(s.error());
      std::error_code ec;
      fs::create_directories(to.parent_path(), ec);
      fs::remove(to, ec);
      fs::create_hard_link(from, to, ec);
      if (ec)
        return fail(ErrorCode::kUnavailable, "cannot link " + p.filename + ": " + ec.message());
      linked.push_back(to);
      copied.push_back(p);
    }
    if (matched == 0)
      return fail(ErrorCode::kNotFound, name + " " + version + " is not in " + from_repo);
    if (copied.empty())
      return false;
    auto e = expire_versions(store, *target, name, repo_root(tenant_id, to_repo));
    if (!e)
      return fail(e.error());
    std::vector<std::string> keys;
    for (const auto& p : copied)
      keys.push_back(package_key(p));
    auto rec = audit::append(
        c, actor,
        {tenant_id, "package.copy", name + "_" + version, "success",
         "{\"from\":\"" + from_repo + "\",\"to\":\"" + to_repo +
             "\",\"packages\":" + json_list(keys) + ",\"expired\":" + json_list(*e) + "}"});
    if (!rec)
      return fail(rec.error());
    record = *rec;
    return true;
  });
  if (!done) {
    std::error_code ec;
    for (const auto& f : linked)
      fs::remove(f, ec);  // nothing half-done: no rows, so no links either
    return fail(done.error());
  }
  if (*done)
    audit::publish(events_, record);
  return copied;
}

Result<IndexItem> RepositoryService::cached_item(const store::AptPackage& p) {
  // The paragraph follows from the file (its digest fixes control and size) and its pool path.
  const std::string key = p.sha256 + " " + p.filename;
  if (auto paragraph = pieces_.find_paragraph(key)) {
    auto version = parse_version(p.version);
    if (!version)
      return fail(ErrorCode::kInternal, "stored version of " + p.name + " does not parse");
    return IndexItem{p.name, std::move(*version), p.version, std::move(paragraph)};
  }
  auto control = parse_package_control(p.control);
  if (!control)
    return fail(ErrorCode::kInternal, "stored control of " + p.name + " does not parse");
  auto item = index_item(
      IndexEntry{*control, p.filename, Digests{p.size, p.md5, p.sha1, p.sha256, p.sha512}});
  pieces_.put_paragraph(key, item.paragraph);
  return item;
}

void RepositoryService::report(const std::string& tenant_id, const std::string& repo,
                               const PublishProgress& progress) {
  events_.publish(Event{tenant_id, "apt.publish.progress",
                        "{\"tenant\":\"" + tenant_id + "\",\"repo\":\"" + repo + "\",\"stage\":\"" +
                            progress.stage + "\",\"done\":" + std::to_string(progress.done) +
                            ",\"total\":" + std::to_string(progress.total) + "}",
                        Role::kViewer});
}

Status RepositoryService::adopt_snapshot(const store::AptRepo& repo, const std::string& snapshot,
                                         const Actor& actor) {
  auto rows = db_->read([&](store::Connection& c) -> Result<std::vector<store::AptPackage>> {
    auto found = store::AptSnapshotStore(c).find(repo.tenant_id, snapshot);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "snapshot " + snapshot + " not found");
    return store::AptSnapshotStore(c).packages(repo.tenant_id, snapshot);
  });
  if (!rows)
    return fail(rows.error());
  for (const auto& p : *rows) {
    if (!contains(repo.components, p.component) ||
        (p.architecture != "all" && !contains(repo.architectures, p.architecture))) {
      return fail(ErrorCode::kInvalidArgument, "snapshot " + snapshot + " holds " + package_key(p) +
                                                   " in component " + p.component + ", which " +
                                                   repo.name + " does not carry");
    }
  }
  // Link the snapshot's files first: a failure here changes no row.
  const fs::path from_root = snapshot_dir(apt_root_, repo.tenant_id, snapshot);
  const fs::path to_root = repo_root(repo.tenant_id, repo.name);
  for (const auto& p : *rows) {
    std::error_code ec;
    const fs::path to = to_root / p.filename;
    if (fs::exists(to, ec))
      continue;  // same path means same name/version/arch; rows below decide which bytes count
    fs::create_directories(to.parent_path(), ec);
    fs::create_hard_link(from_root / p.filename, to, ec);
    if (ec)
      return fail(ErrorCode::kUnavailable, "cannot link " + p.filename + ": " + ec.message());
  }
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::AptRepositoryStore store(c);
    auto current = store.packages(repo.tenant_id, repo.name);
    if (!current)
      return fail(current.error());
    for (const auto& p : *rows) {
      for (const auto& q : *current) {
        if (package_key(p) == package_key(q) && p.sha256 != q.sha256) {
          return fail(ErrorCode::kConflict, package_key(p) + " differs between snapshot " +
                                                snapshot + " and " + repo.name +
                                                "; delete it from " + repo.name + " first");
        }
      }
    }
    mark_pool_garbage(repo_root(repo.tenant_id, repo.name));
    if (auto s = store.remove_all_packages(repo.tenant_id, repo.name); !s)
      return fail(s.error());
    for (auto p : *rows) {
      p.repo = repo.name;
      if (auto s = store.insert_package(p); !s)
        return fail(s.error());
    }
    return audit::append(
        c, actor,
        {repo.tenant_id, "repo.adopt_snapshot", repo.name, "success",
         "{\"snapshot\":\"" + snapshot + "\",\"packages\":" + std::to_string(rows->size()) + "}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return ok();
}

bool RepositoryService::begin_publish(const std::string& key) {
  std::lock_guard lock(publishing_mutex_);
  return publishing_.insert(key).second;
}

void RepositoryService::end_publish(const std::string& key) {
  std::lock_guard lock(publishing_mutex_);
  publishing_.erase(key);
}

Result<store::AptRepo> RepositoryService::publish(const std::string& tenant_id,
                                                  const std::string& repo_name,
                                                  const std::optional<std::string>& snapshot,
                                                  const Actor& actor) {
  auto repo = get(tenant_id, repo_name);
  if (!repo)
    return fail(repo.error());
  const std::string key = tenant_id + "/" + repo_name;
  if (!begin_publish(key)) {
    return fail(ErrorCode::kConflict, "a publish of " + repo_name +
                                          " is running; its progress is on the events stream, "
                                          "publish again when it is done");
  }
  struct EndPublish {
    RepositoryService& self;
    const std::string& key;
    ~EndPublish() { self.end_publish(key); }
  } end_publish_guard{*this, key};
  auto signers = keys_.signers(tenant_id);
  if (!signers)
    return fail(signers.error());
  if (signers->empty()) {
    return fail(
        ErrorCode::kConflict,
        "the tenant has no signing key yet: create one with POST …/signing-keys, then publish");
  }
  if (snapshot) {
    if (auto s = adopt_snapshot(*repo, *snapshot, actor); !s)
      return fail(s.error());
  }
  const TimestampMs started = now_ms();
  auto rows = packages(tenant_id, repo_name);
  if (!rows)
    return fail(rows.error());
  PublishRequest req;
  req.repo_root = repo_root(tenant_id, repo_name);
  req.release.label = tenant_id + " " + repo_name;
  req.release.suite = repo->suite;
  req.release.codename = repo->codename;
  req.release.architectures = repo->architectures;
  req.release.components = repo->components;
  req.release.date = started;
  const std::size_t indexes = repo->components.size() * repo->architectures.size();
  std::size_t built = 0;
  report(tenant_id, repo_name, {"index", built, indexes});
  // Each package's paragraph once (an "all" package goes into every architecture's index);
  // then the control texts are dropped: at 10,000 packages they are ~10 MB of the peak.
  std::vector<IndexItem> all_items;
  all_items.reserve(rows->size());
  for (auto& p : *rows) {
    auto item = cached_item(p);
    if (!item)
      return fail(item.error());
    all_items.push_back(std::move(*item));
    std::string().swap(p.control);
  }
  for (const auto& component : repo->components) {
    for (const auto& arch : repo->architectures) {
      std::vector<IndexItem> items;
      for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto& p = (*rows)[i];
        if (p.component != component || (p.architecture != arch && p.architecture != "all"))
          continue;
        items.push_back(all_items[i]);
      }
      auto files = packages_files(component, arch, std::move(items), &pieces_);
      if (!files)
        return fail(files.error());
      for (auto& f : *files)
        req.files.push_back(std::move(f));
      ++built;
      report(tenant_id, repo_name, {"index", built, indexes});
    }
  }
  all_items.clear();
  all_items.shrink_to_fit();
  report(tenant_id, repo_name, {"sign", built, indexes});
  req.signers = std::move(*signers);
  auto published = publish_suite(req);
  if (!published)
    return fail(published.error());
  report(tenant_id, repo_name, {"cleanup", built, indexes});
  Result<std::optional<PoolGcResult>> gc = std::optional<PoolGcResult>{};
  if (pool_garbage_marked(req.repo_root)) {
    std::set<std::string> referenced;
    for (const auto& p : *rows)
      referenced.insert(p.filename);
    gc = collect_marked_pool_garbage(req.repo_root, referenced, started);
  }
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    if (auto s = store::AptRepositoryStore(c).mark_published(tenant_id, repo_name, req.release.date,
                                                             snapshot);
        !s)
      return fail(s.error());
    return audit::append(
        c, actor,
        {tenant_id, "repo.publish", repo_name, "success",
         "{\"generation\":\"" + published->generation +
             "\",\"packages\":" + std::to_string(rows->size()) +
             ",\"snapshot\":" + (snapshot ? "\"" + *snapshot + "\"" : std::string("null")) +
             ",\"pool_files_removed\":" + std::to_string(gc && *gc ? (*gc)->files_removed : 0) +
             "}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  report(tenant_id, repo_name, {"done", built, indexes});
  // A publish of a large repository allocates its index several times over; give the freed
  // arenas back to the system instead of keeping the peak as resident memory.
  ::malloc_trim(0);
  return get(tenant_id, repo_name);
}

}  // namespace epcfleet::apt
