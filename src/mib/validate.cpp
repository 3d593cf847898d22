#include "epcfleet/mib/validate.hpp"

#include <algorithm>
#include <chrono>

#include "module_text.hpp"
#include "parser.hpp"

namespace epcfleet::mib {
namespace {

// A few thousand objects parse in milliseconds; this is for a parser stuck in a loop.
constexpr std::chrono::milliseconds kParseTimeout{10000};

// Temporary paths mean nothing to whoever uploaded the file: "At line 3 in FOO-MIB.txt".
void shorten_paths(std::vector<std::string>& messages, const std::vector<std::string>& dirs) {
  for (auto& message : messages)
    for (const auto& dir : dirs) {
      const std::string prefix = dir + "/";
      for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix))
        message.erase(at, prefix.size());
    }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines)
    out.append(out.empty() ? "" : "\n").append(line);
  return out;
}

}  // namespace

Result<ModuleInfo> validate_module(std::string_view text, const ValidateOptions& options) {
  if (text.size() > kMaxModuleBytes)
    return fail(ErrorCode::kPayloadTooLarge,
                "a MIB file may have at most " + std::to_string(kMaxModuleBytes) + " bytes");
  if (text.find('\0') != std::string_view::npos)
    return fail(ErrorCode::kInvalidArgument, "not a MIB file: it contains NUL bytes");
  const auto name = detail::module_name(text);
  if (!name)
    return fail(ErrorCode::kInvalidArgument,
                "not a MIB module: the file must start with \"NAME DEFINITIONS ::= BEGIN\"");

  // The tenant's other uploads in one directory, this file in a later one (so that it replaces
  // an earlier upload of the same module), both after the base.
  const detail::TempDir others;
  const detail::TempDir upload;
  if (auto written = others.write_all(options.also); !written)
    return fail(written.error());
  if (auto written = upload.write(*name, text); !written)
    return fail(written.error());
  detail::ParseRequest request{options.base.dirs, options.base.files, {*name}, options.state_dir};
  request.dirs.push_back(others.path().string());
  request.dirs.push_back(upload.path().string());
  detail::ParseResult parsed = detail::parse_mibs_isolated(request, kParseTimeout);

  const std::vector<std::string> temp_dirs{others.path().string(), upload.path().string()};
  shorten_paths(parsed.errors, temp_dirs);
  shorten_paths(parsed.warnings, temp_dirs);
  if (!parsed.errors.empty())
    return fail(ErrorCode::kInvalidArgument, *name + " does not parse:\n" + joined(parsed.errors));
  const auto it = std::find_if(parsed.modules.begin(), parsed.modules.end(),
                               [&](const detail::ParsedModule& m) { return m.name == *name; });
  if (it == parsed.modules.end() || it->nodes == 0)
    return fail(ErrorCode::kInvalidArgument, *name + " defines no objects");

  ModuleInfo info;
  info.name = *name;
  info.objects = it->nodes;
  info.imports = it->imports;
  info.warnings = std::move(parsed.warnings);
  return info;
}

Result<ModuleInfo> validate_module(std::string_view text, const Translator& base,
                                   std::span<const ModuleText> also) {
  ValidateOptions options;
  options.base = base.options().sources;
  options.also = also;
  options.state_dir = base.options().state_dir;
  return validate_module(text, options);
}

}  // namespace epcfleet::mib
