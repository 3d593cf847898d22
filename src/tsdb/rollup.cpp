#include "epcfleet/tsdb/rollup.hpp"

#include <algorithm>
#include <cmath>

namespace epcfleet::tsdb {

void rollup_samples(std::span<const Sample> samples, std::int64_t resolution,
                    std::vector<Bucket>& out) {
  Bucket* current = nullptr;
  for (const auto& s : samples) {
    if (std::isnan(s.v))
      continue;
    std::int64_t start = align_down(s.t, resolution);
    if (current == nullptr || current->t != start) {
      out.push_back({start, s.v, s.v, 0, 0, s.v});
      current = &out.back();
    }
    current->min = std::min(current->min, s.v);
    current->max = std::max(current->max, s.v);
    current->sum += s.v;
    current->count += 1;
    current->last = s.v;
  }
}

const char* tier_name(Tier tier) {
  switch (tier) {
    case Tier::kRaw: return "raw";
    case Tier::k5m: return "5m";
    case Tier::k1h: return "1h";
  }
  return "raw";
}

}  // namespace epcfleet::tsdb
