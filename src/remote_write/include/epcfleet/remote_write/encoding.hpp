#pragma once
// The remote-write request body: a protobuf WriteRequest compressed with snappy's block format
// (not the framed one), as remote write 1.0 specifies. The Writer uses these; they are public so
// that tests can check the bytes. Nothing here parses bytes from the network.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/remote_write/writer.hpp"

namespace epcfleet::remote_write {

struct EncodedRequest {
  std::string body;  // snappy(WriteRequest)
  std::uint32_t samples = 0;
};

struct EncodeResult {
  std::vector<EncodedRequest> requests;
  std::uint64_t invalid_samples = 0;  // of series without a __name__ label
};

// One series becomes one TimeSeries per request it spans: labels are the series' own plus
// `extra_labels` (the series' own wins on a name clash), sorted by name, without empty values,
// names unique (first wins), invalid UTF-8 replaced by U+FFFD; samples sorted by timestamp
// (stable, so duplicates keep their order). Requests hold at most `max_samples_per_request`
// samples; a long series is split across consecutive requests.
EncodeResult encode(std::span<const Series> series, std::span<const Label> extra_labels,
                    std::size_t max_samples_per_request);

// One body holding every series of `bodies`, in order (serialized protobuf messages concatenate:
// their repeated fields append). nullopt when a body is not valid snappy or expands beyond
// `max_uncompressed` bytes in total.
std::optional<std::string> merge(std::span<const std::string_view> bodies,
                                 std::size_t max_uncompressed = std::size_t{256} << 20);

// Label values must be UTF-8 on the wire (protobuf `string`); SNMP strings often are not.
std::string sanitize_utf8(std::string_view text);

}  // namespace epcfleet::remote_write
