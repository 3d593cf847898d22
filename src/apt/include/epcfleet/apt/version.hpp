#pragma once
// apt: Debian packages and repositories — the .deb reader, control-field parsing, version
// comparison, pool layout (and, as they come: index writer, signer, publisher, repository
// service). Nothing here trusts an uploaded byte: every parser has a size bound and a clear error,
// and names that reach the filesystem are validated first.
//
// Version comparison exactly as dpkg does it (epoch, then upstream, then revision; '~' sorts
// before everything, letters before non-letters). Written here rather than linked from
// libapt-pkg, which is GPL-2+; the tests hold it against `dpkg --compare-versions`.

#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

struct Version {
  unsigned long epoch = 0;
  std::string upstream;
  std::string revision;  // empty when the version has no '-'
};

// Parses and validates (dpkg's syntax, warnings included, are errors here).
Result<Version> parse_version(std::string_view text);
// <0, 0, >0 like strcmp. Both must be valid versions; invalid ones compare as text.
int compare_versions(std::string_view a, std::string_view b);
int compare_versions(const Version& a, const Version& b);
// The version as it appears in pool file names: without the epoch.
std::string version_for_filename(const Version& v);

}  // namespace epcfleet::apt
