#include "epcfleet/tsdb/engine.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <fstream>
#include <set>

#include "epcfleet/core/time.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/tsdb/codec.hpp"
#include "epcfleet/tsdb/rollup.hpp"

namespace epcfleet::tsdb {
namespace fs = std::filesystem;
namespace {

constexpr std::uint8_t kSamplesRecord = 1;
// The same, zstd-compressed (level 1): [2][varint raw length][frame]. A WAL of float64s and
// series ids compresses 3-4x at about a nanosecond a byte, which cuts the disk the head's WAL
// takes and what every write(2) copies.
constexpr std::uint8_t kCompressedSamplesRecord = 2;
constexpr std::size_t kCompressAbove =
    4096;  // small records (one poll) cost more CPU than they save
constexpr std::size_t kMaxRecordBytes = 256u << 20;
constexpr Tier kTiers[] = {Tier::kRaw, Tier::k5m, Tier::k1h};

std::string segment_name(std::uint64_t seq) {
  char name[32];
  std::snprintf(name, sizeof name, "%016llu.wal", static_cast<unsigned long long>(seq));
  return name;
}

Status write_file_atomically(const fs::path& path, const std::string& content) {
  auto tmp = path;
  tmp += ".tmp";
  {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
      return fail(ErrorCode::kUnavailable, "cannot write " + tmp.string());
    bool good =
        ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!good)
      return fail(ErrorCode::kUnavailable, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "cannot rename " + tmp.string() + ": " + ec.message());
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok();
}

std::optional<std::string> read_small_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in)
    return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool valid_tenant_dir(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
}

Engine::~Engine() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (background_.joinable())
    background_.join();
  if (wal_)
    (void)wal_->sync();
  ZSTD_freeCCtx(zstd_);
}

std::int64_t Engine::now() const {
  return options_.clock ? options_.clock() : now_ms();
}

Result<std::unique_ptr<Engine>> Engine::open(EngineOptions options) {
  if (options.block_ms <= 0 || kDayMs % options.block_ms != 0 || options.block_ms % kHourMs != 0)
    return fail(ErrorCode::kInvalidArgument,
                "tsdb block length must be whole hours dividing a day");
  // Every block keeps its file open (so that compaction can delete files under running queries):
  // take the file-descriptor allowance the system grants.
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  auto engine = std::unique_ptr<Engine>(new Engine(std::move(options)));
  if (auto st = engine->load(); !st)
    return fail(st.error());
  if (engine->options_.background)
    engine->background_ = std::thread([e = engine.get()] { e->background_loop(); });
  return engine;
}

fs::path Engine::tier_dir(const std::string& tenant, Tier tier) const {
  return options_.dir / "blocks" / tenant / tier_name(tier);
}

std::int64_t Engine::compact_span(Tier tier) const {
  // Coarser tiers are kept longer: bigger blocks keep the file count down (2 years of 1-hour
  // rollups are 27 files), at the price of retention dropping data up to one span late.
  return options_.compact_span_ms * (tier == Tier::kRaw ? 1 : tier == Tier::k5m ? 7 : 28);
}

std::int64_t Engine::window_of(std::int64_t t) const {
  return align_down(t, options_.block_ms);
}

// ---- opening ----

Status Engine::load() {
  std::error_code ec;
  fs::create_directories(options_.dir / "wal", ec);
  fs::create_directories(options_.dir / "blocks", ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "cannot create the time-series directory " +
                                             options_.dir.string() + ": " + ec.message());
  auto registry = SeriesRegistry::open(options_.dir / "series.log");
  if (!registry)
    return fail(registry.error());
  registry_ = std::move(*registry);
  head_.resize(registry_->size());
  if (auto marker = read_small_file(options_.dir / "head")) {
    try {
      head_min_t_ = std::stoll(*marker);
    } catch (...) {
      return fail(ErrorCode::kInternal, "the tsdb head marker is corrupt");
    }
  }
  if (auto st = load_blocks(); !st)
    return st;
  return replay_wal();
}

