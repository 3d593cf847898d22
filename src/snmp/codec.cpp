// net-snmp is included here and nowhere else (its headers define thousands of macros).
#include "codec.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

// net-snmp's headers must come in this order.
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/keytools.h>
#include <net-snmp/library/lcd_time.h>
#include <net-snmp/library/scapi.h>
#include <net-snmp/library/snmpusm.h>
#include <net-snmp/library/transform_oids.h>
// clang-format on

#include "epcfleet/snmp/client.hpp"
#include "epcfleet/snmp/netsnmp_lock.hpp"

namespace epcfleet::snmp::detail {
namespace {

struct ProtocolOid {
  const oid* arcs;
  u_int length;
};

ProtocolOid auth_oid(AuthProtocol protocol) {
  switch (protocol) {
    case AuthProtocol::kNone: return {usmNoAuthProtocol, 10};
    case AuthProtocol::kMD5: return {usmHMACMD5AuthProtocol, 10};
    case AuthProtocol::kSHA: return {usmHMACSHA1AuthProtocol, 10};
    case AuthProtocol::kSHA224: return {usmHMAC128SHA224AuthProtocol, 10};
    case AuthProtocol::kSHA256: return {usmHMAC192SHA256AuthProtocol, 10};
    case AuthProtocol::kSHA384: return {usmHMAC256SHA384AuthProtocol, 10};
    case AuthProtocol::kSHA512: return {usmHMAC384SHA512AuthProtocol, 10};
  }
  return {usmNoAuthProtocol, 10};
}

// AES-192/256 as net-snmp's "AES192"/"AES256" (draft-blumenthal-aes-usm key extension), which is
// what snmpd and most agents mean by those names.
ProtocolOid priv_oid(PrivProtocol protocol) {
  switch (protocol) {
    case PrivProtocol::kNone: return {usmNoPrivProtocol, 10};
    case PrivProtocol::kDES: return {usmDESPrivProtocol, 10};
    case PrivProtocol::kAES: return {usmAESPrivProtocol, 10};
    case PrivProtocol::kAES192: return {usmAES192PrivProtocol, 9};
    case PrivProtocol::kAES256: return {usmAES256PrivProtocol, 9};
  }
  return {usmNoPrivProtocol, 10};
}

int security_level(const Target& target) {
  if (target.auth_protocol == AuthProtocol::kNone)
    return SNMP_SEC_LEVEL_NOAUTH;
  return target.priv_protocol == PrivProtocol::kNone ? SNMP_SEC_LEVEL_AUTHNOPRIV
                                                     : SNMP_SEC_LEVEL_AUTHPRIV;
}

// Replaces a malloc'd buffer owned by a net-snmp structure (it frees them with free()).
template <typename T>
void assign(T*& field, size_t& length, const T* data, size_t count) {
  if (field != nullptr && length == count &&
      (count == 0 || std::memcmp(field, data, count * sizeof(T)) == 0))
    return;
  std::free(field);
  field = static_cast<T*>(std::malloc(std::max<size_t>(count, 1) * sizeof(T)));
  if (count != 0)
    std::memcpy(field, data, count * sizeof(T));
  length = count;
}

void assign_string(char*& field, std::string_view value) {
  if (field != nullptr && value == field)
    return;
  std::free(field);
  field = static_cast<char*>(std::malloc(value.size() + 1));
  std::memcpy(field, value.data(), value.size());
  field[value.size()] = '\0';
}

// A NUL-terminated copy of exactly these bytes (strdup/strndup would stop at an embedded NUL
// while net-snmp copies the stated length: a user name from the network may contain one).
char* dup_string(std::string_view text) {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

u_char* dup_bytes(std::string_view bytes) {
  auto* out = static_cast<u_char*>(std::malloc(std::max<size_t>(bytes.size(), 1)));
  std::memcpy(out, bytes.data(), bytes.size());
  return out;
}

ReportKind report_kind(netsnmp_pdu* pdu) {
  switch (snmpv3_get_report_type(pdu)) {
    case SNMPERR_UNKNOWN_ENG_ID: return ReportKind::kUnknownEngineId;
    case SNMPERR_NOT_IN_TIME_WINDOW: return ReportKind::kNotInTimeWindow;
    case SNMPERR_UNKNOWN_USER_NAME: return ReportKind::kUnknownUserName;
    case SNMPERR_AUTHENTICATION_FAILURE: return ReportKind::kWrongDigest;
    case SNMPERR_DECRYPTION_ERR: return ReportKind::kDecryptionError;
    case SNMPERR_UNSUPPORTED_SEC_LEVEL: return ReportKind::kUnsupportedSecurityLevel;
    case SNMPERR_BAD_CONTEXT: return ReportKind::kUnknownContext;
    default: return ReportKind::kOther;
  }
}

DecodeFailure failure_of(int snmp_errno) {
  switch (snmp_errno) {
    case SNMPERR_USM_AUTHENTICATIONFAILURE:
    case SNMPERR_AUTHENTICATION_FAILURE: return DecodeFailure::kAuthenticationFailure;
    case SNMPERR_USM_NOTINTIMEWINDOW:
    case SNMPERR_NOT_IN_TIME_WINDOW: return DecodeFailure::kNotInTimeWindow;
    case SNMPERR_USM_DECRYPTIONERROR:
    case SNMPERR_DECRYPTION_ERR: return DecodeFailure::kDecryptionError;
    case SNMPERR_USM_UNKNOWNSECURITYNAME:
    case SNMPERR_UNKNOWN_USER_NAME: return DecodeFailure::kUnknownUser;
    case SNMPERR_ASN_PARSE_ERR:
    case SNMPERR_BAD_PARSE:
    case SNMPERR_BAD_VERSION:
    case SNMPERR_USM_PARSEERROR:
    case SNMPERR_INVALID_MSG: return DecodeFailure::kMalformed;
    default: return DecodeFailure::kOther;
  }
}

bool convert_oid(const oid* arcs, size_t length, Oid& out) {
  std::uint32_t buffer[MAX_OID_LEN];
  if (length > MAX_OID_LEN)
    return false;
  for (size_t i = 0; i < length; ++i) {
    if (arcs[i] > 0xFFFFFFFFUL)
      return false;
    buffer[i] = static_cast<std::uint32_t>(arcs[i]);
  }
  out.assign(buffer, length);
  return true;
}

bool convert_varbind(const netsnmp_variable_list* var, VarBind& out) {
  if (!convert_oid(var->name, var->name_length, out.oid))
    return false;
  const auto u32 = [&] { return static_cast<std::uint64_t>(*var->val.integer) & 0xFFFFFFFFULL; };
  const auto bytes = [&] {
    return var->val.string != nullptr
               ? std::string(reinterpret_cast<const char*>(var->val.string), var->val_len)
               : std::string();
  };
  switch (var->type) {
    case ASN_INTEGER:
      out.type = ValueType::kInteger;
      out.value = static_cast<std::int64_t>(*var->val.integer);
      return true;
    case ASN_COUNTER:
      out.type = ValueType::kCounter32;
      out.value = u32();
      return true;
    case ASN_GAUGE:
    case ASN_UINTEGER:
      out.type = ValueType::kGauge32;
      out.value = u32();
      return true;
    case ASN_TIMETICKS:
      out.type = ValueType::kTimeTicks;
      out.value = u32();
      return true;
    case ASN_COUNTER64:
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    case ASN_OPAQUE_COUNTER64:
    case ASN_OPAQUE_U64:
#endif
      out.type = ValueType::kCounter64;
      out.value = ((static_cast<std::uint64_t>(var->val.counter64->high) & 0xFFFFFFFFULL) << 32) |
                  (static_cast<std::uint64_t>(var->val.counter64->low) & 0xFFFFFFFFULL);
      return true;
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    case ASN_OPAQUE_I64:
      out.type = ValueType::kInteger;
      out.value = static_cast<std::int64_t>(
          ((static_cast<std::uint64_t>(var->val.counter64->high) & 0xFFFFFFFFULL) << 32) |
          (static_cast<std::uint64_t>(var->val.counter64->low) & 0xFFFFFFFFULL));
      return true;
    case ASN_OPAQUE_FLOAT:
      out.type = ValueType::kOpaque;
      out.value = std::to_string(*var->val.floatVal);
      return true;
    case ASN_OPAQUE_DOUBLE:
      out.type = ValueType::kOpaque;
      out.value = std::to_string(*var->val.doubleVal);
      return true;
#endif
    case ASN_OBJECT_ID: {
      Oid value;
      if (!convert_oid(var->val.objid, var->val_len / sizeof(oid), value))
        return false;
      out.type = ValueType::kObjectId;
      out.value = std::move(value);
      return true;
    }
    case ASN_IPADDRESS:
      out.type = ValueType::kIpAddress;
      out.value = bytes();
      return true;
    case ASN_OPAQUE:
      out.type = ValueType::kOpaque;
      out.value = bytes();
      return true;
    case ASN_NULL:
      out.type = ValueType::kNull;
      out.value = std::monostate{};
      return true;
    case SNMP_NOSUCHOBJECT:
      out.type = ValueType::kNoSuchObject;
      out.value = std::monostate{};
      return true;
    case SNMP_NOSUCHINSTANCE:
      out.type = ValueType::kNoSuchInstance;
      out.value = std::monostate{};
      return true;
    case SNMP_ENDOFMIBVIEW:
      out.type = ValueType::kEndOfMibView;
      out.value = std::monostate{};
      return true;
    default:  // OCTET STRING, BIT STRING and anything else that carries bytes
      out.type = ValueType::kOctetString;
      out.value = bytes();
      return true;
  }
}

std::once_flag g_init_once;

// net-snmp is not reentrant and its USM tables are process-wide: every Codec (one per client)
// takes this lock around each call, and they share the one user they rewrite per message.
std::mutex g_mutex;
usmUser* g_user = nullptr;
int g_user_refs = 0;

}  // namespace

std::mutex& g_mutex_for_peek() {
  return g_mutex;
}

namespace {

void init_library(const std::string& state_dir) {
  std::call_once(g_init_once, [&] {
    ::mkdir(state_dir.c_str(), 0700);
    // A library, not an application: no snmp.conf, no persistent files, no MIB parsing, no RFC
    // 5343 answers, no log output (failures reach the client as return codes).
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_DISCOVERY, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_REVERSE_ENCODE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, state_dir.c_str());
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_CONFIGURATION_DIR,
                          state_dir.c_str());
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, state_dir.c_str());
    // With no handler at all net-snmp falls back to stderr: register one that drops everything.
    snmp_disable_log();
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
    init_snmp("epcfleet-snmp");
  });
}

}  // namespace

