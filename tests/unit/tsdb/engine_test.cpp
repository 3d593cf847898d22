#include "epcfleet/tsdb/engine.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"
#include "epcfleet/tsdb/query.hpp"

namespace epcfleet::tsdb {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000'000 - 1'800'000'000'000 % kDayMs;  // a day boundary

struct Clock {
  std::atomic<std::int64_t> now{kT0};
};

EngineOptions options_for(const std::string& dir, Clock& clock) {
  EngineOptions o;
  o.dir = dir;
  o.background = false;
  o.clock = [&clock] { return clock.now.load(); };
  return o;
}

SeriesKey key(std::string metric, std::string device, Labels labels = {}) {
  return {"acme", std::move(metric), std::move(device), std::move(labels)};
}

std::vector<Sample> raw(const Engine& e, SeriesId id, std::int64_t from, std::int64_t to) {
  std::vector<Sample> out;
  EXPECT_TRUE(e.read_raw(id, from, to, out));
  return out;
}

// Writes `minutes` polls of two series (a counter and a gauge) of one device, one a minute.
void write_polls(Engine& e, Clock& clock, SeriesId counter, SeriesId gauge, int first,
                 int minutes) {
  for (int m = first; m < first + minutes; ++m) {
    std::int64_t t = kT0 + m * 60'000 + 7;
    clock.now = t;
    Append batch[] = {{counter, t, 1000.0 * m}, {gauge, t, static_cast<double>(m % 10)}};
    ASSERT_TRUE(e.append(batch)) << "minute " << m;
  }
}

TEST(Engine, AppendsReadBackAndSurviveReopenThroughTheWal) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  SeriesId c = 0, g = 0;
  {
    auto e = Engine::open(options_for(dir.path(), clock));
    ASSERT_TRUE(e) << e.error().message;
    c = *(*e)->series(key("ifHCInOctets", "epc-1", {{"ifName", "eth0"}}));
    g = *(*e)->series(key("epcAttachedUEs", "epc-1"));
    EXPECT_EQ(*(*e)->series(key("ifHCInOctets", "epc-1", {{"ifName", "eth0"}})), c);
    write_polls(**e, clock, c, g, 0, 30);
    EXPECT_EQ(raw(**e, c, kT0, kT0 + kDayMs).size(), 30u);
  }  // closed without a flush: everything is in the WAL only
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e) << e.error().message;
  auto samples = raw(**e, c, kT0, kT0 + kDayMs);
  ASSERT_EQ(samples.size(), 30u);
  EXPECT_EQ(samples[29].v, 29000.0);
  EXPECT_EQ(samples[29].t, kT0 + 29 * 60'000 + 7);
  EXPECT_EQ((*e)->key(g).metric, "epcAttachedUEs");
}

TEST(Engine, LargeBatchesAreCompressedInTheWalAndReplay) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  std::vector<SeriesId> ids;
  std::vector<Append> expected;
  {
    auto e = Engine::open(options_for(dir.path(), clock));
    ASSERT_TRUE(e);
    for (int i = 0; i < 50; ++i)
      ids.push_back(*(*e)->series(key("m" + std::to_string(i), "epc-1")));
    for (int batch = 0; batch < 6; ++batch) {  // ten polls a batch, as a line-protocol write
      std::vector<Append> polls;
      for (int m = batch * 10; m < batch * 10 + 10; ++m) {
        std::int64_t t = kT0 + m * 60'000 + 3;
        clock.now = t;
        for (std::size_t i = 0; i < ids.size(); ++i)
          polls.push_back({ids[i], t, static_cast<double>(m * 1000 + static_cast<int>(i))});
      }
      ASSERT_TRUE((*e)->append(polls));
      expected.insert(expected.end(), polls.begin(), polls.end());
    }
    EXPECT_LT((*e)->stats().wal_bytes, expected.size() * 8)
        << "uncompressed records take about 10 bytes a sample; SNMP integers compress";
  }
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto samples = raw(**e, ids[i], kT0, kT0 + kDayMs);
    ASSERT_EQ(samples.size(), 60u);
    EXPECT_EQ(samples[59].v, 59 * 1000.0 + static_cast<double>(i));
  }
}

