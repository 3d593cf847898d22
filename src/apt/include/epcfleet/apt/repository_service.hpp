#pragma once
// A tenant's APT repositories: create and list them, take uploaded .deb files into the pool
// (validated, digested, refused when the same name/version/architecture already holds other
// bytes), and publish them as signed suites. Files live under <data>/apt/<tenant>/<repo>/.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "epcfleet/apt/index_writer.hpp"
#include "epcfleet/apt/piece_cache.hpp"
#include "epcfleet/apt/signing_key_service.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::apt {

struct NewRepo {
  std::string name;
  std::string suite;
  std::string codename;
  std::vector<std::string> components{"main"};
  std::vector<std::string> architectures{"amd64", "arm64"};
  std::int64_t keep_versions = 0;  // newest N versions per package and architecture; 0: all
};

// Progress of a long publish, for the events WebSocket.
struct PublishProgress {
  std::string stage;  // "index", "sign", "flip", "cleanup", "done"
  std::size_t done = 0;
  std::size_t total = 0;
};

struct UploadResult {
  store::AptPackage package;
  bool created = true;  // false: the same file was there already (idempotent upload)
};

class RepositoryService {
public:
  RepositoryService(std::shared_ptr<store::Database> db, SigningKeyService& keys,
                    EventPublisher& events, std::string data_dir)
      : db_(std::move(db)), keys_(keys), events_(events), apt_root_(std::move(data_dir) + "/apt") {}

  Result<store::AptRepo> create(const std::string& tenant_id, const NewRepo& request,
                                const Actor& actor);
  Result<std::vector<store::AptRepo>> list(const std::string& tenant_id);
  Result<store::AptRepo> get(const std::string& tenant_id, const std::string& name);
  Status remove(const std::string& tenant_id, const std::string& name, const Actor& actor);

  // Links the uploaded file into the pool on success (the caller removes the upload after).
  Result<UploadResult> upload(const std::string& tenant_id, const std::string& repo,
                              const std::string& component, const std::string& uploaded_file,
                              const Actor& actor);
  Result<std::vector<store::AptPackage>> packages(const std::string& tenant_id,
                                                  const std::string& repo);
  Result<store::AptRepo> set_keep_versions(const std::string& tenant_id, const std::string& repo,
                                           std::int64_t keep, const Actor& actor);
  Status remove_package(const std::string& tenant_id, const std::string& repo,
                        const std::string& name, const std::string& version,
                        const std::string& architecture, const Actor& actor);
  // Copies one version (every architecture of it, or just one) from another repository of the
  // tenant; the pool file is hard-linked, not copied.
  Result<std::vector<store::AptPackage>> copy(const std::string& tenant_id,
                                              const std::string& to_repo,
                                              const std::string& from_repo, const std::string& name,
                                              const std::string& version,
                                              const std::optional<std::string>& architecture,
                                              const Actor& actor);
  // Publishes the repository's packages, or (snapshot given) makes the snapshot's package set the
  // repository's and publishes that: promotion is publishing one snapshot in several repositories.
  Result<store::AptRepo> publish(const std::string& tenant_id, const std::string& repo,
                                 const std::optional<std::string>& snapshot, const Actor& actor);

  // <data>/apt/<tenant>/<repo>: holds dists/ and pool/.
  std::string repo_root(const std::string& tenant_id, const std::string& repo) const;

private:
  Status adopt_snapshot(const store::AptRepo& repo, const std::string& snapshot,
                        const Actor& actor);
  void report(const std::string& tenant_id, const std::string& repo,
              const PublishProgress& progress);
  Result<IndexItem> cached_item(const store::AptPackage& p);
  // One publish per repository at a time; a second one is refused at once (409) instead of
  // holding a worker thread while it waits, and instead of compressing the same index twice.
  bool begin_publish(const std::string& key);
  void end_publish(const std::string& key);

  std::shared_ptr<store::Database> db_;
  SigningKeyService& keys_;
  EventPublisher& events_;
  std::string apt_root_;
  PieceCache pieces_;
  std::mutex publishing_mutex_;
  std::set<std::string> publishing_;
};

}  // namespace epcfleet::apt