std::mutex& netsnmp_mutex() {
  return g_mutex;
}

void init_netsnmp(const std::string& state_dir) {
  init_library(state_dir);
}

namespace {

constexpr std::size_t kMaxDatagram = 65536;
constexpr std::size_t kSlack = 4096;

}  // namespace

int security_level_of(const Target& target) {
  return security_level(target);
}

struct Codec::State {
  netsnmp_session build_session{};
  netsnmp_session parse_session{};
  usmUser* user = nullptr;  // g_user: the one user in net-snmp's list, rewritten per message
  u_char* buffer = nullptr;
  size_t buffer_size = 0;
  std::vector<u_char> rx = std::vector<u_char>(kMaxDatagram + kSlack);
  netsnmp_pdu* kept = nullptr;  // DecodeContext::keep_pdu, for encode_response
};

Codec::Codec(const std::string& state_dir) : state_(new State) {
  const std::lock_guard lock(g_mutex);
  init_library(state_dir);
  snmp_sess_init(&state_->build_session);
  state_->build_session.version = SNMP_DEFAULT_VERSION;
  snmp_sess_init(&state_->parse_session);
  state_->parse_session.version = SNMP_DEFAULT_VERSION;
  state_->parse_session.isAuthoritative = SNMP_SESS_NONAUTHORITATIVE;
  state_->buffer_size = 2048;
  state_->buffer = static_cast<u_char*>(std::malloc(state_->buffer_size));

  if (g_user_refs++ == 0) {
    g_user = usm_create_user();
    assign_string(g_user->name, "");
    assign_string(g_user->secName, "");
    g_user->userStatus = RS_ACTIVE;
    g_user->userStorageType = ST_READONLY;
    usm_add_user(g_user);
  }
  state_->user = g_user;
}

