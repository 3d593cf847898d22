// Fuzzes the .deb reader (ar + nested tar via libarchive, then the control parser) on arbitrary
// bytes, as an upload would deliver them. Any result is fine; a crash, hang or leak is not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "epcfleet/apt/deb_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto info = epcfleet::apt::read_deb_memory(bytes);
  if (info && info->control.package.empty())
    __builtin_trap();
  return 0;
}
