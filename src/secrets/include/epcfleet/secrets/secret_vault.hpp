#pragma once
// secrets: the one API through which every module keeps a secret (SNMP communities and keys,
// signing keys, enrollment tokens). Values are sealed with the master key (crypto::SecretBox)
// with "<tenant>/<id>" as associated data, stored in the secrets table, and handed back only to
// server code — never to the API, never to a log.

#include <optional>
#include <string>

#include "epcfleet/core/error.hpp"
#include "epcfleet/crypto/secret_box.hpp"
#include "epcfleet/store/database.hpp"

namespace epcfleet::secrets {

class SecretVault {
public:
  explicit SecretVault(crypto::SecretBox box) : box_(std::move(box)) {}

  // Seals and stores a new secret inside the caller's transaction; returns its id.
  Result<std::string> put(store::Connection& conn, const std::optional<std::string>& tenant_id,
                          const std::string& purpose, std::string_view plaintext) const;
  Result<std::string> get(store::Connection& conn, const std::string& id) const;
  Status replace(store::Connection& conn, const std::string& id, std::string_view plaintext) const;
  Status remove(store::Connection& conn, const std::string& id) const;

  // Re-seals every stored secret with the current key, in one transaction.
  Result<std::size_t> reseal_all(store::Database& db) const;

private:
  crypto::SecretBox box_;
};

}  // namespace epcfleet::secrets