Codec::~Codec() {
  const std::lock_guard lock(g_mutex);
  if (--g_user_refs == 0) {
    usm_remove_user(g_user);
    usm_free_user(g_user);
    g_user = nullptr;
  }
  drop_kept_pdu();
  std::free(state_->buffer);
  delete state_;
}

void Codec::install_user(const Target& target, const UserKeys* localized,
                         std::string_view engine_id) {
  usmUser* user = state_->user;
  assign(user->engineID, user->engineIDLen, reinterpret_cast<const u_char*>(engine_id.data()),
         engine_id.size());
  assign_string(user->name, target.user);
  assign_string(user->secName, target.user);
  const ProtocolOid auth = auth_oid(target.auth_protocol);
  const ProtocolOid priv = priv_oid(target.priv_protocol);
  assign(user->authProtocol, user->authProtocolLen, auth.arcs, auth.length);
  assign(user->privProtocol, user->privProtocolLen, priv.arcs, priv.length);
  static const UserKeys kNoKeys;
  const UserKeys& keys = localized != nullptr ? *localized : kNoKeys;
  if (keys.auth.empty()) {
    std::free(user->authKey);
    user->authKey = nullptr;
    user->authKeyLen = 0;
  } else {
    assign(user->authKey, user->authKeyLen, keys.auth.data(), keys.auth.size());
  }
  if (keys.priv.empty()) {
    std::free(user->privKey);
    user->privKey = nullptr;
    user->privKeyLen = 0;
  } else {
    assign(user->privKey, user->privKeyLen, keys.priv.data(), keys.priv.size());
  }
}