Status Engine::load_blocks() {
  std::error_code ec;
  for (const auto& tenant_entry : fs::directory_iterator(options_.dir / "blocks", ec)) {
    std::string tenant = tenant_entry.path().filename().string();
    if (!tenant_entry.is_directory() || !valid_tenant_dir(tenant))
      continue;
    if (auto text = read_small_file(tenant_entry.path() / "retention")) {
      Retention r;
      if (std::sscanf(text->c_str(), "raw=%ld 5m=%ld 1h=%ld", &r.raw_ms, &r.m5_ms, &r.h1_ms) == 3)
        retention_[tenant] = r;
    }
    for (Tier tier : kTiers) {
      BlockList list;
      auto dir = tier_dir(tenant, tier);
      if (!fs::exists(dir))
        continue;
      for (const auto& f : fs::directory_iterator(dir, ec)) {
        const auto& path = f.path();
        if (path.extension() == ".tmp") {
          fs::remove(path, ec);  // a write that never finished
          continue;
        }
        if (path.extension() != ".blk")
          continue;
        auto reader = BlockReader::open(path);
        if (!reader) {
          log::warn("tsdb.block.unreadable", {{"error", reader.error().message}});
          fs::rename(path, fs::path(path) += ".corrupt", ec);
          continue;
        }
        if ((*reader)->info().maxt > head_min_t_) {
          fs::remove(path, ec);  // from a flush that did not commit: the WAL still has it
          continue;
        }
        list.push_back(*reader);
      }
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a->info().mint != b->info().mint ? a->info().mint < b->info().mint
                                                : a->info().maxt > b->info().maxt;
      });
      // A compaction interrupted between writing its output and deleting its sources leaves
      // blocks inside a bigger one: the bigger one has all their data.
      BlockList kept;
      for (auto& b : list) {
        if (!kept.empty() && b->info().maxt <= kept.back()->info().maxt) {
          fs::remove(b->info().path, ec);
          continue;
        }
        kept.push_back(b);
      }
      blocks_[tenant][static_cast<std::size_t>(tier)] = std::move(kept);
    }
  }
  return ok();
}

Status Engine::replay_wal() {
  std::vector<std::pair<std::uint64_t, fs::path>> files;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(options_.dir / "wal", ec))
    if (f.path().extension() == ".wal")
      files.emplace_back(std::strtoull(f.path().stem().c_str(), nullptr, 10), f.path());
  std::sort(files.begin(), files.end());
  std::vector<Append> batch;
  std::uint64_t next_seq = 1;
  for (std::size_t i = 0; i < files.size(); ++i) {
    Segment segment{files[i].first, files[i].second, INT64_MIN};
    std::string inflated;
    auto read = read_records(segment.path, [&](std::string_view payload) -> Status {
      if (!payload.empty() && static_cast<std::uint8_t>(payload[0]) == kCompressedSamplesRecord) {
        payload.remove_prefix(1);
        std::uint64_t raw_size = 0;
        if (!codec::get_varint(payload, raw_size) || raw_size > kMaxRecordBytes)
          return ok();
        inflated.resize(raw_size);
        auto n = ZSTD_decompress(inflated.data(), inflated.size(), payload.data(), payload.size());
        if (ZSTD_isError(n) || n != raw_size)
          return ok();
        payload = inflated;
      }
      if (payload.empty() || static_cast<std::uint8_t>(payload[0]) != kSamplesRecord)
        return ok();
      payload.remove_prefix(1);
      std::uint64_t n = 0;
      if (!codec::get_varint(payload, n))
        return ok();
      batch.clear();
      std::int64_t t = 0;
      for (std::uint64_t k = 0; k < n; ++k) {
        std::uint64_t id = 0, dt = 0, bits = 0;
        if (!codec::get_varint(payload, id) || !codec::get_varint(payload, dt) ||
            !codec::get_u64(payload, bits))
          break;
        t += codec::unzigzag(dt);
        segment.max_t = std::max(segment.max_t, t);
        if (id >= registry_->size() || t < head_min_t_ ||
            registry_->dropped(static_cast<SeriesId>(id)))
          continue;
        batch.push_back({static_cast<SeriesId>(id), t, std::bit_cast<double>(bits)});
      }
      apply_locked(batch);
      return ok();
    });
    if (!read)
      return fail(read.error());
    auto size = fs::file_size(segment.path, ec);
    if (*read != size)
      log::warn("tsdb.wal.torn_tail",
                {{"segment", segment.path.string()}, {"valid_bytes", *read}, {"bytes", size}});
    segments_.push_back(segment);
    next_seq = segment.seq + 1;
    if (i + 1 == files.size() && *read != size) {
      // Cut the torn tail so that new records are not written after garbage.
      if (::truncate(segment.path.c_str(), static_cast<off_t>(*read)) != 0)
        return fail(ErrorCode::kUnavailable, "cannot cut the torn WAL tail");
    }
  }
  // New writes always go to a fresh segment.
  return open_segment(next_seq);
}

Status Engine::open_segment(std::uint64_t seq) {
  auto path = options_.dir / "wal" / segment_name(seq);
  auto writer = RecordWriter::open(path, 0);
  if (!writer)
    return fail(writer.error());
  if (wal_)
    (void)wal_->sync();
  wal_ = std::move(*writer);
  segments_.push_back({seq, path, INT64_MIN});
  return ok();
}

// ---- writing ----

