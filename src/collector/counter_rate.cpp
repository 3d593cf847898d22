#include "epcfleet/collector/counter_rate.hpp"

namespace epcfleet::collector {

std::optional<double> counter_rate(CounterState& state, const CounterReading& r) {
  const CounterState previous = state;
  state = CounterState{true, r.counter32, r.value, r.t_ms};
  if (!previous.valid || r.agent_restarted || r.t_ms <= previous.t_ms ||
      previous.counter32 != r.counter32)
    return std::nullopt;
  std::uint64_t delta = 0;
  if (r.value >= previous.value) {
    delta = r.value - previous.value;
  } else if (r.counter32 && previous.value <= 0xFFFF'FFFFULL) {
    delta = (0x1'0000'0000ULL - previous.value) + r.value;
    if (delta > 0x8000'0000ULL)
      return std::nullopt;  // went back by much: a reset, not a wrap
  } else {
    return std::nullopt;  // a Counter64 never wraps in practice: reset
  }
  return static_cast<double>(delta) * 1000.0 / static_cast<double>(r.t_ms - previous.t_ms);
}

bool uptime_went_back(std::uint64_t previous_ticks, std::uint64_t ticks) {
  if (ticks >= previous_ticks)
    return false;
  // TimeTicks wrap: the previous value within a day of 2^32 and the new one within a day of 0.
  constexpr std::uint64_t kDayTicks = 8'640'000;
  return !(previous_ticks > 0xFFFF'FFFFULL - kDayTicks && ticks < kDayTicks);
}

}  // namespace epcfleet::collector
