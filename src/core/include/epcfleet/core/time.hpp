#pragma once
// Wall-clock time as milliseconds since the Unix epoch (what the store keeps), and its ISO-8601
// form (what the API shows).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epcfleet {

using TimestampMs = std::int64_t;

TimestampMs now_ms();
// 2026-11-27T09:14:03.123Z
std::string format_iso8601(TimestampMs ms);
// Accepts 2026-11-27T09:14:03Z, with optional .fff fraction; UTC ("Z") only.
std::optional<TimestampMs> parse_iso8601(std::string_view text);
// A positive duration in milliseconds: plain seconds ("90", "1.5") or a number with a unit
// (ms, s, m, h, d, w): "30s", "5m", "1h", "15d".
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace epcfleet
