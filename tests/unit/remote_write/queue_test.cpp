// The on-disk queue: order, persistence across reopen, torn and damaged files after a crash, the
// byte bound and the accounting of what it drops.
#include "epcfleet/remote_write/queue.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::remote_write {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::unique_ptr<Queue> open_queue(const TempDir& dir, std::uint64_t max_bytes = 1ull << 30,
                                  std::uint64_t segment_bytes = 0) {
  auto q = Queue::open(QueueOptions{dir.path(), max_bytes, segment_bytes});
  EXPECT_TRUE(q.has_value()) << (q ? "" : q.error().message);
  return q ? std::move(*q) : nullptr;
}

std::string body_of(int i, std::size_t size = 40) {
  std::string b = "record-" + std::to_string(i) + ":";
  b.resize(size, static_cast<char>('a' + i % 26));
  return b;
}

std::vector<fs::path> segment_files(const TempDir& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".seg")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Everything pending, batch by batch, acknowledging each.
std::vector<std::string> drain(Queue& q, std::size_t max_samples = 1000) {
  std::vector<std::string> out;
  while (auto batch = q.peek(max_samples, 1u << 20)) {
    for (const auto& r : batch->records)
      out.push_back(r.body);
    q.ack(*batch, batch->records.back().end);
  }
  return out;
}

TEST(RemoteWriteQueue, RecordsComeBackInOrderAfterReopen) {
  TempDir dir;
  {
    auto q = open_queue(dir, 1ull << 30, 64 << 10);
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(q->append(body_of(i, 10000), 3));
    EXPECT_EQ(q->counters().pending_records, 10u);
    EXPECT_GE(q->counters().segments, 2u);  // 10 x 10 KB in 64 KiB segments
  }
  auto q = open_queue(dir, 1ull << 30, 64 << 10);
  const auto c = q->counters();
  EXPECT_EQ(c.pending_records, 10u);
  EXPECT_EQ(c.pending_samples, 30u);
  const auto bodies = drain(*q);
  ASSERT_EQ(bodies.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(bodies[static_cast<std::size_t>(i)], body_of(i, 10000));
  EXPECT_EQ(q->counters().pending_records, 0u);
}

TEST(RemoteWriteQueue, AcknowledgedRecordsAreNotResentAfterReopen) {
  TempDir dir;
  {
    auto q = open_queue(dir);
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(q->append(body_of(i), 10));
    auto batch = q->peek(30, 1u << 20);  // three records of 10 samples
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->records.size(), 3u);
    EXPECT_EQ(batch->samples, 30u);
    q->ack(*batch, batch->records[1].end);  // only the first two were sent
    EXPECT_EQ(q->counters().pending_records, 3u);
  }
  auto q = open_queue(dir);
  EXPECT_EQ(q->counters().pending_records, 3u);
  EXPECT_EQ(drain(*q), (std::vector<std::string>{body_of(2), body_of(3), body_of(4)}));
}

TEST(RemoteWriteQueue, BatchesStopAtMaxSamplesButTakeOneBigRecordWhole) {
  TempDir dir;
  auto q = open_queue(dir);
  ASSERT_TRUE(q->append(body_of(0), 700));
  ASSERT_TRUE(q->append(body_of(1), 200));
  ASSERT_TRUE(q->append(body_of(2), 200));
  auto b1 = q->peek(500, 1u << 20);
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->records.size(), 1u);  // 700 > 500, but a record is never split
  q->ack(*b1, b1->records.back().end);
  auto b2 = q->peek(500, 1u << 20);
  ASSERT_TRUE(b2);
  EXPECT_EQ(b2->records.size(), 2u);
  EXPECT_EQ(b2->samples, 400u);
  q->ack(*b2, b2->records.back().end);
  EXPECT_FALSE(q->peek(500, 1u << 20));
}

