#pragma once
// A tenant's repository signing keys: generated on demand (Ed25519 by default, RSA-4096 on
// request), the secret half sealed in the secrets vault and never handed out. Rotation keeps the
// previous key signing alongside the new one for an overlap period, so clients that only know
// the old key keep working until they have fetched the new one.

#include <memory>
#include <optional>
#include <vector>

#include "epcfleet/apt/openpgp.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::apt {

struct NewSigningKey {
  std::string algorithm = "ed25519";  // ed25519 | rsa4096
  int overlap_days = 14;              // how long the previous key keeps signing (0-365)
};

class SigningKeyService {
public:
  SigningKeyService(std::shared_ptr<store::Database> db, const secrets::SecretVault& vault,
                    EventPublisher& events)
      : db_(std::move(db)), vault_(vault), events_(events) {}

  // Makes a key the tenant's current one; a previous current key starts retiring.
  Result<store::SigningKeyRecord> create(const std::string& tenant_id, const NewSigningKey& request,
                                         const Actor& actor);
  // Newest first; retiring keys whose overlap has ended are shown as retired.
  Result<std::vector<store::SigningKeyRecord>> list(const std::string& tenant_id);
  Result<store::SigningKeyRecord> current(const std::string& tenant_id);
  // Signers for every key that signs now (current, then retiring), for publishing.
  Result<std::vector<Signer>> signers(const std::string& tenant_id);

private:
  std::shared_ptr<store::Database> db_;
  const secrets::SecretVault& vault_;
  EventPublisher& events_;
};

}  // namespace epcfleet::apt
