#pragma once
// tsdb: the embedded time-series store. The vocabulary: a series is a tenant's metric on one
// device with a set of labels; a sample is a millisecond timestamp and a float64.

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace epcfleet::tsdb {

using SeriesId = std::uint32_t;

struct Label {
  std::string name;
  std::string value;
  auto operator<=>(const Label&) const = default;
};
// Sorted by name, names unique (normalize() makes it so).
using Labels = std::vector<Label>;

struct SeriesKey {
  std::string tenant;
  std::string metric;
  std::string device;
  Labels labels;
  bool operator==(const SeriesKey&) const = default;
};

struct Sample {
  std::int64_t t = 0;  // ms since the Unix epoch
  double v = 0.0;
};

// One sample for a series already known to the store (see Engine::series()).
struct Append {
  SeriesId series = 0;
  std::int64_t t = 0;
  double v = 0.0;
};

// Rollup tiers: raw samples, and 5-minute and 1-hour aggregates.
enum class Tier : std::uint8_t { kRaw = 0, k5m = 1, k1h = 2 };
inline constexpr std::int64_t kTierResolutionMs[] = {0, 300'000, 3'600'000};
const char* tier_name(Tier tier);

// An aggregate bucket of a rollup tier: enough for avg, min, max, sum, count, last and a
// counter's increase.
struct Bucket {
  std::int64_t t = 0;  // bucket start
  double min = 0, max = 0, sum = 0, count = 0, last = 0;
};

}  // namespace epcfleet::tsdb
