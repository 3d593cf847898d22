#pragma once
// crypto: the small set of primitives the platform uses, all from libsodium (random bytes,
// SHA-256, constant-time compare, hex/base64). Nothing here logs, and nothing returns a secret
// in an error message.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace epcfleet::crypto {

// Must be called once before any other function here (idempotent, thread-safe).
void initialize();

std::string random_bytes(std::size_t n);
// n random bytes as URL-safe base64 without padding (for tokens, ids, CSRF values).
std::string random_urlsafe(std::size_t n);
// A short random hex id (n bytes → 2n hex chars), for request ids and record ids.
std::string random_hex(std::size_t n);

std::string sha256(std::string_view data);  // raw 32 bytes
std::string sha256_hex(std::string_view data);

bool constant_time_equal(std::string_view a, std::string_view b);

std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace epcfleet::crypto
