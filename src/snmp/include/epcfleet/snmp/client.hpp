#pragma once
// snmp::Client: an asynchronous SNMP manager for thousands of devices. It keeps net-snmp for what
// is hard to get right — BER encoding and decoding of messages, USM (key derivation and
// localization, authentication, encryption, timeliness) — but not its sessions: requests to every
// device go out over a few shared UDP sockets driven by one event loop, answers are matched by
// request id (v1/v2c) or message id (v3), and per-device state (engine id, boots and time,
// localized keys) lives here, not in net-snmp's process-wide tables. See docs/snmp-design.md.
//
// All net-snmp calls happen on the client's own thread, under a process-wide lock when several
// clients exist (the library is not reentrant). The public methods may be called from any
// thread; callbacks run on the client's thread and must not block (post heavy work elsewhere).
//
// Never: keep secrets in logs or error messages; let a device that stops answering hold up the
// others; trust a datagram that does not come from the device its id was sent to.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "epcfleet/snmp/types.hpp"

namespace epcfleet::snmp {

struct ClientOptions {
  // Requests awaiting an answer, over all devices; further operations queue.
  std::size_t max_in_flight = 1000;
  // Shared UDP sockets per address family. Requests to one device always use the same socket.
  std::size_t sockets = 4;
  int socket_buffer_bytes = 4 << 20;
  // Directory net-snmp may create files in (it creates its persistent directory even with
  // persistence off). Empty: a directory under the system temp dir. net-snmp is set up once per
  // process: the first client's directory is the one used.
  std::string state_dir;
  // A walk stops with an error beyond this many varbinds (a runaway agent).
  std::size_t max_walk_varbinds = 200000;
};

struct WalkOptions {
  int max_repetitions = 25;  // GETBULK (v2c, v3); v1 walks with GETNEXT
};

// Counters since start; read from any thread.
struct ClientStats {
  std::uint64_t operations_started = 0;
  std::uint64_t operations_completed = 0;  // with an answer
  std::uint64_t operations_failed = 0;
  std::uint64_t requests_sent = 0;  // datagrams, retries included
  std::uint64_t retries = 0;
  std::uint64_t timeouts = 0;  // operations that ended in kTimeout
  std::uint64_t responses = 0;
  std::uint64_t varbinds = 0;
  std::uint64_t discoveries = 0;          // engine-id probes sent
  std::uint64_t time_resyncs = 0;         // notInTimeWindow handled
  std::uint64_t engine_id_changes = 0;    // unknownEngineID from a known agent: rediscovered
  std::uint64_t unmatched_datagrams = 0;  // unknown id, or from the wrong address
  std::uint64_t bad_datagrams = 0;        // could not be decoded or authenticated
  std::uint64_t in_flight = 0;            // now
  std::uint64_t queued = 0;               // now
};

class Client {
public:
  using Callback = std::function<void(Result<Response>)>;

  explicit Client(ClientOptions options = {});
  // Stops the loop; operations not yet finished end with kCancelled (their callbacks run).
  // Must not run on the client's own thread (from one of its callbacks): it joins that thread.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GET of the given OIDs in one request. Exceptions (noSuchObject, noSuchInstance) come back as
  // varbinds of those types; a v1 noSuchName becomes ErrorCode::kNoSuchObject.
  void get(const Target& target, std::vector<Oid> oids, Callback callback);
  // All varbinds below `root`, in order, by GETBULK (v2c, v3) or GETNEXT (v1). Stops at the end of
  // the subtree or of the MIB view; answers with more or fewer varbinds than asked for are fine;
  // an OID that does not increase ends the walk with kOidNotIncreasing (no loops).
  void walk(const Target& target, Oid root, Callback callback, WalkOptions options = {});

  // Forgets what is cached for the target's address: engine id, boots and time, localized keys.
  // Call when a device is replaced or its credentials change (correctness does not depend on
  // it: keys are cached per credential and engine id, never per user name).
  void forget(const Target& target);

  ClientStats stats() const;

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

// Test and fuzz seam: the id a received datagram answers (msgID for v3, request-id otherwise)
// and its version (0 = v1, 1 = v2c, 3 = v3), read without decoding the rest; nullopt when it is
// not a well-formed SNMP message header.
struct DatagramHeader {
  int version = 0;
  std::int32_t id = 0;
};
std::optional<DatagramHeader> peek_datagram(const std::uint8_t* data, std::size_t size);

}  // namespace epcfleet::snmp
