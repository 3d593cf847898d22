#pragma once
// Queries over the engine: series selection with label matchers, range queries with a function
// per step bucket and optional aggregation across series, and latest values.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/tsdb/engine.hpp"

namespace re2 {
class RE2;
}

namespace epcfleet::tsdb {

struct Matcher {
  enum class Op { kEq, kNe, kRe, kNre };
  std::string name;
  Op op = Op::kEq;
  std::string value;
  std::shared_ptr<const re2::RE2> regex;  // kRe / kNre, anchored
};

// "ifName=eth0,ifType!=6,device=~epc-.*"; values may be double-quoted to hold commas.
Result<std::vector<Matcher>> parse_matchers(std::string_view text);
bool matches(const SeriesKey& key, const std::vector<Matcher>& matchers);

struct Selector {
  std::string tenant;
  std::string metric;  // empty: any
  std::string device;  // empty: any
  std::vector<Matcher> matchers;
};
std::vector<SeriesId> select_series(const Engine& engine, const Selector& selector);

enum class Fn { kAvg, kMin, kMax, kSum, kCount, kLast, kRate, kIncrease, kP50, kP95, kP99 };
enum class Agg { kNone, kSum, kAvg, kMin, kMax, kCount };
Result<Fn> parse_fn(std::string_view text);
Result<Agg> parse_agg(std::string_view text);

struct RangeRequest {
  Selector selector;
  std::int64_t start = 0;  // ms
  std::int64_t end = 0;    // ms, inclusive of the bucket that starts at or before it
  std::int64_t step = 60'000;
  Fn fn = Fn::kAvg;
  Agg agg = Agg::kNone;
  std::vector<std::string> by;
  std::size_t max_series = 10'000;
  std::size_t max_points = 11'000;
};

struct RangeSeries {
  std::string metric;
  std::string device;
  Labels labels;
  std::vector<std::optional<double>> values;
};

struct RangeResult {
  std::int64_t start = 0, end = 0, step = 0;
  Tier tier = Tier::kRaw;
  std::vector<std::int64_t> timestamps;
  std::vector<RangeSeries> series;
};

Result<RangeResult> query_range(const Engine& engine, const RangeRequest& request);

struct LatestPoint {
  SeriesKey key;
  Sample sample;
};
Result<std::vector<LatestPoint>> query_latest(const Engine& engine, const Selector& selector,
                                              std::int64_t at, std::int64_t lookback,
                                              std::size_t max_series = 100'000);

}  // namespace epcfleet::tsdb
