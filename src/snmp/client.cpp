#include "epcfleet/snmp/client.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <queue>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "codec.hpp"
#include "keys.hpp"

namespace epcfleet::snmp {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;
using detail::Codec;
using detail::Decoded;
using detail::EngineTime;
using detail::PduKind;
using detail::ReportKind;
using detail::UserKeys;

constexpr int kErrTooBig = 1;
constexpr int kErrNoSuchName = 2;
constexpr int kErrAuthorization = 16;
constexpr int kPduResponse = 0xA2;
constexpr int kPduReport = 0xA8;

Error make_error(ErrorCode code, std::string message, int status = 0, int index = 0) {
  return Error{code, std::move(message), status, index};
}

Error error_from_status(int status, int index) {
  const std::string name(error_status_name(status));
  if (status == kErrAuthorization)
    return make_error(ErrorCode::kAuthorizationError,
                      "authorizationError: the agent's access control refused the request", status,
                      index);
  if (status == kErrNoSuchName)
    return make_error(ErrorCode::kNoSuchObject, "noSuchName: the agent has no such object", status,
                      index);
  return make_error(ErrorCode::kErrorStatus, "the agent answered " + name, status, index);
}

Error error_from_report(ReportKind kind) {
  switch (kind) {
    case ReportKind::kUnknownUserName:
      return make_error(ErrorCode::kUnknownUserName,
                        "unknown user name: the agent has no such SNMPv3 user");
    case ReportKind::kWrongDigest:
      return make_error(ErrorCode::kWrongDigest,
                        "wrong digest: authentication failed (auth password or protocol)");
    case ReportKind::kDecryptionError:
      return make_error(ErrorCode::kDecryptionError,
                        "decryption error: the agent could not decrypt the request (priv "
                        "password or protocol)");
    case ReportKind::kNotInTimeWindow:
      return make_error(ErrorCode::kNotInTimeWindow,
                        "not in time window after a resync (the agent's clock or boots jump)");
    case ReportKind::kUnknownEngineId:
      return make_error(ErrorCode::kUnknownEngineId, "unknown engine id after a rediscovery");
    case ReportKind::kUnsupportedSecurityLevel:
      return make_error(ErrorCode::kUnsupportedSecurityLevel,
                        "unsupported security level: the user is not configured for this "
                        "level of security");
    case ReportKind::kUnknownContext:
      return make_error(ErrorCode::kUnknownContext, "unknown or unavailable context");
    case ReportKind::kNone:
    case ReportKind::kOther: break;
  }
  return make_error(ErrorCode::kReport, "the agent answered with an unexpected report");
}

std::string endpoint_key(const udp::endpoint& endpoint) {
  std::string key;
  if (endpoint.address().is_v4()) {
    const auto bytes = endpoint.address().to_v4().to_bytes();
    key.assign(bytes.begin(), bytes.end());
  } else {
    const auto bytes = endpoint.address().to_v6().to_bytes();
    key.assign(bytes.begin(), bytes.end());
  }
  key.push_back(static_cast<char>(endpoint.port() >> 8));
  key.push_back(static_cast<char>(endpoint.port() & 0xFF));
  return key;
}

std::string credential_key(const Target& t) {
  std::string key;
  key.push_back(static_cast<char>(t.auth_protocol));
  key.push_back(static_cast<char>(t.priv_protocol));
  key += t.auth_password;
  key.push_back('\0');
  key += t.priv_password;
  return key;
}

int wire_version(Version v) {
  switch (v) {
    case Version::kV1: return 0;
    case Version::kV2c: return 1;
    case Version::kV3: return 3;
  }
  return -1;
}

struct Socket {
  explicit Socket(asio::io_context& io) : socket(io), buffer(65536) {}
  udp::socket socket;
  std::vector<std::uint8_t> buffer;
  udp::endpoint sender;
};

struct Operation;

// What we know about one agent address: its engine id and clock (v3).
struct EngineState {
  std::string engine_id;
  EngineTime time;
  Clock::time_point synced_at{};
  bool discovering = false;
  std::vector<Operation*> waiting;  // ops waiting for the running discovery
  Clock::time_point last_heard{};   // any authentic datagram (reports and probes included)
  Clock::time_point last_ok{};      // last answer to an authenticated request

