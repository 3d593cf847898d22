// Block files and their column codecs: a damaged or hostile block is refused as corrupt, never
// read out of bounds. The input is the whole file (through a memfd), then the same bytes as
// bare timestamp and value columns.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "epcfleet/tsdb/block.hpp"
#include "epcfleet/tsdb/codec.hpp"

using namespace epcfleet::tsdb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  {
    std::string_view in = bytes;
    std::vector<std::int64_t> ts;
    std::vector<double> values;
    std::size_t count = size == 0 ? 0 : data[0] % 64;
    (void)codec::decode_timestamps(in, count, ts);
    (void)codec::decode_values(in, count, values);
  }
  int fd = memfd_create("block", 0);
  if (fd < 0)
    return 0;
  if (::write(fd, data, size) == static_cast<ssize_t>(size)) {
    auto reader = BlockReader::open("/proc/self/fd/" + std::to_string(fd));
    if (reader) {
      for (std::size_t g = 0; g < (*reader)->group_count(); ++g) {
        std::vector<SeriesColumns> out;
        (void)(*reader)->read_group(g, out);
      }
      std::vector<Sample> samples;
      (void)(*reader)->read_samples(0, INT64_MIN, INT64_MAX, samples);
    }
  }
  ::close(fd);
  return 0;
}
