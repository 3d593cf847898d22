#include "epcfleet/tsdb/head_chunk.hpp"

#include <bit>
#include <cmath>

#include "epcfleet/tsdb/codec.hpp"

namespace epcfleet::tsdb {
namespace {

bool as_integer(double v, std::int64_t& out) {
  if (!(std::fabs(v) < 4.0e18) || v != std::trunc(v) || std::signbit(v) != (v < 0))
    return false;  // also rejects NaN, ±Inf and -0.0
  out = static_cast<std::int64_t>(v);
  return true;
}

}  // namespace

void HeadChunk::append(std::int64_t t, double v) {
  std::int64_t delta = count_ == 0 ? 0 : t - last_t_;
  codec::put_varint(ts_, codec::zigzag(count_ == 0 ? t : delta - last_delta_));
  last_delta_ = delta;
  if (count_ == 0)
    first_t_ = t;
  last_t_ = t;

  std::int64_t i = 0;
  if (!xor_ && !as_integer(v, i))
    switch_to_xor();
  if (xor_) {
    codec::put_u64(values_,
                   std::bit_cast<std::uint64_t>(v) ^ std::bit_cast<std::uint64_t>(last_v_));
  } else {
    codec::put_varint(values_, codec::zigzag(i - last_int_));
    last_int_ = i;
  }
  last_v_ = v;
  ++count_;
}

void HeadChunk::switch_to_xor() {
  std::string_view in = values_;
  std::string xored;
  xored.reserve(count_ * 8 + 64);
  std::int64_t value = 0;
  std::uint64_t prev_bits = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    std::uint64_t raw = 0;
    codec::get_varint(in, raw);
    value += codec::unzigzag(raw);
    auto bits = std::bit_cast<std::uint64_t>(static_cast<double>(value));
    codec::put_u64(xored, bits ^ prev_bits);
    prev_bits = bits;
  }
  values_ = std::move(xored);
  xor_ = true;
}

void HeadChunk::decode(std::vector<Sample>& out) const {
  std::string_view ts = ts_;
  std::string_view values = values_;
  std::int64_t t = 0, delta = 0, value = 0;
  std::uint64_t bits = 0;
  out.reserve(out.size() + count_);
  for (std::size_t i = 0; i < count_; ++i) {
    std::uint64_t raw = 0;
    codec::get_varint(ts, raw);
    if (i == 0) {
      t = codec::unzigzag(raw);
    } else {
      delta += codec::unzigzag(raw);
      t += delta;
    }
    double v = 0;
    if (xor_) {
      std::uint64_t x = 0;
      codec::get_u64(values, x);
      bits ^= x;
      v = std::bit_cast<double>(bits);
    } else {
      codec::get_varint(values, raw);
      value += codec::unzigzag(raw);
      v = static_cast<double>(value);
    }
    out.push_back({t, v});
  }
}

}  // namespace epcfleet::tsdb