Result<SeriesId> Engine::series(const SeriesKey& key) {
  {
    std::shared_lock lock(mutex_);
    std::string canonical;
    canonical_key(canonical, key.tenant, key.metric, key.device, key.labels);
    if (auto id = registry_->find(canonical))
      return *id;
  }
  std::unique_lock lock(mutex_);
  auto id = registry_->get_or_create(key);
  if (id && head_.size() < registry_->size())
    head_.resize(registry_->size());
  return id;
}

std::optional<SeriesId> Engine::find_series(std::string_view canonical) const {
  std::shared_lock lock(mutex_);
  return registry_->find(canonical);
}

Result<Engine::AppendReport> Engine::append(std::span<const Append> samples, std::size_t* failed) {
  AppendReport report;
  std::unique_lock lock(mutex_);
  std::int64_t newest_allowed = now() + options_.max_future_ms;
  // Pass 1: check everything; keep track of each series' last time within the batch.
  std::vector<Append> accepted;
  accepted.reserve(samples.size());
  const std::uint64_t batch = ++batch_;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    auto refuse = [&](std::string why) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      if (failed != nullptr)
        *failed = i;
      return fail(ErrorCode::kInvalidArgument, std::move(why));
    };
    if (s.series >= registry_->size() || registry_->dropped(s.series))
      return refuse("unknown series");
    if (s.t < head_min_t_)
      return refuse("sample at " + format_iso8601(s.t) +
                    " is older than what the store still accepts (" + format_iso8601(head_min_t_) +
                    ")");
    if (s.t > newest_allowed)
      return refuse("sample at " + format_iso8601(s.t) + " is in the future");
    auto& h = head_[s.series];
    std::int64_t last_t = h.batch == batch ? h.batch_t : h.last_t;
    double last_v = h.batch == batch ? h.batch_v : h.last_v;
    if (s.t == last_t &&
        std::bit_cast<std::uint64_t>(s.v) == std::bit_cast<std::uint64_t>(last_v)) {
      ++report.duplicates;  // a retried write
      continue;
    }
    if (s.t > last_t) {
      h.batch = batch;
      h.batch_t = s.t;
      h.batch_v = s.v;
    }
    accepted.push_back(s);
  }
  if (accepted.empty()) {
    duplicates_.fetch_add(report.duplicates, std::memory_order_relaxed);
    return report;
  }
  // Pass 2: one WAL record, one write, then the head.
  std::string payload;
  payload.reserve(accepted.size() * 14 + 16);
  payload.push_back(static_cast<char>(kSamplesRecord));
  codec::put_varint(payload, accepted.size());
  std::int64_t prev_t = 0;
  std::int64_t batch_max = INT64_MIN;
  for (const auto& a : accepted) {
    codec::put_varint(payload, a.series);
    codec::put_varint(payload, codec::zigzag(a.t - prev_t));
    codec::put_u64(payload, std::bit_cast<std::uint64_t>(a.v));
    prev_t = a.t;
    batch_max = std::max(batch_max, a.t);
  }
  if (wal_->size() >= options_.wal_segment_bytes) {
    if (auto st = open_segment(segments_.back().seq + 1); !st)
      return fail(st.error());
  }
  if (payload.size() > kCompressAbove) {
    if (zstd_ == nullptr) {
      zstd_ = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, 1);
    }
    std::string packed(1, static_cast<char>(kCompressedSamplesRecord));
    codec::put_varint(packed, payload.size());
    std::size_t header = packed.size();
    packed.resize(header + ZSTD_compressBound(payload.size()));
    auto n = ZSTD_compress2(zstd_, packed.data() + header, packed.size() - header, payload.data(),
                            payload.size());
    if (!ZSTD_isError(n) && header + n < payload.size()) {
      packed.resize(header + n);
      payload = std::move(packed);
    }
  }
  if (auto st = wal_->append(payload); !st)
    return fail(st.error());
  segments_.back().max_t = std::max(segments_.back().max_t, batch_max);
  if (options_.fsync_always) {
    if (auto st = registry_->sync(); !st)
      return fail(st.error());
    if (auto st = wal_->sync(); !st)
      return fail(st.error());
    syncs_.fetch_add(1, std::memory_order_relaxed);
  } else {
    wal_dirty_ = true;
  }
  apply_locked(accepted);
  if (observer_)
    observer_(accepted, *registry_);
  report.appended = accepted.size();
  appended_.fetch_add(report.appended, std::memory_order_relaxed);
  duplicates_.fetch_add(report.duplicates, std::memory_order_relaxed);
  return report;
}

void Engine::set_append_observer(AppendObserver observer) {
  std::unique_lock lock(mutex_);
  observer_ = std::move(observer);
}