void Codec::forget_engine_times() {
  const std::lock_guard lock(g_mutex);
  free_etimelist();
}

void Codec::drop_kept_pdu() {
  if (state_->kept != nullptr)
    snmp_free_pdu(state_->kept);
  state_->kept = nullptr;
}

void Codec::set_engine_time(std::string_view engine_id, EngineTime time) {
  if (engine_id.empty())
    return;
  set_enginetime(reinterpret_cast<const u_char*>(engine_id.data()),
                 static_cast<u_int>(engine_id.size()), time.boots, time.time, TRUE);
}

std::optional<std::basic_string_view<std::uint8_t>> Codec::encode(const EncodeRequest& request,
                                                                  std::string& error) {
  const std::lock_guard lock(g_mutex);
  const Target& target = *request.target;
  int command = SNMP_MSG_GET;
  if (request.kind == PduKind::kGetNext)
    command = SNMP_MSG_GETNEXT;
  else if (request.kind == PduKind::kGetBulk)
    command = SNMP_MSG_GETBULK;
  netsnmp_pdu* pdu = snmp_pdu_create(command);
  if (pdu == nullptr) {
    error = "out of memory";
    return std::nullopt;
  }
  pdu->reqid = request.id;
  pdu->msgid = request.id;
  pdu->msgMaxSize = 65507;
  if (command == SNMP_MSG_GETBULK) {
    pdu->non_repeaters = 0;
    pdu->max_repetitions = request.bulk_repetitions;
  }
  if (request.oids != nullptr) {
    oid arcs[MAX_OID_LEN];
    for (const Oid& o : *request.oids) {
      const size_t n = std::min<size_t>(o.size(), MAX_OID_LEN);
      for (size_t i = 0; i < n; ++i)
        arcs[i] = o[i];
      snmp_add_null_var(pdu, arcs, n);
    }
  }

  const bool v3 = target.version == Version::kV3;
  if (!v3) {
    pdu->version = target.version == Version::kV1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
    pdu->community = dup_bytes(target.community);
    pdu->community_len = target.community.size();
  } else {
    pdu->version = SNMP_VERSION_3;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    if (request.kind == PduKind::kProbe) {
      // RFC 3414 4: an unauthenticated request with an empty user and engine id makes the agent
      // report its engine id, boots and time.
      pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
      pdu->securityName = strdup("");
      pdu->securityNameLen = 0;
      pdu->contextName = strdup("");
      pdu->contextNameLen = 0;
    } else {
      pdu->securityLevel = security_level(target);
      pdu->securityName = dup_string(target.user);
      pdu->securityNameLen = target.user.size();
      pdu->securityEngineID = dup_bytes(request.engine_id);
      pdu->securityEngineIDLen = request.engine_id.size();
      pdu->contextEngineID = dup_bytes(request.engine_id);
      pdu->contextEngineIDLen = request.engine_id.size();
      pdu->contextName = dup_string(target.context);
      pdu->contextNameLen = target.context.size();
      install_user(target, request.localized, request.engine_id);
      set_engine_time(request.engine_id, request.engine_time);
    }
  }

  netsnmp_session* session = &state_->build_session;
  size_t offset = 0;
  const int rc = snmp_build(&state_->buffer, &state_->buffer_size, &offset, session, pdu);
  const bool forward = (pdu->flags & UCD_MSG_FLAG_FORWARD_ENCODE) != 0;
  const int snmp_err = session->s_snmp_errno;
  snmp_free_pdu(pdu);
  if (v3 && !request.engine_id.empty())
    free_enginetime(reinterpret_cast<unsigned char*>(const_cast<char*>(request.engine_id.data())),
                    request.engine_id.size());
  if (rc != 0 || forward) {
    error = std::string("encoding failed: ") + snmp_api_errstring(snmp_err);
    return std::nullopt;
  }
  return std::basic_string_view<std::uint8_t>(state_->buffer + state_->buffer_size - offset,
                                              offset);
}