  EngineTime now(Clock::time_point at) const {
    if (synced_at == Clock::time_point{})
      return time;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(at - synced_at).count();
    return EngineTime{time.boots,
                      time.time + static_cast<std::uint32_t>(std::max<long>(0, elapsed))};
  }
};

enum class OpKind : std::uint8_t { kGet, kWalk };
enum class Phase : std::uint8_t { kRequest, kProbe, kDiagnose };

struct Operation {
  OpKind kind = OpKind::kGet;
  Target target;
  Target diagnose_target;  // authNoPriv copy for the wrong-priv-password diagnosis
  std::vector<Oid> oids;   // GET: asked; walk: {the OID to continue after}
  Oid root;
  int max_repetitions = 0;
  Client::Callback callback;

  udp::endpoint endpoint;
  std::string key;  // endpoint_key(endpoint)
  Socket* socket = nullptr;
  Phase phase = Phase::kRequest;
  int attempt = 0;
  int time_resyncs = 0;
  int rediscoveries = 0;
  std::vector<std::int32_t> ids;  // ids of the current request's attempts
  Clock::time_point submitted{};
  Clock::time_point sent_at{};
  std::shared_ptr<const UserKeys> keys;  // localized for keys_engine
  std::string keys_engine;
  std::vector<VarBind> results;
  int requests = 0;
};

struct Deadline {
  Clock::time_point at;
  std::int32_t id;
  bool operator>(const Deadline& other) const { return at > other.at; }
};

}  // namespace

class Client::Impl {
public:
  explicit Impl(ClientOptions options)
      : options_(std::move(options)),
        work_(asio::make_work_guard(io_)),
        timer_(io_),
        codec_(state_dir(options_)) {
    std::random_device rd;
    next_id_ = static_cast<std::int32_t>(rd() % 0x3FFFFFFF) + 1;
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() {
    asio::post(io_, [this] { shutdown(); });
    thread_.join();
    workers_.stop();  // derivations not started yet are dropped; their operations were cancelled
    workers_.join();
    // Handlers posted while stopping (a callback that submits again) still get their answer.
    io_.restart();
    io_.poll();
  }

  void submit(std::unique_ptr<Operation> op) {
    asio::post(io_, [this, op = std::move(op)]() mutable { start_or_queue(std::move(op)); });
  }

  void forget(const Target& target) {
    asio::post(io_, [this, target] {
      boost::system::error_code ec;
      const auto address = asio::ip::make_address(target.address, ec);
      if (ec)
        return;
      const std::string key = endpoint_key(udp::endpoint(address, target.port));
      auto it = engines_.find(key);
      if (it == engines_.end() || it->second.discovering)
        return;
      const std::string engine = it->second.engine_id;
      engines_.erase(it);
      for (auto l = localized_.begin(); l != localized_.end();) {
        if (l->first.size() >= engine.size() &&
            l->first.compare(l->first.size() - engine.size(), engine.size(), engine) == 0)
          l = localized_.erase(l);
        else
          ++l;
      }
    });
  }

  ClientStats stats() const {
    ClientStats s;
    s.operations_started = started_.load(std::memory_order_relaxed);
    s.operations_completed = completed_.load(std::memory_order_relaxed);
    s.operations_failed = failed_.load(std::memory_order_relaxed);
    s.requests_sent = sent_.load(std::memory_order_relaxed);
    s.retries = retries_.load(std::memory_order_relaxed);
    s.timeouts = timeouts_.load(std::memory_order_relaxed);
    s.responses = responses_.load(std::memory_order_relaxed);
    s.varbinds = varbinds_.load(std::memory_order_relaxed);
    s.discoveries = discoveries_.load(std::memory_order_relaxed);
    s.time_resyncs = resyncs_.load(std::memory_order_relaxed);
    s.engine_id_changes = engine_changes_.load(std::memory_order_relaxed);
    s.unmatched_datagrams = unmatched_.load(std::memory_order_relaxed);
    s.bad_datagrams = bad_.load(std::memory_order_relaxed);
    s.in_flight = in_flight_gauge_.load(std::memory_order_relaxed);
    s.queued = queued_gauge_.load(std::memory_order_relaxed);
    return s;
  }

private:
  static std::string state_dir(const ClientOptions& options) {
    if (!options.state_dir.empty())
      return options.state_dir;
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp != nullptr ? tmp : "/tmp") + "/epcfleet-snmp";
  }

  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  void shutdown() {
    stopping_ = true;
    timer_.cancel();
    for (auto& socket : sockets_v4_)
      socket->socket.close();
    for (auto& socket : sockets_v6_)
      socket->socket.close();
    queue_.clear();  // finish() would otherwise search it once per queued operation
    while (!live_.empty()) {
      Operation* op = live_.begin()->first;
      finish(op, tl::unexpected(make_error(ErrorCode::kCancelled, "the SNMP client stopped")));
    }
    work_.reset();
    io_.stop();
  }