void Engine::apply_locked(std::span<const Append> samples) {
  for (const auto& s : samples) {
    auto& series = head_[s.series];
    std::int64_t window = window_of(s.t);
    if (s.t <= series.last_t) {  // out of order (or a new value for the newest time)
      if (s.t == series.last_t)
        series.last_v = s.v;
      series.ooo.push_back({s.t, s.v});
      ++windows_[window];
      out_of_order_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    auto it = std::find_if(series.chunks.rbegin(), series.chunks.rend(),
                           [&](const auto& c) { return c.first == window; });
    if (it == series.chunks.rend()) {
      series.chunks.emplace_back(window, HeadChunk());
      std::sort(series.chunks.begin(), series.chunks.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      ++windows_[window];
      it = std::find_if(series.chunks.rbegin(), series.chunks.rend(),
                        [&](const auto& c) { return c.first == window; });
    }
    it->second.append(s.t, s.v);
    series.last_t = s.t;
    series.last_v = s.v;
    max_t_ = std::max(max_t_, s.t);
  }
}

// ---- reading ----

std::vector<SeriesId> Engine::select(std::string_view tenant, std::string_view metric,
                                     std::string_view device) const {
  std::shared_lock lock(mutex_);
  return registry_->select(tenant, metric, device);
}

std::vector<std::pair<std::string, std::size_t>> Engine::metrics(std::string_view tenant) const {
  std::shared_lock lock(mutex_);
  return registry_->metrics(tenant);
}

SeriesKey Engine::key(SeriesId id) const {
  std::shared_lock lock(mutex_);
  return registry_->key(id);
}

Status Engine::read_raw(SeriesId id, std::int64_t from, std::int64_t to,
                        std::vector<Sample>& out) const {
  BlockList blocks;
  std::vector<HeadChunk> chunks;
  std::vector<Sample> ooo;
  {
    std::shared_lock lock(mutex_);
    if (id >= registry_->size())
      return ok();
    auto b = blocks_.find(registry_->key(id).tenant);
    if (b != blocks_.end())
      for (const auto& block : b->second[0])
        if (block->info().mint < to && block->info().maxt > from)
          blocks.push_back(block);
    if (auto f = flushing_.find(id); f != flushing_.end())
      chunks.push_back(f->second);
    if (auto f = flushing_ooo_.find(id); f != flushing_ooo_.end())
      ooo = f->second;
    for (const auto& [window, chunk] : head_[id].chunks)
      if (window < to && window + options_.block_ms > from)
        chunks.push_back(chunk);
    ooo.insert(ooo.end(), head_[id].ooo.begin(), head_[id].ooo.end());
  }
  for (const auto& block : blocks)
    if (auto st = block->read_samples(id, from, to, out); !st)
      return st;
  if (ooo.empty()) {
    std::vector<Sample> decoded;
    for (const auto& chunk : chunks) {
      decoded.clear();
      chunk.decode(decoded);
      for (const auto& s : decoded)
        if (s.t >= from && s.t < to)
          out.push_back(s);
    }
    return ok();
  }
  std::vector<Sample> all;  // the chunks' samples are in time order, then the later writes
  for (const auto& chunk : chunks)
    chunk.decode(all);
  all.insert(all.end(), ooo.begin(), ooo.end());
  merge_head(nullptr, all, from, to, out);
  return ok();
}

void Engine::merge_head(const HeadChunk* chunk, const std::vector<Sample>& ooo, std::int64_t from,
                        std::int64_t to, std::vector<Sample>& out) {
  std::vector<Sample> all;
  if (chunk != nullptr)
    chunk->decode(all);
  all.insert(all.end(), ooo.begin(), ooo.end());
  // Stable: of samples with the same time, the one written last stays last, and wins.
  std::stable_sort(all.begin(), all.end(),
                   [](const Sample& a, const Sample& b) { return a.t < b.t; });
  if (&out == &ooo)
    out.clear();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i + 1 < all.size() && all[i + 1].t == all[i].t)
      continue;
    if (all[i].t >= from && all[i].t < to)
      out.push_back(all[i]);
  }
}

Status Engine::read_rollup(SeriesId id, Tier tier, std::int64_t from, std::int64_t to,
                           std::vector<Bucket>& out) const {
  if (tier == Tier::kRaw)
    return fail(ErrorCode::kInternal, "read_rollup needs a rollup tier");
  BlockList blocks;
  std::int64_t covered = INT64_MIN;
  {
    std::shared_lock lock(mutex_);
    if (id >= registry_->size())
      return ok();
    auto b = blocks_.find(registry_->key(id).tenant);
    if (b != blocks_.end())
      for (const auto& block : b->second[static_cast<std::size_t>(tier)]) {
        covered = std::max(covered, block->info().maxt);
        if (block->info().mint < to && block->info().maxt > from)
          blocks.push_back(block);
      }
  }
  // Rollups exist only for data that aged out of the raw tier; newer data is rolled up here.
  for (const auto& block : blocks)
    if (auto st = block->read_buckets(id, from, std::min(to, covered), out); !st)
      return st;
  if (covered < to) {
    std::int64_t res = kTierResolutionMs[static_cast<std::size_t>(tier)];
    std::vector<Sample> raw;
    if (auto st = read_raw(id, std::max(from, covered), to, raw); !st)
      return st;
    rollup_samples(raw, res, out);
  }
  return ok();
}

