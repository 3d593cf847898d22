#include "epcfleet/tsdb/codec.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "epcfleet/tsdb/head_chunk.hpp"

namespace epcfleet::tsdb {
namespace {

std::vector<std::int64_t> roundtrip_ts(const std::vector<std::int64_t>& ts) {
  std::string bytes;
  codec::encode_timestamps(ts, bytes);
  std::string_view in = bytes;
  std::vector<std::int64_t> out;
  EXPECT_TRUE(codec::decode_timestamps(in, ts.size(), out));
  EXPECT_TRUE(in.empty());
  return out;
}

void expect_values_roundtrip(const std::vector<double>& values, std::size_t* size = nullptr) {
  std::string bytes;
  codec::encode_values(values, bytes);
  if (size != nullptr)
    *size = bytes.size();
  std::string_view in = bytes;
  std::vector<double> out;
  ASSERT_TRUE(codec::decode_values(in, values.size(), out));
  EXPECT_TRUE(in.empty());
  ASSERT_EQ(out.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(out[i]), std::bit_cast<std::uint64_t>(values[i]))
        << "value " << i << " = " << values[i];
}

TEST(Codec, TimestampsRoundTripRegularJitteredAndAdversarial) {
  std::vector<std::int64_t> regular, jitter, adversarial;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) {
    regular.push_back(1'700'000'000'000 + i * 60'000);
    jitter.push_back(1'700'000'000'000 + i * 60'000 + static_cast<std::int64_t>(rng() % 20));
  }
  adversarial = {std::numeric_limits<std::int64_t>::max(),
                 std::numeric_limits<std::int64_t>::min(),
                 0,
                 -1,
                 5,
                 5,
                 4,
                 std::numeric_limits<std::int64_t>::max()};
  EXPECT_EQ(roundtrip_ts(regular), regular);
  EXPECT_EQ(roundtrip_ts(jitter), jitter);
  EXPECT_EQ(roundtrip_ts(adversarial), adversarial);
  std::string bytes;
  codec::encode_timestamps(regular, bytes);
  EXPECT_LT(bytes.size(), regular.size() + 16) << "a regular interval costs a byte a sample";
}

TEST(Codec, ValuesRoundTripBitForBit) {
  std::mt19937_64 rng(2);
  std::vector<double> counters, decimals, random, special;
  double c = 0;
  for (int i = 0; i < 500; ++i) {
    c += static_cast<double>(rng() % 1'000'000);
    if (i == 250)
      c = 17;  // counter reset
    counters.push_back(c);
    decimals.push_back(static_cast<double>(rng() % 10000) / 100.0);
    random.push_back(std::bit_cast<double>(rng()));
  }
  special = {std::nan(""), INFINITY, -INFINITY, -0.0,
             0.0,          1e300,    -1e-300,   std::numeric_limits<double>::denorm_min(),
             4.0e18,       9.3e18,   -9.3e18};
  expect_values_roundtrip(counters);
  expect_values_roundtrip(decimals);
  expect_values_roundtrip(random);
  expect_values_roundtrip(special);
  expect_values_roundtrip({});
}

TEST(Codec, IntegerGaugesAreSmall) {
  std::vector<double> gauge;
  std::mt19937_64 rng(3);
  double g = 1500;
  for (int i = 0; i < 1000; ++i) {
    g += static_cast<double>(static_cast<int>(rng() % 21) - 10);
    gauge.push_back(g);
  }
  std::size_t size = 0;
  expect_values_roundtrip(gauge, &size);
  EXPECT_LT(size, 1100u) << "a gauge moving by ±10 costs about a byte a sample";
}

TEST(Codec, MalformedInputIsRefusedNotOverread) {
  std::string bytes;
  codec::encode_values(std::vector<double>{1, 2, 3}, bytes);
  std::string_view in(bytes.data(), bytes.size() - 1);
  std::vector<double> out;
  EXPECT_FALSE(codec::decode_values(in, 3, out));
  std::string bad = "\x7f";
  in = bad;
  EXPECT_FALSE(codec::decode_values(in, 1, out));
  std::string varint(11, '\xff');
  in = varint;
  std::vector<std::int64_t> ts;
  EXPECT_FALSE(codec::decode_timestamps(in, 1, ts));
}

TEST(HeadChunk, RoundTripsAndSwitchesToFloatsWhenNeeded) {
  HeadChunk chunk;
  std::vector<Sample> expected;
  for (int i = 0; i < 100; ++i) {
    double v = i < 50 ? i * 1000.0 : i * 0.1;
    if (i == 70)
      v = std::nan("");
    chunk.append(1'700'000'000'000 + i * 60'000 + (i % 3), v);
    expected.push_back({1'700'000'000'000 + i * 60'000 + (i % 3), v});
  }
  std::vector<Sample> out;
  chunk.decode(out);
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].t, expected[i].t);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(out[i].v), std::bit_cast<std::uint64_t>(expected[i].v));
  }
  EXPECT_EQ(chunk.count(), 100u);
  EXPECT_EQ(chunk.first_t(), expected.front().t);
  EXPECT_EQ(chunk.last_t(), expected.back().t);
}

}  // namespace
}  // namespace epcfleet::tsdb