void Codec::decode(const std::uint8_t* data, std::size_t size, const DecodeContext& context,
                   Decoded& out) {
  const std::lock_guard lock(g_mutex);
  out.version = 0;
  out.pdu_type = 0;
  out.request_id = 0;
  out.msg_id = 0;
  out.error_status = 0;
  out.error_index = 0;
  out.community.clear();
  out.engine_id.clear();
  out.security_level = 0;
  out.security_name.clear();
  out.engine_time.reset();
  out.report = ReportKind::kNone;
  out.failure = DecodeFailure::kNone;
  out.enterprise = Oid();
  out.agent_address.clear();
  out.generic_trap = 0;
  out.specific_trap = 0;
  out.time_stamp = 0;
  drop_kept_pdu();
  netsnmp_session* session = &state_->parse_session;
  // net-snmp 5.9.3 reads past the end of some malformed v3 messages (found by
  // fuzz/snmp_receive_fuzz: asn_parse_string under the USM's security-parameter parsing reads a
  // declared length beyond the datagram). Decode from our own buffer with zeroed slack behind the
  // datagram, so such reads see zeros instead of whatever the heap holds next.
  if (size > kMaxDatagram) {
    out.failure = DecodeFailure::kMalformed;
    out.varbinds.clear();
    return;
  }
  auto& rx = state_->rx;
  const auto load = [&] {
    std::memcpy(rx.data(), data, size);
    std::memset(rx.data() + size, 0, kSlack);
  };
  load();

  const bool v3_context = context.target != nullptr && context.target->version == Version::kV3;
  if (v3_context) {
    install_user(*context.target, context.localized, context.engine_id);
    set_engine_time(context.engine_id, context.engine_time);
  }

  auto parse = [&](netsnmp_pdu*& pdu) {
    pdu = static_cast<netsnmp_pdu*>(std::calloc(1, sizeof(netsnmp_pdu)));
    session->s_snmp_errno = 0;
    return snmp_parse(nullptr, session, pdu, rx.data(), size);
  };
  netsnmp_pdu* pdu = nullptr;
  int rc = parse(pdu);
  if (rc != 0 && v3_context && session->s_snmp_errno == SNMPERR_USM_UNKNOWNSECURITYNAME &&
      pdu->securityEngineIDLen != 0 &&
      std::string_view(reinterpret_cast<const char*>(pdu->securityEngineID),
                       pdu->securityEngineIDLen) != context.engine_id) {
    // An unauthenticated report from an engine id we did not expect (the device was replaced
    // or reconfigured): look again with the user under that engine id, so that the report
    // (unknownEngineID, most likely) can be read.
    const std::string other(reinterpret_cast<const char*>(pdu->securityEngineID),
                            pdu->securityEngineIDLen);
    snmp_free_pdu(pdu);
    load();
    install_user(*context.target, context.localized, other);
    rc = parse(pdu);
  }

  out.version = static_cast<int>(pdu->version);
  if (pdu->securityEngineIDLen != 0 && pdu->securityEngineID != nullptr)
    out.engine_id.assign(reinterpret_cast<const char*>(pdu->securityEngineID),
                         pdu->securityEngineIDLen);
  out.security_level = pdu->securityLevel;
  if (pdu->securityName != nullptr)
    out.security_name.assign(pdu->securityName, pdu->securityNameLen);
  if (rc != 0) {
    out.varbinds.clear();
    out.failure = failure_of(session->s_snmp_errno);
  } else {
    out.pdu_type = pdu->command;
    out.request_id = static_cast<std::int32_t>(pdu->reqid);
    out.msg_id = static_cast<std::int32_t>(pdu->msgid);
    out.error_status = static_cast<int>(pdu->errstat);
    out.error_index = static_cast<int>(pdu->errindex);
    if (pdu->community != nullptr)
      out.community.assign(reinterpret_cast<const char*>(pdu->community), pdu->community_len);
    std::size_t count = 0;
    for (auto* var = pdu->variables; var != nullptr; var = var->next_variable)
      ++count;
    out.varbinds.resize(count);  // elements left from the last datagram are overwritten
    std::size_t i = 0;
    for (auto* var = pdu->variables; var != nullptr; var = var->next_variable, ++i) {
      if (!convert_varbind(var, out.varbinds[i])) {
        out.failure = DecodeFailure::kMalformed;
        out.varbinds.clear();
        break;
      }
    }
    if (pdu->command == SNMP_MSG_REPORT)
      out.report = report_kind(pdu);
    if (pdu->command == SNMP_MSG_TRAP && out.failure == DecodeFailure::kNone) {
      if (!convert_oid(pdu->enterprise, pdu->enterprise_length, out.enterprise))
        out.failure = DecodeFailure::kMalformed;
      out.agent_address.assign(reinterpret_cast<const char*>(pdu->agent_addr), 4);
      out.generic_trap = static_cast<int>(pdu->trap_type);
      out.specific_trap = static_cast<int>(pdu->specific_type);
      out.time_stamp = static_cast<std::uint32_t>(pdu->time & 0xFFFFFFFFUL);
    }
  }
  if (out.version == SNMP_VERSION_3 && !out.engine_id.empty() && !context.keep_engine_time) {
    u_int boots = 0;
    u_int time = 0;
    auto* id = reinterpret_cast<const u_char*>(out.engine_id.data());
    const auto len = static_cast<u_int>(out.engine_id.size());
    if (get_enginetime(id, len, &boots, &time, FALSE) == SNMPERR_SUCCESS)
      out.engine_time = EngineTime{boots, time};
    free_enginetime(const_cast<u_char*>(id), len);
  }
  if (!context.engine_id.empty() && context.engine_id != out.engine_id && !context.keep_engine_time)
    free_enginetime(reinterpret_cast<unsigned char*>(const_cast<char*>(context.engine_id.data())),
                    context.engine_id.size());
  if (context.keep_pdu && rc == 0 && out.failure == DecodeFailure::kNone)
    state_->kept = pdu;
  else
    snmp_free_pdu(pdu);
}

