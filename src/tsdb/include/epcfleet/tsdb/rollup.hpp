#pragma once
// Rollups: samples folded into buckets aligned to multiples of the resolution since the epoch.
// NaN samples are left out (a bucket of only NaNs does not exist).

#include <cstdint>
#include <span>
#include <vector>

#include "epcfleet/tsdb/types.hpp"

namespace epcfleet::tsdb {

inline std::int64_t align_down(std::int64_t t, std::int64_t step) {
  std::int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}

void rollup_samples(std::span<const Sample> samples, std::int64_t resolution,
                    std::vector<Bucket>& out);

}  // namespace epcfleet::tsdb
