#pragma once
// A decoded trap or inform in the one form the receiver delivers (RFC 3416's SNMPv2 form:
// sysUpTime.0, snmpTrapOID.0, then the varbinds), with SNMPv1 traps translated as RFC 3584 3.1
// says. Pure: no net-snmp, no I/O.

#include "codec.hpp"
#include "epcfleet/snmp/trap_receiver.hpp"

namespace epcfleet::snmp::detail {

// Sets out.inform, trap_oid, uptime_ticks and varbinds (moved out of `decoded`). False when the
// PDU is no notification (v1 Trap, v2 Trap or Inform) or lacks what the form needs: a v2
// notification without snmpTrapOID.0 among its first two varbinds, a v1 generic-trap outside 0-6.
bool to_notification(Decoded& decoded, Notification& out);

}  // namespace epcfleet::snmp::detail