std::optional<Sample> Engine::latest(SeriesId id, std::int64_t at, std::int64_t lookback) const {
  {
    std::shared_lock lock(mutex_);
    if (id >= head_.size())
      return std::nullopt;
    const auto& s = head_[id];
    if (s.last_t != INT64_MIN && s.last_t <= at)
      return s.last_t > at - lookback ? std::optional<Sample>(Sample{s.last_t, s.last_v})
                                      : std::nullopt;
  }
  std::vector<Sample> raw;
  if (!read_raw(id, at - lookback + 1, at + 1, raw) || raw.empty())
    return std::nullopt;
  return raw.back();
}

std::int64_t Engine::tier_horizon(std::string_view tenant, Tier tier) const {
  return now() - retention(tenant).of(tier);
}

// ---- flushing ----

Status Engine::flush(bool all) {
  std::lock_guard maintenance(maintenance_mutex_);
  while (true) {
    std::int64_t window = 0;
    {
      std::shared_lock lock(mutex_);
      if (windows_.empty())
        return ok();
      window = windows_.begin()->first;
      if (!all && window + options_.block_ms + options_.flush_grace_ms > max_t_)
        return ok();
    }
    if (auto st = flush_window(window); !st)
      return st;
  }
}

Status Engine::flush_window(std::int64_t window) {
  const std::int64_t end = window + options_.block_ms;
  // 1. Move the window's chunks aside (still visible to readers), start a new WAL segment.
  std::map<std::string, std::map<std::string, std::vector<SeriesId>>> by_tenant_device;
  {
    std::unique_lock lock(mutex_);
    for (SeriesId id = 0; id < head_.size(); ++id) {
      auto& h = head_[id];
      bool in_window = false;
      if (!h.chunks.empty() && h.chunks.front().first == window) {
        flushing_.emplace(id, std::move(h.chunks.front().second));
        h.chunks.erase(h.chunks.begin());
        in_window = true;
      }
      if (!h.ooo.empty()) {
        auto moved = std::stable_partition(
            h.ooo.begin(), h.ooo.end(), [&](const Sample& x) { return window_of(x.t) != window; });
        if (moved != h.ooo.end()) {
          flushing_ooo_[id].assign(moved, h.ooo.end());
          h.ooo.erase(moved, h.ooo.end());
          in_window = true;
        }
      }
      if (!in_window)
        continue;
      const auto& key = registry_->key(id);
      by_tenant_device[key.tenant][key.device].push_back(id);
    }
    windows_.erase(window);
    if (auto st = open_segment(segments_.back().seq + 1); !st)
      return st;
  }
  // 2. Write the raw blocks, per tenant. Chunks are immutable while flushing.
  // On failure the chunks go back to the head (the WAL still has them) and the flush is retried
  // on the next round; block files written so far are above the head marker, so a restart drops
  // them too.
  std::vector<std::shared_ptr<BlockReader>> written;
  auto give_back = [&](Error error) -> Status {
    std::unique_lock lock(mutex_);
    for (auto& [id, chunk] : flushing_) {
      auto& chunks = head_[id].chunks;
      chunks.insert(chunks.begin(), {window, std::move(chunk)});
      ++windows_[window];
    }
    for (auto& [id, samples] : flushing_ooo_) {
      head_[id].ooo.insert(head_[id].ooo.begin(), samples.begin(), samples.end());
      ++windows_[window];
    }
    flushing_.clear();
    flushing_ooo_.clear();
    for (auto& reader : written)
      reader->mark_obsolete();
    return fail(std::move(error));
  };
  for (const auto& [tenant, devices] : by_tenant_device) {
    auto writer = BlockWriter::create(block_path(tier_dir(tenant, Tier::kRaw), window, end), tenant,
                                      Tier::kRaw, window, end);
    if (!writer)
      return give_back(writer.error());
    std::vector<SeriesColumns> raw;
    for (const auto& [device, ids] : devices) {
      raw.clear();
      for (SeriesId id : ids) {
        SeriesColumns s;
        s.id = id;
        auto chunk = flushing_.find(id);
        auto ooo = flushing_ooo_.find(id);
        if (ooo == flushing_ooo_.end())
          chunk->second.decode(s.samples);
        else
          merge_head(chunk == flushing_.end() ? nullptr : &chunk->second, ooo->second, INT64_MIN,
                     INT64_MAX, s.samples);
        raw.push_back(std::move(s));
      }
      if (auto st = (*writer)->add_group(device, raw); !st)
        return give_back(st.error());
    }
    auto info = (*writer)->finish();
    if (!info)
      return give_back(info.error());
    if (info->bytes == 0)
      continue;
    auto reader = BlockReader::open(info->path);
    if (!reader)
      return give_back(reader.error());
    written.push_back(*reader);
  }
  // 3. Commit: the marker moves past the window, then readers switch to the blocks and the WAL
  // segments that held only flushed samples go.
  Status series_synced = ok();
  {
    std::unique_lock lock(mutex_);
    series_synced = registry_->sync();  // blocks name series by id
  }
  if (!series_synced)
    return give_back(series_synced.error());
  if (auto st = write_head_marker(end); !st)
    return give_back(st.error());
  std::unique_lock lock(mutex_);
  for (auto& reader : written) {
    auto& list = blocks_[reader->info().tenant][static_cast<std::size_t>(reader->info().tier)];
    list.push_back(reader);
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a->info().mint < b->info().mint; });
  }
  flushing_.clear();
  flushing_ooo_.clear();
  head_min_t_ = std::max(head_min_t_, end);
  std::error_code ec;
  for (std::size_t i = 0; i + 1 < segments_.size();) {
    if (segments_[i].max_t < head_min_t_) {
      fs::remove(segments_[i].path, ec);
      segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  flushes_.fetch_add(1, std::memory_order_relaxed);
  return ok();
}

Status Engine::write_head_marker(std::int64_t head_min_t) {
  return write_file_atomically(options_.dir / "head", std::to_string(head_min_t));
}

Status Engine::sync() {
  std::unique_lock lock(mutex_);
  // The series log first: synced WAL samples must never name a series the disk does not know.
  if (auto st = registry_->sync(); !st)
    return st;
  if (!wal_dirty_)
    return ok();
  wal_dirty_ = false;
  syncs_.fetch_add(1, std::memory_order_relaxed);
  return wal_->sync();
}

// ---- compaction and retention ----

Status Engine::compact() {
  std::lock_guard maintenance(maintenance_mutex_);
  // Two levels: window blocks into day blocks, then (rollups) day blocks into longer spans, each
  // once its span is wholly flushed.
  for (int level = 0; level < 2; ++level) {
    std::vector<std::tuple<std::string, Tier, BlockList, std::int64_t, std::int64_t>> jobs;
    {
      std::shared_lock lock(mutex_);
      for (const auto& [tenant, tiers] : blocks_)
        for (Tier tier : kTiers) {
          std::int64_t span = level == 0 ? options_.compact_span_ms : compact_span(tier);
          if (level == 1 && span == options_.compact_span_ms)
            continue;
          std::map<std::int64_t, BlockList> by_span;
          for (const auto& b : tiers[static_cast<std::size_t>(tier)]) {
            std::int64_t start = align_down(b->info().mint, span);
            if (b->info().maxt <= start + span)
              by_span[start].push_back(b);
          }
          for (auto& [start, list] : by_span)
            if (list.size() > 1 && start + span <= head_min_t_)
              jobs.emplace_back(tenant, tier, std::move(list), start, start + span);
        }
    }
    for (auto& [tenant, tier, sources, mint, maxt] : jobs)
      if (auto st = merge_blocks(tenant, tier, sources, mint, maxt); !st)
        return st;
  }
  return ok();
}

Status Engine::merge_blocks(const std::string& tenant, Tier tier, const BlockList& sources,
                            std::int64_t mint, std::int64_t maxt) {
  auto writer =
      BlockWriter::create(block_path(tier_dir(tenant, tier), mint, maxt), tenant, tier, mint, maxt);
  if (!writer)
    return fail(writer.error());
  // Device by device (groups are per device), so memory holds one device's data at a time.
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> groups;
  for (std::size_t b = 0; b < sources.size(); ++b)
    for (std::size_t g = 0; g < sources[b]->group_count(); ++g)
      groups[sources[b]->group_device(g)].emplace_back(b, g);
  std::vector<SeriesColumns> parts, merged;
  for (const auto& [device, locations] : groups) {
    std::map<SeriesId, SeriesColumns> by_series;
    for (const auto& [b, g] : locations) {  // sources are in time order
      parts.clear();
      if (auto st = sources[b]->read_group(g, parts); !st)
        return st;
      for (auto& p : parts) {
        auto& m = by_series[p.id];
        m.id = p.id;
        m.samples.insert(m.samples.end(), p.samples.begin(), p.samples.end());
        m.buckets.insert(m.buckets.end(), p.buckets.begin(), p.buckets.end());
      }
    }
    merged.clear();
    for (auto& [id, s] : by_series)
      merged.push_back(std::move(s));
    if (auto st = (*writer)->add_group(device, merged); !st)
      return st;
  }
  auto info = (*writer)->finish();
  if (!info)
    return fail(info.error());
  auto reader = BlockReader::open(info->path);
  if (!reader)
    return fail(reader.error());
  {
    std::unique_lock lock(mutex_);
    auto& list = blocks_[tenant][static_cast<std::size_t>(tier)];
    std::erase_if(list, [&](const auto& b) {
      return std::find(sources.begin(), sources.end(), b) != sources.end();
    });
    list.push_back(*reader);
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a->info().mint < b->info().mint; });
  }
  for (const auto& s : sources)
    s->mark_obsolete();
  compactions_.fetch_add(1, std::memory_order_relaxed);
  return ok();
}

