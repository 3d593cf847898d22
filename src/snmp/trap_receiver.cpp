#include "epcfleet/snmp/trap_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "keys.hpp"
#include "trap_processor.hpp"

namespace epcfleet::snmp {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using detail::Verdict;

// recvmmsg batch: datagrams read per system call, and calls per wake-up before the batch goes
// to the delivery thread (so that a flood still reaches the sink in bounded pieces).
constexpr std::size_t kBatch = 64;
constexpr int kRounds = 16;
// After a wake-up that emptied the socket, wait this long before waiting for the next datagram:
// at moderate rates every datagram would otherwise cost two thread wake-ups (the loop's and the
// delivery thread's), which on this kind of machine cost more than decoding it. The kernel's
// socket buffer holds what arrives meanwhile; a notification is delayed by at most this much.
constexpr auto kCoalesce = std::chrono::milliseconds(5);
constexpr std::size_t kMaxDatagram = 65536;
// Zeroed slack behind every datagram, against net-snmp's over-reads on malformed messages (see
// codec.cpp; the codec decodes from its own such buffer too).
constexpr std::size_t kSlack = 4096;
constexpr std::size_t kSlot = kMaxDatagram + kSlack;

std::string random_engine_id() {
  // RFC 3411: enterprise 32473 (RFC 5612's example number) with the high bit, format 5
  // (administratively assigned octets), 8 random octets.
  std::string id = {'\x80', '\x00', '\x7e', '\xd9', '\x05'};
  std::random_device random;
  for (int i = 0; i < 8; ++i)
    id.push_back(static_cast<char>(random() & 0xFF));
  return id;
}

// The address as text, IPv4-mapped IPv6 addresses as IPv4; the buffer must hold
// INET6_ADDRSTRLEN bytes.
std::string_view address_text(const sockaddr_storage& from, char* buffer, std::uint16_t& port) {
  if (from.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(from);
    port = ntohs(a.sin_port);
    ::inet_ntop(AF_INET, &a.sin_addr, buffer, INET6_ADDRSTRLEN);
  } else {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(from);
    port = ntohs(a.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr))
      ::inet_ntop(AF_INET, &a.sin6_addr.s6_addr[12], buffer, INET6_ADDRSTRLEN);
    else
      ::inet_ntop(AF_INET6, &a.sin6_addr, buffer, INET6_ADDRSTRLEN);
  }
  return buffer;
}

struct Parked {
  std::vector<std::uint8_t> bytes;  // the datagram and kSlack zeros
  std::size_t size = 0;
  sockaddr_storage from{};
  socklen_t from_length = 0;
  std::int64_t received_ms = 0;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class TrapReceiver::Impl {
public:
  Impl(TrapReceiverOptions options, TrapResolver resolver,
       std::function<void(std::vector<Notification>&&)> sink)
      : options_(std::move(options)),
        resolver_(std::move(resolver)),
        sink_(std::move(sink)),
        work_(asio::make_work_guard(io_)),
        socket_(io_) {
    if (options_.engine_id.empty())
      options_.engine_id = random_engine_id();
    if (options_.state_dir.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      options_.state_dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/epcfleet-snmp";
    }
  }

  ~Impl() { stop(); }

  Result<void> start() {
    if (started_)
      return tl::unexpected(Error{ErrorCode::kInternal, "the trap receiver was started before"});
    if (options_.engine_id.size() < 5 || options_.engine_id.size() > 32)
      return tl::unexpected(
          Error{ErrorCode::kInvalidTarget, "the engine id must have 5-32 octets"});
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.bind_address, ec);
    if (ec)
      return tl::unexpected(Error{ErrorCode::kInvalidTarget,
                                  "not an IP address to bind to: " + options_.bind_address});
    const std::string where = options_.bind_address + ":" + std::to_string(options_.port);
    socket_.open(address.is_v4() ? udp::v4() : udp::v6(), ec);
    if (!ec && address.is_v6() && address.to_v6().is_unspecified())
      socket_.set_option(asio::ip::v6_only(false), ec);  // "::" takes IPv4 too
    if (!ec)
      socket_.bind(udp::endpoint(address, options_.port), ec);
    if (!ec)
      socket_.non_blocking(true, ec);
    if (ec) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      return tl::unexpected(
          Error{ErrorCode::kSocketError, "cannot bind " + where + ": " + ec.message()});
    }
    set_receive_buffer();
    port_ = socket_.local_endpoint(ec).port();

