#pragma once
// InfluxDB line protocol
// (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/) parsed into
// points, so that existing collectors (Telegraf, scripts) can feed the store. Hand written: Debian
// has no C++ library for it, and the format is small. Fuzzed (fuzz/).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::tsdb {

enum class Precision { kNs, kUs, kMs, kS };
bool parse_precision(std::string_view text, Precision& out);

struct LinePoint {
  std::string measurement;
  std::string_view series_text;  // measurement and tags as written: a cache key for the series
  std::vector<std::pair<std::string, std::string>> tags;  // unescaped, as given
  std::vector<std::pair<std::string, double>> fields;     // numeric and boolean fields
  std::size_t skipped_fields = 0;                         // string fields
  std::int64_t t_ms = 0;
  std::size_t line = 0;  // 1-based
};

struct LineStats {
  std::size_t lines = 0;
  std::size_t fields = 0;
  std::size_t skipped_fields = 0;
};

// Calls `on_point` per line (the point is reused between calls). The first malformed line stops
// the parse with kInvalidArgument naming the line. Lines without a timestamp get `now_ms`.
Result<LineStats> parse_line_protocol(std::string_view body, Precision precision,
                                      std::int64_t now_ms,
                                      const std::function<Status(const LinePoint&)>& on_point);

}  // namespace epcfleet::tsdb
