#pragma once
// Append-only files of framed records: [u32 length][u32 crc32][payload]. What the write-ahead log
// and the series registry are made of. A crash can leave a torn record at the end; reading stops
// there and reports where the good part ends, so the writer can cut the tail before appending.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::tsdb {

class RecordWriter {
public:
  RecordWriter() = default;
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  ~RecordWriter();

  // Opens for appending, cutting the file at `valid_size` (what a reader found intact).
  static Result<std::unique_ptr<RecordWriter>> open(const std::filesystem::path& path,
                                                    std::uint64_t valid_size);
  // Frames each payload and writes them with one write(2): once this returns the records
  // survive a kill -9 of the process (they are in the kernel's page cache).
  Status append(std::string_view payload);
  // Frames `payload` into `batch` without writing: for group writes through write_framed().
  static void frame(std::string& batch, std::string_view payload);
  Status write_framed(std::string_view framed);
  // fdatasync: survives a power loss too.
  Status sync();
  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::filesystem::path path_;
};

// Calls `on_record` for each intact record in order; stops at the first torn or corrupt one.
// Returns the byte offset where the intact part ends (the file size when all is well).
Result<std::uint64_t> read_records(const std::filesystem::path& path,
                                   const std::function<Status(std::string_view)>& on_record);

}  // namespace epcfleet::tsdb
