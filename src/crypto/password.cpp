#include "epcfleet/crypto/password.hpp"

#include <sodium.h>

#include "epcfleet/crypto/primitives.hpp"

namespace epcfleet::crypto {

Result<std::string> hash_password(std::string_view password) {
  initialize();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorCode::kUnavailable, "out of memory while hashing a password");
  }
  return std::string(out);
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  initialize();
  const std::string hash(stored_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& decoy_password_hash() {
  static const std::string hash = hash_password(random_urlsafe(24)).value_or(std::string{});
  return hash;
}

}  // namespace epcfleet::crypto
