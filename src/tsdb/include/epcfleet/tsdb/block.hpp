#pragma once
// Immutable block files: one tenant, one tier, one time range [mint, maxt). Series are grouped by
// device; each group is one zstd frame holding the group's columns, and series of one device
// that were polled together share a single timestamp column (a poll gives all of them the same
// time), which is most of why the format is compact. An index at the end maps series ids to
// their columns; a footer locates the index. Written to a temporary file, synced and renamed, so
// a block either exists whole or not at all.
//
// Layout: "EPCTSB01" | group frames… | index frame | u64 index offset | u64 index length |
//         u32 index crc32 | "EPCTSB01"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/tsdb/types.hpp"

namespace epcfleet::tsdb {

struct BlockInfo {
  std::string tenant;
  Tier tier = Tier::kRaw;
  std::int64_t mint = 0;
  std::int64_t maxt = 0;  // exclusive
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::uint64_t samples = 0;  // samples (raw) or buckets (rollups)
  std::uint64_t series = 0;
};

// One series' data in a block: samples for the raw tier, buckets for rollups.
struct SeriesColumns {
  SeriesId id = 0;
  std::vector<Sample> samples;
  std::vector<Bucket> buckets;
};

std::filesystem::path block_path(const std::filesystem::path& tier_dir, std::int64_t mint,
                                 std::int64_t maxt);

namespace block_format {
// The index of a block: a series' columns in its device's group, and where each group is.
struct Entry {
  SeriesId id;
  std::uint32_t group, count, ts_off, val_off;
};
struct Group {
  std::string device;
  std::uint64_t offset, length, raw_length;
};
}  // namespace block_format

class BlockWriter {
public:
  static Result<std::unique_ptr<BlockWriter>> create(std::filesystem::path final_path,
                                                     std::string tenant, Tier tier,
                                                     std::int64_t mint, std::int64_t maxt);
  ~BlockWriter();
  // One device's series, in any order; empty series are skipped. Devices in any order.
  Status add_group(std::string_view device, std::vector<SeriesColumns>& series);
  // Writes the index, syncs and renames into place. Nothing is written for an empty block.
  Result<BlockInfo> finish();

private:
  using Entry = block_format::Entry;
  using Group = block_format::Group;
  Status write(std::string_view bytes);

  BlockInfo info_;
  std::filesystem::path tmp_path_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
  std::vector<Entry> entries_;
  std::vector<Group> groups_;
};

class BlockReader {
public:
  static Result<std::shared_ptr<BlockReader>> open(const std::filesystem::path& path);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;
  // The file is deleted when the last reader lets go (queries in flight keep reading it).
  void mark_obsolete() { obsolete_.store(true); }

  const BlockInfo& info() const { return info_; }
  bool contains(SeriesId id) const;
  // Appends the series' samples (raw tier) or buckets (rollup tiers) with t in [from, to).
  Status read_samples(SeriesId id, std::int64_t from, std::int64_t to,
                      std::vector<Sample>& out) const;
  Status read_buckets(SeriesId id, std::int64_t from, std::int64_t to,
                      std::vector<Bucket>& out) const;

  // Whole groups, for compaction.
  std::size_t group_count() const;
  std::string group_device(std::size_t g) const;
  Status read_group(std::size_t g, std::vector<SeriesColumns>& out) const;

  // Frees the parsed index and the cached group when the block has not been read for `idle_ms`.
  void release_if_idle(std::int64_t now_ms, std::int64_t idle_ms) const;
  std::size_t memory_bytes() const;

private:
  using Entry = block_format::Entry;
  using Group = block_format::Group;
  struct Index {
    std::vector<Entry> entries;  // sorted by id
    std::vector<Group> groups;
  };
  Result<std::shared_ptr<const Index>> index() const;
  Result<std::shared_ptr<const Index>> load_index(BlockInfo* header) const;
  Result<std::shared_ptr<const std::string>> group_bytes(const Index& index, std::uint32_t g) const;
  const Entry* find(const Index& index, SeriesId id) const;
  // The series' timestamps and `column_count` value columns; nothing when the block lacks it.
  Status read_series(SeriesId id, std::vector<std::int64_t>& ts, std::vector<double>* columns,
                     int column_count) const;
  Status decode_entry(const std::string& group, const Entry& e, std::vector<std::int64_t>& ts,
                      std::vector<double>* columns, int column_count) const;

  BlockReader() = default;

  BlockInfo info_;
  int fd_ = -1;
  std::atomic<bool> obsolete_{false};
  std::uint64_t index_offset_ = 0, index_length_ = 0;
  std::uint32_t index_crc_ = 0;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const Index> index_;
  mutable std::uint32_t cached_group_ = UINT32_MAX;
  mutable std::shared_ptr<const std::string> cached_bytes_;
  mutable std::atomic<std::int64_t> last_used_{0};
};

}  // namespace epcfleet::tsdb