std::optional<std::basic_string_view<std::uint8_t>> Codec::build(void* pdu_pointer,
                                                                 std::string_view engine_id,
                                                                 std::string& error) {
  auto* pdu = static_cast<netsnmp_pdu*>(pdu_pointer);
  netsnmp_session* session = &state_->build_session;
  size_t offset = 0;
  const int rc = snmp_build(&state_->buffer, &state_->buffer_size, &offset, session, pdu);
  const bool forward = (pdu->flags & UCD_MSG_FLAG_FORWARD_ENCODE) != 0;
  const int snmp_err = session->s_snmp_errno;
  snmp_free_pdu(pdu);
  if (!engine_id.empty())
    free_enginetime(reinterpret_cast<unsigned char*>(const_cast<char*>(engine_id.data())),
                    engine_id.size());
  if (rc != 0 || forward) {
    error = std::string("encoding failed: ") + snmp_api_errstring(snmp_err);
    return std::nullopt;
  }
  return std::basic_string_view<std::uint8_t>(state_->buffer + state_->buffer_size - offset,
                                              offset);
}

std::optional<std::basic_string_view<std::uint8_t>> Codec::encode_response(
    const ReplyRequest& request, std::string& error) {
  const std::lock_guard lock(g_mutex);
  netsnmp_pdu* pdu = state_->kept;
  state_->kept = nullptr;
  if (pdu == nullptr) {
    error = "no message to answer";
    return std::nullopt;
  }
  // What net-snmp's agent does with a request: the same PDU (ids, varbinds, v3 user, engine and
  // context) turned into a Response.
  pdu->command = SNMP_MSG_RESPONSE;
  pdu->errstat = 0;
  pdu->errindex = 0;
  pdu->flags &= ~static_cast<u_long>(UCD_MSG_FLAG_EXPECT_RESPONSE | SNMP_MSG_FLAG_RPRT_BIT);
  std::string_view engine_id;
  if (pdu->version == SNMP_VERSION_3) {
    engine_id = request.engine_id;
    if (request.user != nullptr)
      install_user(*request.user, request.localized, request.engine_id);
    set_engine_time(request.engine_id, request.engine_time);
  }
  return build(pdu, engine_id, error);
}

