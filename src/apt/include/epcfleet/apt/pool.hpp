#pragma once
// Where a package lives in a repository: pool/<component>/<prefix>/<source>/<name>_<ver>_<arch>.deb
// with Debian's prefix rule (the source's first letter, or "libX" for lib* sources) and the
// version without its epoch. Every part is validated before it gets here, so the result cannot
// leave the pool.

#include <string>

#include "epcfleet/apt/control.hpp"

namespace epcfleet::apt {

std::string pool_prefix(const std::string& source);
std::string pool_path(const std::string& component, const PackageControl& control);

// <apt root>/<tenant>/.snapshots/<name>: a snapshot's own hard links of its pool files (repository
// names cannot start with a dot, so this never meets a repository).
std::string snapshot_dir(const std::string& apt_root, const std::string& tenant_id,
                         const std::string& name);

}  // namespace epcfleet::apt
