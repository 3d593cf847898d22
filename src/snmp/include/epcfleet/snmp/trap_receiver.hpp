#pragma once
// snmp::TrapReceiver: receives SNMP notifications — v1 traps, v2c traps and informs, v3 traps and
// informs (USM noAuthNoPriv, authNoPriv, authPriv) — on one UDP socket, attributes each to a
// device through a resolver the caller supplies, and hands them out in batches. net-snmp decodes
// and authenticates (through codec.cpp, as for the client); the socket, the attribution and the
// keys are ours. See docs/snmp-design.md, "Traps".
//
// Attribution: for every datagram that parses far enough, the resolver is asked for the
// candidates of its source (address, and the v3 user and engine id). v1/v2c notifications are
// accepted when their community equals a candidate's, v3 ones when they authenticate (and
// decrypt) with a candidate's credentials at the candidate's security level. Everything else is
// counted (TrapReceiverStats) and dropped: never stored, never answered (informs included).
//
// Threads: the socket is read on the receiver's own thread (where the resolver runs); the sink
// runs on a separate delivery thread, so a slow sink delays delivery, not the socket — up to
// queue_limit notifications, beyond which notifications are dropped (informs then go
// unacknowledged, so their senders retry).
//
// Never: log or deliver a secret (the community of a delivered notification is blanked); answer
// an inform before its sender is attributed; crash or abort on anything a peer sends.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "epcfleet/snmp/types.hpp"