TEST(Engine, OutOfOrderSamplesAreMergedAndTheLaterWriteOfATimeWins) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  SeriesId id = 0;
  {
    auto e = Engine::open(options_for(dir.path(), clock));
    ASSERT_TRUE(e);
    id = *(*e)->series(key("m", "d"));
    clock.now = kT0 + 600'000;
    Append first[] = {{id, kT0 + 60'000, 1}, {id, kT0 + 180'000, 3}};
    ASSERT_TRUE((*e)->append(first));
    Append again[] = {{id, kT0 + 180'000, 3}, {id, kT0 + 120'000, 2}, {id, kT0 + 60'000, 10}};
    auto report = (*e)->append(again);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->duplicates, 1u) << "the same time and value again: a retry";
    EXPECT_EQ(report->appended, 2u);
    auto samples = raw(**e, id, kT0, kT0 + kDayMs);
    ASSERT_EQ(samples.size(), 3u);
    EXPECT_EQ(samples[0].v, 10) << "the later write of a time wins";
    EXPECT_EQ(samples[1].v, 2);
    EXPECT_EQ(samples[2].v, 3);
    EXPECT_EQ((*e)->stats().samples_out_of_order, 2u);
    Append future[] = {{id, kT0 + 3 * kHourMs, 1}};
    EXPECT_FALSE((*e)->append(future)) << "in the future";
  }
  // The same after WAL replay, and after the window is flushed to a block.
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  auto replayed = raw(**e, id, kT0, kT0 + kDayMs);
  ASSERT_EQ(replayed.size(), 3u);
  EXPECT_EQ(replayed[0].v, 10);
  ASSERT_TRUE((*e)->flush(true));
  EXPECT_EQ((*e)->stats().block_raw_samples, 3u);
  auto flushed = raw(**e, id, kT0, kT0 + kDayMs);
  ASSERT_EQ(flushed.size(), 3u);
  EXPECT_EQ(flushed[0].v, 10);
  EXPECT_EQ(flushed[1].v, 2);
  Append old[] = {{id, kT0 + 1000, 1}};
  EXPECT_FALSE((*e)->append(old)) << "older than the head: refused";
}

