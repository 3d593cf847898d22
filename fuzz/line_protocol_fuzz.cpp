// InfluxDB line protocol from POST /api/v1/tenants/{t}/write: any bytes are parsed or refused
// with an error, never a crash, and what is parsed is well-formed.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "epcfleet/tsdb/line_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  auto precision = static_cast<epcfleet::tsdb::Precision>(data[0] % 4);
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)epcfleet::tsdb::parse_line_protocol(
      body, precision, 1'700'000'000'000, [](const epcfleet::tsdb::LinePoint& p) {
        if (p.measurement.empty() || (p.fields.empty() && p.skipped_fields == 0))
          __builtin_trap();
        for (const auto& f : p.fields)
          if (!std::isfinite(f.second))
            __builtin_trap();
        return epcfleet::ok();
      });
  return 0;
}
