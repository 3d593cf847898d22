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

}  // namespace epcfleet::apt