TEST(Engine, FlushWritesRawBlocksAndDeletesTheWalAndRollupsComeFromRaw) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  auto c = *(*e)->series(key("ifHCInOctets", "epc-1", {{"ifName", "eth0"}}));
  auto g = *(*e)->series(key("epcAttachedUEs", "epc-1"));
  write_polls(**e, clock, c, g, 0, 5 * 60);  // five hours: windows 0-2h, 2-4h done, 4-6h open
  ASSERT_TRUE((*e)->flush());
  auto s = (*e)->stats();
  EXPECT_EQ(s.flushes, 2u);
  EXPECT_EQ(s.head_min_t, kT0 + 4 * kHourMs);
  EXPECT_EQ(s.block_raw_samples, 2u * 240u);
  EXPECT_LE(s.wal_segments, 2u) << "segments holding only flushed samples are deleted";
  // The raw data reads back across blocks and head.
  auto all = raw(**e, c, kT0, kT0 + kDayMs);
  ASSERT_EQ(all.size(), 300u);
  for (int m = 0; m < 300; ++m)
    ASSERT_EQ(all[static_cast<std::size_t>(m)].v, 1000.0 * m);
  // 5-minute rollups, rolled up on the fly from raw blocks and the head (no rollup blocks yet).
  std::vector<Bucket> buckets;
  ASSERT_TRUE((*e)->read_rollup(g, Tier::k5m, kT0, kT0 + 5 * kHourMs, buckets));
  ASSERT_EQ(buckets.size(), 60u);
  EXPECT_EQ(buckets[0].t, kT0);
  EXPECT_EQ(buckets[0].count, 5);
  EXPECT_EQ(buckets[0].min, 0);
  EXPECT_EQ(buckets[0].max, 4);
  EXPECT_EQ(buckets[0].sum, 10);
  EXPECT_EQ(buckets[59].last, 9);
  // Reopen: blocks load, the head replays only what was not flushed.
  e->reset();
  auto reopened = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(reopened);
  EXPECT_EQ(raw(**reopened, c, kT0, kT0 + kDayMs).size(), 300u);
  Append old[] = {{c, kT0 + 60'000, 1}};
  EXPECT_FALSE((*reopened)->append(old)) << "flushed windows are closed";
}

TEST(Engine, CompactionMergesADayAndRetentionRollsUpThenDropsWholeBlocks) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  auto c = *(*e)->series(key("ifHCInOctets", "epc-1", {{"ifName", "eth0"}}));
  auto g = *(*e)->series(key("epcAttachedUEs", "epc-1"));
  write_polls(**e, clock, c, g, 0, 26 * 60);
  ASSERT_TRUE((*e)->flush());
  auto before = (*e)->stats();
  EXPECT_EQ(before.blocks, 12u) << "twelve 2-hour raw windows of the first day";
  std::vector<Bucket> before_5m;
  ASSERT_TRUE((*e)->read_rollup(g, Tier::k5m, kT0, kT0 + kDayMs, before_5m));
  ASSERT_TRUE((*e)->compact());
  auto after = (*e)->stats();
  EXPECT_EQ(after.blocks, 1u) << "one raw block for the day";
  EXPECT_EQ(after.block_raw_samples, before.block_raw_samples);
  EXPECT_EQ(raw(**e, c, kT0, kT0 + 2 * kDayMs).size(), 26u * 60u);
  std::size_t files = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir.path() + "/blocks"))
    files += f.path().extension() == ".blk";
  EXPECT_EQ(files, 1u) << "the merged blocks' files are gone";
  // Ten days later with a 5-day raw retention, the raw day is rolled up, then goes.
  Retention r;
  r.raw_ms = 5 * kDayMs;
  ASSERT_TRUE((*e)->set_retention("acme", r));
  clock.now = kT0 + 10 * kDayMs;
  ASSERT_TRUE((*e)->apply_retention());
  EXPECT_EQ((*e)->stats().blocks, 2u) << "the day's 5-minute and 1-hour rollups";
  EXPECT_EQ(raw(**e, c, kT0, kT0 + kDayMs).size(), 0u);
  std::vector<Bucket> hours, after_5m;
  ASSERT_TRUE((*e)->read_rollup(c, Tier::k1h, kT0, kT0 + kDayMs, hours));
  EXPECT_EQ(hours.size(), 24u);
  EXPECT_EQ(hours[23].last, 1000.0 * (24 * 60 - 1));
  ASSERT_TRUE((*e)->read_rollup(g, Tier::k5m, kT0, kT0 + kDayMs, after_5m));
  ASSERT_EQ(after_5m.size(), before_5m.size());
  for (std::size_t i = 0; i < after_5m.size(); ++i) {
    EXPECT_EQ(after_5m[i].t, before_5m[i].t);
    EXPECT_EQ(after_5m[i].sum, before_5m[i].sum);
    EXPECT_EQ(after_5m[i].count, before_5m[i].count);
  }
  ASSERT_TRUE((*e)->apply_retention());
  EXPECT_EQ((*e)->stats().blocks, 2u) << "a second pass writes no rollup twice";
  EXPECT_EQ((*e)->retention("acme").raw_ms, 5 * kDayMs);
}

