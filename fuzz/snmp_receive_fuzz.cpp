// What snmp::Client does with a datagram from the network: peek its id, then decode it with
// net-snmp — as a v1/v2c answer, as an answer to an engine-id probe, or as a v3 answer with a
// user's localized keys installed (SHA/AES, MD5/DES, SHA-256/AES-256). Any bytes are decoded
// or refused, never a crash, a leak or a read out of bounds (in our code or net-snmp's).
#include <cstdint>
#include <string>
#include <vector>

#include "codec.hpp"
#include "epcfleet/snmp/client.hpp"

namespace snmp = epcfleet::snmp;
namespace detail = epcfleet::snmp::detail;

namespace {

struct Setup {
  Setup() : codec("/tmp/epcfleet-snmp-fuzz") {
    const std::string engine(
        "\x80\x00\x1f\x88\x04"
        "fastsim000001",
        18);
    for (int i = 0; i < 3; ++i) {
      snmp::Target& t = targets[i];
      t.address = "127.0.0.1";
      t.version = snmp::Version::kV3;
      t.user = i == 0 ? "simuser" : i == 1 ? "md5des" : "sha256";
      t.auth_protocol = i == 0   ? snmp::AuthProtocol::kSHA
                        : i == 1 ? snmp::AuthProtocol::kMD5
                                 : snmp::AuthProtocol::kSHA256;
      t.priv_protocol = i == 0   ? snmp::PrivProtocol::kAES
                        : i == 1 ? snmp::PrivProtocol::kDES
                                 : snmp::PrivProtocol::kAES256;
      t.auth_password = "authpass123";
      t.priv_password = "privpass123";
      detail::UserKeys master;
      master.auth = detail::Codec::password_to_key(t.auth_protocol, t.auth_password);
      master.priv = detail::Codec::password_to_key(t.auth_protocol, t.priv_password);
      keys[i] = *detail::Codec::localize(t.auth_protocol, t.priv_protocol, master, engine);
    }
    engine_id = engine;
    v2c.address = "127.0.0.1";
    v2c.community = "public";
  }
  detail::Codec codec;
  snmp::Target targets[3];
  detail::UserKeys keys[3];
  snmp::Target v2c;
  std::string engine_id;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Setup setup;
  if (size == 0)
    return 0;
  const int mode = data[0] % 5;
  ++data;
  --size;
  (void)snmp::peek_datagram(data, size);
  detail::DecodeContext context;
  if (mode == 1) {  // an answer to an engine-id probe
    context.target = &setup.targets[0];
  } else if (mode >= 2) {
    const int i = mode - 2;
    context.target = &setup.targets[i];
    context.localized = &setup.keys[i];
    context.engine_id = setup.engine_id;
    context.engine_time = detail::EngineTime{1, 100};
  }
  static detail::Decoded decoded;
  setup.codec.decode(data, size, context, decoded);
  for (const snmp::VarBind& vb : decoded.varbinds) {
    if (vb.oid.size() > snmp::Oid::kMaxLength)
      __builtin_trap();
    (void)vb.value_string();
  }
  return 0;
}
