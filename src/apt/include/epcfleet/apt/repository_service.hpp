#pragma once
// A tenant's APT repositories: create and list them, take uploaded .deb files into the pool
// (validated, digested, refused when the same name/version/architecture already holds other
// bytes), and publish them as signed suites. Files live under <data>/apt/<tenant>/<repo>/.

#include <memory>
#include <string>
#include <vector>

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
  Result<store::AptRepo> publish(const std::string& tenant_id, const std::string& repo,
                                 const Actor& actor);

  // <data>/apt/<tenant>/<repo>: holds dists/ and pool/.
  std::string repo_root(const std::string& tenant_id, const std::string& repo) const;

private:
  std::shared_ptr<store::Database> db_;
  SigningKeyService& keys_;
  EventPublisher& events_;
  std::string apt_root_;
};

}  // namespace epcfleet::apt