  void start_or_queue(std::unique_ptr<Operation> op) {
    bump(started_);
    Operation* raw = op.get();
    live_.emplace(raw, std::move(op));
    if (stopping_) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kCancelled, "the SNMP client stopped")));
      return;
    }
    raw->submitted = Clock::now();
    if (auto problem = validate(raw->target)) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kInvalidTarget, *problem)));
      return;
    }
    if (raw->kind == OpKind::kWalk && raw->root.empty()) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kInvalidTarget,
                                            "a walk needs a root OID (the empty one is the whole "
                                            "MIB)")));
      return;
    }
    if (raw->kind == OpKind::kGet && (raw->oids.empty() || raw->oids.size() > 256)) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kInvalidTarget, "a GET needs 1-256 OIDs")));
      return;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(raw->target.address, ec);
    if (ec) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kInvalidTarget,
                                            "not an IP address: " + raw->target.address)));
      return;
    }
    raw->endpoint = udp::endpoint(address, raw->target.port);
    raw->key = endpoint_key(raw->endpoint);
    raw->socket = socket_for(raw->endpoint, raw->key);
    if (raw->socket == nullptr) {
      finish(raw, tl::unexpected(make_error(ErrorCode::kSendFailed, "cannot open a UDP socket")));
      return;
    }
    if (raw->target.version == Version::kV3) {
      raw->diagnose_target = raw->target;
      raw->diagnose_target.priv_protocol = PrivProtocol::kNone;
    }
    if (in_flight_ < options_.max_in_flight) {
      start(raw);
    } else {
      queue_.push_back(raw);
      queued_gauge_.store(queue_.size(), std::memory_order_relaxed);
    }
  }

  void start(Operation* op) {
    held_slot_.insert(op);
    ++in_flight_;
    in_flight_gauge_.store(in_flight_, std::memory_order_relaxed);
    if (op->target.version == Version::kV3)
      with_engine(op);
    else
      send(op);
  }

  // Completes the operation: its callback runs, its slot goes to the next queued one.
  void finish(Operation* op, Result<Response> result) {
    forget_ids(op);
    auto it = live_.find(op);
    std::unique_ptr<Operation> owned = std::move(it->second);
    live_.erase(it);
    if (result)
      bump(completed_);
    else {
      bump(failed_);
      if (result.error().code == ErrorCode::kTimeout)
        bump(timeouts_);
    }
    const bool held_slot = held_slot_.erase(op) != 0;
    if (held_slot) {
      --in_flight_;
      in_flight_gauge_.store(in_flight_, std::memory_order_relaxed);
    } else {
      auto q = std::find(queue_.begin(), queue_.end(), op);
      if (q != queue_.end())
        queue_.erase(q);
    }
    try {
      if (owned->callback)
        owned->callback(std::move(result));
    } catch (...) {
      // A callback must not throw; the loop survives it.
    }
    owned.reset();
    while (!stopping_ && in_flight_ < options_.max_in_flight && !queue_.empty()) {
      Operation* next = queue_.front();
      queue_.pop_front();
      start(next);
    }
    queued_gauge_.store(queue_.size(), std::memory_order_relaxed);
  }

  void succeed(Operation* op, std::vector<VarBind> varbinds, Clock::time_point now) {
    Response response;
    response.varbinds = std::move(varbinds);
    response.rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - op->sent_at);
    response.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - op->submitted);
    response.requests = op->requests;
    finish(op, std::move(response));
  }

  void fail(Operation* op, Error error) { finish(op, tl::unexpected(std::move(error))); }

  // ---- sockets and timers ---------------------------------------------------------------------

  Socket* socket_for(const udp::endpoint& endpoint, const std::string& key) {
    auto& pool = endpoint.address().is_v4() ? sockets_v4_ : sockets_v6_;
    if (pool.empty()) {
      const std::size_t n = std::max<std::size_t>(1, options_.sockets);
      for (std::size_t i = 0; i < n; ++i) {
        auto socket = std::make_unique<Socket>(io_);
        boost::system::error_code ec;
        socket->socket.open(endpoint.address().is_v4() ? udp::v4() : udp::v6(), ec);
        if (ec)
          return nullptr;
        socket->socket.bind(udp::endpoint(endpoint.address().is_v4()
                                              ? asio::ip::address(asio::ip::address_v4::any())
                                              : asio::ip::address(asio::ip::address_v6::any()),
                                          0),
                            ec);
        socket->socket.non_blocking(true, ec);
        socket->socket.set_option(udp::socket::receive_buffer_size(options_.socket_buffer_bytes),
                                  ec);
        socket->socket.set_option(udp::socket::send_buffer_size(options_.socket_buffer_bytes), ec);
        arm(socket.get());
        pool.push_back(std::move(socket));
      }
    }
    return pool[std::hash<std::string>{}(key) % pool.size()].get();
  }

  void arm(Socket* socket) {
    socket->socket.async_wait(udp::socket::wait_read, [this, socket](boost::system::error_code ec) {
      if (ec || stopping_)
        return;
      drain(socket);
      arm(socket);
    });
  }

  void drain(Socket* socket) {
    // Bounded, so that timers and other sockets get their turn under a flood.
    for (int i = 0; i < 512; ++i) {
      boost::system::error_code ec;
      const std::size_t n =
          socket->socket.receive_from(asio::buffer(socket->buffer), socket->sender, 0, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again)
        return;
      if (ec)
        continue;  // ICMP errors surface here on Linux (port unreachable); the timeout decides
      on_datagram(socket->buffer.data(), n, socket->sender);
    }
  }

  void add_deadline(Clock::time_point at, std::int32_t id) {
    deadlines_.push(Deadline{at, id});
    if (at < armed_for_) {
      armed_for_ = at;
      timer_.expires_at(at);
      timer_.async_wait([this](boost::system::error_code ec) { on_timer(ec); });
    }
  }

  void on_timer(boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted || stopping_)
      return;
    armed_for_ = Clock::time_point::max();
    // Answers that arrived while the loop was busy (a key derivation, a slow callback) are
    // read before anything is declared timed out.
    for (auto& socket : sockets_v4_)
      drain(socket.get());
    for (auto& socket : sockets_v6_)
      drain(socket.get());
    const auto now = Clock::now();
    while (!deadlines_.empty() && deadlines_.top().at <= now) {
      const std::int32_t id = deadlines_.top().id;
      deadlines_.pop();
      expire(id);
    }
    if (!deadlines_.empty()) {
      armed_for_ = deadlines_.top().at;
      timer_.expires_at(armed_for_);
      timer_.async_wait([this](boost::system::error_code e) { on_timer(e); });
    }
  }

  std::int32_t new_id() {
    while (true) {
      next_id_ = next_id_ >= 0x7FFFFFFE ? 1 : next_id_ + 1;
      if (!pending_.contains(next_id_))
        return next_id_;
    }
  }

  void forget_ids(Operation* op) {
    for (const std::int32_t id : op->ids)
      pending_.erase(id);
    op->ids.clear();
  }

  // ---- v3 engine state and keys ---------------------------------------------------------------

  void with_engine(Operation* op) {
    EngineState& engine = engines_[op->key];
    if (!engine.engine_id.empty()) {
      with_keys(op);
      return;
    }
    if (engine.discovering) {
      engine.waiting.push_back(op);
      return;
    }
    engine.discovering = true;
    op->phase = Phase::kProbe;
    send(op);
  }

  void discovery_done(const std::string& key, const Error* failure) {
    EngineState& engine = engines_[key];
    engine.discovering = false;
    std::vector<Operation*> waiting;
    waiting.swap(engine.waiting);
    for (Operation* op : waiting) {
      if (failure != nullptr)
        fail(op, *failure);
      else
        with_engine(op);
    }
  }

  // Ku (~5 ms of hashing per password, RFC 3414 A.2) is derived on the worker thread, once per
  // credential; operations needing it wait, the loop does not.
  void with_keys(Operation* op) {
    if (op->target.auth_protocol == AuthProtocol::kNone) {
      send(op);
      return;
    }
    const std::string key = credential_key(op->target);
    if (masters_.contains(key)) {
      send(op);
      return;
    }
    auto [waiting, first] = deriving_.try_emplace(key);
    waiting->second.push_back(op);
    if (!first)
      return;
    asio::post(workers_, [this, key, auth = op->target.auth_protocol,
                          auth_password = op->target.auth_password,
                          priv_password = op->target.priv_protocol == PrivProtocol::kNone
                                              ? std::string()
                                              : op->target.priv_password] {
      UserKeys keys;
      keys.auth = detail::derive_master_key(auth, auth_password);
      if (!priv_password.empty())
        keys.priv = detail::derive_master_key(auth, priv_password);
      asio::post(
          io_, [this, key, keys = std::move(keys)]() mutable { keys_ready(key, std::move(keys)); });
    });
  }

  void keys_ready(const std::string& key, UserKeys keys) {
    if (stopping_)
      return;
    const bool ok = !keys.auth.empty();
    if (ok)
      masters_.emplace(key, std::make_shared<const UserKeys>(std::move(keys)));
    auto it = deriving_.find(key);
    std::vector<Operation*> waiting = std::move(it->second);
    deriving_.erase(it);
    for (Operation* op : waiting) {
      if (ok)
        send(op);
      else
        fail(op, make_error(ErrorCode::kInternal, "cannot derive the SNMPv3 keys"));
    }
  }

  const UserKeys* keys_for(Operation* op, const std::string& engine_id) {
    if (op->target.auth_protocol == AuthProtocol::kNone)
      return nullptr;
    if (op->keys && op->keys_engine == engine_id)
      return op->keys.get();
    const std::string master_key = credential_key(op->target);
    const auto master = masters_.find(master_key);
    if (master == masters_.end())
      return nullptr;  // cannot happen: with_keys() ran first and masters are kept
    const std::string localized_key = master_key + '\0' + engine_id;
    auto localized = localized_.find(localized_key);
    if (localized == localized_.end()) {
      auto keys = Codec::localize(op->target.auth_protocol, op->target.priv_protocol,
                                  *master->second, engine_id);
      if (!keys)
        return nullptr;
      localized =
          localized_.emplace(localized_key, std::make_shared<const UserKeys>(std::move(*keys)))
              .first;
    }
    op->keys = localized->second;
    op->keys_engine = engine_id;
    return op->keys.get();
  }

  // ---- requests -------------------------------------------------------------------------------

  void send(Operation* op) {
    const auto now = Clock::now();
    detail::EncodeRequest request;
    request.id = new_id();
    request.target = &op->target;
    request.bulk_repetitions = op->max_repetitions;
    request.oids = &op->oids;
    static const std::vector<Oid> kSysUpTime = {Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}};
    if (op->phase == Phase::kProbe) {
      request.kind = PduKind::kProbe;
      request.oids = nullptr;
      bump(discoveries_);
    } else {
      request.kind = op->kind == OpKind::kGet             ? PduKind::kGet
                     : op->target.version == Version::kV1 ? PduKind::kGetNext
                                                          : PduKind::kGetBulk;
      if (op->phase == Phase::kDiagnose) {
        request.kind = PduKind::kGet;
        request.target = &op->diagnose_target;
        request.oids = &kSysUpTime;
      }
      if (op->target.version == Version::kV3) {
        const EngineState& engine = engines_[op->key];
        request.engine_id = engine.engine_id;
        request.engine_time = engine.now(now);
        request.localized = keys_for(op, engine.engine_id);
        if (op->target.auth_protocol != AuthProtocol::kNone && request.localized == nullptr) {
          fail(op, make_error(ErrorCode::kInternal, "cannot derive the SNMPv3 keys"));
          return;
        }
      }
    }
    std::string error;
    const auto bytes = codec_.encode(request, error);
    if (!bytes) {
      fail(op, make_error(ErrorCode::kInternal, error));
      return;
    }
    boost::system::error_code ec;
    op->socket->socket.send_to(asio::buffer(bytes->data(), bytes->size()), op->endpoint, 0, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again &&
        ec != asio::error::no_buffer_space) {
      fail(op, make_error(ErrorCode::kSendFailed, "send failed: " + ec.message()));
      return;
    }
    // A full socket buffer loses the datagram like the network would: the timeout retries.
    bump(sent_);
    op->sent_at = now;
    op->ids.push_back(request.id);
    pending_[request.id] = op;
    add_deadline(now + op->target.timeout, request.id);
  }

  // A new request for the operation (next walk step, retry after a resync): attempts restart.
  void send_next(Operation* op) {
    forget_ids(op);
    op->attempt = 0;
    send(op);
  }

  void expire(std::int32_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end())
      return;
    Operation* op = it->second;
    if (op->ids.empty() || op->ids.back() != id)
      return;  // an older attempt; the newest has its own deadline
    if (op->attempt < op->target.retries) {
      ++op->attempt;
      bump(retries_);
      send(op);
      return;
    }
    const auto now = Clock::now();
    if (op->phase == Phase::kProbe) {
      const Error error = make_error(ErrorCode::kTimeout,
                                     "no answer to SNMPv3 engine discovery within the timeout");
      const std::string key = op->key;
      fail(op, error);
      discovery_done(key, &error);
      return;
    }
    if (op->phase == Phase::kRequest && should_diagnose(op, now)) {
      op->phase = Phase::kDiagnose;
      send_next(op);
      return;
    }
    fail(op, make_error(ErrorCode::kTimeout, "no answer within the timeout"));
  }

  // An authPriv request the agent never answers although it answered discovery or reports
  // since the last good answer: snmpd drops what it cannot decrypt, silently. Asking once more
  // without privacy tells a wrong priv password from a dead agent.
  bool should_diagnose(const Operation* op, Clock::time_point now) {
    if (op->target.version != Version::kV3 || op->target.priv_protocol == PrivProtocol::kNone)
      return false;
    const EngineState& engine = engines_[op->key];
    return engine.last_heard != Clock::time_point{} && engine.last_heard > engine.last_ok &&
           now - engine.last_heard < std::chrono::minutes(2);
  }

  // ---- answers --------------------------------------------------------------------------------

  void on_datagram(const std::uint8_t* data, std::size_t size, const udp::endpoint& sender) {
    const auto header = peek_datagram(data, size);
    if (!header) {
      bump(bad_);
      return;
    }
    auto it = pending_.find(header->id);
    if (it == pending_.end()) {
      bump(unmatched_);
      return;
    }
    Operation* op = it->second;
    if (sender != op->endpoint || header->version != wire_version(op->target.version)) {
      bump(unmatched_);
      return;
    }
    const auto now = Clock::now();
    detail::DecodeContext context;
    const Target* used = op->phase == Phase::kDiagnose ? &op->diagnose_target : &op->target;
    EngineState* engine = nullptr;
    if (op->target.version == Version::kV3) {
      engine = &engines_[op->key];
      context.target = used;
      if (op->phase != Phase::kProbe) {
        context.engine_id = engine->engine_id;
        context.engine_time = engine->now(now);
        context.localized = op->keys.get();
      }
    }
    Decoded& decoded = decoded_;
    codec_.decode(data, size, context, decoded);
    if (decoded.failure != detail::DecodeFailure::kNone) {
      if (decoded.failure == detail::DecodeFailure::kNotInTimeWindow && engine != nullptr &&
          op->phase != Phase::kProbe && op->time_resyncs == 0) {
        // The agent's clock is behind what we cached (it was reset without a reboot count):
        // start again from zero, it will correct us with a notInTimeWindow report.
        ++op->time_resyncs;
        bump(resyncs_);
        engine->time = EngineTime{};
        engine->synced_at = {};
        send_next(op);
        return;
      }
      bump(bad_);
      return;
    }
    if (decoded.pdu_type != kPduResponse && decoded.pdu_type != kPduReport) {
      bump(unmatched_);
      return;
    }
    if (op->target.version != Version::kV3 && decoded.community != op->target.community) {
      bump(unmatched_);
      return;
    }
    bump(responses_);
    varbinds_.fetch_add(decoded.varbinds.size(), std::memory_order_relaxed);
    if (engine != nullptr) {
      engine->last_heard = now;
      // Boots/time only from authenticated messages (or the probe, which has nothing better).
      if (decoded.engine_time && !decoded.engine_id.empty() &&
          (op->phase == Phase::kProbe ||
           (decoded.engine_id == engine->engine_id && decoded.security_level >= 2))) {
        engine->time = *decoded.engine_time;
        engine->synced_at = now;
      }
    }

    if (op->phase == Phase::kProbe) {
      if (decoded.engine_id.empty()) {
        bump(bad_);
        return;
      }
      engine->engine_id = decoded.engine_id;
      op->phase = Phase::kRequest;
      forget_ids(op);
      op->attempt = 0;
      const std::string key = op->key;
      with_keys(op);
      discovery_done(key, nullptr);
      return;
    }

    if (decoded.pdu_type == kPduReport) {
      on_report(op, engine, decoded);
      return;
    }
    // As net-snmp's own sessions check: an answer must be secured like the request (a
    // noAuthNoPriv "response" with a guessed msgID is not data), from the user and engine asked.
    if (engine != nullptr &&
        (decoded.security_level != detail::security_level_of(*used) ||
         decoded.security_name != used->user || decoded.engine_id != engine->engine_id)) {
      bump(bad_);
      return;
    }
    if (engine != nullptr && used->auth_protocol != AuthProtocol::kNone &&
        op->phase == Phase::kRequest)
      engine->last_ok = now;
    ++op->requests;
    if (op->phase == Phase::kDiagnose) {
      fail(op, make_error(ErrorCode::kDecryptionError,
                          "no answer to encrypted requests although the agent authenticates "
                          "this user: wrong priv password or protocol"));
      return;
    }
    if (op->kind == OpKind::kGet)
      on_get_response(op, decoded, now);
    else
      on_walk_response(op, decoded, now);
  }

  void on_report(Operation* op, EngineState* engine, const Decoded& decoded) {
    if (engine == nullptr) {
      bump(unmatched_);
      return;
    }
    if (op->phase == Phase::kDiagnose) {
      // The agent knows the user but not with this auth key, or not at all: that is the answer.
      if (decoded.report == ReportKind::kWrongDigest ||
          decoded.report == ReportKind::kUnknownUserName) {
        fail(op, error_from_report(decoded.report));
        return;
      }
      fail(op, make_error(ErrorCode::kDecryptionError,
                          "no answer to encrypted requests although the agent authenticates "
                          "this user: wrong priv password or protocol"));
      return;
    }
    switch (decoded.report) {
      case ReportKind::kNotInTimeWindow:
        // net-snmp took the agent's boots/time from the authenticated report (and we from it).
        if (op->time_resyncs < 1) {
          ++op->time_resyncs;
          bump(resyncs_);
          send_next(op);
          return;
        }
        break;
      case ReportKind::kUnknownEngineId:
        if (op->rediscoveries < 1 && !decoded.engine_id.empty()) {
          ++op->rediscoveries;
          bump(engine_changes_);
          engine->engine_id = decoded.engine_id;
          engine->time = decoded.engine_time.value_or(EngineTime{});
          engine->synced_at = Clock::now();
          send_next(op);
          return;
        }
        break;
      default: break;
    }
    fail(op, error_from_report(decoded.report));
  }

  void on_get_response(Operation* op, Decoded& decoded, Clock::time_point now) {
    if (decoded.error_status != 0) {
      fail(op, error_from_status(decoded.error_status, decoded.error_index));
      return;
    }
    succeed(op, std::move(decoded.varbinds), now);
  }

  void on_walk_response(Operation* op, Decoded& decoded, Clock::time_point now) {
    if (decoded.error_status != 0) {
      if (decoded.error_status == kErrNoSuchName && op->target.version == Version::kV1) {
        succeed(op, std::move(op->results), now);  // v1's way of saying "end of the MIB"
        return;
      }
      if (decoded.error_status == kErrTooBig && op->max_repetitions > 1) {
        op->max_repetitions = std::max(1, op->max_repetitions / 2);
        send_next(op);
        return;
      }
      fail(op, error_from_status(decoded.error_status, decoded.error_index));
      return;
    }
    if (decoded.varbinds.empty()) {
      fail(op, make_error(ErrorCode::kOidNotIncreasing,
                          "the agent answered a walk step with no varbinds"));
      return;
    }
    Oid& last = op->oids.front();
    if (op->results.capacity() < op->results.size() + decoded.varbinds.size())
      op->results.reserve(
          std::max(op->results.capacity() * 2, op->results.size() + decoded.varbinds.size()));
    for (VarBind& vb : decoded.varbinds) {
      if (vb.type == ValueType::kEndOfMibView || vb.type == ValueType::kNoSuchObject ||
          vb.type == ValueType::kNoSuchInstance || !vb.oid.starts_with(op->root)) {
        succeed(op, std::move(op->results), now);
        return;
      }
      if (vb.oid <= last) {
        fail(op,
             make_error(ErrorCode::kOidNotIncreasing,
                        "the agent answered " + vb.oid.to_string() + " after " + last.to_string()));
        return;
      }
      last = vb.oid;
      op->results.push_back(std::move(vb));
      if (op->results.size() > options_.max_walk_varbinds) {
        fail(op, make_error(ErrorCode::kOidNotIncreasing,
                            "the walk passed " + std::to_string(options_.max_walk_varbinds) +
                                " varbinds"));
        return;
      }
    }
    send_next(op);
  }

  ClientOptions options_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer timer_;
  Clock::time_point armed_for_ = Clock::time_point::max();
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  Codec codec_;
  Decoded decoded_;               // reused for every datagram
  asio::thread_pool workers_{1};  // password-to-key
  std::unordered_map<std::string, std::vector<Operation*>> deriving_;
  std::vector<std::unique_ptr<Socket>> sockets_v4_;
  std::vector<std::unique_ptr<Socket>> sockets_v6_;

  std::unordered_map<Operation*, std::unique_ptr<Operation>> live_;
  std::unordered_set<Operation*> held_slot_;
  std::deque<Operation*> queue_;
  std::size_t in_flight_ = 0;
  std::unordered_map<std::int32_t, Operation*> pending_;
  std::int32_t next_id_ = 1;
  std::unordered_map<std::string, EngineState> engines_;
  std::unordered_map<std::string, std::shared_ptr<const UserKeys>> masters_;
  std::unordered_map<std::string, std::shared_ptr<const UserKeys>> localized_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> started_{0}, completed_{0}, failed_{0}, sent_{0}, retries_{0},
      timeouts_{0}, responses_{0}, varbinds_{0}, discoveries_{0}, resyncs_{0}, engine_changes_{0},
      unmatched_{0}, bad_{0}, in_flight_gauge_{0}, queued_gauge_{0};

  std::thread thread_;  // last: started once everything above exists
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
}

Client::~Client() = default;

void Client::get(const Target& target, std::vector<Oid> oids, Callback callback) {
  auto op = std::make_unique<Operation>();
  op->kind = OpKind::kGet;
  op->target = target;
  op->oids = std::move(oids);
  op->callback = std::move(callback);
  impl_->submit(std::move(op));
}

void Client::walk(const Target& target, Oid root, Callback callback, WalkOptions options) {
  auto op = std::make_unique<Operation>();
  op->kind = OpKind::kWalk;
  op->target = target;
  op->oids = {root};
  op->root = std::move(root);
  op->max_repetitions = std::clamp(options.max_repetitions, 1, 1000);
  op->callback = std::move(callback);
  impl_->submit(std::move(op));
}

void Client::forget(const Target& target) {
  impl_->forget(target);
}

ClientStats Client::stats() const {
  return impl_->stats();
}

}  // namespace epcfleet::snmp
