#pragma once
// Secrets at rest. Every secret the platform keeps (SNMP communities and keys, signing keys,
// enrollment tokens) is sealed with the master key: XChaCha20-Poly1305 with associated data that
// binds the ciphertext to its owner (tenant and row), so a sealed value copied to another row
// does not open. The master key file holds one or more keys; the first seals, all open, which is
// what lets `epcfleetd rotate-master-key` re-seal everything without a window where a value
// cannot be read.

#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::crypto {

struct MasterKey {
  std::string id;   // 8 hex chars, written into every sealed value
  std::string key;  // 32 raw bytes
};

class SecretBox {
public:
  // Reads the key file (mode must not allow group/other access).
  static Result<SecretBox> load(const std::string& path);
  // Creates a new key file with one fresh key, mode 0600; refuses to overwrite.
  static Result<SecretBox> create(const std::string& path);
  static SecretBox from_keys(std::vector<MasterKey> keys);

  // "efs1.<key id>.<base64(nonce ‖ ciphertext)>"
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;
  Result<std::string> open(std::string_view sealed, std::string_view associated_data) const;
  // True when the value is sealed with a key other than the current one.
  bool needs_reseal(std::string_view sealed) const;

  const std::string& current_key_id() const { return keys_.front().id; }
  const std::vector<MasterKey>& keys() const { return keys_; }

  // Writes keys to path atomically (temp file, fsync, rename), mode 0600.
  static Status write_key_file(const std::string& path, const std::vector<MasterKey>& keys);
  static MasterKey generate_key();

private:
  explicit SecretBox(std::vector<MasterKey> keys) : keys_(std::move(keys)) {}
  std::vector<MasterKey> keys_;
};

}  // namespace epcfleet::crypto
