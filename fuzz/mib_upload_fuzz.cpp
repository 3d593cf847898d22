// Uploaded MIB files as the API receives them: bytes from the network into validate_module, which
// checks size and shape, writes temporary files and runs net-snmp's parser in a forked child
// (a crash, hang or leak there must come back as a refusal, never reach this process).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "epcfleet/mib/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const epcfleet::mib::ValidateOptions options = [] {
    epcfleet::mib::ValidateOptions o;
    o.base.dirs = {EPCFLEET_FUZZ_MIB_DIR};
    return o;
  }();
  const auto result = epcfleet::mib::validate_module(
      std::string_view(reinterpret_cast<const char*>(data), size), options);
  // Whatever the verdict, it is a value; an accepted module names itself and has objects.
  if (result && (result->name.empty() || result->objects == 0))
    __builtin_trap();
  return 0;
}
