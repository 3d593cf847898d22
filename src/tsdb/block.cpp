#include "epcfleet/tsdb/block.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "epcfleet/core/time.hpp"
#include "epcfleet/tsdb/codec.hpp"
#include "file_io.hpp"

namespace epcfleet::tsdb {
namespace {

constexpr std::string_view kMagic = "EPCTSB01";
constexpr std::size_t kFooterSize = 8 + 8 + 4 + 8;
constexpr int kZstdLevel = 3;
constexpr int kRollupColumns = 5;

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error{ErrorCode::kUnavailable, what + " " + path.string() + ": " + std::strerror(errno)};
}

Error corrupt(const std::filesystem::path& path, const std::string& why) {
  return Error{ErrorCode::kInternal, "block " + path.string() + " is corrupt: " + why};
}

std::string compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(cctx);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

bool decompress(std::string_view frame, std::size_t raw_length, std::string& out) {
  out.resize(raw_length);
  std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  return !ZSTD_isError(n) && n == raw_length;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::uint32_t to_u32(std::uint64_t v) {
  return static_cast<std::uint32_t>(v);
}

}  // namespace

std::filesystem::path block_path(const std::filesystem::path& tier_dir, std::int64_t mint,
                                 std::int64_t maxt) {
  return tier_dir / (std::to_string(mint) + "-" + std::to_string(maxt) + ".blk");
}

// ---- writer ----

Result<std::unique_ptr<BlockWriter>> BlockWriter::create(std::filesystem::path final_path,
                                                         std::string tenant, Tier tier,
                                                         std::int64_t mint, std::int64_t maxt) {
  auto w = std::unique_ptr<BlockWriter>(new BlockWriter());
  w->info_ = BlockInfo{std::move(tenant), tier, mint, maxt, std::move(final_path), 0, 0, 0};
  std::error_code ec;
  std::filesystem::create_directories(w->info_.path.parent_path(), ec);
  w->tmp_path_ = w->info_.path;
  w->tmp_path_ += ".tmp";
  w->fd_ = ::open(w->tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (w->fd_ < 0)
    return fail(io_error("cannot create", w->tmp_path_));
  if (auto st = w->write(kMagic); !st)
    return fail(st.error());
  return w;
}

BlockWriter::~BlockWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);  // not finished: leave nothing behind
  }
}

Status BlockWriter::write(std::string_view bytes) {
  if (!write_all(fd_, bytes))
    return fail(io_error("cannot write", tmp_path_));
  offset_ += bytes.size();
  return ok();
}

Status BlockWriter::add_group(std::string_view device, std::vector<SeriesColumns>& series) {
  bool rollup = info_.tier != Tier::kRaw;
  std::string raw;
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, const SeriesColumns*>> shared;
  std::vector<std::int64_t> ts;
  std::vector<double> columns[kRollupColumns];
  auto group = to_u32(groups_.size());
  std::size_t added = 0;
  for (const auto& s : series) {
    std::size_t count = rollup ? s.buckets.size() : s.samples.size();
    if (count == 0)
      continue;
    ts.clear();
    for (std::size_t i = 0; i < count; ++i)
      ts.push_back(rollup ? s.buckets[i].t : s.samples[i].t);
    // Series polled together share the timestamp column: found by hashing the sequence.
    std::uint64_t hash = count;
    for (auto t : ts)
      hash = (hash ^ static_cast<std::uint64_t>(t)) * 0x100000001b3ull;
    std::uint32_t ts_off = 0;
    auto it = shared.find(hash);
    bool reuse = false;
    if (it != shared.end()) {
      const auto* other = it->second.second;
      std::size_t other_count = rollup ? other->buckets.size() : other->samples.size();
      reuse = other_count == count;
      for (std::size_t i = 0; reuse && i < count; ++i)
        reuse = (rollup ? other->buckets[i].t : other->samples[i].t) == ts[i];
    }
    if (reuse) {
      ts_off = it->second.first;
    } else {
      ts_off = to_u32(raw.size());
      codec::encode_timestamps(ts, raw);
      shared[hash] = {ts_off, &s};
    }
    auto val_off = to_u32(raw.size());
    if (rollup) {
      for (auto& c : columns)
        c.clear();
      for (const auto& b : s.buckets) {
        columns[0].push_back(b.min);
        columns[1].push_back(b.max);
        columns[2].push_back(b.sum);
        columns[3].push_back(b.count);
        columns[4].push_back(b.last);
      }
      for (const auto& c : columns)
        codec::encode_values(c, raw);
    } else {
      columns[0].clear();
      for (const auto& x : s.samples)
        columns[0].push_back(x.v);
      codec::encode_values(columns[0], raw);
    }
    entries_.push_back({s.id, group, to_u32(count), ts_off, val_off});
    info_.samples += count;
    ++added;
  }
  if (added == 0)
    return ok();
  std::string frame = compress(raw);
  if (frame.empty())
    return fail(ErrorCode::kInternal, "zstd failed to compress a block group");
  groups_.push_back({std::string(device), offset_, frame.size(), raw.size()});
  return write(frame);
}

