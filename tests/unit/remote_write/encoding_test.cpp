// The remote-write body: what receivers parse (checked with the protoc-generated parser and against
// bytes written out by hand from the specification), label and sample normalisation, splitting.
#include "epcfleet/remote_write/encoding.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "wire_decode.hpp"

namespace epcfleet::remote_write {
namespace {

using test::decode;
using test::uncompress;

std::vector<Series> decode_all(const std::vector<EncodedRequest>& requests) {
  std::vector<Series> out;
  for (const auto& r : requests) {
    auto series = decode(r.body);
    EXPECT_TRUE(series.has_value());
    if (series)
      out.insert(out.end(), series->begin(), series->end());
  }
  return out;
}

bool same_value(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

TEST(RemoteWriteEncoding, RoundTripThroughTheGeneratedParser) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Series> in{
      {{{"__name__", "ifHCInOctets"}, {"device", "epc-1"}, {"ifName", "eth0"}},
       {{1700000000000, 1.5}, {1700000060000, -0.0}, {1700000120000, 1e308}}},
      {{{"__name__", "odd"}},
       {{-5, std::nan("")}, {0, inf}, {std::numeric_limits<std::int64_t>::max(), -inf}}},
  };
  const std::vector<Label> extra{{"cluster", "c1"}};
  const auto result = encode(in, extra, 5000);
  ASSERT_EQ(result.requests.size(), 1u);
  EXPECT_EQ(result.requests[0].samples, 6u);
  EXPECT_EQ(result.invalid_samples, 0u);
  const auto out = decode_all(result.requests);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].labels, (std::vector<Label>{{"__name__", "ifHCInOctets"},
                                               {"cluster", "c1"},
                                               {"device", "epc-1"},
                                               {"ifName", "eth0"}}));
  EXPECT_EQ(out[1].labels, (std::vector<Label>{{"__name__", "odd"}, {"cluster", "c1"}}));
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(out[i].samples.size(), in[i].samples.size());
    for (std::size_t k = 0; k < in[i].samples.size(); ++k) {
      EXPECT_EQ(out[i].samples[k].first, in[i].samples[k].first);
      EXPECT_TRUE(same_value(out[i].samples[k].second, in[i].samples[k].second))
          << out[i].samples[k].second;
    }
  }
  EXPECT_TRUE(std::signbit(out[0].samples[1].second));  // -0.0 stays -0.0
}

TEST(RemoteWriteEncoding, WireBytesMatchTheSpecification) {
  // WriteRequest{timeseries: [TimeSeries{labels: [__name__="up", job="x"],
  //                                      samples: [{value: 1.0, timestamp: 1000}]}]}
  const std::string expected = std::string("\x0a\x28", 2) +  // timeseries, 40 bytes
                               std::string("\x0a\x0e", 2) +  // label, 14 bytes
                               std::string("\x0a\x08__name__\x12\x02up", 14) +
                               std::string("\x0a\x08", 2) +  // label, 8 bytes
                               std::string("\x0a\x03job\x12\x01x", 8) +
                               std::string("\x12\x0c", 2) +  // sample, 12 bytes
                               std::string("\x09\x00\x00\x00\x00\x00\x00\xf0\x3f", 9) +  // 1.0
                               std::string("\x10\xe8\x07", 3);                           // 1000
  const std::vector<Series> in{{{{"job", "x"}, {"__name__", "up"}}, {{1000, 1.0}}}};
  const auto result = encode(in, {}, 10);
  ASSERT_EQ(result.requests.size(), 1u);
  EXPECT_EQ(uncompress(result.requests[0].body), expected);
}

TEST(RemoteWriteEncoding, SplitsIntoRequestsOfAtMostMaxSamples) {
  Series big{{{"__name__", "g"}}, {}};
  for (std::int64_t i = 0; i < 12345; ++i)
    big.samples.emplace_back(i * 1000, static_cast<double>(i));
  const Series small{{{"__name__", "h"}}, {{1, 1.0}, {2, 2.0}}};
  const std::vector<Series> in{big, small};
  const auto result = encode(in, {}, 5000);
  ASSERT_EQ(result.requests.size(), 3u);
  EXPECT_EQ(result.requests[0].samples, 5000u);
  EXPECT_EQ(result.requests[1].samples, 5000u);
  EXPECT_EQ(result.requests[2].samples, 2347u);  // the rest of `big` and all of `small`
  const auto out = decode_all(result.requests);
  ASSERT_EQ(out.size(), 4u);
  std::vector<std::pair<std::int64_t, double>> joined;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].labels, big.labels);
    joined.insert(joined.end(), out[i].samples.begin(), out[i].samples.end());
  }
  EXPECT_EQ(joined, big.samples);
  EXPECT_EQ(out[3].samples, small.samples);
}

