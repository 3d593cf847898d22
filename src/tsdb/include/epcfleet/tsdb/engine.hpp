#pragma once
// The embedded time-series engine: series registry, write-ahead log, in-memory head of encoded
// chunks, immutable blocks per tenant and tier, flush, compaction and retention.
//
// Durability: append() returns after the samples are written to the WAL with one write(2), so an
// acknowledged sample survives a kill -9; the WAL is fdatasync-ed every `fsync_interval` (or on
// every append with fsync_always) against power loss. The head covers the newest block windows;
// a window is flushed to a raw block once the newest sample is `flush_grace_ms` past its end, and
// the WAL segments it needed are deleted. Samples older than the head are refused. Raw blocks are
// rolled up into 5-minute and 1-hour blocks when they age out of the raw tier; until then queries
// roll raw samples up on the fly.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/tsdb/block.hpp"
#include "epcfleet/tsdb/head_chunk.hpp"
#include "epcfleet/tsdb/record_log.hpp"
#include "epcfleet/tsdb/series_registry.hpp"
#include "epcfleet/tsdb/types.hpp"

struct ZSTD_CCtx_s;

namespace epcfleet::tsdb {

inline constexpr std::int64_t kHourMs = 3'600'000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

struct Retention {
  std::int64_t raw_ms = 15 * kDayMs;
  std::int64_t m5_ms = 90 * kDayMs;
  std::int64_t h1_ms = 730 * kDayMs;
  std::int64_t of(Tier tier) const {
    return tier == Tier::kRaw ? raw_ms : tier == Tier::k5m ? m5_ms : h1_ms;
  }
  bool operator==(const Retention&) const = default;
};

struct EngineOptions {
  std::filesystem::path dir;
  std::int64_t block_ms = 2 * kHourMs;
  std::int64_t flush_grace_ms = 30 * 60'000;
  std::int64_t max_future_ms = 10 * 60'000;  // samples further ahead of the clock are refused
  std::int64_t compact_span_ms = kDayMs;     // raw blocks are merged by day, rollups by 7 and 28
  std::uint64_t wal_segment_bytes = 64ull << 20;
  std::int64_t fsync_interval_ms = 1000;
  bool fsync_always = false;
  bool background = true;  // a thread that syncs, flushes, compacts and enforces retention
  Retention default_retention;
  std::function<std::int64_t()> clock;  // now in ms; the wall clock when empty
};

struct EngineStats {
  std::uint64_t series = 0;
  std::uint64_t samples_appended = 0;
  std::uint64_t samples_duplicate = 0;
  std::uint64_t samples_out_of_order = 0;  // accepted older than their series' newest
  std::uint64_t batches_rejected = 0;
  std::uint64_t head_series = 0;  // series with samples in the head
  std::uint64_t head_chunks = 0;
  std::uint64_t head_samples = 0;
  std::uint64_t head_bytes = 0;
  std::int64_t head_min_t = 0;
  std::uint64_t wal_segments = 0;
  std::uint64_t wal_bytes = 0;
  std::uint64_t wal_syncs = 0;
  std::uint64_t blocks = 0;
  std::uint64_t block_bytes = 0;
  std::uint64_t block_raw_samples = 0;
  std::uint64_t flushes = 0;
  std::uint64_t compactions = 0;
  std::uint64_t retention_dropped_blocks = 0;
  std::uint64_t maintenance_errors = 0;
};

class Engine {
public:
  static Result<std::unique_ptr<Engine>> open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- writing ----
  // The id of a series, created (and persisted) on first use. Labels must be normalized.
  Result<SeriesId> series(const SeriesKey& key);
  std::optional<SeriesId> find_series(std::string_view canonical) const;

  struct AppendReport {
    std::size_t appended = 0;
    std::size_t duplicates = 0;  // same time and value as a stored sample: ignored
  };
  // All or nothing: every sample is checked (known series, not older than the head, not too far
  // in the future) before any is written. Samples older than their series' newest are kept
  // aside and merged in time order (a later write of the same time replaces the earlier one). On
  // refusal `failed` (if given) holds the index of the first bad sample.
  Result<AppendReport> append(std::span<const Append> samples, std::size_t* failed = nullptr);

  // Called with every accepted batch, in the order the WAL has them, under the engine's write
  // lock (so observers see each series in time order): for streaming to a remote store. It
  // must be quick and must not call back into the engine; `registry` names the series.
  using AppendObserver =
      std::function<void(std::span<const Append> samples, const SeriesRegistry& registry)>;
  void set_append_observer(AppendObserver observer);

