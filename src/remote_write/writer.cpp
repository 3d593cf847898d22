#include "epcfleet/remote_write/writer.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "epcfleet/logging/log.hpp"
#include "epcfleet/remote_write/encoding.hpp"
#include "epcfleet/remote_write/queue.hpp"
#include "http_post.hpp"

namespace epcfleet::remote_write {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Consecutive queue records are sent as one request up to max_samples_per_request samples and
// this many bytes of (compressed) bodies; a single bigger record still goes alone.
constexpr std::size_t kMaxBatchBytes = 4u << 20;
constexpr std::uint64_t kMinQueueBytes = 64u << 10;
constexpr auto kOutageLogEvery = std::chrono::seconds(60);
constexpr auto kRejectLogEvery = std::chrono::seconds(10);  // refusals, enqueue failures

bool transient(long status) {
  return status == 0 || status == 429 || status >= 500;
}

bool valid_label_name(std::string_view name) {
  if (name.empty())
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

bool http_url(std::string_view url) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  };
  const auto head = lower(url.substr(0, 8));
  return (head.rfind("http://", 0) == 0 && url.size() > 7) ||
         (head.rfind("https://", 0) == 0 && url.size() > 8);
}

std::int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

}  // namespace

class Writer::Impl {
public:
  Impl(Config config, std::unique_ptr<Queue> queue)
      : config_(std::move(config)),
        log_url_(redact_url(config_.url)),
        queue_(std::move(queue)),
        http_(config_, abort_),
        rng_(std::random_device{}()) {}

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  void enqueue(std::span<const Series> series) {
    auto encoded = encode(series, config_.extra_labels, config_.max_samples_per_request);
    std::uint64_t failed_samples = 0;
    std::string error;
    for (const auto& r : encoded.requests) {
      if (auto s = queue_->append(r.body, r.samples); !s) {
        failed_samples += r.samples;
        error = s.error().message;
      }
    }
    std::lock_guard lock(mutex_);
    invalid_samples_ += encoded.invalid_samples;
    if (failed_samples > 0) {
      unqueued_samples_ += failed_samples;
      last_error_ = error;
      // A full disk fails every enqueue: log the first and then one line per interval.
      const auto now = Clock::now();
      if (!enqueue_failure_logged_ || now - last_enqueue_failure_log_ >= kRejectLogEvery) {
        log::error("remote_write.enqueue_failed",
                   {{"error", error},
                    {"samples", failed_samples},
                    {"failures_not_logged", enqueue_failures_unlogged_}});
        enqueue_failure_logged_ = true;
        last_enqueue_failure_log_ = now;
        enqueue_failures_unlogged_ = 0;
      } else {
        ++enqueue_failures_unlogged_;
      }
    }
    ++appended_;
    cv_.notify_all();
  }

  Stats stats() const {
    std::lock_guard lock(mutex_);
    const auto q = queue_->counters();
    Stats s;
    s.queued_bytes = q.pending_bytes;
    s.queued_batches = q.pending_records;
    s.queued_samples = q.pending_samples;
    s.disk_bytes = q.disk_bytes;
    s.sent_samples = sent_samples_;
    s.sent_requests = sent_requests_;
    s.failed_requests = failed_requests_;
    s.rejected_samples = rejected_samples_;
    s.retries = retries_;
    s.dropped_samples = q.dropped_samples + unqueued_samples_;
    s.invalid_samples = invalid_samples_;
    s.last_error = last_error_;
    return s;
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_)
        return;
      stopped_ = true;
    }
    abort_ = true;
    cv_.notify_all();
    if (thread_.joinable())
      thread_.join();
    if (auto s = queue_->sync(); !s)
      log::warn("remote_write.sync_failed", {{"error", s.error().message}});
  }

  const std::string& log_url() const { return log_url_; }

