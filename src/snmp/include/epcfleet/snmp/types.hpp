#pragma once
// snmp: the vocabulary of the SNMP client — object identifiers, variable bindings, targets (where
// and how to ask: version, community or SNMPv3 user) and the precise errors a request can end in.
// Plain C++: net-snmp's headers never appear here (they stay inside one .cpp of the client).

#include <algorithm>
#include <chrono>
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

namespace epcfleet::snmp {

// An object identifier: up to 128 sub-identifiers of 32 bits each (RFC 2578). Up to 15 arcs
// (every ifTable/ifXTable cell) live inline: a walk of thousands of cells allocates nothing per
// OID.
class Oid {
public:
  static constexpr std::size_t kMaxLength = 128;

  Oid() = default;
  Oid(std::initializer_list<std::uint32_t> arcs) { assign(arcs.begin(), arcs.size()); }
  explicit Oid(std::span<const std::uint32_t> arcs) { assign(arcs.data(), arcs.size()); }
  explicit Oid(const std::vector<std::uint32_t>& arcs) { assign(arcs.data(), arcs.size()); }
  Oid(const Oid& other) { assign(other.data(), other.size_); }
  Oid(Oid&& other) noexcept { take(other); }
  Oid& operator=(const Oid& other) {
    if (this != &other)
      assign(other.data(), other.size_);
    return *this;
  }
  Oid& operator=(Oid&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~Oid() { release(); }

  // "1.3.6.1.2.1.1.3.0" (a leading dot is accepted); nullopt when malformed or too long.
  static std::optional<Oid> parse(std::string_view text);
  std::string to_string() const;

  std::span<const std::uint32_t> arcs() const { return {data(), size_}; }
  const std::uint32_t* data() const { return heap_ != nullptr ? heap_ : inline_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint32_t operator[](std::size_t i) const { return data()[i]; }
  void push_back(std::uint32_t arc);
  // Replaces the arcs (the storage is reused when it is large enough).
  void assign(const std::uint32_t* arcs, std::size_t count);

  // True when this OID is `prefix` or lies below it.
  bool starts_with(const Oid& prefix) const;

  friend bool operator==(const Oid& a, const Oid& b) {
    return a.size_ == b.size_ && std::equal(a.data(), a.data() + a.size_, b.data());
  }
  // Lexicographic order of the sub-identifiers: the order GETNEXT walks in.
  friend std::strong_ordering operator<=>(const Oid& a, const Oid& b) {
    return std::lexicographical_compare_three_way(a.data(), a.data() + a.size_, b.data(),
                                                  b.data() + b.size_);
  }

private:
  static constexpr std::size_t kInline = 15;
  void release() {
    delete[] heap_;
    heap_ = nullptr;
    capacity_ = kInline;
    size_ = 0;
  }
  void take(Oid& other) noexcept {
    size_ = other.size_;
    capacity_ = other.capacity_;
    heap_ = other.heap_;
    if (heap_ == nullptr)
      std::copy(other.inline_, other.inline_ + size_, inline_);
    other.heap_ = nullptr;
    other.size_ = 0;
    other.capacity_ = kInline;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = kInline;
  std::uint32_t* heap_ = nullptr;
  std::uint32_t inline_[kInline] = {};
};

// The ASN.1/SMI type of a value, with the SNMPv2 exceptions. Numbers are the BER tags.
enum class ValueType : std::uint8_t {
  kInteger = 0x02,
  kOctetString = 0x04,
  kNull = 0x05,
  kObjectId = 0x06,
  kIpAddress = 0x40,
  kCounter32 = 0x41,
  kGauge32 = 0x42,
  kTimeTicks = 0x43,
  kOpaque = 0x44,
  kCounter64 = 0x46,
  kNoSuchObject = 0x80,
  kNoSuchInstance = 0x81,
  kEndOfMibView = 0x82,
};
std::string_view to_string(ValueType type);

struct VarBind {
  Oid oid;
  ValueType type = ValueType::kNull;
  // kInteger: int64; counters, gauges, time ticks: uint64; octet strings, opaque and IP addresses
  // (4 or 16 bytes, network order): the bytes; object ids: Oid; null and exceptions: monostate.
  std::variant<std::monostate, std::int64_t, std::uint64_t, std::string, Oid> value;

  bool is_exception() const {
    return type == ValueType::kNoSuchObject || type == ValueType::kNoSuchInstance ||
           type == ValueType::kEndOfMibView;
  }
  // Numeric value of integers, counters, gauges and time ticks (nullopt for other types).
  std::optional<std::int64_t> as_int() const;
  std::optional<std::uint64_t> as_uint() const;
  const std::string* as_bytes() const { return std::get_if<std::string>(&value); }
  const Oid* as_oid() const { return std::get_if<Oid>(&value); }
  // A readable rendering of the value (strings as text when printable, else hex; IPs dotted).
  std::string value_string() const;
};

enum class Version : std::uint8_t { kV1, kV2c, kV3 };
enum class AuthProtocol : std::uint8_t { kNone, kMD5, kSHA, kSHA224, kSHA256, kSHA384, kSHA512 };
enum class PrivProtocol : std::uint8_t { kNone, kDES, kAES, kAES192, kAES256 };

// Names as the API takes them ("MD5", "SHA", "SHA-224", …, "DES", "AES", "AES-192", "AES-256").
std::string_view to_string(AuthProtocol protocol);
std::string_view to_string(PrivProtocol protocol);
std::optional<AuthProtocol> parse_auth_protocol(std::string_view name);
std::optional<PrivProtocol> parse_priv_protocol(std::string_view name);

// Where and how to ask. The security level of v3 follows from the protocols: no auth protocol is
// noAuthNoPriv, an auth protocol without a priv protocol authNoPriv, both authPriv.
struct Target {
  std::string address;  // an IPv4 or IPv6 literal; name resolution is the caller's business
  std::uint16_t port = 161;
  Version version = Version::kV2c;
  std::string community;  // v1, v2c

  std::string user;  // v3
  AuthProtocol auth_protocol = AuthProtocol::kNone;
  std::string auth_password;
  PrivProtocol priv_protocol = PrivProtocol::kNone;
  std::string priv_password;
  std::string context;

  std::chrono::milliseconds timeout{1500};  // per attempt
  int retries = 2;                          // attempts after the first
};

// An explanation of what is wrong with a target's settings, or nullopt when it can be used.
std::optional<std::string> validate(const Target& target);

// How a request ended when it did not end with an answer. The text form (to_string) is stable:
// the API hands it to clients.
enum class ErrorCode : std::uint8_t {
  kTimeout,                   // no (valid) answer within timeout × (retries + 1)
  kUnknownUserName,           // usmStatsUnknownUserNames report
  kWrongDigest,               // usmStatsWrongDigests: wrong auth password or protocol
  kDecryptionError,           // usmStatsDecryptionErrors, or an authPriv user the agent
                              // authenticates but never answers (wrong priv password)
  kNotInTimeWindow,           // still outside the time window after one resync
  kUnknownEngineId,           // still unknown after one rediscovery
  kUnsupportedSecurityLevel,  // usmStatsUnsupportedSecLevels
  kUnknownContext,            // snmpUnknownContexts / snmpUnavailableContexts
  kAuthorizationError,        // error-status authorizationError (VACM refused)
  kNoSuchObject,              // error-status noSuchName (v1), or a GET answered by exceptions
  kErrorStatus,               // any other error-status; Error::status holds it
  kReport,                    // an unexpected report PDU
  kOidNotIncreasing,          // a walk got an OID that does not follow the one it asked after
  kInvalidTarget,             // the target's settings cannot be used (see validate)
  kSendFailed,                // the socket refused the datagram
  kCancelled,                 // the client stopped before the answer
  kInternal,                  // encoding failed (a bug or an absurd request)
  kSocketError,               // the trap receiver could not open or bind its socket
};
std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // for people; never contains a secret
  int status = 0;       // SNMP error-status (kErrorStatus, kAuthorizationError, kNoSuchObject)
  int index = 0;        // SNMP error-index
};
// Name of an SNMP error-status ("tooBig", "noSuchName", …, "inconsistentName").
std::string_view error_status_name(int status);

template <typename T>
using Result = tl::expected<T, Error>;

// For a GET whose caller needs every object (the connection test): the first varbind that came
// back as noSuchObject / noSuchInstance / endOfMibView, as ErrorCode::kNoSuchObject naming it.
std::optional<Error> missing_object(const std::vector<VarBind>& varbinds);

struct Response {
  std::vector<VarBind> varbinds;
  std::chrono::microseconds rtt{0};      // of the answered request (the last one of a walk)
  std::chrono::microseconds elapsed{0};  // from submission to completion, queueing included
  int requests = 0;                      // requests answered (a walk makes several)
};

}  // namespace epcfleet::snmp