Status Engine::apply_retention() {
  std::lock_guard maintenance(maintenance_mutex_);
  // Raw blocks past their retention are rolled up into the 5-minute and 1-hour tiers first
  // (downsampling happens as data ages out, as in VictoriaMetrics and Thanos: recent data is
  // kept raw only, and queries roll it up on the fly), then dropped with every other expired
  // block. A rollup that exists already (a run interrupted after writing it) is not written again.
  struct Expired {
    std::string tenant;
    std::shared_ptr<BlockReader> raw;
    bool tiers[3] = {false, false, false};  // rollups to write
  };
  std::vector<Expired> to_roll_up;
  std::vector<std::shared_ptr<BlockReader>> dropped;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [tenant, tiers] : blocks_) {
      Retention r = retention_.count(tenant) ? retention_.at(tenant) : options_.default_retention;
      for (const auto& b : tiers[0]) {
        if (b->info().maxt > now() - r.raw_ms)
          continue;
        Expired e{tenant, b, {}};
        for (Tier tier : {Tier::k5m, Tier::k1h}) {
          auto t = static_cast<std::size_t>(tier);
          bool covered = std::any_of(tiers[t].begin(), tiers[t].end(), [&](const auto& x) {
            return x->info().mint <= b->info().mint && x->info().maxt >= b->info().maxt;
          });
          e.tiers[t] = !covered && b->info().maxt > now() - r.of(tier);
        }
        to_roll_up.push_back(std::move(e));
      }
    }
  }
  for (const auto& e : to_roll_up)
    for (Tier tier : {Tier::k5m, Tier::k1h}) {
      if (!e.tiers[static_cast<std::size_t>(tier)])
        continue;
      auto reader = roll_up(e.tenant, *e.raw, tier);
      if (!reader)
        return fail(reader.error());
      std::unique_lock lock(mutex_);
      auto& list = blocks_[e.tenant][static_cast<std::size_t>(tier)];
      list.push_back(*reader);
      std::sort(list.begin(), list.end(),
                [](const auto& a, const auto& b) { return a->info().mint < b->info().mint; });
    }
  {
    std::unique_lock lock(mutex_);
    for (auto& [tenant, tiers] : blocks_) {
      Retention r = retention_.count(tenant) ? retention_.at(tenant) : options_.default_retention;
      for (Tier tier : kTiers) {
        std::int64_t horizon = now() - r.of(tier);
        auto& list = tiers[static_cast<std::size_t>(tier)];
        for (auto it = list.begin(); it != list.end();) {
          if ((*it)->info().maxt <= horizon) {
            dropped.push_back(*it);
            it = list.erase(it);
          } else {
            ++it;
          }
        }
      }
    }
  }
  for (const auto& b : dropped)
    b->mark_obsolete();
  dropped_blocks_.fetch_add(dropped.size(), std::memory_order_relaxed);
  return ok();
}

