// epcfleetd: the server and its administrative subcommands. Wiring only; the work is in src/.
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "config.hpp"

#ifndef EPCFLEET_VERSION
#define EPCFLEET_VERSION "0.0.0"
#endif

namespace {

// Every setting becomes a --flag on the commands that read the config.
void add_setting_flags(CLI::App* cmd, std::map<std::string, std::string>& values) {
  for (const auto& def : epcfleet::app::setting_defs()) {
    std::string flag = "--" + def.key;
    for (auto& c : flag) {
      if (c == '_')
        c = '-';
    }
    if (def.key == "http" || def.key == "log_json") {
      cmd->add_flag_callback(
          flag, [&values, key = def.key] { values[key] = "true"; },
          def.help + " (env " + def.env + ")");
    } else {
      cmd->add_option_function<std::string>(
          flag, [&values, key = def.key](const std::string& v) { values[key] = v; },
          def.help + " (env " + def.env + ")");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"epcfleetd — multi-tenant management of LTE packet cores"};
  app.set_version_flag("--version", EPCFLEET_VERSION);
  app.require_subcommand(1);

  std::string data_dir;
  std::map<std::string, std::string> settings;

  epcfleet::app::InitOptions init;
  auto* init_cmd =
      app.add_subcommand("init", "Create a data dir: store, master key, TLS certificate, admin");
  init_cmd->add_option("--data-dir", init.data_dir, "Directory to create")->required();
  init_cmd->add_option("--admin-user", init.admin_user, "Platform administrator's username")
      ->capture_default_str();
  init_cmd->add_option("--admin-password-file", init.admin_password_file,
                       "File holding the admin password (default: generate and print once)");
  init_cmd
      ->add_option("--store", init.store_url, "sqlite (default) or postgresql://user@host:port/db")
      ->capture_default_str();

  auto* serve_cmd = app.add_subcommand("serve", "Run the server");
  serve_cmd->add_option("--data-dir", data_dir, "Data dir made by `init`")
      ->required()
      ->envname("EPCFLEET_DATA_DIR");
  add_setting_flags(serve_cmd, settings);

  auto* config_cmd = app.add_subcommand("config", "Configuration");
  config_cmd->require_subcommand(1);
  auto* config_show =
      config_cmd->add_subcommand("show", "Print the effective configuration (secrets masked)");
  config_show->add_option("--data-dir", data_dir, "Data dir")
      ->required()
      ->envname("EPCFLEET_DATA_DIR");
  add_setting_flags(config_show, settings);

  auto* audit_cmd = app.add_subcommand("audit", "Audit log");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "Check the audit log's hash chain");
  audit_verify->add_option("--data-dir", data_dir, "Data dir")
      ->required()
      ->envname("EPCFLEET_DATA_DIR");
  add_setting_flags(audit_verify, settings);

  auto* rotate_cmd =
      app.add_subcommand("rotate-master-key", "Re-seal every secret with a new master key");
  rotate_cmd->add_option("--data-dir", data_dir, "Data dir")
      ->required()
      ->envname("EPCFLEET_DATA_DIR");
  add_setting_flags(rotate_cmd, settings);

  CLI11_PARSE(app, argc, argv);

  if (init_cmd->parsed())
    return epcfleet::app::run_init(init);
  if (serve_cmd->parsed())
    return epcfleet::app::run_serve(data_dir, settings);
  if (config_show->parsed())
    return epcfleet::app::run_config_show(data_dir, settings);
  if (audit_verify->parsed())
    return epcfleet::app::run_audit_verify(data_dir, settings);
  if (rotate_cmd->parsed())
    return epcfleet::app::run_rotate_master_key(data_dir, settings);
  std::cerr << app.help();
  return 2;
}