TEST(Engine, ATornWalTailIsCutAndTheRestReplays) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  SeriesId c = 0, g = 0;
  {
    auto e = Engine::open(options_for(dir.path(), clock));
    ASSERT_TRUE(e);
    c = *(*e)->series(key("a", "d"));
    g = *(*e)->series(key("b", "d"));
    write_polls(**e, clock, c, g, 0, 10);
  }
  std::filesystem::path segment;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() + "/wal"))
    if (std::filesystem::file_size(f.path()) > 0)
      segment = f.path();
  ASSERT_FALSE(segment.empty());
  std::filesystem::resize_file(segment, std::filesystem::file_size(segment) - 5);
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(raw(**e, c, kT0, kT0 + kDayMs).size(), 9u) << "the torn last record is dropped";
  write_polls(**e, clock, c, g, 10, 5);
  e->reset();
  auto again = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(again);
  EXPECT_EQ(raw(**again, c, kT0, kT0 + kDayMs).size(), 14u);
}

TEST(Engine, ADroppedTenantIsGoneForGoodAndItsIdStartsEmpty) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  SeriesId c = 0, g = 0, other = 0;
  {
    auto e = Engine::open(options_for(dir.path(), clock));
    ASSERT_TRUE(e);
    c = *(*e)->series(key("a", "d"));
    g = *(*e)->series(key("b", "d"));
    other = *(*e)->series({"globex", "a", "d", {}});
    write_polls(**e, clock, c, g, 0, 5 * 60);
    Append o[] = {{other, clock.now, 1}};
    ASSERT_TRUE((*e)->append(o));
    ASSERT_TRUE((*e)->flush());
    ASSERT_GT((*e)->stats().blocks, 0u);
    ASSERT_TRUE((*e)->drop_tenant("acme"));
    EXPECT_TRUE((*e)->select("acme", "", "").empty());
    EXPECT_EQ((*e)->stats().blocks, 0u) << "globex has no flushed blocks";
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/blocks/acme/raw") &&
                 !std::filesystem::is_empty(dir.path() + "/blocks/acme/raw"));
  }
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  EXPECT_TRUE((*e)->select("acme", "", "").empty()) << "the drop survives a restart";
  EXPECT_EQ((*e)->select("globex", "", "").size(), 1u);
  auto again = *(*e)->series(key("a", "d"));
  EXPECT_NE(again, c) << "ids are not reused";
  EXPECT_EQ(raw(**e, again, kT0, kT0 + kDayMs).size(), 0u);
  EXPECT_EQ(raw(**e, other, kT0, kT0 + kDayMs).size(), 1u);
}

TEST(Engine, SharedTimestampsMakeBlocksCompact) {
  epcfleet::testing::TempDir dir;
  Clock clock;
  auto e = Engine::open(options_for(dir.path(), clock));
  ASSERT_TRUE(e);
  std::vector<SeriesId> ids;
  for (int i = 0; i < 50; ++i)
    ids.push_back(*(*e)->series(key("m" + std::to_string(i), "epc-1")));
  std::vector<Append> batch;
  std::uint64_t state = 12345;
  for (int m = 0; m < 24 * 60; ++m) {
    std::int64_t t = kT0 + m * 60'000 + (m * 7) % 13;
    clock.now = t;
    batch.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      batch.push_back({ids[i], t, static_cast<double>(1000 + (state >> 54))});
    }
    ASSERT_TRUE((*e)->append(batch));
  }
  ASSERT_TRUE((*e)->flush(true));
  ASSERT_TRUE((*e)->compact());
  auto s = (*e)->stats();
  std::uint64_t raw_bytes = 0;
  for (const auto& f :
       std::filesystem::recursive_directory_iterator(dir.path() + "/blocks/acme/raw"))
    raw_bytes += f.is_regular_file() ? std::filesystem::file_size(f.path()) : 0;
  double per_sample = static_cast<double>(raw_bytes) / static_cast<double>(s.block_raw_samples);
  EXPECT_EQ(s.block_raw_samples, 50u * 24u * 60u);
  EXPECT_LT(per_sample, 2.0) << "10-bit noisy gauges with one shared timestamp column";
}

}  // namespace
}  // namespace epcfleet::tsdb
