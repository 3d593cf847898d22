#include "epcfleet/snmp/types.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace epcfleet::snmp {

std::optional<Oid> Oid::parse(std::string_view text) {
  if (!text.empty() && text.front() == '.')
    text.remove_prefix(1);
  if (text.empty())
    return std::nullopt;
  Oid oid;
  while (true) {
    const auto dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size())
      return std::nullopt;
    if (oid.size() == kMaxLength)
      return std::nullopt;
    oid.push_back(value);
    if (dot == std::string_view::npos)
      break;
    text.remove_prefix(dot + 1);
  }
  return oid;
}

std::string Oid::to_string() const {
  std::string out;
  out.reserve(size_ * 4);
  for (std::size_t i = 0; i < size_; ++i) {
    if (i != 0)
      out.push_back('.');
    out += std::to_string(data()[i]);
  }
  return out;
}

void Oid::assign(const std::uint32_t* arcs, std::size_t count) {
  if (count > capacity_) {
    auto* grown = new std::uint32_t[count];
    delete[] heap_;
    heap_ = grown;
    capacity_ = static_cast<std::uint32_t>(count);
  }
  std::copy(arcs, arcs + count, heap_ != nullptr ? heap_ : inline_);
  size_ = static_cast<std::uint32_t>(count);
}

void Oid::push_back(std::uint32_t arc) {
  if (size_ == capacity_) {
    const std::uint32_t grown_capacity = capacity_ * 2;
    auto* grown = new std::uint32_t[grown_capacity];
    std::copy(data(), data() + size_, grown);
    delete[] heap_;
    heap_ = grown;
    capacity_ = grown_capacity;
  }
  (heap_ != nullptr ? heap_ : inline_)[size_++] = arc;
}

bool Oid::starts_with(const Oid& prefix) const {
  return prefix.size_ <= size_ && std::equal(prefix.data(), prefix.data() + prefix.size_, data());
}

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::kInteger: return "INTEGER";
    case ValueType::kOctetString: return "OCTET STRING";
    case ValueType::kNull: return "NULL";
    case ValueType::kObjectId: return "OBJECT IDENTIFIER";
    case ValueType::kIpAddress: return "IpAddress";
    case ValueType::kCounter32: return "Counter32";
    case ValueType::kGauge32: return "Gauge32";
    case ValueType::kTimeTicks: return "TimeTicks";
    case ValueType::kOpaque: return "Opaque";
    case ValueType::kCounter64: return "Counter64";
    case ValueType::kNoSuchObject: return "noSuchObject";
    case ValueType::kNoSuchInstance: return "noSuchInstance";
    case ValueType::kEndOfMibView: return "endOfMibView";
  }
  return "unknown";
}

std::optional<std::int64_t> VarBind::as_int() const {
  if (const auto* v = std::get_if<std::int64_t>(&value))
    return *v;
  if (const auto* v = std::get_if<std::uint64_t>(&value))
    return static_cast<std::int64_t>(*v);
  return std::nullopt;
}

std::optional<std::uint64_t> VarBind::as_uint() const {
  if (const auto* v = std::get_if<std::uint64_t>(&value))
    return *v;
  if (const auto* v = std::get_if<std::int64_t>(&value))
    return static_cast<std::uint64_t>(*v);
  return std::nullopt;
}

std::string VarBind::value_string() const {
  if (const auto* i = std::get_if<std::int64_t>(&value))
    return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value))
    return std::to_string(*u);
  if (const auto* o = std::get_if<Oid>(&value))
    return o->to_string();
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (type == ValueType::kIpAddress && s->size() == 4) {
      const auto* b = reinterpret_cast<const unsigned char*>(s->data());
      return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
             std::to_string(b[3]);
    }
    bool printable = true;
    for (const char c : *s)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
        printable = false;
    if (printable && type != ValueType::kIpAddress)
      return *s;
    std::string hex;
    for (const char c : *s) {
      std::array<char, 4> buf{};
      std::snprintf(buf.data(), buf.size(), "%02x", static_cast<unsigned char>(c));
      if (!hex.empty())
        hex.push_back(' ');
      hex += buf.data();
    }
    return hex;
  }
  return std::string(to_string(type));
}

std::string_view to_string(AuthProtocol protocol) {
  switch (protocol) {
    case AuthProtocol::kNone: return "none";
    case AuthProtocol::kMD5: return "MD5";
    case AuthProtocol::kSHA: return "SHA";
    case AuthProtocol::kSHA224: return "SHA-224";
    case AuthProtocol::kSHA256: return "SHA-256";
    case AuthProtocol::kSHA384: return "SHA-384";
    case AuthProtocol::kSHA512: return "SHA-512";
  }
  return "none";
}