Result<std::shared_ptr<BlockReader>> Engine::roll_up(const std::string& tenant,
                                                     const BlockReader& raw, Tier tier) {
  const auto& info = raw.info();
  auto writer = BlockWriter::create(block_path(tier_dir(tenant, tier), info.mint, info.maxt),
                                    tenant, tier, info.mint, info.maxt);
  if (!writer)
    return fail(writer.error());
  const std::int64_t resolution = kTierResolutionMs[static_cast<std::size_t>(tier)];
  std::vector<SeriesColumns> group;
  for (std::size_t g = 0; g < raw.group_count(); ++g) {
    group.clear();
    if (auto st = raw.read_group(g, group); !st)
      return fail(st.error());
    for (auto& s : group) {
      rollup_samples(s.samples, resolution, s.buckets);
      s.samples = {};
    }
    if (auto st = (*writer)->add_group(raw.group_device(g), group); !st)
      return fail(st.error());
  }
  auto written = (*writer)->finish();
  if (!written)
    return fail(written.error());
  return BlockReader::open(written->path);
}

Status Engine::drop_tenant(const std::string& tenant) {
  if (!valid_tenant_dir(tenant))
    return fail(ErrorCode::kInvalidArgument, "invalid tenant");
  std::lock_guard maintenance(maintenance_mutex_);
  std::unique_lock lock(mutex_);
  auto ids = registry_->select(tenant, "", "");
  if (auto st = registry_->drop_tenant(tenant); !st)
    return st;
  for (SeriesId id : ids) {
    for (const auto& [window, chunk] : head_[id].chunks)
      if (auto w = windows_.find(window); w != windows_.end() && --w->second == 0)
        windows_.erase(w);
    head_[id] = HeadSeries{};
  }
  if (auto it = blocks_.find(tenant); it != blocks_.end()) {
    for (auto& list : it->second)
      for (auto& b : list)
        b->mark_obsolete();
    blocks_.erase(it);
  }
  retention_.erase(tenant);
  std::error_code ec;
  fs::remove(options_.dir / "blocks" / tenant / "retention", ec);
  return ok();
}