private:
  enum class Outcome { kDone, kStopped };

  void run() {
    while (auto batch = next_batch()) {
      if (deliver(*batch, 0, batch->records.size()) == Outcome::kStopped)
        break;
    }
  }

  std::optional<QueueBatch> next_batch() {
    for (;;) {
      std::uint64_t seen = 0;
      {
        std::lock_guard lock(mutex_);
        if (stopped_)
          return std::nullopt;
        seen = appended_;
      }
      if (auto batch = queue_->peek(config_.max_samples_per_request, kMaxBatchBytes))
        return batch;
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopped_ || appended_ != seen; });
    }
  }

  // Sends records [first, last) of the batch as one request until it is acknowledged or refused
  // for good. A refused request of several records is retried record by record, so that one bad
  // record (say, an out-of-order sample) does not take its neighbours down with it.
  Outcome deliver(const QueueBatch& batch, std::size_t first, std::size_t last) {
    const auto one_by_one = [&] {
      for (std::size_t i = first; i < last; ++i)
        if (deliver(batch, i, i + 1) == Outcome::kStopped)
          return Outcome::kStopped;
      return Outcome::kDone;
    };
    std::uint64_t samples = 0;
    std::vector<std::string_view> parts;
    for (std::size_t i = first; i < last; ++i) {
      samples += batch.records[i].samples;
      parts.emplace_back(batch.records[i].body);
    }
    std::string merged;
    std::string_view body = parts.front();
    if (parts.size() > 1) {
      auto m = merge(parts);
      if (!m)
        return one_by_one();
      merged = std::move(*m);
      body = merged;
    }
    for (int attempt = 0;; ++attempt) {
      if (abort_)
        return Outcome::kStopped;
      const auto result = http_.post(body);
      if (result.status >= 200 && result.status <= 299) {
        on_sent(samples);
        queue_->ack(batch, batch.records[last - 1].end);
        return Outcome::kDone;
      }
      if (abort_)
        return Outcome::kStopped;  // the request was cut short by stop(): it stays queued
      if (transient(result.status)) {
        on_retry(result, attempt);
        if (!sleep(backoff(attempt, result.retry_after)))
          return Outcome::kStopped;
        continue;
      }
      if (last - first > 1)
        return one_by_one();
      on_rejected(result, samples);
      queue_->ack(batch, batch.records[first].end);
      return Outcome::kDone;
    }
  }

  milliseconds backoff(int attempt, std::optional<milliseconds> retry_after) {
    const auto max = config_.max_backoff;
    milliseconds base = config_.min_backoff;
    for (int i = 0; i < attempt && base < max; ++i)
      base *= 2;
    base = std::min(base, max);
    // "Equal jitter": at least half the backoff, so that retries still back off, and a random
    // rest, so that many writers that failed together do not retry together.
    const auto half = base.count() / 2;
    std::uniform_int_distribution<std::int64_t> dist(
        0, std::max<std::int64_t>(0, base.count() - half));
    milliseconds wait{half + dist(rng_)};
    if (retry_after)
      wait = std::max(wait, std::min(*retry_after, max));
    return wait;
  }

  // false when stop() interrupted the wait.
  bool sleep(milliseconds d) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_for(lock, d, [&] { return stopped_; });
  }

  void on_sent(std::uint64_t samples) {
    std::lock_guard lock(mutex_);
    sent_samples_ += samples;
    ++sent_requests_;
    last_error_.clear();
    if (failing_) {
      log::info("remote_write.recovered", {{"url", log_url_},
                                           {"failed_attempts", failed_attempts_},
                                           {"outage_ms", ms_since(failing_since_)}});
      failing_ = false;
      failed_attempts_ = 0;
    }
  }

  void on_retry(const PostResult& result, int attempt) {
    std::lock_guard lock(mutex_);
    ++retries_;
    ++failed_attempts_;
    last_error_ = result.error;
    const auto now = Clock::now();
    if (!failing_) {
      failing_ = true;
      failing_since_ = now;
      last_outage_log_ = now;
      log::warn("remote_write.retrying",
                {{"url", log_url_}, {"error", result.error}, {"attempt", attempt + 1}});
    } else if (now - last_outage_log_ >= kOutageLogEvery) {
      last_outage_log_ = now;
      log::warn("remote_write.still_failing", {{"url", log_url_},
                                               {"error", result.error},
                                               {"failed_attempts", failed_attempts_},
                                               {"outage_ms", ms_since(failing_since_)}});
    }
  }

  void on_rejected(const PostResult& result, std::uint64_t samples) {
    std::lock_guard lock(mutex_);
    ++failed_requests_;
    rejected_samples_ += samples;
    last_error_ = result.error;
    const auto now = Clock::now();
    if (rejected_logged_ && now - last_reject_log_ < kRejectLogEvery) {
      ++rejects_unlogged_;
      return;
    }
    rejected_logged_ = true;
    last_reject_log_ = now;
    log::warn("remote_write.rejected", {{"url", log_url_},
                                        {"status", static_cast<std::int64_t>(result.status)},
                                        {"error", result.error},
                                        {"samples", samples},
                                        {"effect", "request dropped"},
                                        {"rejections_not_logged", rejects_unlogged_}});
    rejects_unlogged_ = 0;
  }

  const Config config_;
  const std::string log_url_;
  std::unique_ptr<Queue> queue_;
  std::atomic<bool> abort_{false};
  HttpPost http_;        // sender thread only
  std::mt19937_64 rng_;  // sender thread only

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::uint64_t appended_ = 0;  // enqueue() calls, to wake the sender
  std::uint64_t sent_samples_ = 0;
  std::uint64_t sent_requests_ = 0;
  std::uint64_t failed_requests_ = 0;
  std::uint64_t rejected_samples_ = 0;
  std::uint64_t retries_ = 0;
  std::uint64_t invalid_samples_ = 0;
  std::uint64_t unqueued_samples_ = 0;  // append failed (disk full, I/O)
  std::string last_error_;
  bool failing_ = false;
  Clock::time_point failing_since_{};
  Clock::time_point last_outage_log_{};
  std::uint64_t failed_attempts_ = 0;
  bool rejected_logged_ = false;
  Clock::time_point last_reject_log_{};
  std::uint64_t rejects_unlogged_ = 0;
  bool enqueue_failure_logged_ = false;
  Clock::time_point last_enqueue_failure_log_{};
  std::uint64_t enqueue_failures_unlogged_ = 0;

  std::thread thread_;  // last: started after everything above exists
};

