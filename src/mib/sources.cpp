#include <filesystem>

#include "epcfleet/mib/translator.hpp"

#ifndef EPCFLEET_MIB_DIR
#error "EPCFLEET_MIB_DIR must name the directory epcfleet's mibs/ is installed in"
#endif

namespace epcfleet::mib {

std::vector<std::string> default_dirs(const std::string& project_dir) {
  std::vector<std::string> dirs;
  if (!project_dir.empty())
    dirs.push_back(project_dir);
  // Debian's net-snmp looks in these; iana/ and ietf/ exist only with snmp-mibs-downloader
  // (non-free), whose IETF modules then replace epcfleet's restatements of the same names.
  for (const char* dir :
       {"/usr/share/snmp/mibs", "/usr/share/snmp/mibs/iana", "/usr/share/snmp/mibs/ietf"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec))
      dirs.emplace_back(dir);
  }
  return dirs;
}

std::string installed_project_dir() {
  return EPCFLEET_MIB_DIR;
}

}  // namespace epcfleet::mib