Retention Engine::retention(std::string_view tenant) const {
  std::shared_lock lock(mutex_);
  auto it = retention_.find(tenant);
  return it == retention_.end() ? options_.default_retention : it->second;
}

Status Engine::set_retention(const std::string& tenant, const Retention& r) {
  if (!valid_tenant_dir(tenant))
    return fail(ErrorCode::kInvalidArgument, "invalid tenant");
  auto dir = options_.dir / "blocks" / tenant;
  std::error_code ec;
  fs::create_directories(dir, ec);
  char text[128];
  std::snprintf(text, sizeof text, "raw=%ld 5m=%ld 1h=%ld\n", r.raw_ms, r.m5_ms, r.h1_ms);
  if (auto st = write_file_atomically(dir / "retention", text); !st)
    return st;
  std::unique_lock lock(mutex_);
  retention_[tenant] = r;
  return ok();
}

// ---- background ----

void Engine::background_loop() {
  std::int64_t last_slow = now_ms();
  while (true) {
    {
      std::unique_lock lock(stop_mutex_);
      if (stop_cv_.wait_for(lock, std::chrono::milliseconds(options_.fsync_interval_ms),
                            [&] { return stopping_; }))
        return;
    }
    auto report = [&](const Status& st, const char* what) {
      if (!st) {
        maintenance_errors_.fetch_add(1, std::memory_order_relaxed);
        log::error("tsdb.maintenance.failed", {{"task", what}, {"error", st.error().message}});
      }
    };
    report(sync(), "WAL sync");
    report(flush(false), "flush");
    if (now_ms() - last_slow >= 60'000) {
      last_slow = now_ms();
      report(compact(), "compaction");
      report(apply_retention(), "retention");
      std::shared_lock lock(mutex_);
      for (const auto& [tenant, tiers] : blocks_)
        for (const auto& list : tiers)
          for (const auto& b : list)
            b->release_if_idle(last_slow, 300'000);
    }
  }
}

EngineStats Engine::stats() const {
  EngineStats s;
  std::shared_lock lock(mutex_);
  s.series = registry_->size();
  for (const auto& h : head_) {
    s.head_series += h.chunks.empty() ? 0u : 1u;
    for (const auto& [w, c] : h.chunks) {
      ++s.head_chunks;
      s.head_samples += c.count();
      s.head_bytes += c.bytes();
    }
  }
  s.head_min_t = head_min_t_;
  s.wal_segments = segments_.size();
  std::error_code ec;
  for (const auto& seg : segments_)
    s.wal_bytes += fs::file_size(seg.path, ec);
  for (const auto& [tenant, tiers] : blocks_)
    for (const auto& list : tiers)
      for (const auto& b : list) {
        ++s.blocks;
        s.block_bytes += b->info().bytes;
        if (b->info().tier == Tier::kRaw)
          s.block_raw_samples += b->info().samples;
      }
  s.samples_appended = appended_.load();
  s.samples_duplicate = duplicates_.load();
  s.samples_out_of_order = out_of_order_.load();
  s.batches_rejected = rejected_.load();
  s.wal_syncs = syncs_.load();
  s.flushes = flushes_.load();
  s.compactions = compactions_.load();
  s.retention_dropped_blocks = dropped_blocks_.load();
  s.maintenance_errors = maintenance_errors_.load();
  return s;
}

}  // namespace epcfleet::tsdb