TEST(RemoteWriteQueue, TornLastRecordIsCutAndTheRestKept) {
  // Records are 52 bytes: cut inside the body, at its start, inside the header, the whole record.
  for (const int cut : {1, 20, 40, 45, 51, 52}) {
    TempDir dir;
    {
      auto q = open_queue(dir);
      for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(q->append(body_of(i), 1));
    }
    const auto files = segment_files(dir);
    ASSERT_EQ(files.size(), 1u);
    const auto size = fs::file_size(files[0]);
    fs::resize_file(files[0], size - static_cast<std::uintmax_t>(cut));
    auto q = open_queue(dir);
    EXPECT_EQ(q->counters().pending_records, 2u) << "cut " << cut;
    ASSERT_TRUE(q->append(body_of(9), 1));
    EXPECT_EQ(drain(*q), (std::vector<std::string>{body_of(0), body_of(1), body_of(9)}));
  }
}

TEST(RemoteWriteQueue, ARecordWithABadChecksumEndsItsSegment) {
  TempDir dir;
  {
    auto q = open_queue(dir);
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(q->append(body_of(i), 1));
  }
  const auto file = segment_files(dir).at(0);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-3, std::ios::end);  // a byte inside the last body: its CRC no longer matches
    f.put('#');
  }
  auto q = open_queue(dir);
  EXPECT_EQ(q->counters().pending_records, 2u);
  EXPECT_EQ(drain(*q), (std::vector<std::string>{body_of(0), body_of(1)}));
}

TEST(RemoteWriteQueue, GarbageInTheDirectoryNeverCrashesOpen) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    TempDir dir;
    {
      auto q = open_queue(dir, 1ull << 30, 64 << 10);
      for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(q->append(body_of(i, 5000), 2));
    }
    // Overwrite random spans of random files (segments and cursor) with random bytes, or
    // truncate them at random points; add files that merely look like segments.
    std::vector<fs::path> files = segment_files(dir);
    files.push_back(fs::path(dir.path()) / "cursor");
    for (auto& f : files) {
      if (!fs::exists(f))
        continue;
      const auto size = fs::file_size(f);
      if (rng() % 3 == 0) {
        fs::resize_file(f, size == 0 ? 0 : rng() % size);
        continue;
      }
      std::fstream io(f, std::ios::in | std::ios::out | std::ios::binary);
      const int spans = static_cast<int>(rng() % 4);
      for (int s = 0; s < spans && size > 0; ++s) {
        io.seekp(static_cast<std::streamoff>(rng() % size));
        for (int k = 0; k < static_cast<int>(rng() % 64); ++k)
          io.put(static_cast<char>(rng()));
      }
    }
    std::string junk(rng() % 100, '\0');
    for (auto& c : junk)
      c = static_cast<char>(rng());
    testing::write_file(dir.file("00000000000000000099.seg"), junk);
    testing::write_file(dir.file("00000000000000000098.seg"), "EPCRWQ1\n" + junk);
    testing::write_file(dir.file("not-a-segment.seg"), junk);

    auto q = open_queue(dir, 1ull << 30, 64 << 10);
    ASSERT_TRUE(q);
    const auto before = q->counters().pending_records;
    EXPECT_LE(before, 20u);
    const auto bodies = drain(*q);
    EXPECT_EQ(bodies.size(), before);
    for (const auto& b : bodies)
      EXPECT_EQ(b.rfind("record-", 0), 0u);
  }
}