    detail::ProcessorOptions processor;
    processor.engine_id = options_.engine_id;
    processor.engine_boots = options_.engine_boots;
    processor.v3_informs = options_.v3_informs;
    processor.state_dir = options_.state_dir;
    processor_ = std::make_unique<detail::TrapProcessor>(std::move(processor), resolver_);

    slots_.assign(kBatch * kSlot, 0);
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov_[i].iov_base = slots_.data() + i * kSlot;
      iov_[i].iov_len = kMaxDatagram;
    }
    started_ = true;
    arm();
    delivery_thread_ = std::thread([this] { deliver(); });
    thread_ = std::thread([this] { io_.run(); });
    return {};
  }

  void stop() {
    if (!started_ || stopped_)
      return;
    stopped_ = true;
    asio::post(io_, [this] {
      stopping_ = true;
      boost::system::error_code ec;
      pause_.cancel();
      socket_.close(ec);
      work_.reset();
      io_.stop();
    });
    thread_.join();
    workers_.stop();  // a derivation not started yet is dropped; its datagrams with it
    workers_.join();
    {
      const std::lock_guard lock(queue_mutex_);
      delivery_stop_ = true;
    }
    queue_ready_.notify_all();
    delivery_thread_.join();
  }

  std::uint16_t port() const { return port_; }
  const std::string& engine_id() const { return options_.engine_id; }

  TrapReceiverStats stats() const {
    TrapReceiverStats s;
    s.received = received_.load(std::memory_order_relaxed);
    s.accepted = accepted_.load(std::memory_order_relaxed);
    s.delivered = delivered_.load(std::memory_order_relaxed);
    s.informs_acknowledged = acknowledged_.load(std::memory_order_relaxed);
    s.unknown_sender = unknown_sender_.load(std::memory_order_relaxed);
    s.community_mismatch = community_mismatch_.load(std::memory_order_relaxed);
    s.auth_failed = auth_failed_.load(std::memory_order_relaxed);
    s.malformed = malformed_.load(std::memory_order_relaxed);
    s.not_in_time_window = not_in_time_window_.load(std::memory_order_relaxed);
    s.discovery_reports = discovery_reports_.load(std::memory_order_relaxed);
    s.dropped_queue_full = dropped_queue_full_.load(std::memory_order_relaxed);
    s.dropped_waiting_for_keys = dropped_waiting_.load(std::memory_order_relaxed);
    s.send_failed = send_failed_.load(std::memory_order_relaxed);
    s.sink_exceptions = sink_exceptions_.load(std::memory_order_relaxed);
    s.duplicate_informs = duplicate_informs_.load(std::memory_order_relaxed);
    s.queued = queued_.load(std::memory_order_relaxed);
    s.socket_buffer_bytes = socket_buffer_bytes_;
    return s;
  }