  // ---- reading ----
  std::vector<SeriesId> select(std::string_view tenant, std::string_view metric,
                               std::string_view device) const;
  SeriesKey key(SeriesId id) const;
  std::vector<std::pair<std::string, std::size_t>> metrics(std::string_view tenant) const;
  // Raw samples with t in [from, to), in time order.
  Status read_raw(SeriesId id, std::int64_t from, std::int64_t to, std::vector<Sample>& out) const;
  // Buckets of a rollup tier for [from, to): from the tier's blocks, and computed from raw
  // samples for the part that is still raw (newer than the tier's newest block).
  Status read_rollup(SeriesId id, Tier tier, std::int64_t from, std::int64_t to,
                     std::vector<Bucket>& out) const;
  // The newest sample with t <= at and t > at - lookback.
  std::optional<Sample> latest(SeriesId id, std::int64_t at, std::int64_t lookback) const;
  // The oldest time a tier can still answer for, given the tenant's retention.
  std::int64_t tier_horizon(std::string_view tenant, Tier tier) const;
  std::int64_t now() const;

  // ---- maintenance (the background thread calls these; tests may too) ----
  // Flushes the windows that are complete; with `all`, every window in the head. After a flush
  // with `all`, samples older than the flushed range are refused.
  Status flush(bool all = false);
  Status compact();
  Status apply_retention();
  Status sync();

  // Deletes everything of a tenant: its series, head samples, blocks and retention setting.
  Status drop_tenant(const std::string& tenant);

  Retention retention(std::string_view tenant) const;
  Status set_retention(const std::string& tenant, const Retention& retention);

  EngineStats stats() const;
  const EngineOptions& options() const { return options_; }

private:
  struct HeadSeries {
    std::vector<std::pair<std::int64_t, HeadChunk>> chunks;  // window start, ascending
    std::int64_t last_t = INT64_MIN;
    double last_v = 0.0;
    // Samples that arrived older than last_t (still inside the head), in arrival order; merged
    // into the window's samples at flush and at read (a later write of the same time wins).
    std::vector<Sample> ooo;
    // The series' newest time and value within the batch being checked (when batch == current).
    std::uint64_t batch = 0;
    std::int64_t batch_t = INT64_MIN;
    double batch_v = 0.0;
  };
  struct Segment {
    std::uint64_t seq = 0;
    std::filesystem::path path;
    std::int64_t max_t = INT64_MIN;
  };
  using BlockList = std::vector<std::shared_ptr<BlockReader>>;  // sorted by mint

  explicit Engine(EngineOptions options);
  Status load();
  Status load_blocks();
  Status replay_wal();
  Status open_segment(std::uint64_t seq);
  void apply_locked(std::span<const Append> samples);
  // Samples of `chunk` (may be null) and `ooo` with t in [from, to), sorted, one per time.
  static void merge_head(const HeadChunk* chunk, const std::vector<Sample>& ooo, std::int64_t from,
                         std::int64_t to, std::vector<Sample>& out);
  std::int64_t window_of(std::int64_t t) const;
  std::int64_t compact_span(Tier tier) const;
  Status flush_window(std::int64_t window);
  Status write_head_marker(std::int64_t head_min_t);
  Result<std::shared_ptr<BlockReader>> roll_up(const std::string& tenant, const BlockReader& raw,
                                               Tier tier);
  Status merge_blocks(const std::string& tenant, Tier tier, const BlockList& sources,
                      std::int64_t mint, std::int64_t maxt);
  std::filesystem::path tier_dir(const std::string& tenant, Tier tier) const;
  void background_loop();

  EngineOptions options_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<SeriesRegistry> registry_;
  AppendObserver observer_;
  std::uint64_t batch_ = 0;  // append() calls, to tell HeadSeries::batch_* apart
  std::vector<HeadSeries> head_;
  std::map<std::int64_t, std::size_t> windows_;  // window start -> chunks in the head
  std::unordered_map<SeriesId, HeadChunk> flushing_;
  std::unordered_map<SeriesId, std::vector<Sample>> flushing_ooo_;
  std::int64_t head_min_t_ = INT64_MIN;
  std::int64_t max_t_ = INT64_MIN;
  std::map<std::string, std::array<BlockList, 3>, std::less<>> blocks_;
  std::map<std::string, Retention, std::less<>> retention_;

  std::unique_ptr<RecordWriter> wal_;
  ZSTD_CCtx_s* zstd_ = nullptr;    // compresses WAL records; used under the write lock
  std::vector<Segment> segments_;  // the last one is being written
  bool wal_dirty_ = false;
  std::mutex maintenance_mutex_;  // one flush/compaction at a time

  mutable std::atomic<std::uint64_t> appended_{0}, duplicates_{0}, out_of_order_{0}, rejected_{0},
      syncs_{0}, flushes_{0}, compactions_{0}, dropped_blocks_{0}, maintenance_errors_{0};

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread background_;
};

}  // namespace epcfleet::tsdb
