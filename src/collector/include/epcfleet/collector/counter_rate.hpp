#pragma once
// Counters become rates per second between two polls, without spikes:
// - a Counter32 that went back wrapped once (2^32 is added) — unless the unwrapped increase is
//   more than half the counter's range, which is a reset (an interface re-created), not traffic;
// - a Counter64 that went back was reset;
// - sysUpTime that went back means the agent restarted: every counter starts anew;
// after a reset or restart the next poll gives the first rate again.

#include <cstdint>
#include <optional>

namespace epcfleet::collector {

struct CounterState {
  bool valid = false;
  bool counter32 = false;  // a switch between 32- and 64-bit columns (fallback) is a reset
  std::uint64_t value = 0;
  std::int64_t t_ms = 0;
};

struct CounterReading {
  std::uint64_t value = 0;
  bool counter32 = false;
  std::int64_t t_ms = 0;
  bool agent_restarted = false;  // sysUpTime went back since the previous poll
};

// The rate per second since the previous reading (nullopt for the first one, after a reset or
// restart, or when no time passed); the state is updated in every case.
std::optional<double> counter_rate(CounterState& state, const CounterReading& reading);

// True when sysUpTime (in ticks) went back: the agent restarted. TimeTicks wrap after 497 days; a
// value just past zero after one close to 2^32 is that wrap, not a restart.
bool uptime_went_back(std::uint64_t previous_ticks, std::uint64_t ticks);

// Up/down with hysteresis: one lost poll does not flap a device.
struct Hysteresis {
  int down_after = 3;  // failed polls in a row that make an up (or unknown) device down
  int up_after = 2;    // successful polls in a row that make a down device up (unknown: 1)
};

}  // namespace epcfleet::collector
