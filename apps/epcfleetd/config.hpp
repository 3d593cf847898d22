#pragma once
// epcfleetd's settings. Each has a key in the data dir's epcfleetd.toml, an environment variable
// and a command-line flag; the flag wins over the variable, the variable over the file, the file
// over the default.

#include <map>
#include <string>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::app {

struct SettingDef {
  std::string key;       // in epcfleetd.toml and as --flag (with '_' → '-')
  std::string env;       // EPCFLEET_…
  std::string fallback;  // default ("{data_dir}" is replaced)
  std::string help;
  bool secret = false;  // masked by `config show`
};

const std::vector<SettingDef>& setting_defs();

class Config {
public:
  // flags: key → value for the flags given on the command line.
  static Result<Config> load(const std::string& data_dir,
                             const std::map<std::string, std::string>& flags);

  const std::string& data_dir() const { return data_dir_; }
  std::string get(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  Result<long> get_int(const std::string& key, long min, long max) const;
  std::string source(const std::string& key) const;  // flag | env | file | default
  // "key = value   # source" lines, secrets masked.
  std::string describe() const;

  static std::string file_path(const std::string& data_dir) { return data_dir + "/epcfleetd.toml"; }

private:
  std::string data_dir_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> sources_;
};

// Writes the initial config file (refuses to overwrite).
Status write_initial_config(const std::string& path, const std::string& store_url);

}  // namespace epcfleet::app
