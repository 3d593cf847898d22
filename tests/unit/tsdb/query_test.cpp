#include "epcfleet/tsdb/query.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"
#include "epcfleet/tsdb/line_protocol.hpp"

namespace epcfleet::tsdb {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000'000 - 1'800'000'000'000 % kDayMs;

class QueryTest : public ::testing::Test {
protected:
  void SetUp() override {
    EngineOptions o;
    o.dir = dir_.path();
    o.background = false;
    o.clock = [this] { return now_; };
    engine_ = std::move(*Engine::open(o));
  }
  SeriesId series(std::string metric, std::string device, Labels labels = {}) {
    return *engine_->series({"acme", std::move(metric), std::move(device), std::move(labels)});
  }
  void put(SeriesId id, std::int64_t t, double v) {
    now_ = std::max(now_, t);
    Append a[] = {{id, t, v}};
    ASSERT_TRUE(engine_->append(a));
  }
  RangeRequest request(std::string metric, Fn fn, std::int64_t step) {
    RangeRequest r;
    r.selector = {"acme", std::move(metric), "", {}};
    r.start = kT0;
    r.end = kT0 + kHourMs - 1;
    r.step = step;
    r.fn = fn;
    return r;
  }

  epcfleet::testing::TempDir dir_;
  std::int64_t now_ = kT0;
  std::unique_ptr<Engine> engine_;
};

TEST_F(QueryTest, RateHasNoSpikeAcrossACounterResetOrWrap) {
  auto id = series("ifHCInOctets", "epc-1");
  double c = 0;
  for (int m = 0; m < 60; ++m) {
    c = m == 30 ? 6000 : c + 6000;  // agent restart at minute 30: counter starts over
    put(id, kT0 + m * 60'000, c);
  }
  for (std::int64_t step : {60'000L, 300'000L}) {
    auto r = query_range(*engine_, request("ifHCInOctets", Fn::kRate, step));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->series.size(), 1u);
    for (const auto& v : r->series[0].values) {
      if (v) {
        EXPECT_NEAR(*v, 100.0, 1e-9) << "step " << step;
      }
    }
  }
  auto inc = query_range(*engine_, request("ifHCInOctets", Fn::kIncrease, 300'000));
  ASSERT_TRUE(inc);
  EXPECT_EQ(*inc->series[0].values[6], 30000.0);
}

TEST_F(QueryTest, QuantilesMinMaxAvgCountAndLastPerBucket) {
  auto id = series("latency", "epc-1");
  for (int s = 0; s < 100; ++s)
    put(id, kT0 + s * 1000, s + 1);  // 1..100 within the first 100 seconds
  for (auto [fn, expected] : std::initializer_list<std::pair<Fn, double>>{{Fn::kP50, 50.5},
                                                                          {Fn::kP99, 99.01},
                                                                          {Fn::kMin, 1},
                                                                          {Fn::kMax, 100},
                                                                          {Fn::kAvg, 50.5},
                                                                          {Fn::kCount, 100},
                                                                          {Fn::kLast, 100},
                                                                          {Fn::kSum, 5050}}) {
    auto r = query_range(*engine_, request("latency", fn, 600'000));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->series[0].values[0]);
    EXPECT_NEAR(*r->series[0].values[0], expected, 1e-9);
    EXPECT_FALSE(r->series[0].values[1]) << "an empty bucket is null";
  }
}

TEST_F(QueryTest, AggregatesAcrossDevicesGroupedByALabel) {
  for (int d = 0; d < 4; ++d) {
    auto id = series("ues", "epc-" + std::to_string(d), {{"site", d < 3 ? "north" : "south"}});
    put(id, kT0 + 1000 + d, 10.0 * (d + 1));
  }
  auto r = request("ues", Fn::kLast, 60'000);
  r.agg = Agg::kSum;
  r.by = {"site"};
  auto res = query_range(*engine_, r);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->series.size(), 2u);
  EXPECT_EQ(res->series[0].labels, (Labels{{"site", "north"}}));
  EXPECT_EQ(*res->series[0].values[0], 60.0);
  EXPECT_EQ(*res->series[1].values[0], 40.0);
  r.by = {};
  r.agg = Agg::kMax;
  res = query_range(*engine_, r);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->series.size(), 1u);
  EXPECT_EQ(*res->series[0].values[0], 40.0);
}

TEST_F(QueryTest, MatchersSelectByLabelAndDevice) {
  series("ifHCInOctets", "epc-1", {{"ifName", "eth0"}});
  series("ifHCInOctets", "epc-1", {{"ifName", "eth1"}});
  series("ifHCInOctets", "epc-2", {{"ifName", "eth0"}});
  auto m = parse_matchers("ifName=~eth[0-9],device!=epc-2");
  ASSERT_TRUE(m);
  EXPECT_EQ(select_series(*engine_, {"acme", "ifHCInOctets", "", *m}).size(), 2u);
  m = parse_matchers("ifName=\"eth0\"");
  ASSERT_TRUE(m);
  EXPECT_EQ(select_series(*engine_, {"acme", "ifHCInOctets", "", *m}).size(), 2u);
  EXPECT_TRUE(select_series(*engine_, {"other", "ifHCInOctets", "", {}}).empty());
  EXPECT_FALSE(parse_matchers("ifName=~(("));
  EXPECT_FALSE(parse_matchers("1bad=x"));
  EXPECT_FALSE(parse_matchers("noop"));
}

TEST(LineProtocol, ParsesTypesEscapesAndPrecisions) {
  std::vector<LinePoint> points;
  auto body =
      "# comment\n"
      "if,device=epc\\ 1,ifName=eth0 in=12i,out=7u,up=t,note=\"a \\\"q\\\"\" 1700000000123456789\n"
      "\n"
      "cpu value=0.5\r\n";
  auto r = parse_line_protocol(body, Precision::kNs, 42, [&](const LinePoint& p) {
    points.push_back(p);
    return ok();
  });
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].tags[0].second, "epc 1");
  EXPECT_EQ(points[0].fields.size(), 3u);
  EXPECT_EQ(points[0].skipped_fields, 1u);
  EXPECT_EQ(points[0].t_ms, 1700000000123);
  EXPECT_EQ(points[0].line, 2u);
  EXPECT_EQ(points[1].t_ms, 42) << "no timestamp: the time of arrival";
  EXPECT_EQ(r->fields, 4u);
  points.clear();
  ASSERT_TRUE(parse_line_protocol("m v=1 -1", Precision::kS, 0, [&](const LinePoint& p) {
    points.push_back(p);
    return ok();
  }));
  EXPECT_EQ(points[0].t_ms, -1000);
  for (const char* bad :
       {"m", "m v=", "m v=abc", "m,t v=1", "m v=1 12x", "m v=\"open", "m v=1e999", ",t=1 v=1"}) {
    auto e = parse_line_protocol(bad, Precision::kNs, 0, [](const LinePoint&) { return ok(); });
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_EQ(e.error().message.rfind("line 1:", 0), 0u) << e.error().message;
    }
  }
}

}  // namespace
}  // namespace epcfleet::tsdb
