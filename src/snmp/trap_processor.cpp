#include "trap_processor.hpp"

#include <openssl/crypto.h>

#include "keys.hpp"
#include "notification_form.hpp"

namespace epcfleet::snmp::detail {
namespace {

constexpr int kPduTrapV1 = 0xA4;
constexpr int kPduInform = 0xA6;
constexpr int kPduTrapV2 = 0xA7;
// A datagram is decoded with at most this many candidates' keys (each try is a full parse).
constexpr int kMaxTries = 8;
// Bounds of the key caches: a flood of made-up engine ids must not grow memory without end.
constexpr std::size_t kMaxMasters = 10000;
constexpr std::size_t kMaxLocalized = 100000;
// v3 decodes between purges of net-snmp's engine time table (DecodeContext::keep_engine_time).
constexpr std::uint32_t kPurgeEngineTimes = 1024;
// RFC 3414 3.2 step 7a.
constexpr std::uint32_t kTimeWindow = 150;
constexpr std::uint32_t kMaxBoots = 0x7FFFFFFF;
// An inform resent because our response got lost has the same request-id: within this window it
// is answered again but not delivered twice. Bounded in count as well.
constexpr auto kDuplicateWindow = std::chrono::seconds(60);
constexpr std::size_t kMaxRecentInforms = 100000;

bool equal_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int level_of(const TrapCandidate& c) {
  if (c.auth_protocol == AuthProtocol::kNone)
    return c.priv_protocol == PrivProtocol::kNone ? 1 : 0;  // privacy without auth: unusable
  return c.priv_protocol == PrivProtocol::kNone ? 2 : 3;
}

std::string credential_key(const TrapCandidate& c) {
  std::string key;
  key.push_back(static_cast<char>(c.auth_protocol));
  key.push_back(static_cast<char>(c.priv_protocol));
  key += c.auth_password;
  key.push_back('\0');
  if (c.priv_protocol != PrivProtocol::kNone)
    key += c.priv_password;
  return key;
}

bool is_notification(int pdu_type) {
  return pdu_type == kPduTrapV1 || pdu_type == kPduTrapV2 || pdu_type == kPduInform;
}

}  // namespace

TrapProcessor::TrapProcessor(ProcessorOptions options, TrapResolver resolver)
    : options_(std::move(options)),
      resolver_(std::move(resolver)),
      codec_(options_.state_dir),
      started_(std::chrono::steady_clock::now()) {
  user_.version = Version::kV3;
}

EngineTime TrapProcessor::engine_time() const {
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  return EngineTime{options_.engine_boots,
                    static_cast<std::uint32_t>(std::min<long long>(seconds, kMaxBoots))};
}

void TrapProcessor::add_master_keys(const std::string& key, UserKeys keys) {
  if (masters_.size() >= kMaxMasters)
    masters_.clear();
  masters_[key] = std::move(keys);
}

Verdict TrapProcessor::process(const std::uint8_t* data, std::size_t size, std::string_view address,
                               std::uint16_t port, bool room, Notification& out, Outcome& outcome) {
  outcome.reply.reset();
  if (!peek_notification(data, size, header_))
    return Verdict::kMalformed;
  source_.address.assign(address);
  source_.port = port;
  source_.community.clear();
  source_.user.clear();
  source_.engine_id.clear();
  if (header_.version == 3)
    return process_v3(data, size, room, out, outcome);
  return process_community(data, size, room, out, outcome);
}

Verdict TrapProcessor::process_community(const std::uint8_t* data, std::size_t size, bool room,
                                         Notification& out, Outcome& outcome) {
  // A GET or a response sent to the trap port is nobody's business: no resolver call for it.
  if (!is_notification(header_.pdu_type))
    return Verdict::kMalformed;
  source_.version = header_.version == 0 ? Version::kV1 : Version::kV2c;
  source_.community = header_.community;
  const std::vector<TrapCandidate> candidates = resolver_(source_);
  if (candidates.empty())
    return Verdict::kUnknownSender;
  const TrapCandidate* match = nullptr;
  for (const TrapCandidate& c : candidates) {
    if (!c.community.empty() && equal_secret(c.community, header_.community)) {
      match = &c;
      break;
    }
  }
  if (match == nullptr)
    return Verdict::kCommunityMismatch;
  DecodeContext context;
  context.keep_pdu = true;
  codec_.decode(data, size, context, decoded_);
  if (decoded_.failure != DecodeFailure::kNone || decoded_.version != header_.version)
    return Verdict::kMalformed;
  return finish(*match, room, ReplyRequest{}, out, outcome);
}

Verdict TrapProcessor::process_v3(const std::uint8_t* data, std::size_t size, bool room,
                                  Notification& out, Outcome& outcome) {
  source_.version = Version::kV3;
  source_.user = header_.user;
  const EngineTime now = engine_time();
  ReplyRequest ours_unauthenticated;
  ours_unauthenticated.engine_id = options_.engine_id;
  ours_unauthenticated.engine_time = now;

  // RFC 3414 4: discovery. An unauthenticated request with an empty engine id asks for ours.
  if (header_.engine_id.empty()) {
    if (!header_.reportable())
      return Verdict::kMalformed;
    if (!options_.v3_informs)
      return Verdict::kIgnored;
    if (resolver_(source_).empty())
      return Verdict::kUnknownSender;
    return report(ReportReason::kUnknownEngineId, ours_unauthenticated, header_.request_id,
                  outcome);
  }
  if (header_.pdu_type != 0 && !is_notification(header_.pdu_type))
    return Verdict::kMalformed;
  // Informs are sent to our engine id (we are authoritative); traps carry the sender's.
  const bool ours = header_.engine_id == options_.engine_id;
  if (!ours)
    source_.engine_id = header_.engine_id;
  const std::vector<TrapCandidate> candidates = resolver_(source_);
  if (candidates.empty())
    return Verdict::kUnknownSender;

  const int level = header_.security_level();
  const TrapCandidate* match = nullptr;
  const UserKeys* keys = nullptr;
  std::optional<KeyRequest> missing;
  bool malformed = false;
  int tries = 0;
  for (const TrapCandidate& c : candidates) {
    // The message's level must be the user's: a noAuthNoPriv message naming an authPriv user
    // would otherwise be attributed without any proof.
    if (c.user != header_.user || level_of(c) != level)
      continue;
    if (++tries > kMaxTries)
      break;
    const UserKeys* k = nullptr;
    if (level > 1) {
      k = keys_for(c, header_.engine_id, missing);
      if (k == nullptr)
        continue;
    }
    user_.user = c.user;
    user_.auth_protocol = c.auth_protocol;
    user_.priv_protocol = c.priv_protocol;
    DecodeContext context;
    context.target = &user_;
    context.localized = k;
    context.engine_id = header_.engine_id;
    // Engine time (0, 0): net-snmp, as a non-authoritative receiver, then accepts any
    // boots/time (RFC 3414 allows not enforcing it for traps; see docs/snmp-design.md). Messages
    // to our own engine are checked against our clock below.
    context.engine_time = EngineTime{};
    context.keep_pdu = true;
    context.keep_engine_time = true;
    if (++decodes_since_purge_ >= kPurgeEngineTimes) {
      codec_.forget_engine_times();  // bounds net-snmp's table (and its linear bucket lists)
      decodes_since_purge_ = 0;
    }
    codec_.decode(data, size, context, decoded_);
    if (decoded_.failure == DecodeFailure::kNone) {
      match = &c;
      keys = k;
      break;
    }
    // With privacy a wrong priv key decrypts to garbage that does not parse: that is a failed
    // check of the candidate, not a malformed message.
    if (decoded_.failure == DecodeFailure::kMalformed && level < 3)
      malformed = true;
  }
  if (match == nullptr) {
    if (missing) {
      outcome.keys = std::move(*missing);
      return Verdict::kNeedKeys;
    }
    // A request (inform) to an engine id that is not ours and does not authenticate with keys
    // localized to it either: tell the sender ours (RFC 3414 3.2 step 3), so it can rediscover.
    if (!ours && header_.reportable() && options_.v3_informs)
      report(ReportReason::kUnknownEngineId, ours_unauthenticated, header_.request_id, outcome);
    return malformed ? Verdict::kMalformed : Verdict::kAuthFailed;
  }

  ReplyRequest reply;
  reply.user = &user_;
  reply.localized = keys;
  reply.engine_id = header_.engine_id;
  reply.engine_time =
      ours ? now : EngineTime{header_.engine_boots, header_.engine_time};  // authenticated now
  if (ours && level > 1 && !in_time_window()) {
    // RFC 3414 3.2 step 7a: an authenticated report with our boots/time lets the sender resync.
    report(ReportReason::kNotInTimeWindow, reply, decoded_.request_id, outcome);
    return Verdict::kNotInTimeWindow;
  }
  return finish(*match, room, reply, out, outcome);
}

bool TrapProcessor::in_time_window() const {
  const EngineTime now = engine_time();
  if (header_.engine_boots != now.boots || header_.engine_boots == kMaxBoots)
    return false;
  const std::uint32_t difference = header_.engine_time > now.time ? header_.engine_time - now.time
                                                                  : now.time - header_.engine_time;
  return difference <= kTimeWindow;
}

Verdict TrapProcessor::finish(const TrapCandidate& candidate, bool room, const ReplyRequest& reply,
                              Notification& out, Outcome& outcome) {
  if (!to_notification(decoded_, out))
    return Verdict::kMalformed;
  if (out.inform && seen_before(false)) {
    std::string error;
    outcome.reply = codec_.encode_response(reply, error);
    return Verdict::kDuplicate;
  }
  if (!room)
    return Verdict::kQueueFull;  // not acknowledged: the sender of an inform will retry
  out.tenant = candidate.tenant;
  out.device = candidate.device;
  out.source = source_;
  out.source.community.clear();
  if (out.inform) {
    std::string error;
    outcome.reply = codec_.encode_response(reply, error);
    seen_before(true);
  }
  return Verdict::kAccepted;
}

bool TrapProcessor::seen_before(bool remember) {
  // The request-id, not the v3 msgID: net-snmp resends an inform with a new msgID.
  inform_key_ = source_.address;
  inform_key_.push_back('\0');
  inform_key_ += std::to_string(source_.port);
  inform_key_.push_back('\0');
  inform_key_ += std::to_string(decoded_.request_id);
  if (!remember)
    return recent_inform_keys_.contains(inform_key_);
  const auto now = std::chrono::steady_clock::now();
  while (!recent_informs_.empty() && (now - recent_informs_.front().first > kDuplicateWindow ||
                                      recent_informs_.size() >= kMaxRecentInforms)) {
    recent_inform_keys_.erase(recent_informs_.front().second);
    recent_informs_.pop_front();
  }
  if (recent_inform_keys_.insert(inform_key_).second)
    recent_informs_.emplace_back(now, inform_key_);
  return false;
}

Verdict TrapProcessor::report(ReportReason reason, const ReplyRequest& reply,
                              std::int32_t request_id, Outcome& outcome) {
  ReportRequest request;
  request.reason = reason;
  request.msg_id = header_.msg_id;
  request.request_id = request_id;
  request.user_name = header_.user;
  request.context_name = header_.context_name;
  request.counter =
      reason == ReportReason::kUnknownEngineId ? ++unknown_engine_reports_ : ++time_window_reports_;
  request.reply = reply;
  std::string error;
  outcome.reply = codec_.encode_report(request, error);
  return Verdict::kDiscovery;
}

const UserKeys* TrapProcessor::keys_for(const TrapCandidate& c, const std::string& engine_id,
                                        std::optional<KeyRequest>& missing) {
  const std::string master_key = credential_key(c);
  auto master = masters_.find(master_key);
  if (master == masters_.end()) {
    if (!options_.derive_inline) {
      if (!missing) {
        missing = KeyRequest{master_key, c.auth_protocol, c.auth_password,
                             c.priv_protocol == PrivProtocol::kNone ? "" : c.priv_password};
      }
      return nullptr;
    }
    UserKeys keys;
    keys.auth = derive_master_key(c.auth_protocol, c.auth_password);
    if (c.priv_protocol != PrivProtocol::kNone)
      keys.priv = derive_master_key(c.auth_protocol, c.priv_password);
    add_master_keys(master_key, std::move(keys));
    master = masters_.find(master_key);
  }
  if (master->second.auth.empty() ||
      (c.priv_protocol != PrivProtocol::kNone && master->second.priv.empty()))
    return nullptr;  // derivation failed (an empty password)
  std::string localized_key = master_key;
  localized_key.push_back('\0');
  localized_key += engine_id;
  auto localized = localized_.find(localized_key);
  if (localized == localized_.end()) {
    auto keys = Codec::localize(c.auth_protocol, c.priv_protocol, master->second, engine_id);
    if (!keys)
      return nullptr;
    if (localized_.size() >= kMaxLocalized)
      localized_.clear();
    localized = localized_.emplace(std::move(localized_key), std::move(*keys)).first;
  }
  return &localized->second;
}

}  // namespace epcfleet::snmp::detail
