#include "serve_setup.hpp"

#include <sys/stat.h>

#include <iostream>

#include "epcfleet/logging/log.hpp"

namespace epcfleet::app {

Result<Config> load_initialized_config(const std::string& data_dir,
                                       const std::map<std::string, std::string>& flags) {
  if (data_dir.empty())
    return fail(ErrorCode::kInvalidArgument, "--data-dir is required");
  struct stat st {};
  if (::stat(Config::file_path(data_dir).c_str(), &st) != 0) {
    return fail(ErrorCode::kNotFound, data_dir +
                                          " is not an epcfleetd data dir (no epcfleetd.toml); "
                                          "create one with `epcfleetd init --data-dir " +
                                          data_dir + "`");
  }
  return Config::load(data_dir, flags);
}

Status init_logging(const Config& config) {
  log::Options options;
  options.json = config.get_bool("log_json");
  if (!log::parse_level(config.get("log_level"), options.level)) {
    return fail(ErrorCode::kInvalidArgument, "log_level must be debug, info, warn or error");
  }
  log::init(options);
  return ok();
}

Result<std::shared_ptr<store::Database>> open_store(const Config& config) {
  auto location = store::parse_store_url(config.get("store"), config.data_dir());
  if (!location)
    return fail(location.error());
  auto db = store::Database::open(*location, 8);
  if (!db)
    return fail(db.error());
  if (auto m = (*db)->migrate(); !m)
    return fail(m.error());
  return db;
}

Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return fail(ErrorCode::kInvalidArgument, "listen must be address:port, e.g. 127.0.0.1:8443");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty())
    host = "0.0.0.0";
  const std::string port_text = text.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return fail(ErrorCode::kInvalidArgument,
                "listen port must be 0 to 65535 (got '" + port_text + "')");
  }
  return std::pair<std::string, std::uint16_t>{host, static_cast<std::uint16_t>(port)};
}

int report(const std::string& command, const Error& error) {
  std::cerr << "epcfleetd " << command << ": " << error.message << std::endl;
  return error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kNotFound ? 2 : 1;
}

}  // namespace epcfleet::app
