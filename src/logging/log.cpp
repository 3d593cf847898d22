#include "epcfleet/logging/log.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "epcfleet/core/json_text.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::log {
namespace {

struct State {
  std::shared_ptr<spdlog::logger> logger;
  bool json = false;
};

State& state() {
  static State s;
  return s;
}

std::once_flag default_once;

void ensure_logger() {
  std::call_once(default_once, [] {
    if (!state().logger)
      init(Options{});
  });
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

bool needs_quotes(std::string_view s) {
  if (s.empty())
    return true;
  for (char c : s) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20)
      return true;
  }
  return false;
}

std::string timestamp() {
  return format_iso8601(now_ms());
}

}  // namespace

Field::Field(std::string_view key, double value) : key_(key), quoted_(false) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  value_ = buf;
}

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug")
    out = Level::kDebug;
  else if (text == "info")
    out = Level::kInfo;
  else if (text == "warn" || text == "warning")
    out = Level::kWarn;
  else if (text == "error")
    out = Level::kError;
  else
    return false;
  return true;
}

void init(const Options& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.file.empty()) {
    logger = std::make_shared<spdlog::logger>("epcfleet",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "epcfleet", std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file));
  }
  // We format the whole line ourselves so that text and JSON carry the same fields.
  logger->set_pattern("%v");
  logger->set_level(to_spdlog(options.level));
  logger->flush_on(spdlog::level::debug);
  state().logger = std::move(logger);
  state().json = options.json;
}

void write(Level level, std::string_view event, Fields fields) {
  ensure_logger();
  auto& s = state();
  if (!s.logger->should_log(to_spdlog(level)))
    return;
  std::string line;
  line.reserve(160);
  if (s.json) {
    line += "{\"ts\":\"";
    line += timestamp();
    line += "\",\"level\":\"";
    line += level_name(level);
    line += "\",\"event\":";
    append_json_string(line, event);
    for (const auto& f : fields) {
      line.push_back(',');
      append_json_string(line, f.key());
      line.push_back(':');
      if (f.quoted())
        append_json_string(line, f.value());
      else
        line += f.value();
    }
    line.push_back('}');
  } else {
    line += timestamp();
    line.push_back(' ');
    line += level_name(level);
    line.push_back(' ');
    line += event;
    for (const auto& f : fields) {
      line.push_back(' ');
      line += f.key();
      line.push_back('=');
      if (f.quoted() && needs_quotes(f.value()))
        append_json_string(line, f.value());
      else
        line += f.value();
    }
  }
  s.logger->log(to_spdlog(level), line);
}

}  // namespace epcfleet::log
