// What snmp::TrapReceiver does with a datagram from the network (its TrapProcessor, without the
// socket): the unauthenticated header peek, the resolver's candidates (a v1/v2c community and v3
// users of every security level, as in the seed corpus), net-snmp's decoding with each
// candidate's keys, the RFC 3584 translation, and the inform responses and v3 reports it builds.
// Any bytes are delivered, counted or refused, never a crash, a leak or a read out of bounds.
#include <cstdint>
#include <string>
#include <vector>

#include "trap_processor.hpp"

namespace snmp = epcfleet::snmp;
namespace detail = epcfleet::snmp::detail;

namespace {

snmp::TrapCandidate user(const char* name, snmp::AuthProtocol auth, snmp::PrivProtocol priv) {
  snmp::TrapCandidate c;
  c.tenant = "t";
  c.device = name;
  c.user = name;
  c.auth_protocol = auth;
  c.auth_password = auth == snmp::AuthProtocol::kNone ? "" : "authpass123";
  c.priv_protocol = priv;
  c.priv_password = priv == snmp::PrivProtocol::kNone ? "" : "privpass123";
  return c;
}

std::vector<snmp::TrapCandidate> candidates() {
  snmp::TrapCandidate community;
  community.tenant = "t";
  community.device = "v2c";
  community.community = "public";
  return {community,
          user("shaaes", snmp::AuthProtocol::kSHA, snmp::PrivProtocol::kAES),
          user("md5des", snmp::AuthProtocol::kMD5, snmp::PrivProtocol::kDES),
          user("sha256aes256", snmp::AuthProtocol::kSHA256, snmp::PrivProtocol::kAES256),
          user("authonly", snmp::AuthProtocol::kSHA, snmp::PrivProtocol::kNone),
          user("noauth", snmp::AuthProtocol::kNone, snmp::PrivProtocol::kNone)};
}

detail::ProcessorOptions options() {
  detail::ProcessorOptions o;
  o.engine_id = std::string("\x80\x00\x7e\xd9\x04receiver", 13);  // v3-inform-sha-aes's
  o.engine_boots = 1;
  o.derive_inline = true;
  o.state_dir = "/tmp/epcfleet-snmp-fuzz";
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static detail::TrapProcessor processor(
      options(), [list = candidates()](const snmp::TrapSource&) { return list; });
  static snmp::Notification out;
  detail::Outcome outcome;
  const detail::Verdict verdict =
      processor.process(data, size, "127.0.0.1", 162, true, out, outcome);
  if (verdict == detail::Verdict::kAccepted) {
    for (const snmp::VarBind& vb : out.varbinds) {
      if (vb.oid.size() > snmp::Oid::kMaxLength)
        __builtin_trap();
      (void)vb.value_string();
    }
    (void)out.trap_oid.to_string();
  }
  if (outcome.reply && outcome.reply->empty())
    __builtin_trap();
  return 0;
}
