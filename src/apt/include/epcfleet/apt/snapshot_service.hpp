#pragma once
// Snapshots: a repository's package set frozen under a name. The rows are copied and the pool
// files hard-linked into the snapshot's own directory, so later uploads, deletions, retention or
// even deleting the repository never change a snapshot. Publishing one lives in
// RepositoryService::publish.

#include <memory>
#include <string>
#include <vector>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::apt {

struct NewSnapshot {
  std::string name;
  std::string repo;
  std::string description;
};

class SnapshotService {
public:
  SnapshotService(std::shared_ptr<store::Database> db, EventPublisher& events, std::string data_dir)
      : db_(std::move(db)), events_(events), apt_root_(std::move(data_dir) + "/apt") {}

  Result<store::AptSnapshot> create(const std::string& tenant_id, const NewSnapshot& request,
                                    const Actor& actor);
  Result<std::vector<store::AptSnapshot>> list(const std::string& tenant_id);
  Result<store::AptSnapshot> get(const std::string& tenant_id, const std::string& name);
  Result<std::vector<store::AptPackage>> packages(const std::string& tenant_id,
                                                  const std::string& name);
  // Refused (409) while a repository's current publication is this snapshot.
  Status remove(const std::string& tenant_id, const std::string& name, const Actor& actor);

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
  std::string apt_root_;
};

}  // namespace epcfleet::apt
