#pragma once
// logging: structured log lines over spdlog. A line is an event name plus key=value fields; on a
// terminal it reads `2026-11-27T09:14:03.123Z info http.request rid=… status=200`, with --log-json
// it is one JSON object per line. Never pass a secret as a field: nothing here can tell.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace epcfleet::log {

enum class Level { kDebug, kInfo, kWarn, kError };

struct Options {
  bool json = false;
  Level level = Level::kInfo;
  std::string file;  // empty: stderr
};

void init(const Options& options);
bool parse_level(std::string_view text, Level& out);

class Field {
public:
  Field(std::string_view key, std::string_view value) : key_(key), value_(value), quoted_(true) {}
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, std::int64_t value)
      : key_(key), value_(std::to_string(value)), quoted_(false) {}
  Field(std::string_view key, int value) : Field(key, static_cast<std::int64_t>(value)) {}
  Field(std::string_view key, unsigned value) : Field(key, static_cast<std::int64_t>(value)) {}
  Field(std::string_view key, std::uint64_t value)
      : key_(key), value_(std::to_string(value)), quoted_(false) {}
  Field(std::string_view key, double value);
  Field(std::string_view key, bool value)
      : key_(key), value_(value ? "true" : "false"), quoted_(false) {}

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }
  bool quoted() const { return quoted_; }

private:
  std::string_view key_;
  std::string value_;
  bool quoted_;
};

using Fields = std::initializer_list<Field>;

void write(Level level, std::string_view event, Fields fields);
inline void debug(std::string_view event, Fields fields = {}) {
  write(Level::kDebug, event, fields);
}
inline void info(std::string_view event, Fields fields = {}) {
  write(Level::kInfo, event, fields);
}
inline void warn(std::string_view event, Fields fields = {}) {
  write(Level::kWarn, event, fields);
}
inline void error(std::string_view event, Fields fields = {}) {
  write(Level::kError, event, fields);
}

}  // namespace epcfleet::log
