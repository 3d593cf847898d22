#pragma once
// RFC 3414 A.2 password-to-key (Ku) with OpenSSL, without net-snmp: the hash of 1 MiB of the
// password repeated, with the user's auth hash (RFC 7860 for SHA-2). It is the expensive part of
// SNMPv3 keys (~5 ms), so the client computes it on a worker thread, where net-snmp (which is
// not reentrant, and busy on the client's thread) must not be called. Tested against net-snmp's
// generate_Ku and the RFC 3414 A.3 vectors.

#include <cstdint>
#include <string_view>
#include <vector>

#include "epcfleet/snmp/types.hpp"

namespace epcfleet::snmp::detail {

// Empty for AuthProtocol::kNone or an empty password.
std::vector<std::uint8_t> derive_master_key(AuthProtocol auth, std::string_view password);

}  // namespace epcfleet::snmp::detail
