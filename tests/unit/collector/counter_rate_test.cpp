#include "epcfleet/collector/counter_rate.hpp"

#include <gtest/gtest.h>

namespace epcfleet::collector {
namespace {

std::optional<double> feed(CounterState& s, std::uint64_t v, std::int64_t t_s, bool c32 = true,
                           bool restarted = false) {
  return counter_rate(s, {v, c32, t_s * 1000, restarted});
}

TEST(CounterRate, FirstReadingGivesNoRateThenDeltaOverTime) {
  CounterState s;
  EXPECT_FALSE(feed(s, 1000, 0));
  EXPECT_DOUBLE_EQ(*feed(s, 7000, 60), 100.0);
  EXPECT_DOUBLE_EQ(*feed(s, 7000, 120), 0.0);
}

TEST(CounterRate, Counter32WrapIsUnwrappedNotASpike) {
  CounterState s;
  feed(s, 0xFFFF'FF00ULL, 0);
  // 0x100 to the wrap, then 0x200 more: 0x300 in 10 s.
  EXPECT_DOUBLE_EQ(*feed(s, 0x200, 10), 0x300 / 10.0);
}

TEST(CounterRate, Counter32ThatFallsFarIsAResetNotAWrap) {
  CounterState s;
  feed(s, 1'000'000'000ULL, 0);
  EXPECT_FALSE(feed(s, 5, 10));  // "wrapped" it would be 3.3e9 in 10 s: a reset
  EXPECT_DOUBLE_EQ(*feed(s, 105, 20), 10.0);
}

TEST(CounterRate, Counter64GoingBackIsAReset) {
  CounterState s;
  feed(s, 1ULL << 40, 0, false);
  EXPECT_FALSE(feed(s, 100, 10, false));
  EXPECT_DOUBLE_EQ(*feed(s, 200, 20, false), 10.0);
}

TEST(CounterRate, SwitchingBetween32And64BitColumnsStartsAnew) {
  CounterState s;
  feed(s, 1000, 0, /*c32=*/true);                        // the fallback ifInOctets
  EXPECT_FALSE(feed(s, 1ULL << 35, 10, /*c32=*/false));  // ifHCInOctets again: no spike
  EXPECT_DOUBLE_EQ(*feed(s, (1ULL << 35) + 100, 20, false), 10.0);
}

TEST(CounterRate, AgentRestartStartsAnewEvenWhenTheValueGrew) {
  CounterState s;
  feed(s, 100, 0);
  EXPECT_FALSE(feed(s, 5000, 10, true, /*restarted=*/true));
  EXPECT_DOUBLE_EQ(*feed(s, 6000, 20), 100.0);
}

TEST(CounterRate, NoTimePassedGivesNoRate) {
  CounterState s;
  feed(s, 100, 10);
  EXPECT_FALSE(feed(s, 200, 10));
}

TEST(UptimeWentBack, RestartButNotTheTimeTicksWrap) {
  EXPECT_FALSE(uptime_went_back(1000, 2000));
  EXPECT_TRUE(uptime_went_back(500'000, 300));
  EXPECT_FALSE(uptime_went_back(0xFFFF'FF00ULL, 50));  // TimeTicks wrapped after 497 days
}

}  // namespace
}  // namespace epcfleet::collector
