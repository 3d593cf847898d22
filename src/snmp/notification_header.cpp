// net-snmp's BER primitives only (no message processing): see codec.cpp for why its headers stay
// in so few files.
#include "notification_header.hpp"

#include <mutex>

// net-snmp's headers must come in this order.
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// clang-format on

#include "codec.hpp"

namespace epcfleet::snmp::detail {
namespace {

constexpr std::size_t kMaxString = 256;

// Each reader takes the bytes from `p` up to `end`, stores what it read and returns the position
// after it, or nullptr.
u_char* read_int(u_char* p, const u_char* end, long& value) {
  size_t length = static_cast<size_t>(end - p);
  u_char type = 0;
  p = asn_parse_int(p, &length, &type, &value, sizeof(value));
  return p != nullptr && type == ASN_INTEGER ? p : nullptr;
}

u_char* read_string(u_char* p, const u_char* end, std::string& value) {
  u_char buffer[kMaxString];
  size_t length = static_cast<size_t>(end - p);
  size_t string_length = sizeof(buffer);
  u_char type = 0;
  p = asn_parse_string(p, &length, &type, buffer, &string_length);
  if (p == nullptr || type != ASN_OCTET_STR)
    return nullptr;
  value.assign(reinterpret_cast<const char*>(buffer), string_length);
  return p;
}

// A constructed element's header: returns its contents and sets `contents_end`.
u_char* enter(u_char* p, const u_char* end, u_char& type, u_char*& contents_end) {
  size_t length = static_cast<size_t>(end - p);
  p = asn_parse_header(p, &length, &type);
  if (p == nullptr || length > static_cast<size_t>(end - p))
    return nullptr;
  contents_end = p + length;
  return p;
}

bool in_range(long value) {
  return value >= 0 && value <= 0x7FFFFFFFL;
}

// The PDU's type and (except for a v1 Trap-PDU) its request-id.
bool read_pdu_start(u_char* p, const u_char* end, NotificationHeader& out) {
  u_char type = 0;
  u_char* pdu_end = nullptr;
  p = enter(p, end, type, pdu_end);
  if (p == nullptr)
    return false;
  out.pdu_type = type;
  if (type == SNMP_MSG_TRAP)
    return true;
  long id = 0;
  if (read_int(p, pdu_end, id) == nullptr || id < INT32_MIN || id > INT32_MAX)
    return false;
  out.request_id = static_cast<std::int32_t>(id);
  return true;
}

bool read_v3(u_char* p, const u_char* end, NotificationHeader& out) {
  u_char type = 0;
  u_char* global_end = nullptr;
  u_char* g = enter(p, end, type, global_end);
  if (g == nullptr || type != (ASN_SEQUENCE | ASN_CONSTRUCTOR))
    return false;
  long msg_id = 0;
  long max_size = 0;
  long model = 0;
  std::string flags;
  g = read_int(g, global_end, msg_id);
  g = g != nullptr ? read_int(g, global_end, max_size) : nullptr;
  g = g != nullptr ? read_string(g, global_end, flags) : nullptr;
  g = g != nullptr ? read_int(g, global_end, model) : nullptr;
  if (g == nullptr || !in_range(msg_id) || flags.size() != 1 || model != SNMP_SEC_MODEL_USM)
    return false;
  out.msg_id = static_cast<std::int32_t>(msg_id);
  out.flags = static_cast<std::uint8_t>(flags[0]);
  if ((out.flags & 3) == 2)  // privacy without authentication does not exist
    return false;

  u_char* parameters_end = nullptr;
  u_char* s = enter(global_end, end, type, parameters_end);
  if (s == nullptr || type != ASN_OCTET_STR)
    return false;
  u_char* usm_end = nullptr;
  s = enter(s, parameters_end, type, usm_end);
  if (s == nullptr || type != (ASN_SEQUENCE | ASN_CONSTRUCTOR))
    return false;
  long boots = 0;
  long time = 0;
  s = read_string(s, usm_end, out.engine_id);
  s = s != nullptr ? read_int(s, usm_end, boots) : nullptr;
  s = s != nullptr ? read_int(s, usm_end, time) : nullptr;
  s = s != nullptr ? read_string(s, usm_end, out.user) : nullptr;
  if (s == nullptr || !in_range(boots) || !in_range(time))
    return false;
  out.engine_boots = static_cast<std::uint32_t>(boots);
  out.engine_time = static_cast<std::uint32_t>(time);

  if ((out.flags & 2) != 0)
    return true;  // the scoped PDU is encrypted
  u_char* scoped_end = nullptr;
  u_char* d = enter(parameters_end, end, type, scoped_end);
  if (d == nullptr || type != (ASN_SEQUENCE | ASN_CONSTRUCTOR))
    return false;
  std::string context_engine;
  d = read_string(d, scoped_end, context_engine);
  d = d != nullptr ? read_string(d, scoped_end, out.context_name) : nullptr;
  return d != nullptr && read_pdu_start(d, scoped_end, out);
}

}  // namespace

bool peek_notification(const std::uint8_t* data, std::size_t size, NotificationHeader& out) {
  out.version = -1;
  out.community.clear();
  out.pdu_type = 0;
  out.request_id = 0;
  out.msg_id = 0;
  out.flags = 0;
  out.engine_id.clear();
  out.engine_boots = 0;
  out.engine_time = 0;
  out.user.clear();
  out.context_name.clear();
  if (data == nullptr || size < 2)
    return false;
  // The BER primitives report errors through a process-wide buffer: net-snmp's lock.
  const std::lock_guard lock(g_mutex_for_peek());
  auto* p = const_cast<u_char*>(data);  // net-snmp's parsers take non-const pointers, never write
  const u_char* end = data + size;
  u_char type = 0;
  u_char* message_end = nullptr;
  p = enter(p, end, type, message_end);
  if (p == nullptr || type != (ASN_SEQUENCE | ASN_CONSTRUCTOR))
    return false;
  long version = -1;
  p = read_int(p, message_end, version);
  if (p == nullptr)
    return false;
  if (version == SNMP_VERSION_3) {
    out.version = 3;
    return read_v3(p, message_end, out);
  }
  if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c)
    return false;
  out.version = static_cast<int>(version);
  p = read_string(p, message_end, out.community);
  return p != nullptr && read_pdu_start(p, message_end, out);
}

}  // namespace epcfleet::snmp::detail