Result<BlockInfo> BlockWriter::finish() {
  if (entries_.empty()) {
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);
    info_.bytes = 0;
    return info_;
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.id < b.id; });
  std::string index;
  codec::put_varint(index, static_cast<std::uint8_t>(info_.tier));
  codec::put_varint(index, codec::zigzag(info_.mint));
  codec::put_varint(index, codec::zigzag(info_.maxt));
  codec::put_string(index, info_.tenant);
  codec::put_varint(index, groups_.size());
  for (const auto& g : groups_) {
    codec::put_string(index, g.device);
    codec::put_varint(index, g.offset);
    codec::put_varint(index, g.length);
    codec::put_varint(index, g.raw_length);
  }
  codec::put_varint(index, entries_.size());
  SeriesId prev = 0;
  for (const auto& e : entries_) {
    codec::put_varint(index, e.id - prev);
    prev = e.id;
    codec::put_varint(index, e.group);
    codec::put_varint(index, e.count);
    codec::put_varint(index, e.ts_off);
    codec::put_varint(index, e.val_off);
  }
  std::string frame = compress(index);
  std::string footer;
  codec::put_u64(footer, offset_);
  codec::put_u64(footer, frame.size());
  auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(frame.data()), static_cast<uInt>(frame.size())));
  for (int i = 0; i < 4; ++i)
    footer.push_back(static_cast<char>(crc >> (8 * i)));
  footer.append(kMagic);
  if (auto st = write(frame); !st)
    return fail(st.error());
  if (auto st = write(footer); !st)
    return fail(st.error());
  if (::fsync(fd_) != 0)
    return fail(io_error("cannot sync", tmp_path_));
  ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  std::filesystem::rename(tmp_path_, info_.path, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable,
                "cannot rename " + tmp_path_.string() + ": " + ec.message());
  Fd dir{::open(info_.path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd >= 0)
    ::fsync(dir.fd);
  info_.bytes = offset_;
  info_.series = entries_.size();
  return info_;
}

// ---- reader ----

Result<std::shared_ptr<BlockReader>> BlockReader::open(const std::filesystem::path& path) {
  auto r = std::shared_ptr<BlockReader>(new BlockReader());
  r->info_.path = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0)
    return fail(io_error("cannot open", path));
  off_t size = ::lseek(r->fd_, 0, SEEK_END);
  std::string footer;
  if (size < static_cast<off_t>(kMagic.size() + kFooterSize) ||
      !pread_all(r->fd_, static_cast<std::uint64_t>(size) - kFooterSize, kFooterSize, footer))
    return fail(corrupt(path, "too short"));
  std::string_view f = footer;
  if (f.substr(20) != kMagic)
    return fail(corrupt(path, "bad footer"));
  codec::get_u64(f, r->index_offset_);
  codec::get_u64(f, r->index_length_);
  for (int i = 0; i < 4; ++i)
    r->index_crc_ |=
        static_cast<std::uint32_t>(static_cast<std::uint8_t>(f[static_cast<std::size_t>(i)]))
        << (8 * i);
  if (r->index_offset_ + r->index_length_ + kFooterSize != static_cast<std::uint64_t>(size))
    return fail(corrupt(path, "index out of place"));
  r->info_.bytes = static_cast<std::uint64_t>(size);
  auto index = r->load_index(&r->info_);  // validates and fills info_
  if (!index)
    return fail(index.error());
  return r;
}

Result<std::shared_ptr<const BlockReader::Index>> BlockReader::index() const {
  return load_index(nullptr);
}

