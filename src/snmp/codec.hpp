#pragma once
// The only door to net-snmp (codec.cpp includes its headers; besides it only
// notification_header.cpp, for BER primitives): messages to bytes and back, key derivation, and
// the per-message installation of a v3 user's keys and its engine's boots/time into net-snmp's
// process-wide USM tables.
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
  // SNMPv1 Trap-PDU (pdu_type 0xA4) fields.
  Oid enterprise;
  std::string agent_address;  // 4 bytes, network order
  int generic_trap = 0;
  int specific_trap = 0;
  std::uint32_t time_stamp = 0;
};

struct DecodeContext {
  // For v3: the target the message's id belongs to, its localized keys, and the engine state
  // to check timeliness against. Null target: v1/v2c (or unknown; v3 then fails to decode).
  const Target* target = nullptr;
  const UserKeys* localized = nullptr;
  std::string_view engine_id;
  EngineTime engine_time;
  // Keep the parsed PDU (until the next decode) so that encode_response can answer it.
  bool keep_pdu = false;
  // Leave the engine's time record in net-snmp's table instead of dropping it (and do not read
  // it into Decoded::engine_time). For the trap receiver, which sets it before every decode
  // anyway: each record created and dropped costs three more MD5s of the engine id in
  // net-snmp's time table (a seventh of a v3 trap's CPU). It purges the table with
  // forget_engine_times().
  bool keep_engine_time = false;
};

// An answer of the trap receiver to a message it received.
struct ReplyRequest {
  // v3: the user the message authenticated as (null: none, for an unknownEngineID report), its
  // keys localized to `engine_id`, and that engine's boots/time to stamp the answer with.
  const Target* user = nullptr;
  const UserKeys* localized = nullptr;
  std::string_view engine_id;
  EngineTime engine_time;
};

// RFC 3414 reports the trap receiver sends as the authoritative engine of v3 informs.
enum class ReportReason : std::uint8_t { kUnknownEngineId, kNotInTimeWindow };
struct ReportRequest {
  ReportReason reason = ReportReason::kUnknownEngineId;
  std::int32_t msg_id = 0;
  std::int32_t request_id = 0;
  std::string_view user_name;     // as in the request
  std::string_view context_name;  // as in the request
  std::uint32_t counter = 0;      // the usmStats counter's value
  ReplyRequest reply;             // engine_id/time: ours; user and keys for kNotInTimeWindow
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

  // The Response to the PDU kept by the last decode (an inform's acknowledgement: same ids,
  // same varbinds, error-status 0). The PDU is consumed. The bytes stay valid until the next call.
  std::optional<std::basic_string_view<std::uint8_t>> encode_response(const ReplyRequest& request,
                                                                      std::string& error);
  std::optional<std::basic_string_view<std::uint8_t>> encode_report(const ReportRequest& request,
                                                                    std::string& error);
  // Empties net-snmp's engine time table (see DecodeContext::keep_engine_time). Safe for the
  // clients: they set their engines' times before each message and drop them after.
  void forget_engine_times();

  // Ku for a password (auth password with the auth hash; priv password with the auth hash too,
  // as RFC 3414 and net-snmp do). Empty on failure.
  static std::vector<std::uint8_t> password_to_key(AuthProtocol auth, std::string_view password);
  // Kul for an engine, the privacy key extended as the priv protocol needs (AES-192/256).
  static std::optional<UserKeys> localize(AuthProtocol auth, PrivProtocol priv,
                                          const UserKeys& master, std::string_view engine_id);

private:
  void install_user(const Target& target, const UserKeys* localized, std::string_view engine_id);
  void set_engine_time(std::string_view engine_id, EngineTime time);
  void drop_kept_pdu();
  // snmp_build of a netsnmp_pdu* (consumed), then forgets the engine's time.
  std::optional<std::basic_string_view<std::uint8_t>> build(void* pdu, std::string_view engine_id,
                                                            std::string& error);

  struct State;
  State* state_;
};

}  // namespace epcfleet::snmp::detail
