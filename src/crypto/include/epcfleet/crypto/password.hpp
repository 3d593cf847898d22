#pragma once
// Password hashing with argon2id (libsodium's interactive limits: ~0.3 s and 64 MiB per hash on
// this class of machine). Callers run it on a bounded worker pool behind the login rate limit.

#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::crypto {

Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password);
// A hash of a random password: verifying against it costs what a real check costs, so that an
// unknown username takes as long to reject as a wrong password.
const std::string& decoy_password_hash();

}  // namespace epcfleet::crypto
