#pragma once
// OpenPGP keys and signatures for repository indexes, through librnp: no gpg, no agent, a fresh
// context per call (measured: Ed25519 signs in ~0.07 ms, RSA-4096 in 35-60 ms). Signatures use
// SHA-512, because sqv (newer apt's verifier) refuses SHA-1. The secret key leaves this module
// only as bytes to be sealed by the secrets vault.

#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

enum class KeyAlgorithm { kEd25519, kRsa4096 };

struct SigningKey {
  std::string fingerprint;     // 40 hex digits, upper case
  std::string secret_key;      // binary transferable secret key (seal it!)
  std::string public_armored;  // "-----BEGIN PGP PUBLIC KEY BLOCK-----…"
  std::string public_binary;   // for apt's Signed-By keyring files (*.gpg)
};

Result<SigningKey> generate_signing_key(KeyAlgorithm algorithm, const std::string& user_id);

class Signer;
// One signature per signer over the same text (key rotation: old and new key both sign).
Result<std::string> clearsign_all(const std::vector<Signer>& signers, std::string_view text);
Result<std::string> detached_signature_all(const std::vector<Signer>& signers,
                                           std::string_view text);

class Signer {
public:
  // From a key made by generate_signing_key (its secret_key bytes).
  static Result<Signer> load(std::string_view secret_key);
  // InRelease: the text with a cleartext signature around it.
  Result<std::string> clearsign(std::string_view text) const;
  // Release.gpg: an armored detached signature of the text.
  Result<std::string> detached_signature(std::string_view text) const;
  const std::string& fingerprint() const { return fingerprint_; }

  const std::string& secret_key() const { return secret_key_; }

private:
  Signer(std::string secret_key, std::string fingerprint)
      : secret_key_(std::move(secret_key)), fingerprint_(std::move(fingerprint)) {}
  Result<std::string> sign(std::string_view text, bool cleartext) const;

  std::string secret_key_;
  std::string fingerprint_;
};

}  // namespace epcfleet::apt