std::string_view to_string(PrivProtocol protocol) {
  switch (protocol) {
    case PrivProtocol::kNone: return "none";
    case PrivProtocol::kDES: return "DES";
    case PrivProtocol::kAES: return "AES";
    case PrivProtocol::kAES192: return "AES-192";
    case PrivProtocol::kAES256: return "AES-256";
  }
  return "none";
}

std::optional<AuthProtocol> parse_auth_protocol(std::string_view name) {
  for (const auto p :
       {AuthProtocol::kNone, AuthProtocol::kMD5, AuthProtocol::kSHA, AuthProtocol::kSHA224,
        AuthProtocol::kSHA256, AuthProtocol::kSHA384, AuthProtocol::kSHA512})
    if (to_string(p) == name)
      return p;
  return std::nullopt;
}

std::optional<PrivProtocol> parse_priv_protocol(std::string_view name) {
  for (const auto p : {PrivProtocol::kNone, PrivProtocol::kDES, PrivProtocol::kAES,
                       PrivProtocol::kAES192, PrivProtocol::kAES256})
    if (to_string(p) == name)
      return p;
  return std::nullopt;
}

std::optional<std::string> validate(const Target& target) {
  if (target.address.empty())
    return "address is empty";
  if (target.port == 0)
    return "port must be 1-65535";
  if (target.timeout.count() <= 0)
    return "timeout must be positive";
  if (target.retries < 0 || target.retries > 10)
    return "retries must be 0-10";
  if (target.version != Version::kV3) {
    if (target.community.empty())
      return "community is empty";
    return std::nullopt;
  }
  if (target.user.empty() || target.user.size() > 32)
    return "user name must be 1-32 characters";
  if (target.context.size() > 32)
    return "context must be at most 32 characters";
  if (target.auth_protocol == AuthProtocol::kNone && target.priv_protocol != PrivProtocol::kNone)
    return "privacy needs authentication (set auth_protocol)";
  if (target.auth_protocol != AuthProtocol::kNone && target.auth_password.size() < 8)
    return "auth password must be at least 8 characters";
  if (target.priv_protocol != PrivProtocol::kNone && target.priv_password.size() < 8)
    return "priv password must be at least 8 characters";
  return std::nullopt;
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kUnknownUserName: return "unknown_user_name";
    case ErrorCode::kWrongDigest: return "wrong_digest";
    case ErrorCode::kDecryptionError: return "decryption_error";
    case ErrorCode::kNotInTimeWindow: return "not_in_time_window";
    case ErrorCode::kUnknownEngineId: return "unknown_engine_id";
    case ErrorCode::kUnsupportedSecurityLevel: return "unsupported_security_level";
    case ErrorCode::kUnknownContext: return "unknown_context";
    case ErrorCode::kAuthorizationError: return "authorization_error";
    case ErrorCode::kNoSuchObject: return "no_such_object";
    case ErrorCode::kErrorStatus: return "error_status";
    case ErrorCode::kReport: return "report";
    case ErrorCode::kOidNotIncreasing: return "oid_not_increasing";
    case ErrorCode::kInvalidTarget: return "invalid_target";
    case ErrorCode::kSendFailed: return "send_failed";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kSocketError: return "socket_error";
  }
  return "internal";
}

std::string_view error_status_name(int status) {
  static constexpr std::array<std::string_view, 19> kNames = {"noError",
                                                              "tooBig",
                                                              "noSuchName",
                                                              "badValue",
                                                              "readOnly",
                                                              "genErr",
                                                              "noAccess",
                                                              "wrongType",
                                                              "wrongLength",
                                                              "wrongEncoding",
                                                              "wrongValue",
                                                              "noCreation",
                                                              "inconsistentValue",
                                                              "resourceUnavailable",
                                                              "commitFailed",
                                                              "undoFailed",
                                                              "authorizationError",
                                                              "notWritable",
                                                              "inconsistentName"};
  if (status >= 0 && static_cast<std::size_t>(status) < kNames.size())
    return kNames[static_cast<std::size_t>(status)];
  return "unknownError";
}

std::optional<Error> missing_object(const std::vector<VarBind>& varbinds) {
  for (const VarBind& vb : varbinds)
    if (vb.is_exception())
      return Error{ErrorCode::kNoSuchObject,
                   std::string(to_string(vb.type)) + ": " + vb.oid.to_string(), 0, 0};
  return std::nullopt;
}

}  // namespace epcfleet::snmp
