#pragma once
// The remote-write queue on disk: encoded requests appended to segment files, consumed oldest
// first by one sender, bounded in bytes. The Writer's; public for its tests.
//
// Layout of the queue directory:
//   00000000000000000007.seg  segments, numbered in write order; the newest is the head (appended)
//   cursor                    how far the sender got: segment number and offset, with a CRC
//   lock                      flock()ed by the owner, so two processes never share a queue
// A segment is an 8-byte magic then records: u32 length, u32 samples, u32 CRC-32 (of the first
// eight header bytes and the body), then the body (all little-endian). Open re-reads every segment
// and cuts it after the last record whose length and CRC check out: a torn tail from a crash is
// dropped, never trusted. A segment is deleted once everything in it has been acknowledged.
//
// Durability: appends are not fsync()ed one by one (enqueue must stay fast); they survive a crash
// of the process, and sync() (Writer::stop, the destructor) makes them survive a power loss. The
// cursor may lag after a power loss, which re-sends requests (receivers ignore an identical
// sample or refuse an old one; nothing is lost).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::remote_write {

struct QueueOptions {
  std::filesystem::path dir;
  std::uint64_t max_bytes = 1ull << 30;
  // Segment size at which the head is closed and a new one started; 0: max_bytes / 16 within
  // [4 KiB, 64 MiB]. Dropping happens a segment at a time.
  std::uint64_t segment_bytes = 0;
};

struct QueueCounters {
  std::uint64_t pending_bytes = 0;  // record bytes not yet acknowledged (in flight included)
  std::uint64_t pending_records = 0;
  std::uint64_t pending_samples = 0;
  std::uint64_t disk_bytes = 0;  // segment files
  std::uint64_t segments = 0;
  std::uint64_t dropped_samples = 0;  // queue over max_bytes, or a record unreadable
  std::uint64_t dropped_records = 0;
};

struct QueuedRecord {
  std::string body;
  std::uint32_t samples = 0;
  std::uint64_t end = 0;  // offset after it in its segment
};

// Consecutive unacknowledged records of one segment.
struct QueueBatch {
  std::uint64_t segment = 0;
  std::uint64_t begin = 0;  // offset of the first record
  std::vector<QueuedRecord> records;
  std::uint64_t samples = 0;
  std::uint64_t bytes = 0;  // bodies
};

class Queue {
public:
  static Result<std::unique_ptr<Queue>> open(QueueOptions options);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Appends one record, then drops the oldest segments while the queue is over max_bytes. An
  // error (disk full, I/O) leaves the queue as it was. Thread-safe.
  Status append(std::string_view body, std::uint32_t samples);

  // The oldest unacknowledged records, at most `max_samples` samples and `max_bytes` bytes of
  // bodies unless the first record alone is bigger; nullopt when nothing is pending. The batch
  // stays queued until ack(); until then it is "in flight" and a drop of its segment spares it.
  // One consumer thread only.
  std::optional<QueueBatch> peek(std::size_t max_samples, std::size_t max_bytes);

  // The batch's records up to and including the one ending at `end` are done (sent or refused
  // for good): the cursor moves past them and a finished segment is deleted.
  void ack(const QueueBatch& batch, std::uint64_t end);

  QueueCounters counters() const;

  // fdatasync()s the head segment and the cursor.
  Status sync();

  struct Segment;

private:
  explicit Queue(QueueOptions options);
  Status recover();
  Status start_head();
  void enforce_bound();
  void drop_segment(std::size_t index, std::string_view why);
  void delete_segment_file(std::uint64_t seq);
  void write_cursor();
  std::filesystem::path segment_path(std::uint64_t seq) const;

  QueueOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Segment>> segments_;  // oldest first; the last one is the head
  int head_fd_ = -1;
  int lock_fd_ = -1;
  std::uint64_t next_seq_ = 1;
  // Where the sender is: the next record to send is at (cursor_seq_, cursor_offset_).
  std::uint64_t cursor_seq_ = 0;
  std::uint64_t cursor_offset_ = 0;
  // The batch peek() handed out and not yet fully acknowledged.
  std::uint64_t in_flight_seq_ = 0;
  std::uint64_t in_flight_samples_ = 0;
  std::uint64_t in_flight_records_ = 0;
  std::uint64_t in_flight_bytes_ = 0;
  std::uint64_t in_flight_acked_to_ = 0;  // offset up to which the batch has been acknowledged
  QueueCounters counters_;
  // The consumer's read handle on the cursor segment (touched by the consumer only).
  int read_fd_ = -1;
  std::uint64_t read_seq_ = 0;
};

}  // namespace epcfleet::remote_write
