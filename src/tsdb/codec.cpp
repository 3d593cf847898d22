#include "epcfleet/tsdb/codec.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace epcfleet::tsdb::codec {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (unsigned shift = 0, i = 0; i < in.size() && shift < 64; ++i, shift += 7) {
    auto byte = static_cast<std::uint8_t>(in[i]);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      in.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

void put_u64(std::string& out, std::uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>(v >> (8 * i));
  out.append(bytes, 8);
}

bool get_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8)
    return false;
  v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[static_cast<std::size_t>(i)]))
         << (8 * i);
  in.remove_prefix(8);
  return true;
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

bool get_string(std::string_view& in, std::string& s) {
  std::uint64_t n = 0;
  if (!get_varint(in, n) || n > in.size())
    return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

void encode_timestamps(std::span<const std::int64_t> ts, std::string& out) {
  std::int64_t prev = 0;
  std::int64_t prev_delta = 0;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    // Wrapping arithmetic: any int64 sequence round-trips, even adversarial ones.
    auto delta = static_cast<std::int64_t>(static_cast<std::uint64_t>(ts[i]) -
                                           static_cast<std::uint64_t>(prev));
    auto dod = static_cast<std::int64_t>(static_cast<std::uint64_t>(delta) -
                                         static_cast<std::uint64_t>(prev_delta));
    put_varint(out, zigzag(i == 0 ? ts[0] : dod));
    prev_delta = i == 0 ? 0 : delta;
    prev = ts[i];
  }
}

bool decode_timestamps(std::string_view& in, std::size_t count, std::vector<std::int64_t>& out) {
  std::uint64_t prev = 0;
  std::uint64_t prev_delta = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t raw = 0;
    if (!get_varint(in, raw))
      return false;
    auto value = static_cast<std::uint64_t>(unzigzag(raw));
    if (i == 0) {
      prev = value;
    } else {
      prev_delta += value;
      prev += prev_delta;
    }
    out.push_back(static_cast<std::int64_t>(prev));
  }
  return true;
}

namespace {

constexpr double kPow10[] = {1, 10, 100, 1000, 10000};
constexpr int kMaxScale = 4;
constexpr double kIntLimit = 4.0e18;  // well inside int64, so that deltas cannot overflow

enum Mode : std::uint8_t { kXor = 0, kDelta1 = 1, kDelta2 = 2 };

// The smallest k such that every value is an integer divided by 10^k and comes back bit for bit.
int decimal_scale(std::span<const double> values, std::vector<std::int64_t>& ints) {
  for (int k = 0; k <= kMaxScale; ++k) {
    ints.clear();
    bool fits = true;
    for (double v : values) {
      double scaled = v * kPow10[k];
      if (!(std::fabs(scaled) < kIntLimit)) {
        fits = false;
        break;
      }
      auto i = std::llround(scaled);
      double back = static_cast<double>(i) / kPow10[k];
      if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(v)) {
        fits = false;
        break;
      }
      ints.push_back(i);
    }
    if (fits)
      return k;
  }
  return -1;
}

std::size_t varint_size(std::uint64_t v) {
  return static_cast<std::size_t>((std::bit_width(v | 1) + 6) / 7);
}

}  // namespace

void encode_values(std::span<const double> values, std::string& out) {
  if (values.empty())
    return;
  std::vector<std::int64_t> ints;
  ints.reserve(values.size());
  int k = decimal_scale(values, ints);
  if (k < 0) {
    out.push_back(static_cast<char>(kXor));
    std::uint64_t prev = 0;
    for (double v : values) {
      auto bits = std::bit_cast<std::uint64_t>(v);
      put_u64(out, bits ^ prev);
      prev = bits;
    }
    return;
  }
  // Choose first- or second-order deltas by the bytes they take.
  std::size_t size1 = 0, size2 = 0;
  for (std::size_t i = 0; i < ints.size(); ++i) {
    std::int64_t d1 = i == 0 ? ints[0] : ints[i] - ints[i - 1];
    std::int64_t d2 = i < 2 ? d1 : d1 - (ints[i - 1] - ints[i - 2]);
    size1 += varint_size(zigzag(d1));
    size2 += varint_size(zigzag(d2));
  }
  Mode mode = size2 < size1 ? kDelta2 : kDelta1;
  out.push_back(static_cast<char>(mode | (k << 4)));
  for (std::size_t i = 0; i < ints.size(); ++i) {
    std::int64_t d1 = i == 0 ? ints[0] : ints[i] - ints[i - 1];
    std::int64_t d2 = i < 2 ? d1 : d1 - (ints[i - 1] - ints[i - 2]);
    put_varint(out, zigzag(mode == kDelta2 ? d2 : d1));
  }
}

bool decode_values(std::string_view& in, std::size_t count, std::vector<double>& out) {
  if (count == 0)
    return true;
  if (in.empty())
    return false;
  auto header = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  auto mode = static_cast<Mode>(header & 0x0f);
  int k = header >> 4;
  if (mode == kXor) {
    if (k != 0)
      return false;
    std::uint64_t prev = 0;
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t x = 0;
      if (!get_u64(in, x))
        return false;
      prev ^= x;
      out.push_back(std::bit_cast<double>(prev));
    }
    return true;
  }
  if ((mode != kDelta1 && mode != kDelta2) || k > kMaxScale)
    return false;
  // Unsigned arithmetic: malformed input may wrap but never invokes undefined behaviour.
  std::uint64_t prev = 0, prev_delta = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t raw = 0;
    if (!get_varint(in, raw))
      return false;
    auto d = static_cast<std::uint64_t>(unzigzag(raw));
    std::uint64_t delta = (mode == kDelta2 && i >= 2) ? prev_delta + d : d;
    std::uint64_t value = i == 0 ? d : prev + delta;
    prev_delta = i == 0 ? 0 : value - prev;
    prev = value;
    out.push_back(static_cast<double>(static_cast<std::int64_t>(value)) / kPow10[k]);
  }
  return true;
}

}  // namespace epcfleet::tsdb::codec
