#pragma once
// The base translator the mib tests share: epcfleet's mibs/ and net-snmp's directories, loaded
// once per test binary (a parse takes a while under the sanitizers).

#include <memory>
#include <string>

#include "epcfleet/mib/translator.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::mib::test {

inline const std::string& state_dir() {
  static const testing::TempDir dir;
  return dir.path();
}

inline TranslatorOptions base_options() {
  TranslatorOptions options;
  options.sources.dirs = default_dirs(EPCFLEET_TEST_MIB_DIR);
  options.state_dir = state_dir();
  return options;
}

inline std::shared_ptr<const Translator> base() {
  static const std::shared_ptr<const Translator> loaded = [] {
    auto result = Translator::load(base_options());
    return result ? *result : nullptr;
  }();
  return loaded;
}

inline std::string mib_file(const std::string& name) {
  return std::string(EPCFLEET_TEST_MIB_DIR) + "/" + name;
}

}  // namespace epcfleet::mib::test
