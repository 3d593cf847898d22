#include "tsdb_setup.hpp"

#include "epcfleet/core/time.hpp"
#include "epcfleet/metrics/registry.hpp"

namespace epcfleet::app {
namespace {

Result<std::int64_t> duration_setting(const Config& config, const std::string& key) {
  auto text = config.get(key);
  if (auto d = parse_duration_ms(text))
    return *d;
  return fail(ErrorCode::kInvalidArgument,
              key + " must be a duration such as 30s, 15d or 2w, not '" + text + "'");
}

}  // namespace

Result<std::unique_ptr<tsdb::Engine>> open_tsdb(const Config& config) {
  tsdb::EngineOptions options;
  options.dir = config.get("tsdb_dir");
  const auto fsync = config.get("tsdb_fsync");
  if (fsync == "always") {
    options.fsync_always = true;
  } else {
    auto d = duration_setting(config, "tsdb_fsync");
    if (!d)
      return fail(Error{ErrorCode::kInvalidArgument,
                        "tsdb_fsync must be 'always' or an interval such as 1s"});
    options.fsync_interval_ms = *d;
  }
  std::int64_t* tiers[] = {&options.default_retention.raw_ms, &options.default_retention.m5_ms,
                           &options.default_retention.h1_ms};
  const char* keys[] = {"tsdb_retention_raw", "tsdb_retention_5m", "tsdb_retention_1h"};
  for (int i = 0; i < 3; ++i) {
    auto d = duration_setting(config, keys[i]);
    if (!d)
      return fail(d.error());
    *tiers[i] = *d;
  }
  return tsdb::Engine::open(std::move(options));
}

void register_tsdb_metrics(const tsdb::Engine& engine) {
  metrics::default_registry().on_collect([&engine](metrics::Registry& r) {
    auto s = engine.stats();
    auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    r.gauge("epcfleet_tsdb_series", "Series known to the time-series store").set(d(s.series));
    r.counter("epcfleet_tsdb_samples_appended_total", "Samples written").set(d(s.samples_appended));
    r.counter("epcfleet_tsdb_samples_duplicate_total", "Samples ignored as exact duplicates")
        .set(d(s.samples_duplicate));
    r.counter("epcfleet_tsdb_samples_out_of_order_total",
              "Samples accepted older than their series' newest (merged at flush)")
        .set(d(s.samples_out_of_order));
    r.counter("epcfleet_tsdb_batches_rejected_total",
              "Write batches refused (out of order, too old)")
        .set(d(s.batches_rejected));
    r.gauge("epcfleet_tsdb_head_series", "Series with samples in the in-memory head")
        .set(d(s.head_series));
    r.gauge("epcfleet_tsdb_head_samples", "Samples in the in-memory head").set(d(s.head_samples));
    r.gauge("epcfleet_tsdb_head_bytes", "Memory held by the head's chunks").set(d(s.head_bytes));
    r.gauge("epcfleet_tsdb_head_chunks", "Chunks in the head").set(d(s.head_chunks));
    r.gauge("epcfleet_tsdb_wal_segments", "Write-ahead log segments on disk")
        .set(d(s.wal_segments));
    r.gauge("epcfleet_tsdb_wal_bytes", "Write-ahead log bytes on disk").set(d(s.wal_bytes));
    r.counter("epcfleet_tsdb_wal_syncs_total", "fdatasync calls on the WAL").set(d(s.wal_syncs));
    r.gauge("epcfleet_tsdb_blocks", "Block files (all tenants and tiers)").set(d(s.blocks));
    r.gauge("epcfleet_tsdb_block_bytes", "Bytes of block files").set(d(s.block_bytes));
    r.gauge("epcfleet_tsdb_block_raw_samples", "Raw samples in blocks").set(d(s.block_raw_samples));
    r.gauge("epcfleet_tsdb_bytes_per_sample", "Block bytes (all tiers) per raw sample in blocks")
        .set(s.block_raw_samples == 0 ? 0.0 : d(s.block_bytes) / d(s.block_raw_samples));
    r.counter("epcfleet_tsdb_flushes_total", "Head windows flushed to blocks").set(d(s.flushes));
    r.counter("epcfleet_tsdb_compactions_total", "Block merges").set(d(s.compactions));
    r.counter("epcfleet_tsdb_retention_dropped_blocks_total", "Blocks dropped by retention")
        .set(d(s.retention_dropped_blocks));
    r.counter("epcfleet_tsdb_maintenance_errors_total", "Failed flushes, compactions or syncs")
        .set(d(s.maintenance_errors));
  });
}

}  // namespace epcfleet::app
