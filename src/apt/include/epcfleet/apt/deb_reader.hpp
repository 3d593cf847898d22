#pragma once
// Reads and validates a Debian binary package (.deb): an ar archive whose members are
// debian-binary ("2.x"), control.tar[.gz|.xz|.zst] and data.tar[.gz|.xz|.zst|.bz2|.lzma]
// (deb(5)), through libarchive. Only the control file is extracted; the data member must be a
// readable tar, but its contents are not unpacked.

#include <cstdint>
#include <string>
#include <string_view>

#include "epcfleet/apt/control.hpp"
#include "epcfleet/apt/digests.hpp"
#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

struct DebLimits {
  std::uint64_t max_control_member = 16u << 20;  // compressed control.tar.*
  std::uint64_t max_control_file = 1u << 20;     // the control file itself
};

struct DebInfo {
  PackageControl control;
  std::string control_compression;  // "gz", "xz", "zst" or "none"
  std::string data_compression;
};

// From a file on disk, or from bytes in memory (the fuzz target, tests). With `digests`, every
// byte of the file goes through it in the same pass (call finish() after a success).
Result<DebInfo> read_deb_file(const std::string& path, const DebLimits& limits = {},
                              DigestStream* digests = nullptr);
Result<DebInfo> read_deb_memory(std::string_view bytes, const DebLimits& limits = {});

}  // namespace epcfleet::apt