Result<std::shared_ptr<const BlockReader::Index>> BlockReader::load_index(BlockInfo* header) const {
  last_used_.store(now_ms(), std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (index_)
    return index_;
  const auto& path = info_.path;
  std::string frame;
  if (!pread_all(fd_, index_offset_, index_length_, frame))
    return fail(io_error("cannot read", path));
  auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(frame.data()), static_cast<uInt>(frame.size())));
  if (crc != index_crc_)
    return fail(corrupt(path, "index checksum"));
  auto raw_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  std::string raw;
  if (raw_size == ZSTD_CONTENTSIZE_ERROR || raw_size == ZSTD_CONTENTSIZE_UNKNOWN ||
      raw_size > (1ull << 32) || !decompress(frame, raw_size, raw))
    return fail(corrupt(path, "index frame"));
  std::string_view in = raw;
  auto index = std::make_shared<Index>();
  std::uint64_t tier = 0, mint = 0, maxt = 0, n = 0;
  std::string tenant;
  if (!codec::get_varint(in, tier) || tier > 2 || !codec::get_varint(in, mint) ||
      !codec::get_varint(in, maxt) || !codec::get_string(in, tenant) || !codec::get_varint(in, n) ||
      n > in.size())
    return fail(corrupt(path, "index header"));
  index->groups.resize(n);
  for (auto& g : index->groups)
    if (!codec::get_string(in, g.device) || !codec::get_varint(in, g.offset) ||
        !codec::get_varint(in, g.length) || !codec::get_varint(in, g.raw_length) ||
        g.offset + g.length > index_offset_ || g.raw_length > (1ull << 32))
      return fail(corrupt(path, "group table"));
  if (!codec::get_varint(in, n) || n > in.size())
    return fail(corrupt(path, "entry count"));
  index->entries.resize(n);
  std::uint64_t id = 0, samples = 0;
  for (auto& e : index->entries) {
    std::uint64_t delta = 0, group = 0, count = 0, ts_off = 0, val_off = 0;
    if (!codec::get_varint(in, delta) || !codec::get_varint(in, group) ||
        !codec::get_varint(in, count) || !codec::get_varint(in, ts_off) ||
        !codec::get_varint(in, val_off) || group >= index->groups.size() ||
        ts_off > index->groups[group].raw_length || val_off > index->groups[group].raw_length ||
        id + delta > UINT32_MAX || count > UINT32_MAX)
      return fail(corrupt(path, "entries"));
    id += delta;
    e = Entry{static_cast<SeriesId>(id), to_u32(group), to_u32(count), to_u32(ts_off),
              to_u32(val_off)};
    samples += count;
  }
  if (header != nullptr) {
    header->tenant = std::move(tenant);
    header->tier = static_cast<Tier>(tier);
    header->mint = codec::unzigzag(mint);
    header->maxt = codec::unzigzag(maxt);
    header->samples = samples;
    header->series = index->entries.size();
  }
  index_ = index;
  return index_;
}

const BlockReader::Entry* BlockReader::find(const Index& index, SeriesId id) const {
  auto it = std::lower_bound(index.entries.begin(), index.entries.end(), id,
                             [](const Entry& e, SeriesId x) { return e.id < x; });
  return it != index.entries.end() && it->id == id ? &*it : nullptr;
}

bool BlockReader::contains(SeriesId id) const {
  auto index = this->index();
  return index && find(**index, id) != nullptr;
}

Result<std::shared_ptr<const std::string>> BlockReader::group_bytes(const Index& index,
                                                                    std::uint32_t g) const {
  {
    std::lock_guard lock(mutex_);
    if (cached_group_ == g && cached_bytes_)
      return cached_bytes_;
  }
  const auto& group = index.groups[g];
  std::string frame;
  if (!pread_all(fd_, group.offset, group.length, frame))
    return fail(io_error("cannot read", info_.path));
  auto bytes = std::make_shared<std::string>();
  if (!decompress(frame, group.raw_length, *bytes))
    return fail(corrupt(info_.path, "group " + std::to_string(g)));
  std::lock_guard lock(mutex_);
  cached_group_ = g;
  cached_bytes_ = bytes;
  return std::shared_ptr<const std::string>(bytes);
}