TEST(RemoteWriteQueue, OverTheBoundTheOldestSegmentsGoAndAreCounted) {
  TempDir dir;
  constexpr std::uint64_t kMax = 256 << 10;
  auto q = open_queue(dir, kMax, 32 << 10);
  constexpr int kRecords = 1000;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(q->append(body_of(i, 1000), 10));
    ASSERT_LE(q->counters().disk_bytes, kMax);
  }
  const auto c = q->counters();
  EXPECT_GT(c.dropped_samples, 0u);
  EXPECT_EQ(c.dropped_samples + c.pending_samples, kRecords * 10u);
  EXPECT_EQ(c.dropped_records + c.pending_records, static_cast<std::uint64_t>(kRecords));
  EXPECT_GT(c.disk_bytes, kMax - (32 << 10) - 1100);  // at most a segment below the bound
  // What is left is the newest records, contiguous and in order.
  const auto bodies = drain(*q);
  ASSERT_EQ(bodies.size(), c.pending_records);
  const int first = kRecords - static_cast<int>(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i)
    EXPECT_EQ(bodies[i], body_of(first + static_cast<int>(i), 1000));
  EXPECT_LE(fs::file_size(segment_files(dir).back()), 32u << 10);
}

TEST(RemoteWriteQueue, ABatchInFlightWhenItsSegmentIsDroppedIsCountedOnce) {
  TempDir dir;
  constexpr std::uint64_t kMax = 128 << 10;
  auto q = open_queue(dir, kMax, 16 << 10);
  int appended = 0;
  for (; appended < 10; ++appended)
    ASSERT_TRUE(q->append(body_of(appended, 1000), 10));
  auto batch = q->peek(30, 1u << 20);  // three records in flight from the oldest segment
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->samples, 30u);
  for (; appended < 400; ++appended)  // the oldest segments, the one in flight too, are dropped
    ASSERT_TRUE(q->append(body_of(appended, 1000), 10));
  auto c = q->counters();
  ASSERT_GT(c.dropped_samples, 0u);
  EXPECT_EQ(c.dropped_samples + c.pending_samples,
            static_cast<std::uint64_t>(appended) * 10);  // in flight is pending
  q->ack(*batch, batch->records.back().end);             // it was sent after all
  c = q->counters();
  EXPECT_EQ(c.dropped_samples + c.pending_samples + 30u, static_cast<std::uint64_t>(appended) * 10);
  const auto bodies = drain(*q);
  EXPECT_EQ(bodies.size(), c.pending_records);
  EXPECT_EQ(bodies.back(), body_of(appended - 1, 1000));
}

TEST(RemoteWriteQueue, NewSegmentsAfterAFullyAcknowledgedRunAreNotSkipped) {
  TempDir dir;
  {
    auto q = open_queue(dir);
    ASSERT_TRUE(q->append(body_of(1), 1));
    EXPECT_EQ(drain(*q).size(), 1u);
  }
  {
    auto q = open_queue(dir);  // the old segment is all acknowledged: gone
    EXPECT_EQ(q->counters().pending_records, 0u);
    ASSERT_TRUE(q->append(body_of(2), 1));
  }
  auto q = open_queue(dir);
  EXPECT_EQ(drain(*q), (std::vector<std::string>{body_of(2)}));
}

TEST(RemoteWriteQueue, ASecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  auto q = open_queue(dir);
  auto second = Queue::open(QueueOptions{dir.path(), 1ull << 30, 0});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
}

TEST(RemoteWriteQueue, AFailedAppendLeavesTheQueueAsItWas) {
  TempDir dir;
  auto q = open_queue(dir);
  ASSERT_TRUE(q->append(body_of(0, 1000), 1));  // the segment is now 8 + 1012 bytes
  // A file size limit makes the next write stop halfway (EFBIG), as a full disk would; it
  // works as root too.
  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = old;
  limited.rlim_cur = 1500;
  ::setrlimit(RLIMIT_FSIZE, &limited);
  const auto r = q->append(body_of(1, 1000), 1);
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(q->counters().pending_records, 1u);
  EXPECT_EQ(fs::file_size(segment_files(dir).at(0)), 1020u);  // the partial record is gone
  ASSERT_TRUE(q->append(body_of(2, 100), 1));
  EXPECT_EQ(drain(*q), (std::vector<std::string>{body_of(0, 1000), body_of(2, 100)}));
}

}  // namespace
}  // namespace epcfleet::remote_write
