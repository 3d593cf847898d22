#pragma once
// remote_write: streams samples to a Prometheus-compatible remote-write endpoint (Prometheus,
// VictoriaMetrics, Mimir, Thanos receive) — remote write 1.0: a snappy-compressed protobuf
// WriteRequest per POST. This is how a fleet that outgrows one machine scales out.
//
// `Writer::enqueue` encodes the series and appends them to a bounded on-disk queue (see queue.hpp)
// and returns; one sender thread POSTs the queue oldest first, one request in flight (receivers
// reject out-of-order samples per series), retries connection errors, 5xx and 429 with exponential
// backoff and jitter, and drops a request only when the receiver refuses it (another 4xx) or when
// the queue outgrows `max_queue_bytes` (the oldest segments go, counted). What was queued survives
// a restart of the process and is sent after it.
//
// Never: block the caller on the network, log a credential, or crash on what it finds on disk.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::remote_write {

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
};

struct Series {
  std::vector<Label> labels;                             // includes __name__
  std::vector<std::pair<std::int64_t, double>> samples;  // (Unix ms, value), oldest first
};

struct Config {
  std::string url;  // http(s)://host:port/api/v1/write
  std::filesystem::path queue_dir;
  std::uint64_t max_queue_bytes = 1ull << 30;
  std::vector<Label> extra_labels;  // added to every series; a series' own label of that name wins
  std::optional<std::string> bearer_token;
  std::optional<std::pair<std::string, std::string>> basic_auth;  // user, password
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  std::size_t max_samples_per_request = 5000;
};

struct Stats {
  // Waiting to be sent (the request in flight included).
  std::uint64_t queued_bytes = 0;    // record bytes not yet acknowledged
  std::uint64_t queued_batches = 0;  // queue records (one per encoded request)
  std::uint64_t queued_samples = 0;
  std::uint64_t disk_bytes = 0;  // segment files on disk: what max_queue_bytes bounds
  // Done.
  std::uint64_t sent_samples = 0;      // acknowledged with 2xx
  std::uint64_t sent_requests = 0;     // POSTs answered 2xx
  std::uint64_t failed_requests = 0;   // POSTs refused for good (4xx other than 429): dropped
  std::uint64_t rejected_samples = 0;  // the samples of those
  std::uint64_t retries = 0;  // attempts that failed and were retried (connection, 5xx, 429)
  std::uint64_t dropped_samples = 0;  // queue over max_queue_bytes (oldest dropped), or unreadable
  std::uint64_t invalid_samples = 0;  // of series without __name__ (never queued)
  std::string last_error;             // empty while healthy; never holds a credential
};

class Writer {
public:
  // Validates the config, takes the queue directory (one Writer per directory: a second open of the
  // same directory fails with kConflict), recovers what an earlier run queued and starts sending.
  static Result<std::unique_ptr<Writer>> open(Config config);

  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Encodes `series` (extra labels added, split into requests of at most
  // max_samples_per_request samples) and appends it to the queue; never waits for the network.
  // Thread-safe. Series without __name__ are counted in invalid_samples and skipped.
  void enqueue(std::span<const Series> series);

  Stats stats() const;

  // Stops the sender (aborting a request in flight, which stays queued) and flushes the queue to
  // disk. It does not wait for the queue to drain: what is queued is sent after the next open().
  // enqueue() still queues afterwards (nothing is lost to a shutdown race). Idempotent; the
  // destructor calls it.
  void stop();

  class Impl;

private:
  explicit Writer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace epcfleet::remote_write
