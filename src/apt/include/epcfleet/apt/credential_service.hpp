#pragma once
// Logins for apt clients: one username/password per device (or per fleet) and repository, for
// apt's auth.conf. Passwords are 160 random bits, shown once, and kept only as SHA-256: a slow
// password hash buys nothing against guessing a random secret, and apt sends the credential on
// every request (a dozen per `apt-get update`), so the check must be cheap.

#include <memory>
#include <string>
#include <vector>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::apt {

struct MintedCredential {
  store::AptCredential credential;
  std::string password;  // only here, once
};

class CredentialService {
public:
  CredentialService(std::shared_ptr<store::Database> db, EventPublisher& events)
      : db_(std::move(db)), events_(events) {}

  Result<MintedCredential> create(const std::string& tenant_id, const std::string& repo,
                                  const std::string& name, const Actor& actor);
  Result<std::vector<store::AptCredential>> list(const std::string& tenant_id,
                                                 const std::string& repo);
  Status revoke(const std::string& tenant_id, const std::string& repo, const std::string& id,
                const Actor& actor);
  // True when the login is a live credential of exactly this tenant's repository. Every other
  // case (unknown user, wrong password, another repository or tenant) is the same false.
  Result<bool> allows(const std::string& tenant_id, const std::string& repo,
                      const std::string& username, const std::string& password);

private:
  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
};

}  // namespace epcfleet::apt