Status BlockReader::decode_entry(const std::string& group, const Entry& e,
                                 std::vector<std::int64_t>& ts, std::vector<double>* columns,
                                 int column_count) const {
  std::string_view ts_in = std::string_view(group).substr(e.ts_off);
  std::string_view val_in = std::string_view(group).substr(e.val_off);
  if (!codec::decode_timestamps(ts_in, e.count, ts))
    return fail(corrupt(info_.path, "timestamps of series " + std::to_string(e.id)));
  for (int c = 0; c < column_count; ++c)
    if (!codec::decode_values(val_in, e.count, columns[c]))
      return fail(corrupt(info_.path, "values of series " + std::to_string(e.id)));
  return ok();
}

Status BlockReader::read_series(SeriesId id, std::vector<std::int64_t>& ts,
                                std::vector<double>* columns, int column_count) const {
  auto index = this->index();
  if (!index)
    return fail(index.error());
  const Entry* e = find(**index, id);
  if (e == nullptr)
    return ok();
  auto bytes = group_bytes(**index, e->group);
  if (!bytes)
    return fail(bytes.error());
  return decode_entry(**bytes, *e, ts, columns, column_count);
}

Status BlockReader::read_samples(SeriesId id, std::int64_t from, std::int64_t to,
                                 std::vector<Sample>& out) const {
  std::vector<std::int64_t> ts;
  std::vector<double> values;
  if (auto st = read_series(id, ts, &values, 1); !st)
    return st;
  for (std::size_t i = 0; i < ts.size(); ++i)
    if (ts[i] >= from && ts[i] < to)
      out.push_back({ts[i], values[i]});
  return ok();
}

Status BlockReader::read_buckets(SeriesId id, std::int64_t from, std::int64_t to,
                                 std::vector<Bucket>& out) const {
  std::vector<std::int64_t> ts;
  std::vector<double> c[kRollupColumns];
  if (auto st = read_series(id, ts, c, kRollupColumns); !st)
    return st;
  for (std::size_t i = 0; i < ts.size(); ++i)
    if (ts[i] >= from && ts[i] < to)
      out.push_back({ts[i], c[0][i], c[1][i], c[2][i], c[3][i], c[4][i]});
  return ok();
}

std::size_t BlockReader::group_count() const {
  auto index = this->index();
  return index ? (*index)->groups.size() : 0;
}

std::string BlockReader::group_device(std::size_t g) const {
  auto index = this->index();
  return index ? (*index)->groups[g].device : std::string();
}

Status BlockReader::read_group(std::size_t g, std::vector<SeriesColumns>& out) const {
  auto index = this->index();
  if (!index)
    return fail(index.error());
  auto bytes = group_bytes(**index, to_u32(g));
  if (!bytes)
    return fail(bytes.error());
  bool rollup = info_.tier != Tier::kRaw;
  for (const auto& e : (*index)->entries) {
    if (e.group != g)
      continue;
    SeriesColumns s;
    s.id = e.id;
    std::vector<std::int64_t> ts;
    std::vector<double> c[kRollupColumns];
    if (auto st = decode_entry(**bytes, e, ts, c, rollup ? kRollupColumns : 1); !st)
      return st;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (rollup)
        s.buckets.push_back({ts[i], c[0][i], c[1][i], c[2][i], c[3][i], c[4][i]});
      else
        s.samples.push_back({ts[i], c[0][i]});
    }
    out.push_back(std::move(s));
  }
  return ok();
}

BlockReader::~BlockReader() {
  if (fd_ >= 0)
    ::close(fd_);
  if (obsolete_.load()) {
    std::error_code ec;
    std::filesystem::remove(info_.path, ec);
  }
}

void BlockReader::release_if_idle(std::int64_t now, std::int64_t idle_ms) const {
  if (now - last_used_.load(std::memory_order_relaxed) < idle_ms)
    return;
  std::lock_guard lock(mutex_);
  index_.reset();
  cached_bytes_.reset();
  cached_group_ = UINT32_MAX;
}

std::size_t BlockReader::memory_bytes() const {
  std::lock_guard lock(mutex_);
  std::size_t n = cached_bytes_ ? cached_bytes_->capacity() : 0;
  if (index_)
    n += index_->entries.capacity() * sizeof(Entry) + index_->groups.capacity() * sizeof(Group);
  return n;
}

}  // namespace epcfleet::tsdb
