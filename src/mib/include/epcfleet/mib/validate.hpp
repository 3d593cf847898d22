#pragma once
// mib: checking an uploaded MIB module before it is stored. The text is parsed by net-snmp's
// parser on its own (in a temporary directory, with only the base modules and the tenant's other
// uploads beside it), and refused unless it parses without errors and defines objects.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/mib/translator.hpp"

namespace epcfleet::mib {

// Larger uploads are refused (kPayloadTooLarge) before any parsing.
inline constexpr std::size_t kMaxModuleBytes = 4 << 20;

struct ModuleInfo {
  std::string name;                   // "EPC-FLEET-MIB"
  std::size_t objects = 0;            // nodes the module defines
  std::vector<std::string> imports;   // modules it imports from
  std::vector<std::string> warnings;  // the parser's warnings (errors refuse the module)
};

struct ValidateOptions {
  Sources base;                      // usually the base translator's options().sources
  std::span<const ModuleText> also;  // the tenant's uploads the module may import from
  std::string state_dir;             // as TranslatorOptions::state_dir
};

// The module's name and object count, or kInvalidArgument with the parser's messages (one per
// line, file paths shortened to the file name), or kPayloadTooLarge.
Result<ModuleInfo> validate_module(std::string_view text, const ValidateOptions& options);
// The same with a translator's sources as the base.
Result<ModuleInfo> validate_module(std::string_view text, const Translator& base,
                                   std::span<const ModuleText> also = {});

}  // namespace epcfleet::mib
