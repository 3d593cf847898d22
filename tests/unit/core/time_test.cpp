#include "epcfleet/core/time.hpp"

#include <gtest/gtest.h>

namespace epcfleet {
namespace {

TEST(Iso8601, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1795770843123), "2026-11-27T09:14:03.123Z");
}

TEST(Iso8601, ParsesWhatItFormatsAndPlainSeconds) {
  EXPECT_EQ(parse_iso8601("2026-11-27T09:14:03.123Z"), 1795770843123);
  EXPECT_EQ(parse_iso8601("2026-11-27T09:14:03Z"), 1795770843000);
  const auto now = now_ms();
  EXPECT_EQ(parse_iso8601(format_iso8601(now)), now);
}

TEST(Iso8601, RefusesMalformedOrNonUtcTimes) {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T09:14:03", "2026-11-27T09:14:03+01:00",
                          "2026-02-30T00:00:00Z", "2026-11-27T25:00:00Z", "2026-11-27T09:14:03.Z",
                          "x026-11-27T09:14:03Z"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace epcfleet