std::optional<std::basic_string_view<std::uint8_t>> Codec::encode_report(
    const ReportRequest& request, std::string& error) {
  const std::lock_guard lock(g_mutex);
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_REPORT);
  if (pdu == nullptr) {
    error = "out of memory";
    return std::nullopt;
  }
  const ReplyRequest& reply = request.reply;
  pdu->version = SNMP_VERSION_3;
  pdu->securityModel = SNMP_SEC_MODEL_USM;
  pdu->reqid = request.request_id;
  pdu->msgid = request.msg_id;
  pdu->msgMaxSize = 65507;
  pdu->securityName = dup_string(request.user_name);
  pdu->securityNameLen = request.user_name.size();
  pdu->securityEngineID = dup_bytes(reply.engine_id);
  pdu->securityEngineIDLen = reply.engine_id.size();
  pdu->contextEngineID = dup_bytes(reply.engine_id);
  pdu->contextEngineIDLen = reply.engine_id.size();
  pdu->contextName = dup_string(request.context_name);
  pdu->contextNameLen = request.context_name.size();
  // RFC 3414 3.2: usmStatsUnknownEngineIDs.0 unauthenticated (it is what discovery asks for);
  // usmStatsNotInTimeWindows.0 authenticated, so that the sender may trust our boots/time.
  static const oid kUnknownEngineIds[] = {1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0};
  static const oid kNotInTimeWindows[] = {1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0};
  const bool time = request.reason == ReportReason::kNotInTimeWindow;
  pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
  if (time && reply.user != nullptr) {
    pdu->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
    install_user(*reply.user, reply.localized, reply.engine_id);
  }
  const u_long value = request.counter;
  snmp_pdu_add_variable(pdu, time ? kNotInTimeWindows : kUnknownEngineIds, 11, ASN_COUNTER, &value,
                        sizeof(value));
  set_engine_time(reply.engine_id, reply.engine_time);
  return build(pdu, reply.engine_id, error);
}

std::vector<std::uint8_t> Codec::password_to_key(AuthProtocol auth, std::string_view password) {
  const std::lock_guard lock(g_mutex);
  const ProtocolOid hash = auth_oid(auth == AuthProtocol::kNone ? AuthProtocol::kSHA : auth);
  u_char key[SNMP_MAXBUF_SMALL];
  size_t key_length = sizeof(key);
  if (generate_Ku(hash.arcs, hash.length, reinterpret_cast<const u_char*>(password.data()),
                  password.size(), key, &key_length) != SNMPERR_SUCCESS)
    return {};
  return {key, key + key_length};
}