private:
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  void set_receive_buffer() {
    const int fd = socket_.native_handle();
    const int wanted = options_.socket_buffer_bytes;
    // SO_RCVBUFFORCE goes beyond net.core.rmem_max, with CAP_NET_ADMIN only.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &wanted, sizeof wanted) != 0)
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &wanted, sizeof wanted);
    int granted = 0;
    socklen_t length = sizeof granted;
    if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length) == 0)
      socket_buffer_bytes_ = static_cast<std::uint64_t>(granted);
  }

  // ---- the socket --------------------------------------------------------------------------

  void arm() {
    socket_.async_wait(udp::socket::wait_read, [this](boost::system::error_code ec) {
      if (ec || stopping_)
        return;
      if (drain()) {
        asio::post(io_, [this] { arm(); });  // more is waiting: timers and key results first
        return;
      }
      pause_.expires_after(kCoalesce);
      pause_.async_wait([this](boost::system::error_code e) {
        if (!e && !stopping_)
          arm();
      });
    });
  }

  // Reads and handles what the socket holds, up to kRounds × kBatch datagrams; true when it
  // stopped at that bound (the socket may hold more).
  bool drain() {
    const int fd = socket_.native_handle();
    bool full = false;
    for (int round = 0; round < kRounds; ++round) {
      for (std::size_t i = 0; i < kBatch; ++i) {
        std::memset(&messages_[i], 0, sizeof(messages_[i]));
        messages_[i].msg_hdr.msg_name = &from_[i];
        messages_[i].msg_hdr.msg_namelen = sizeof(from_[i]);
        messages_[i].msg_hdr.msg_iov = &iov_[i];
        messages_[i].msg_hdr.msg_iovlen = 1;
      }
      const int n = ::recvmmsg(fd, messages_, kBatch, MSG_DONTWAIT, nullptr);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;  // EAGAIN, or an error the next wake-up will see again
      const std::int64_t received_ms = now_ms();
      for (int i = 0; i < n; ++i) {
        bump(received_);
        const std::size_t size = messages_[i].msg_len;
        std::uint8_t* data = slots_.data() + static_cast<std::size_t>(i) * kSlot;
        if ((messages_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 || size > kMaxDatagram) {
          bump(malformed_);
          continue;
        }
        std::memset(data + size, 0, kSlack);
        handle(data, size, from_[i], messages_[i].msg_hdr.msg_namelen, received_ms);
      }
      if (static_cast<std::size_t>(n) < kBatch)
        break;
      full = round + 1 == kRounds;
    }
    flush();
    return full;
  }

  void handle(const std::uint8_t* data, std::size_t size, const sockaddr_storage& from,
              socklen_t from_length, std::int64_t received_ms) {
    char text[INET6_ADDRSTRLEN] = {};
    std::uint16_t port = 0;
    const std::string_view address = address_text(from, text, port);
    const bool room =
        queued_.load(std::memory_order_relaxed) + batch_.size() < options_.queue_limit;
    detail::Outcome outcome;
    const Verdict verdict = processor_->process(data, size, address, port, room, scratch_, outcome);
    switch (verdict) {
      case Verdict::kAccepted:
        scratch_.received_ms = received_ms;
        batch_.push_back(std::move(scratch_));
        scratch_ = Notification();
        bump(accepted_);
        if (outcome.reply && send(*outcome.reply, from, from_length))
          bump(acknowledged_);
        break;
      case Verdict::kUnknownSender: bump(unknown_sender_); break;
      case Verdict::kCommunityMismatch: bump(community_mismatch_); break;
      case Verdict::kAuthFailed:
        bump(auth_failed_);
        if (outcome.reply)
          send(*outcome.reply, from, from_length);
        break;
      case Verdict::kMalformed: bump(malformed_); break;
      case Verdict::kQueueFull: bump(dropped_queue_full_); break;
      case Verdict::kIgnored: break;
      case Verdict::kDuplicate:
        bump(duplicate_informs_);
        if (outcome.reply)
          send(*outcome.reply, from, from_length);
        break;
      case Verdict::kNotInTimeWindow:
        bump(not_in_time_window_);
        if (outcome.reply)
          send(*outcome.reply, from, from_length);
        break;
      case Verdict::kDiscovery:
        bump(discovery_reports_);
        if (outcome.reply)
          send(*outcome.reply, from, from_length);
        break;
      case Verdict::kNeedKeys:
        park(data, size, from, from_length, received_ms, std::move(outcome.keys));
        break;
    }
  }

  bool send(std::basic_string_view<std::uint8_t> bytes, const sockaddr_storage& to,
            socklen_t to_length) {
    // A full send buffer loses the answer as the network could: the sender retries.
    const ssize_t n = ::sendto(socket_.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&to), to_length);
    if (n != static_cast<ssize_t>(bytes.size())) {
      bump(send_failed_);
      return false;
    }
    return true;
  }

  // ---- v3 master keys, derived off the loop ------------------------------------------------

  void park(const std::uint8_t* data, std::size_t size, const sockaddr_storage& from,
            socklen_t from_length, std::int64_t received_ms, detail::KeyRequest request) {
    if (parked_count_ >= options_.max_waiting_for_keys) {
      bump(dropped_waiting_);
      return;
    }
    Parked parked;
    parked.bytes.assign(data, data + size);
    parked.bytes.resize(size + kSlack, 0);
    parked.size = size;
    parked.from = from;
    parked.from_length = from_length;
    parked.received_ms = received_ms;
    auto [waiting, first] = parked_.try_emplace(request.key);
    waiting->second.push_back(std::move(parked));
    ++parked_count_;
    if (!first)
      return;
    asio::post(workers_, [this, request = std::move(request)]() mutable {
      detail::UserKeys keys;
      keys.auth = detail::derive_master_key(request.auth, request.auth_password);
      if (!request.priv_password.empty())
        keys.priv = detail::derive_master_key(request.auth, request.priv_password);
      asio::post(io_, [this, key = std::move(request.key), keys = std::move(keys)]() mutable {
        keys_ready(key, std::move(keys));
      });
    });
  }

  void keys_ready(const std::string& key, detail::UserKeys keys) {
    if (stopping_)
      return;
    processor_->add_master_keys(key, std::move(keys));
    auto it = parked_.find(key);
    if (it == parked_.end())
      return;
    std::vector<Parked> waiting = std::move(it->second);
    parked_.erase(it);
    parked_count_ -= waiting.size();
    for (const Parked& p : waiting)
      handle(p.bytes.data(), p.size, p.from, p.from_length, p.received_ms);
    flush();
  }

  // ---- delivery ------------------------------------------------------------------------------

  void flush() {
    if (batch_.empty())
      return;
    const std::size_t n = batch_.size();
    {
      const std::lock_guard lock(queue_mutex_);
      queue_.push_back(std::move(batch_));
      queued_.fetch_add(n, std::memory_order_relaxed);
    }
    queue_ready_.notify_one();
    batch_ = std::vector<Notification>();
    batch_.reserve(n);
  }

  void deliver() {
    while (true) {
      std::vector<Notification> batch;
      {
        std::unique_lock lock(queue_mutex_);
        queue_ready_.wait(lock, [this] { return !queue_.empty() || delivery_stop_; });
        if (queue_.empty())
          return;  // stopping, and everything was handed out
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      const std::size_t n = batch.size();
      try {
        sink_(std::move(batch));
      } catch (...) {
        bump(sink_exceptions_);  // the sink must not throw; delivery goes on
      }
      delivered_.fetch_add(n, std::memory_order_relaxed);
      queued_.fetch_sub(n, std::memory_order_relaxed);
    }
  }

  TrapReceiverOptions options_;
  TrapResolver resolver_;
  std::function<void(std::vector<Notification>&&)> sink_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  udp::socket socket_;
  asio::steady_timer pause_{io_};  // kCoalesce
  std::uint16_t port_ = 0;
  std::uint64_t socket_buffer_bytes_ = 0;
  std::unique_ptr<detail::TrapProcessor> processor_;
  asio::thread_pool workers_{1};  // password-to-key
  bool started_ = false;
  bool stopped_ = false;
  bool stopping_ = false;  // on the loop's thread

  // Receive state (the loop's thread only).
  std::vector<std::uint8_t> slots_;
  mmsghdr messages_[kBatch] = {};
  iovec iov_[kBatch] = {};
  sockaddr_storage from_[kBatch] = {};
  Notification scratch_;
  std::vector<Notification> batch_;
  std::unordered_map<std::string, std::vector<Parked>> parked_;
  std::size_t parked_count_ = 0;

  // Batches for the sink.
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<std::vector<Notification>> queue_;
  bool delivery_stop_ = false;

  std::atomic<std::uint64_t> received_{0}, accepted_{0}, delivered_{0}, acknowledged_{0},
      unknown_sender_{0}, community_mismatch_{0}, auth_failed_{0}, malformed_{0},
      not_in_time_window_{0}, discovery_reports_{0}, dropped_queue_full_{0}, dropped_waiting_{0},
      send_failed_{0}, sink_exceptions_{0}, duplicate_informs_{0}, queued_{0};

  std::thread delivery_thread_;
  std::thread thread_;
};

TrapReceiver::TrapReceiver(TrapReceiverOptions options, TrapResolver resolver,
                           std::function<void(std::vector<Notification>&&)> sink)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(resolver), std::move(sink))) {
}

TrapReceiver::~TrapReceiver() = default;

Result<void> TrapReceiver::start() {
  return impl_->start();
}

std::uint16_t TrapReceiver::port() const {
  return impl_->port();
}

void TrapReceiver::stop() {
  impl_->stop();
}

TrapReceiverStats TrapReceiver::stats() const {
  return impl_->stats();
}

const std::string& TrapReceiver::engine_id() const {
  return impl_->engine_id();
}

}  // namespace epcfleet::snmp
