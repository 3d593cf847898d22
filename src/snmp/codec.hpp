#pragma once
// The only door to net-snmp (codec.cpp includes its headers; nothing else does): messages to
// bytes and back, key derivation, and the per-message installation of a v3 user's keys and its
// engine's boots/time into net-snmp's process-wide USM tables.
//
// Why the installation: net-snmp's USM finds keys in a global user list keyed by (engine id,
// user name) and engine times in a global table keyed by engine id. Devices cloned from one
// image share engine ids (across tenants too), and a cached user never notices a password
// change. So the list holds exactly one user, rewritten from the target's own credentials
// before every encode and decode, and engine times are set from (and read back into) the
// client's per-device state around every message. Nothing stale can be picked up.
//
// net-snmp is not reentrant and its tables are process-wide: every call into it, from any Codec
// (one per client, each on its client's thread), holds one process-wide lock.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/snmp/types.hpp"

namespace epcfleet::snmp::detail {

// Keys of one v3 user: passwords turned into keys (Ku, RFC 3414 A.2: ~1 MB of hashing, the
// expensive part) and keys localized to one engine (Kul, one hash more).
struct UserKeys {
  std::vector<std::uint8_t> auth;
  std::vector<std::uint8_t> priv;
};

struct EngineTime {
  std::uint32_t boots = 0;
  std::uint32_t time = 0;
};

enum class PduKind : std::uint8_t { kGet, kGetNext, kGetBulk, kProbe };

struct EncodeRequest {
  PduKind kind = PduKind::kGet;
  std::int32_t id = 0;  // request-id, and msgID for v3
  const Target* target = nullptr;
  const std::vector<Oid>* oids = nullptr;
  int bulk_repetitions = 0;  // net-snmp #defines max_repetitions
  // v3 (not for probes): localized keys, the engine, and its boots/time estimated for now.
  const UserKeys* localized = nullptr;
  std::string_view engine_id;
  EngineTime engine_time;
};

enum class ReportKind : std::uint8_t {
  kNone,
  kUnknownEngineId,
  kNotInTimeWindow,
  kUnknownUserName,
  kWrongDigest,
  kDecryptionError,
  kUnsupportedSecurityLevel,
  kUnknownContext,
  kOther,
};

// The v3 security level a target asks for (1 noAuthNoPriv, 2 authNoPriv, 3 authPriv).
int security_level_of(const Target& target);

// Why a datagram could not be turned into a PDU. The USM ones are the v3 checks net-snmp makes
// on answers with the keys we installed.
enum class DecodeFailure : std::uint8_t {
  kNone,
  kMalformed,
  kAuthenticationFailure,
  kNotInTimeWindow,
  kDecryptionError,
  kUnknownUser,
  kOther,
};

struct Decoded {
  int version = 0;   // 0 v1, 1 v2c, 3 v3
  int pdu_type = 0;  // BER tag: 0xA2 response, 0xA8 report
  std::int32_t request_id = 0;
  std::int32_t msg_id = 0;
  int error_status = 0;
  int error_index = 0;
  std::vector<VarBind> varbinds;
  std::string community;
  std::string engine_id;                  // v3: msgAuthoritativeEngineID
  int security_level = 0;                 // v3: 1 noAuthNoPriv, 2 authNoPriv, 3 authPriv
  std::string security_name;              // v3: msgUserName
  std::optional<EngineTime> engine_time;  // v3: as net-snmp knows it after this message
  ReportKind report = ReportKind::kNone;
  DecodeFailure failure = DecodeFailure::kNone;
};

struct DecodeContext {
  // For v3: the target the message's id belongs to, its localized keys, and the engine state
  // to check timeliness against. Null target: v1/v2c (or unknown; v3 then fails to decode).
  const Target* target = nullptr;
  const UserKeys* localized = nullptr;
  std::string_view engine_id;
  EngineTime engine_time;
};

// The process-wide lock around net-snmp (peek_datagram takes it too).
std::mutex& g_mutex_for_peek();

class Codec {
public:
  // Initializes net-snmp for this process on first use (no config files, no persistence, no
  // MIB loading, no logging), with its files under `state_dir`.
  explicit Codec(const std::string& state_dir);
  ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Encodes a request. The returned bytes stay valid until the next call.
  std::optional<std::basic_string_view<std::uint8_t>> encode(const EncodeRequest& request,
                                                             std::string& error);
  // Decodes into `out`, reusing its storage (a loop decoding into one Decoded allocates little).
  void decode(const std::uint8_t* data, std::size_t size, const DecodeContext& context,
              Decoded& out);

  // Ku for a password (auth password with the auth hash; priv password with the auth hash too,
  // as RFC 3414 and net-snmp do). Empty on failure.
  static std::vector<std::uint8_t> password_to_key(AuthProtocol auth, std::string_view password);
  // Kul for an engine, the privacy key extended as the priv protocol needs (AES-192/256).
  static std::optional<UserKeys> localize(AuthProtocol auth, PrivProtocol priv,
                                          const UserKeys& master, std::string_view engine_id);

private:
  void install_user(const Target& target, const UserKeys* localized, std::string_view engine_id);
  void set_engine_time(std::string_view engine_id, EngineTime time);

  struct State;
  State* state_;
};

}  // namespace epcfleet::snmp::detail
