#pragma once
// Column codecs of the block format and the write-ahead log. Timestamps: delta-of-delta zigzag
// varints (Gorilla's idea, byte-aligned). Values: when every value of a column is a decimal with
// at most four fraction digits (SNMP gives integers), integers coded as first- or second-order
// zigzag deltas, whichever is smaller; otherwise each float64 XOR-ed with its predecessor and
// stored as 8 bytes for zstd to squeeze. Byte-aligned rather than bit-packed because the block
// is zstd-compressed afterwards, which does better on aligned bytes and decodes faster.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epcfleet::tsdb::codec {

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_varint(std::string& out, std::uint64_t v);
// false on truncated or over-long input; consumes what it read.
bool get_varint(std::string_view& in, std::uint64_t& v);
void put_u64(std::string& out, std::uint64_t v);
bool get_u64(std::string_view& in, std::uint64_t& v);
void put_string(std::string& out, std::string_view s);
bool get_string(std::string_view& in, std::string& s);

void encode_timestamps(std::span<const std::int64_t> ts, std::string& out);
// Appends `count` timestamps; false on malformed input.
bool decode_timestamps(std::string_view& in, std::size_t count, std::vector<std::int64_t>& out);

void encode_values(std::span<const double> values, std::string& out);
bool decode_values(std::string_view& in, std::size_t count, std::vector<double>& out);

}  // namespace epcfleet::tsdb::codec
