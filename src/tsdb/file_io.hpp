#pragma once
// Private to tsdb: whole-buffer write(2) and pread(2) that retry short transfers and EINTR.

#include <cstdint>
#include <string>
#include <string_view>

namespace epcfleet::tsdb {

// False on an error (errno says which); some bytes may have been written.
bool write_all(int fd, std::string_view bytes);
// Reads exactly `length` bytes at `offset` into `out`; false on an error or a short file.
bool pread_all(int fd, std::uint64_t offset, std::size_t length, std::string& out);

}  // namespace epcfleet::tsdb
