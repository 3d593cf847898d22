#include "notification_form.hpp"

#include <algorithm>

namespace epcfleet::snmp::detail {
namespace {

constexpr int kPduTrapV1 = 0xA4;
constexpr int kPduInform = 0xA6;
constexpr int kPduTrapV2 = 0xA7;

const Oid kSysUpTime0{1, 3, 6, 1, 2, 1, 1, 3, 0};
const Oid kSnmpTrapOid0{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
const Oid kSnmpTraps{1, 3, 6, 1, 6, 3, 1, 1, 5};
const Oid kSnmpTrapAddress0{1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
const Oid kSnmpTrapEnterprise0{1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};

bool has(const std::vector<VarBind>& varbinds, const Oid& oid) {
  return std::any_of(varbinds.begin(), varbinds.end(),
                     [&](const VarBind& vb) { return vb.oid == oid; });
}

// RFC 3584 3.1 (2)-(3). snmpTrapCommunity.0 is left out on purpose: the community is a secret,
// and the notification ends up in an event store that viewers read.
bool translate_v1(Decoded& decoded, Notification& out) {
  if (decoded.generic_trap < 0 || decoded.generic_trap > 6)
    return false;
  if (decoded.generic_trap == 6) {
    if (decoded.enterprise.size() + 2 > Oid::kMaxLength || decoded.specific_trap < 0)
      return false;
    out.trap_oid = decoded.enterprise;
    out.trap_oid.push_back(0);
    out.trap_oid.push_back(static_cast<std::uint32_t>(decoded.specific_trap));
  } else {
    out.trap_oid = kSnmpTraps;
    out.trap_oid.push_back(static_cast<std::uint32_t>(decoded.generic_trap + 1));
  }
  out.uptime_ticks = decoded.time_stamp;
  out.varbinds = std::move(decoded.varbinds);
  if (!has(out.varbinds, kSnmpTrapAddress0)) {
    VarBind address;
    address.oid = kSnmpTrapAddress0;
    address.type = ValueType::kIpAddress;
    address.value = decoded.agent_address;
    out.varbinds.push_back(std::move(address));
  }
  if (!has(out.varbinds, kSnmpTrapEnterprise0)) {
    VarBind enterprise;
    enterprise.oid = kSnmpTrapEnterprise0;
    enterprise.type = ValueType::kObjectId;
    enterprise.value = decoded.enterprise;
    out.varbinds.push_back(std::move(enterprise));
  }
  return true;
}

// RFC 3416 4.2.6/4.2.7: sysUpTime.0 first, snmpTrapOID.0 second. A sender that leaves out
// sysUpTime.0 still gets its notification through (uptime 0); one without snmpTrapOID.0 does not:
// there is nothing to say what happened.
bool read_v2(Decoded& decoded, Notification& out) {
  auto& vbs = decoded.varbinds;
  std::size_t first = 0;
  out.uptime_ticks = 0;
  if (!vbs.empty() && vbs[0].oid == kSysUpTime0) {
    if (const auto ticks = vbs[0].as_uint(); ticks && vbs[0].type == ValueType::kTimeTicks)
      out.uptime_ticks = *ticks;
    first = 1;
  }
  if (first >= vbs.size() || vbs[first].oid != kSnmpTrapOid0 || vbs[first].as_oid() == nullptr)
    return false;
  out.trap_oid = *vbs[first].as_oid();
  out.varbinds.clear();
  out.varbinds.reserve(vbs.size() - first - 1);
  for (std::size_t i = first + 1; i < vbs.size(); ++i)
    out.varbinds.push_back(std::move(vbs[i]));
  return true;
}

}  // namespace

bool to_notification(Decoded& decoded, Notification& out) {
  out.inform = decoded.pdu_type == kPduInform;
  if (decoded.version == 0)
    return decoded.pdu_type == kPduTrapV1 && translate_v1(decoded, out);
  if (decoded.pdu_type != kPduTrapV2 && decoded.pdu_type != kPduInform)
    return false;
  return read_v2(decoded, out);
}

}  // namespace epcfleet::snmp::detail
