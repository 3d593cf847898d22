#pragma once
// One received datagram → what the trap receiver does with it: who sent it (the resolver's
// candidates, checked by community or by USM), the notification in its delivered form, and the
// answer to send back (an inform's response, a v3 discovery or time-window report). No sockets
// and no threads here, so the fuzz target can drive exactly what the receiver runs.
//
// SNMPv3 keys: Ku (the ~5 ms password hash) is not computed here unless derive_inline is set:
// process() answers kNeedKeys with what to derive, the receiver derives it on a worker thread,
// hands it back with add_master_keys() and processes the datagram again. Kul (one hash) is
// computed here and cached per credential and engine id.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "codec.hpp"
#include "epcfleet/snmp/trap_receiver.hpp"
#include "notification_header.hpp"

namespace epcfleet::snmp::detail {

enum class Verdict : std::uint8_t {
  kAccepted,           // `out` holds the notification; reply: an inform's response, if any
  kUnknownSender,      // no candidate
  kCommunityMismatch,  // v1/v2c
  kAuthFailed,         // v3; reply: an unknownEngineID report to an inform not to our engine
  kMalformed,
  kNotInTimeWindow,  // v3 to our engine, authenticated but out of the window; reply: the report
  kDiscovery,        // a v3 engine-id probe (or a request to an engine id not ours); reply: report
  kQueueFull,        // would have been accepted, but there is no room
  kNeedKeys,         // a candidate's master keys are missing: derive `keys`, then retry
  kIgnored,          // a discovery probe while v3 informs are off
  kDuplicate,        // an inform accepted moments ago, sent again (our response was lost);
                     // reply: the response again
};

// What to derive master keys (Ku) from, and the key to hand them back under.
struct KeyRequest {
  std::string key;
  AuthProtocol auth = AuthProtocol::kNone;
  std::string auth_password;
  std::string priv_password;  // empty without privacy
};

struct Outcome {
  std::optional<std::basic_string_view<std::uint8_t>> reply;  // valid until the next process()
  KeyRequest keys;                                            // kNeedKeys
};

struct ProcessorOptions {
  std::string engine_id;  // ours (non-empty)
  std::uint32_t engine_boots = 1;
  bool v3_informs = true;
  bool derive_inline = false;  // compute Ku in process() (tests, fuzzing)
  std::string state_dir;
};

class TrapProcessor {
public:
  TrapProcessor(ProcessorOptions options, TrapResolver resolver);

  // `room`: whether one more notification may be queued. `out` is overwritten only for
  // kAccepted (received_ms is the caller's to set).
  Verdict process(const std::uint8_t* data, std::size_t size, std::string_view address,
                  std::uint16_t port, bool room, Notification& out, Outcome& outcome);

  // Master keys for a KeyRequest (empty auth key: derivation failed; such candidates never
  // authenticate).
  void add_master_keys(const std::string& key, UserKeys keys);

  EngineTime engine_time() const;

private:
  Verdict process_community(const std::uint8_t* data, std::size_t size, bool room,
                            Notification& out, Outcome& outcome);
  Verdict process_v3(const std::uint8_t* data, std::size_t size, bool room, Notification& out,
                     Outcome& outcome);
  Verdict finish(const TrapCandidate& candidate, bool room, const ReplyRequest& reply,
                 Notification& out, Outcome& outcome);
  Verdict report(ReportReason reason, const ReplyRequest& reply, std::int32_t request_id,
                 Outcome& outcome);
  // Kul of the candidate for the engine; nullptr when its Ku is missing (then `missing` says
  // what to derive) or cannot be had.
  const UserKeys* keys_for(const TrapCandidate& candidate, const std::string& engine_id,
                           std::optional<KeyRequest>& missing);
  bool in_time_window() const;
  // Whether this inform (sender, request-id) was accepted within kDuplicateWindow; remembers it.
  bool seen_before(bool remember);

  ProcessorOptions options_;
  TrapResolver resolver_;
  Codec codec_;
  std::chrono::steady_clock::time_point started_;
  NotificationHeader header_;
  Decoded decoded_;
  TrapSource source_;
  Target user_;  // the v3 user being tried (protocols and name only, no passwords)
  std::unordered_map<std::string, UserKeys> masters_;
  std::unordered_map<std::string, UserKeys> localized_;
  // Informs accepted lately: a key per (address, port, request-id), oldest first.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> recent_informs_;
  std::unordered_set<std::string> recent_inform_keys_;
  std::string inform_key_;
  std::uint32_t decodes_since_purge_ = 0;
  std::uint32_t unknown_engine_reports_ = 0;
  std::uint32_t time_window_reports_ = 0;
};

}  // namespace epcfleet::snmp::detail