namespace epcfleet::snmp {

// Where a notification came from, as far as the datagram tells before anything is verified.
struct TrapSource {
  std::string address;  // IPv4 or IPv6 literal (IPv4-mapped IPv6 addresses as IPv4)
  std::uint16_t port = 0;
  Version version = Version::kV2c;
  std::string community;  // v1/v2c (blank in a delivered Notification)
  std::string user;       // v3: msgUserName (usually empty in a discovery probe)
  // v3 traps: the sender's msgAuthoritativeEngineID (raw bytes). Empty for messages addressed to
  // this receiver's own engine id (v3 informs), which do not carry the sender's.
  std::string engine_id;
};

// One device a notification may belong to, with the secrets to check that it does.
struct TrapCandidate {
  std::string tenant;
  std::string device;
  std::string community;  // v1/v2c: must equal the notification's (an empty one never matches)
  // v3: the USM user; keys are localized to the message's engine id (the sender's for traps,
  // ours for informs). The security level follows from the protocols (as in Target) and must be
  // the message's.
  std::string user;
  AuthProtocol auth_protocol = AuthProtocol::kNone;
  std::string auth_password;
  PrivProtocol priv_protocol = PrivProtocol::kNone;
  std::string priv_password;
};

// Called on the receiver thread for each datagram whose header could be read; must be fast (an
// in-memory index) and must not throw. The first candidate that matches wins.
// A v3 engine-id discovery probe (engine_id empty, user usually empty too) is answered only when
// the resolver returns at least one candidate of any kind for it — so return the address's
// candidates for it whatever their user, or v3 informs never get past discovery.
using TrapResolver = std::function<std::vector<TrapCandidate>(const TrapSource&)>;

struct Notification {
  std::string tenant;
  std::string device;
  TrapSource source;  // community blank
  bool inform = false;
  // In SNMPv2 form (RFC 3416): snmpTrapOID.0's value and sysUpTime.0's, and the varbinds after
  // those two. v1 traps are translated (RFC 3584 3.1): generic traps become
  // 1.3.6.1.6.3.1.1.5.(generic + 1), enterprise-specific ones enterprise.0.specific, the
  // time-stamp the uptime, and snmpTrapAddress.0 (agent-addr) and snmpTrapEnterprise.0 are
  // appended (snmpTrapCommunity.0 is not: it is a secret).
  Oid trap_oid;
  std::uint64_t uptime_ticks = 0;
  std::vector<VarBind> varbinds;
  std::int64_t received_ms = 0;  // Unix time in milliseconds when the datagram was read
};

struct TrapReceiverOptions {
  std::string bind_address = "127.0.0.1";  // an IPv6 address ("::") makes an IPv6 socket
  std::uint16_t port = 1162;               // 0: an ephemeral port (see TrapReceiver::port)
  // SO_RCVBUF; with CAP_NET_ADMIN beyond net.core.rmem_max (SO_RCVBUFFORCE). What the kernel
  // granted is in TrapReceiverStats::socket_buffer_bytes.
  int socket_buffer_bytes = 8 << 20;
  // Notifications accepted but not yet handed to the sink.
  std::size_t queue_limit = 100000;
  // SNMPv3 informs need this receiver to be an authoritative engine: it answers engine-id
  // discovery with this engine id, boots and time (seconds since start). Senders localize their
  // keys to it, so keep it stable (persist it) and increase engine_boots at every start.
  // Empty: a random one (informs then break at every restart until senders rediscover).
  std::string engine_id;  // raw bytes, 5-32 octets (RFC 3411 SnmpEngineID)
  std::uint32_t engine_boots = 1;
  bool v3_informs = true;  // false: discovery probes are not answered
  // Datagrams of v3 users whose key derivation (~5 ms of hashing per new password) is still
  // running wait; beyond this many they are dropped (counted in dropped_waiting_for_keys).
  std::size_t max_waiting_for_keys = 10000;
  // Directory net-snmp may create files in; as ClientOptions::state_dir.
  std::string state_dir;
};

// Counters since start; read from any thread.
struct TrapReceiverStats {
  std::uint64_t received = 0;              // datagrams read from the socket
  std::uint64_t accepted = 0;              // notifications attributed and queued for the sink
  std::uint64_t delivered = 0;             // notifications handed to the sink
  std::uint64_t informs_acknowledged = 0;  // responses sent to accepted informs
  std::uint64_t unknown_sender = 0;        // the resolver had no candidate
  std::uint64_t community_mismatch = 0;    // v1/v2c: no candidate with this community
  std::uint64_t auth_failed = 0;  // v3: no candidate with this user and security level, or none
                                  // whose keys authenticate and decrypt it
  std::uint64_t malformed = 0;    // not a notification we can decode (or not one at all)
  std::uint64_t not_in_time_window = 0;  // v3 messages to our engine outside its time window
                                         // (answered by an authenticated report)
  std::uint64_t discovery_reports = 0;   // v3 engine-id discovery probes answered
  std::uint64_t dropped_queue_full = 0;  // accepted but the queue was at queue_limit
  std::uint64_t dropped_waiting_for_keys = 0;
  std::uint64_t duplicate_informs = 0;  // an inform again (same sender and request-id within a
                                        // minute: our response was lost): answered, not delivered
  std::uint64_t send_failed = 0;        // responses and reports the socket refused
  std::uint64_t sink_exceptions = 0;
  std::uint64_t queued = 0;               // now
  std::uint64_t socket_buffer_bytes = 0;  // SO_RCVBUF as the kernel granted it
};

class TrapReceiver {
public:
  // `sink` receives batches (one per burst read from the socket) on the delivery thread; it must
  // not call stop() or destroy the receiver.
  TrapReceiver(TrapReceiverOptions options, TrapResolver resolver,
               std::function<void(std::vector<Notification>&&)> sink);
  // stop()s.
  ~TrapReceiver();
  TrapReceiver(const TrapReceiver&) = delete;
  TrapReceiver& operator=(const TrapReceiver&) = delete;

  // Binds and starts the threads. Once per receiver. Errors: kInvalidTarget (bind address or
  // engine id), kSocketError (socket or bind refused, e.g. a port below 1024 without
  // CAP_NET_BIND_SERVICE).
  Result<void> start();
  // The bound port (after start).
  std::uint16_t port() const;
  // Closes the socket, hands what is already queued to the sink, and joins both threads.
  void stop();
  TrapReceiverStats stats() const;
  // The engine id this receiver answers discovery with (options.engine_id or the random one).
  const std::string& engine_id() const;

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace epcfleet::snmp