std::optional<UserKeys> Codec::localize(AuthProtocol auth, PrivProtocol priv,
                                        const UserKeys& master, std::string_view engine_id) {
  const std::lock_guard lock(g_mutex);
  UserKeys out;
  if (auth == AuthProtocol::kNone)
    return out;
  const ProtocolOid hash = auth_oid(auth);
  const auto* engine = reinterpret_cast<const u_char*>(engine_id.data());
  u_char key[SNMP_MAXBUF_SMALL];
  size_t key_length = sizeof(key);
  if (generate_kul(hash.arcs, hash.length, engine, engine_id.size(), master.auth.data(),
                   master.auth.size(), key, &key_length) != SNMPERR_SUCCESS)
    return std::nullopt;
  out.auth.assign(key, key + key_length);
  if (priv == PrivProtocol::kNone)
    return out;

  size_t buffer_size = SNMP_MAXBUF_SMALL;
  auto* priv_key = static_cast<u_char*>(std::malloc(buffer_size));
  size_t priv_length = buffer_size;
  if (generate_kul(hash.arcs, hash.length, engine, engine_id.size(), master.priv.data(),
                   master.priv.size(), priv_key, &priv_length) != SNMPERR_SUCCESS) {
    std::free(priv_key);
    return std::nullopt;
  }
  const ProtocolOid p = priv_oid(priv);
  const netsnmp_priv_alg_info* info = sc_get_priv_alg_byoid(p.arcs, p.length);
  if (info == nullptr) {
    std::free(priv_key);
    return std::nullopt;
  }
  // AES-192/256 need more key than a SHA-1 or MD5 hash gives: extend it the way the agent does.
  if (netsnmp_extend_kul(static_cast<u_int>(info->proper_length), const_cast<oid*>(hash.arcs),
                         hash.length, info->type, const_cast<u_char*>(engine),
                         static_cast<u_int>(engine_id.size()), &priv_key, &priv_length,
                         static_cast<u_int>(buffer_size)) != SNMPERR_SUCCESS) {
    std::free(priv_key);
    return std::nullopt;
  }
  out.priv.assign(priv_key, priv_key + priv_length);
  std::free(priv_key);
  return out;
}

}  // namespace epcfleet::snmp::detail

namespace epcfleet::snmp {

std::optional<DatagramHeader> peek_datagram(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size < 2)
    return std::nullopt;
  const std::lock_guard lock(detail::g_mutex_for_peek());
  auto* p = const_cast<u_char*>(data);  // net-snmp's parsers take non-const pointers, never write
  size_t length = size;
  u_char type = 0;
  p = asn_parse_sequence(p, &length, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "message");
  if (p == nullptr)
    return std::nullopt;
  long version = -1;
  p = asn_parse_int(p, &length, &type, &version, sizeof(version));
  if (p == nullptr || type != ASN_INTEGER)
    return std::nullopt;
  long id = 0;
  if (version == SNMP_VERSION_3) {
    size_t global_length = length;
    p = asn_parse_sequence(p, &global_length, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "global");
    if (p == nullptr)
      return std::nullopt;
    p = asn_parse_int(p, &global_length, &type, &id, sizeof(id));
  } else if (version == SNMP_VERSION_1 || version == SNMP_VERSION_2c) {
    u_char community[256];
    size_t community_length = sizeof(community);
    p = asn_parse_string(p, &length, &type, community, &community_length);
    if (p == nullptr || type != ASN_OCTET_STR)
      return std::nullopt;
    p = asn_parse_header(p, &length, &type);
    if (p == nullptr || type < SNMP_MSG_GET || type > SNMP_MSG_REPORT)
      return std::nullopt;
    p = asn_parse_int(p, &length, &type, &id, sizeof(id));
  } else {
    return std::nullopt;
  }
  if (p == nullptr || type != ASN_INTEGER || id < INT32_MIN || id > INT32_MAX)
    return std::nullopt;
  return DatagramHeader{static_cast<int>(version), static_cast<std::int32_t>(id)};
}

}  // namespace epcfleet::snmp
