#include "epcfleet/remote_write/queue.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "epcfleet/logging/log.hpp"

namespace epcfleet::remote_write {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic{"EPCRWQ1\n", 8};
constexpr std::uint64_t kSegmentHeader = kMagic.size();
constexpr std::size_t kRecordHeader = 12;
constexpr std::uint32_t kMaxRecordBody = 64u << 20;
constexpr std::string_view kSegmentSuffix = ".seg";
constexpr std::size_t kSeqDigits = 20;

void put_u32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put_u64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

std::uint32_t crc_of(const unsigned char* header8, std::string_view body) {
  uLong crc = ::crc32(0L, header8, 8);
  crc = ::crc32(crc, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return static_cast<std::uint32_t>(crc);
}

std::string errno_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// pread() until `size` bytes or end of file; returns the bytes read, -1 on error.
ssize_t read_at(int fd, void* buf, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n =
        ::pread(fd, static_cast<char*>(buf) + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

enum class ReadStatus { kOk, kEnd, kBad };

// Reads the record at `offset` of a segment whose valid bytes end at `limit`.
ReadStatus read_record(int fd, std::uint64_t offset, std::uint64_t limit, std::string& body,
                       std::uint32_t& samples) {
  if (offset + kRecordHeader > limit)
    return offset == limit ? ReadStatus::kEnd : ReadStatus::kBad;
  std::array<unsigned char, kRecordHeader> header{};
  if (read_at(fd, header.data(), header.size(), offset) != static_cast<ssize_t>(header.size()))
    return ReadStatus::kBad;
  const std::uint32_t length = get_u32(header.data());
  samples = get_u32(header.data() + 4);
  const std::uint32_t crc = get_u32(header.data() + 8);
  if (length > kMaxRecordBody || offset + kRecordHeader + length > limit)
    return ReadStatus::kBad;
  body.resize(length);
  if (read_at(fd, body.data(), length, offset + kRecordHeader) != static_cast<ssize_t>(length))
    return ReadStatus::kBad;
  if (crc_of(header.data(), body) != crc)
    return ReadStatus::kBad;
  return ReadStatus::kOk;
}

struct FileCloser {
  int fd;
  ~FileCloser() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::optional<std::uint64_t> parse_segment_name(const std::string& name) {
  if (name.size() != kSeqDigits + kSegmentSuffix.size() ||
      name.compare(kSeqDigits, kSegmentSuffix.size(), kSegmentSuffix) != 0)
    return std::nullopt;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < kSeqDigits; ++i) {
    if (name[i] < '0' || name[i] > '9')
      return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return seq;
}

}  // namespace

struct Queue::Segment {
  std::uint64_t seq = 0;
  std::uint64_t size = kSegmentHeader;  // valid bytes: header and whole records
  std::uint64_t records = 0;
  std::uint64_t samples = 0;
  // Acknowledged prefix (only the cursor segment has one; older segments are gone).
  std::uint64_t acked_offset = kSegmentHeader;
  std::uint64_t acked_records = 0;
  std::uint64_t acked_samples = 0;

  std::uint64_t pending_records() const { return records - acked_records; }
  std::uint64_t pending_samples() const { return samples - acked_samples; }
  std::uint64_t pending_bytes() const { return size - acked_offset; }
};

Queue::Queue(QueueOptions options) : options_(std::move(options)) {
  if (options_.segment_bytes == 0)
    options_.segment_bytes = std::clamp<std::uint64_t>(
        options_.max_bytes / 16, std::uint64_t{4} << 10, std::uint64_t{64} << 20);
}

Queue::~Queue() {
  (void)sync();
  if (head_fd_ >= 0)
    ::close(head_fd_);
  if (read_fd_ >= 0)
    ::close(read_fd_);
  if (lock_fd_ >= 0)
    ::close(lock_fd_);
}

Result<std::unique_ptr<Queue>> Queue::open(QueueOptions options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable,
                "cannot create queue directory " + options.dir.string() + ": " + ec.message());
  std::unique_ptr<Queue> q(new Queue(std::move(options)));
  const auto lock_path = q->options_.dir / "lock";
  q->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (q->lock_fd_ < 0)
    return fail(ErrorCode::kUnavailable, errno_text("cannot open " + lock_path.string()));
  if (::flock(q->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return fail(ErrorCode::kConflict,
                "queue directory " + q->options_.dir.string() + " is in use by another writer");
  if (auto r = q->recover(); !r)
    return fail(r.error());
  if (auto r = q->start_head(); !r)
    return fail(r.error());
  std::lock_guard lock(q->mutex_);
  q->enforce_bound();
  return q;
}

fs::path Queue::segment_path(std::uint64_t seq) const {
  std::string name = std::to_string(seq);
  name.insert(0, kSeqDigits - std::min(kSeqDigits, name.size()), '0');
  return options_.dir / (name + std::string(kSegmentSuffix));
}

Status Queue::recover() {
  std::vector<std::uint64_t> seqs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    const auto name = entry.path().filename().string();
    if (auto seq = parse_segment_name(name))
      seqs.push_back(*seq);
    else if (name == "cursor.tmp")
      fs::remove(entry.path(), ec);
  }
  if (ec)
    return fail(ErrorCode::kUnavailable,
                "cannot list " + options_.dir.string() + ": " + ec.message());
  std::sort(seqs.begin(), seqs.end());

  // The cursor: where the previous run's sender got to.
  {
    std::array<unsigned char, 20> buf{};
    const int fd = ::open((options_.dir / "cursor").c_str(), O_RDONLY | O_CLOEXEC);
    FileCloser closer{fd};
    if (fd >= 0 && read_at(fd, buf.data(), buf.size(), 0) == static_cast<ssize_t>(buf.size()) &&
        static_cast<std::uint32_t>(::crc32(0L, buf.data(), 16)) == get_u32(buf.data() + 16)) {
      cursor_seq_ = get_u64(buf.data());
      cursor_offset_ = get_u64(buf.data() + 8);
    } else if (fd >= 0) {
      log::warn("remote_write.queue_cursor_unreadable",
                {{"dir", options_.dir.string()}, {"effect", "unacknowledged segments resent"}});
    }
  }

  std::string body;
  for (const auto seq : seqs) {
    const auto path = segment_path(seq);
    if (seq < cursor_seq_) {  // acknowledged; the previous run stopped before deleting it
      fs::remove(path, ec);
      continue;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    FileCloser closer{fd};
    struct stat st {};
    std::array<char, kMagic.size()> magic{};
    if (fd < 0 || ::fstat(fd, &st) != 0 ||
        read_at(fd, magic.data(), magic.size(), 0) != static_cast<ssize_t>(magic.size()) ||
        std::string_view(magic.data(), magic.size()) != kMagic) {
      log::warn("remote_write.queue_segment_unreadable",
                {{"segment", path.string()}, {"effect", "deleted"}});
      fs::remove(path, ec);
      continue;
    }
    auto seg = std::make_unique<Segment>();
    seg->seq = seq;
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    const bool is_cursor = seq == cursor_seq_;
    bool cursor_on_boundary = is_cursor && cursor_offset_ == kSegmentHeader;
    for (;;) {
      std::uint32_t samples = 0;
      if (read_record(fd, seg->size, file_size, body, samples) != ReadStatus::kOk)
        break;
      seg->size += kRecordHeader + body.size();
      seg->records++;
      seg->samples += samples;
      if (is_cursor && seg->size == cursor_offset_) {
        cursor_on_boundary = true;
        seg->acked_offset = seg->size;
        seg->acked_records = seg->records;
        seg->acked_samples = seg->samples;
      }
    }
    if (is_cursor && !cursor_on_boundary) {
      log::warn("remote_write.queue_cursor_invalid",
                {{"segment", path.string()}, {"effect", "segment resent from its start"}});
      seg->acked_offset = kSegmentHeader;
      seg->acked_records = seg->acked_samples = 0;
    }
    if (seg->size < file_size) {
      // A crash mid-append (or damage): keep what checks out, cut the rest.
      log::warn("remote_write.queue_torn_tail", {{"segment", path.string()},
                                                 {"kept_records", seg->records},
                                                 {"cut_bytes", file_size - seg->size}});
      if (::truncate(path.c_str(), static_cast<off_t>(seg->size)) != 0)
        return fail(ErrorCode::kUnavailable, errno_text("cannot truncate " + path.string()));
    }
    if (seg->pending_records() == 0) {
      fs::remove(path, ec);
      continue;
    }
    segments_.push_back(std::move(seg));
  }
  next_seq_ = std::max(seqs.empty() ? 0 : seqs.back(), cursor_seq_) + 1;
  if (!segments_.empty() && segments_.front()->seq != cursor_seq_) {
    cursor_seq_ = segments_.front()->seq;
    cursor_offset_ = kSegmentHeader;
  }
  return ok();
}

Status Queue::start_head() {
  const std::uint64_t seq = next_seq_++;
  const auto path = segment_path(seq);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(ErrorCode::kUnavailable, errno_text("cannot create " + path.string()));
  if (::write(fd, kMagic.data(), kMagic.size()) != static_cast<ssize_t>(kMagic.size())) {
    const auto error = errno_text("cannot write " + path.string());
    ::close(fd);
    std::error_code ec;
    fs::remove(path, ec);
    return fail(ErrorCode::kUnavailable, error);
  }
  if (head_fd_ >= 0)
    ::close(head_fd_);
  head_fd_ = fd;
  auto seg = std::make_unique<Segment>();
  seg->seq = seq;
  segments_.push_back(std::move(seg));
  if (segments_.size() == 1) {
    cursor_seq_ = seq;
    cursor_offset_ = kSegmentHeader;
  }
  return ok();
}

Status Queue::append(std::string_view body, std::uint32_t samples) {
  if (body.size() > kMaxRecordBody)
    return fail(ErrorCode::kPayloadTooLarge, "remote-write request over 64 MiB");
  std::lock_guard lock(mutex_);
  const std::uint64_t record_size = kRecordHeader + body.size();
  if (segments_.back()->records > 0 &&
      segments_.back()->size + record_size > options_.segment_bytes) {
    if (auto r = start_head(); !r)
      return r;
  }
  Segment& head = *segments_.back();
  std::array<unsigned char, kRecordHeader> header{};
  put_u32(header.data(), static_cast<std::uint32_t>(body.size()));
  put_u32(header.data() + 4, samples);
  put_u32(header.data() + 8, crc_of(header.data(), body));
  std::array<iovec, 2> iov{iovec{header.data(), header.size()},
                           iovec{const_cast<char*>(body.data()), body.size()}};
  std::uint64_t written = 0;
  while (written < record_size) {
    // Skip what is already written (a short write) and continue.
    std::array<iovec, 2> rest = iov;
    std::uint64_t skip = written;
    int first = 0;
    while (skip >= rest[static_cast<std::size_t>(first)].iov_len) {
      skip -= rest[static_cast<std::size_t>(first)].iov_len;
      ++first;
    }
    auto& cur = rest[static_cast<std::size_t>(first)];
    cur.iov_base = static_cast<char*>(cur.iov_base) + skip;
    cur.iov_len -= skip;
    const ssize_t n = ::pwritev(head_fd_, rest.data() + first, 2 - first,
                                static_cast<off_t>(head.size + written));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      const auto error = errno_text("cannot append to the remote-write queue");
      // Leave no partial record behind (open would cut it anyway).
      (void)::ftruncate(head_fd_, static_cast<off_t>(head.size));
      return fail(ErrorCode::kUnavailable, error);
    }
    written += static_cast<std::uint64_t>(n);
  }
  head.size += record_size;
  head.records++;
  head.samples += samples;
  enforce_bound();
  return ok();
}

void Queue::enforce_bound() {
  const auto disk = [this] {
    std::uint64_t total = 0;
    for (const auto& s : segments_)
      total += s->size;
    return total;
  };
  while (disk() > options_.max_bytes && segments_.size() > 1)
    drop_segment(0, "queue full");
  if (disk() > options_.max_bytes && segments_.back()->records > 0) {
    // The head alone is over the bound (one huge record): start a new head and drop the old one.
    if (start_head())
      drop_segment(0, "queue full");
  }
}

void Queue::drop_segment(std::size_t index, std::string_view why) {
  const Segment& seg = *segments_[index];
  std::uint64_t samples = seg.pending_samples();
  std::uint64_t records = seg.pending_records();
  if (seg.seq == in_flight_seq_ && in_flight_records_ > 0) {
    // The batch in flight is still being sent: it is not lost, ack() settles it.
    samples -= in_flight_samples_;
    records -= in_flight_records_;
  }
  counters_.dropped_samples += samples;
  counters_.dropped_records += records;
  log::warn("remote_write.queue_dropped", {{"segment", seg.seq},
                                           {"samples", samples},
                                           {"records", records},
                                           {"reason", why},
                                           {"max_queue_bytes", options_.max_bytes}});
  delete_segment_file(seg.seq);
  segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(index));
}

void Queue::delete_segment_file(std::uint64_t seq) {
  std::error_code ec;
  fs::remove(segment_path(seq), ec);
}

std::optional<QueueBatch> Queue::peek(std::size_t max_samples, std::size_t max_bytes) {
  std::string body;
  for (;;) {
    std::uint64_t seq = 0;
    std::uint64_t begin = 0;
    std::uint64_t limit = 0;
    {
      std::lock_guard lock(mutex_);
      in_flight_seq_ = 0;
      in_flight_samples_ = in_flight_records_ = in_flight_bytes_ = 0;
      if (segments_.empty())
        return std::nullopt;
      auto it = std::find_if(segments_.begin(), segments_.end(),
                             [&](const auto& s) { return s->seq == cursor_seq_; });
      if (it == segments_.end()) {  // dropped while we were on it: go on with the oldest
        it = segments_.begin();
        cursor_seq_ = (*it)->seq;
        cursor_offset_ = (*it)->acked_offset;
      }
      Segment& seg = **it;
      if (cursor_offset_ >= seg.size) {
        if (it + 1 == segments_.end())
          return std::nullopt;  // caught up with the head
        delete_segment_file(seg.seq);
        const auto next = (*(it + 1))->seq;
        segments_.erase(it);
        cursor_seq_ = next;
        cursor_offset_ = kSegmentHeader;
        continue;
      }
      seq = seg.seq;
      begin = cursor_offset_;
      limit = seg.size;
    }
    if (read_seq_ != seq || read_fd_ < 0) {
      if (read_fd_ >= 0)
        ::close(read_fd_);
      read_fd_ = ::open(segment_path(seq).c_str(), O_RDONLY | O_CLOEXEC);
      read_seq_ = seq;
    }
    QueueBatch batch;
    batch.segment = seq;
    batch.begin = begin;
    std::uint64_t offset = begin;
    bool bad = read_fd_ < 0;
    while (!bad && offset < limit) {
      std::uint32_t samples = 0;
      const auto status = read_record(read_fd_, offset, limit, body, samples);
      if (status != ReadStatus::kOk) {
        bad = status == ReadStatus::kBad;
        break;
      }
      if (!batch.records.empty() &&
          (batch.samples + samples > max_samples || batch.bytes + body.size() > max_bytes))
        break;
      offset += kRecordHeader + body.size();
      batch.samples += samples;
      batch.bytes += body.size();
      batch.records.push_back(QueuedRecord{std::move(body), samples, offset});
      body = std::string();
    }
    std::lock_guard lock(mutex_);
    auto it = std::find_if(segments_.begin(), segments_.end(),
                           [&](const auto& s) { return s->seq == seq; });
    if (it == segments_.end())
      continue;  // dropped meanwhile (and counted): read on from the oldest
    if (batch.records.empty()) {
      // Unreadable although it checked out at open or append: the disk changed under us.
      drop_segment(static_cast<std::size_t>(it - segments_.begin()), "unreadable");
      if (segments_.empty())
        (void)start_head();
      continue;
    }
    in_flight_seq_ = seq;
    in_flight_samples_ = batch.samples;
    in_flight_records_ = batch.records.size();
    in_flight_bytes_ = offset - begin;
    in_flight_acked_to_ = begin;
    return batch;
  }
}

void Queue::ack(const QueueBatch& batch, std::uint64_t end) {
  std::lock_guard lock(mutex_);
  if (batch.segment != in_flight_seq_ || end <= in_flight_acked_to_)
    return;
  const std::uint64_t from = in_flight_acked_to_;
  std::uint64_t records = 0;
  std::uint64_t samples = 0;
  for (const auto& r : batch.records) {
    if (r.end > from && r.end <= end) {
      ++records;
      samples += r.samples;
    }
  }
  in_flight_records_ -= std::min(in_flight_records_, records);
  in_flight_samples_ -= std::min(in_flight_samples_, samples);
  in_flight_bytes_ -= std::min(in_flight_bytes_, end - from);
  in_flight_acked_to_ = end;
  if (in_flight_records_ == 0)
    in_flight_seq_ = 0;
  auto it = std::find_if(segments_.begin(), segments_.end(),
                         [&](const auto& s) { return s->seq == batch.segment; });
  if (it == segments_.end())
    return;  // dropped while in flight: drop_segment() counted all but these
  Segment& seg = **it;
  seg.acked_offset = end;
  seg.acked_records += records;
  seg.acked_samples += samples;
  cursor_seq_ = seg.seq;
  cursor_offset_ = end;
  write_cursor();
  if (seg.acked_offset == seg.size && it + 1 != segments_.end()) {
    delete_segment_file(seg.seq);
    const auto next = (*(it + 1))->seq;
    segments_.erase(it);
    cursor_seq_ = next;
    cursor_offset_ = kSegmentHeader;
  }
}

void Queue::write_cursor() {
  std::array<unsigned char, 20> buf{};
  put_u64(buf.data(), cursor_seq_);
  put_u64(buf.data() + 8, cursor_offset_);
  put_u32(buf.data() + 16, static_cast<std::uint32_t>(::crc32(0L, buf.data(), 16)));
  const auto tmp = options_.dir / "cursor.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;  // the cursor lags: some requests are sent twice after a restart, nothing is lost
  const bool written = ::write(fd, buf.data(), buf.size()) == static_cast<ssize_t>(buf.size());
  ::close(fd);
  std::error_code ec;
  if (written)
    fs::rename(tmp, options_.dir / "cursor", ec);
}

QueueCounters Queue::counters() const {
  std::lock_guard lock(mutex_);
  QueueCounters c = counters_;
  bool in_flight_counted = false;
  for (const auto& s : segments_) {
    c.pending_bytes += s->pending_bytes();
    c.pending_records += s->pending_records();
    c.pending_samples += s->pending_samples();
    c.disk_bytes += s->size;
    in_flight_counted = in_flight_counted || s->seq == in_flight_seq_;
  }
  if (!in_flight_counted) {  // its segment was dropped while it was in flight
    c.pending_bytes += in_flight_bytes_;
    c.pending_records += in_flight_records_;
    c.pending_samples += in_flight_samples_;
  }
  c.segments = segments_.size();
  return c;
}

Status Queue::sync() {
  std::lock_guard lock(mutex_);
  std::string error;
  for (const auto& s : segments_) {
    const int fd = ::open(segment_path(s->seq).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fdatasync(fd) != 0)
      error = errno_text("cannot sync " + segment_path(s->seq).string());
    if (fd >= 0)
      ::close(fd);
  }
  write_cursor();
  const int cfd = ::open((options_.dir / "cursor").c_str(), O_RDONLY | O_CLOEXEC);
  if (cfd >= 0) {
    (void)::fdatasync(cfd);
    ::close(cfd);
  }
  const int dfd = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  if (!error.empty())
    return fail(ErrorCode::kUnavailable, error);
  return ok();
}

}  // namespace epcfleet::remote_write
