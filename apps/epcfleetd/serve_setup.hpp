#pragma once
// Start-up steps shared by the subcommands that open an existing data dir.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "config.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/store/database.hpp"

namespace epcfleet::app {

// Loads the config of an initialized data dir (refuses one `init` has not made).
Result<Config> load_initialized_config(const std::string& data_dir,
                                       const std::map<std::string, std::string>& flags);
Status init_logging(const Config& config);
Result<std::shared_ptr<store::Database>> open_store(const Config& config);
// "127.0.0.1:8443", "[::1]:8443", ":8443" (all addresses) → (address, port)
Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);
// Prints "epcfleetd <command>: <message>" and returns the exit code for the error.
int report(const std::string& command, const Error& error);

}  // namespace epcfleet::app
