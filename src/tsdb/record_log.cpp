#include "epcfleet/tsdb/record_log.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "file_io.hpp"

namespace epcfleet::tsdb {
namespace {

constexpr std::uint32_t kMaxRecord = 256u << 20;

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>(v >> (8 * i)));
}

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(p[i])) << (8 * i);
  return v;
}

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error{ErrorCode::kUnavailable, what + " " + path.string() + ": " + std::strerror(errno)};
}

}  // namespace

RecordWriter::~RecordWriter() {
  if (fd_ >= 0)
    ::close(fd_);
}

Result<std::unique_ptr<RecordWriter>> RecordWriter::open(const std::filesystem::path& path,
                                                         std::uint64_t valid_size) {
  auto writer = std::make_unique<RecordWriter>();
  writer->path_ = path;
  writer->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (writer->fd_ < 0)
    return fail(io_error("cannot open", path));
  if (::ftruncate(writer->fd_, static_cast<off_t>(valid_size)) != 0 ||
      ::lseek(writer->fd_, static_cast<off_t>(valid_size), SEEK_SET) < 0)
    return fail(io_error("cannot truncate", path));
  writer->size_ = valid_size;
  return writer;
}

void RecordWriter::frame(std::string& batch, std::string_view payload) {
  put_u32(batch, static_cast<std::uint32_t>(payload.size()));
  put_u32(batch, crc_of(payload));
  batch.append(payload);
}

Status RecordWriter::append(std::string_view payload) {
  std::string framed;
  framed.reserve(payload.size() + 8);
  frame(framed, payload);
  return write_framed(framed);
}

Status RecordWriter::write_framed(std::string_view framed) {
  if (!write_all(fd_, framed)) {
    // Cut what was half-written so that the file stays a sequence of whole records.
    auto err = io_error("cannot write", path_);
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
      ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
    return fail(err);
  }
  size_ += framed.size();
  return ok();
}

Status RecordWriter::sync() {
  if (::fdatasync(fd_) != 0)
    return fail(io_error("cannot sync", path_));
  return ok();
}

Result<std::uint64_t> read_records(const std::filesystem::path& path,
                                   const std::function<Status(std::string_view)>& on_record) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(io_error("cannot read", path));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::uint64_t pos = 0;
  while (data.size() - pos >= 8) {
    std::uint32_t length = get_u32(data.data() + pos);
    std::uint32_t crc = get_u32(data.data() + pos + 4);
    if (length > kMaxRecord || data.size() - pos - 8 < length)
      break;
    std::string_view payload(data.data() + pos + 8, length);
    if (crc_of(payload) != crc)
      break;
    if (auto st = on_record(payload); !st)
      return fail(st.error());
    pos += 8 + length;
  }
  return pos;
}

}  // namespace epcfleet::tsdb