TEST(RemoteWriteEncoding, LabelsAreSortedUniqueAndNonEmptyAndTheSeriesOwnWins) {
  const std::vector<Series> in{
      {{{"zone", "a"}, {"__name__", "m"}, {"cluster", "mine"}, {"empty", ""}, {"zone", "b"}},
       {{1, 1.0}}}};
  const std::vector<Label> extra{{"cluster", "global"}, {"tenant", "t1"}, {"blank", ""}};
  const auto out = decode_all(encode(in, extra, 100).requests);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels,
            (std::vector<Label>{
                {"__name__", "m"}, {"cluster", "mine"}, {"tenant", "t1"}, {"zone", "a"}}));
}

TEST(RemoteWriteEncoding, SamplesAreSortedByTimestamp) {
  const std::vector<Series> in{{{{"__name__", "m"}}, {{30, 3.0}, {10, 1.0}, {20, 2.0}, {10, 1.5}}}};
  const auto out = decode_all(encode(in, {}, 100).requests);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].samples, (std::vector<std::pair<std::int64_t, double>>{
                                {10, 1.0}, {10, 1.5}, {20, 2.0}, {30, 3.0}}));
}

TEST(RemoteWriteEncoding, SeriesWithoutMetricNameAreCountedNotSent) {
  const std::vector<Series> in{{{{"device", "x"}}, {{1, 1.0}, {2, 2.0}}},
                               {{{"__name__", ""}}, {{1, 1.0}}},
                               {{{"__name__", "ok"}}, {{1, 1.0}}},
                               {{{"__name__", "no_samples"}}, {}}};
  const auto result = encode(in, {}, 100);
  EXPECT_EQ(result.invalid_samples, 3u);
  const auto out = decode_all(result.requests);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels, (std::vector<Label>{{"__name__", "ok"}}));
  EXPECT_TRUE(encode({}, {}, 100).requests.empty());
}

TEST(RemoteWriteEncoding, InvalidUtf8IsReplacedAndValidUtf8Kept) {
  EXPECT_EQ(sanitize_utf8("plain"), "plain");
  EXPECT_EQ(sanitize_utf8("\xc3\x9c"
                          "berlink \xe2\x82\xac \xf0\x9f\x93\xa1"),
            "\xc3\x9c"
            "berlink \xe2\x82\xac \xf0\x9f\x93\xa1");
  EXPECT_EQ(sanitize_utf8("Latin-1 \xdc"), "Latin-1 \xef\xbf\xbd");
  EXPECT_EQ(sanitize_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
  EXPECT_EQ(sanitize_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(sanitize_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");                  // truncated
  const std::vector<Series> in{{{{"__name__", "m"}, {"ifAlias", "uplink \xff"}}, {{1, 1.0}}}};
  const auto out = decode_all(encode(in, {}, 100).requests);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels[1].value, "uplink \xef\xbf\xbd");
}

TEST(RemoteWriteEncoding, MergedBodiesHoldEverySeriesInOrder) {
  const std::vector<Series> a{{{{"__name__", "a"}}, {{1, 1.0}}}};
  const std::vector<Series> b{{{{"__name__", "b"}}, {{2, 2.0}}}, {{{"__name__", "a"}}, {{3, 3.0}}}};
  const auto ea = encode(a, {}, 100).requests.at(0).body;
  const auto eb = encode(b, {}, 100).requests.at(0).body;
  const std::vector<std::string_view> parts{ea, eb};
  const auto merged = merge(parts);
  ASSERT_TRUE(merged.has_value());
  const auto out = decode(*merged);
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].labels[0].value, "a");
  EXPECT_EQ((*out)[1].labels[0].value, "b");
  EXPECT_EQ((*out)[2].samples, (std::vector<std::pair<std::int64_t, double>>{{3, 3.0}}));
  const std::vector<std::string_view> bad{ea, "not snappy"};
  EXPECT_FALSE(merge(bad).has_value());
}

}  // namespace
}  // namespace epcfleet::remote_write
