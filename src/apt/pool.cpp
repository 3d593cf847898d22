#include "epcfleet/apt/pool.hpp"

namespace epcfleet::apt {

std::string pool_prefix(const std::string& source) {
  if (source.size() > 3 && source.rfind("lib", 0) == 0)
    return source.substr(0, 4);
  return source.substr(0, 1);
}

std::string pool_path(const std::string& component, const PackageControl& c) {
  return "pool/" + component + "/" + pool_prefix(c.source) + "/" + c.source + "/" + c.package +
         "_" + version_for_filename(c.version) + "_" + c.architecture + ".deb";
}

std::string snapshot_dir(const std::string& apt_root, const std::string& tenant_id,
                         const std::string& name) {
  return apt_root + "/" + tenant_id + "/.snapshots/" + name;
}

}  // namespace epcfleet::apt