Result<std::unique_ptr<Writer>> Writer::open(Config config) {
  if (!http_url(config.url))
    return fail(ErrorCode::kInvalidArgument, "remote_write url must be an http:// or https:// URL");
  if (config.queue_dir.empty())
    return fail(ErrorCode::kInvalidArgument, "remote_write queue_dir is empty");
  if (config.max_queue_bytes < kMinQueueBytes)
    return fail(ErrorCode::kInvalidArgument, "remote_write max_queue_bytes is below 64 KiB");
  if (config.timeout.count() <= 0 || config.min_backoff.count() <= 0 ||
      config.max_backoff < config.min_backoff)
    return fail(ErrorCode::kInvalidArgument,
                "remote_write timeout and backoffs must be positive, max_backoff >= min_backoff");
  if (config.max_samples_per_request == 0)
    return fail(ErrorCode::kInvalidArgument, "remote_write max_samples_per_request is 0");
  if (config.bearer_token && config.basic_auth)
    return fail(ErrorCode::kInvalidArgument,
                "remote_write takes a bearer token or basic auth, not both");
  for (const auto& l : config.extra_labels)
    if (!valid_label_name(l.name))
      return fail(ErrorCode::kInvalidArgument,
                  "remote_write extra label name '" + l.name + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
  auto queue = Queue::open(QueueOptions{config.queue_dir, config.max_queue_bytes, 0});
  if (!queue)
    return fail(queue.error());
  const auto counters = (*queue)->counters();
  const char* auth = config.bearer_token ? "bearer" : config.basic_auth ? "basic" : "none";
  const auto dir = config.queue_dir.string();
  const auto max_bytes = config.max_queue_bytes;
  auto impl = std::make_unique<Impl>(std::move(config), std::move(*queue));
  log::info("remote_write.started", {{"url", impl->log_url()},
                                     {"auth", auth},
                                     {"queue_dir", dir},
                                     {"max_queue_bytes", max_bytes},
                                     {"queued_samples", counters.pending_samples}});
  impl->start();
  return std::unique_ptr<Writer>(new Writer(std::move(impl)));
}

Writer::Writer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}

Writer::~Writer() {
  stop();
}

void Writer::enqueue(std::span<const Series> series) {
  impl_->enqueue(series);
}

Stats Writer::stats() const {
  return impl_->stats();
}

void Writer::stop() {
  impl_->stop();
}

}  // namespace epcfleet::remote_write
