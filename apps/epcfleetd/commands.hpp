#pragma once
// epcfleetd's subcommands. Each returns the process exit code and prints its own errors.

#include <map>
#include <optional>
#include <string>

namespace epcfleet::app {

struct InitOptions {
  std::string data_dir;
  std::string admin_user = "admin";
  std::string admin_password_file;  // empty: generate and print once
  std::string store_url = "sqlite";
};

int run_init(const InitOptions& options);
int run_serve(const std::string& data_dir, const std::map<std::string, std::string>& flags);
int run_config_show(const std::string& data_dir, const std::map<std::string, std::string>& flags);
int run_audit_verify(const std::string& data_dir, const std::map<std::string, std::string>& flags);
int run_rotate_master_key(const std::string& data_dir,
                          const std::map<std::string, std::string>& flags);

}  // namespace epcfleet::app
