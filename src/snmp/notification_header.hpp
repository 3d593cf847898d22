#pragma once
// What the trap receiver reads of a datagram before it knows who sent it: version, community
// (v1/v2c) or the v3 USM header (flags, engine id, boots/time, user name), and the PDU type and
// request-id where they are in clear. Nothing here is authenticated; it only decides whom to ask
// for credentials and how to decode the rest. Read with net-snmp's BER primitives.

#include <cstdint>
#include <optional>
#include <string>

namespace epcfleet::snmp::detail {

struct NotificationHeader {
  int version = 0;        // 0 v1, 1 v2c, 3 v3
  std::string community;  // v1, v2c
  int pdu_type = 0;       // BER tag; 0 when encrypted (v3 authPriv)
  std::int32_t request_id = 0;

  // v3
  std::int32_t msg_id = 0;
  int flags = 0;  // msgFlags: 1 auth, 2 priv, 4 reportable
  std::string engine_id;
  std::uint32_t engine_boots = 0;
  std::uint32_t engine_time = 0;
  std::string user;
  std::string context_name;  // when in clear

  int security_level() const { return (flags & 1) == 0 ? 1 : (flags & 2) == 0 ? 2 : 3; }
  bool reportable() const { return (flags & 4) != 0; }
};

// Fills `out` (reusing its storage); false when the datagram is not an SNMP message we can read
// (v3: only the USM security model).
bool peek_notification(const std::uint8_t* data, std::size_t size, NotificationHeader& out);

}  // namespace epcfleet::snmp::detail
