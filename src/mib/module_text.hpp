#pragma once
// Plain-text helpers for uploaded modules: the module's name as its first definition gives it,
// and a temporary directory to hand files to net-snmp's parser (it reads only from files).

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"
#include "epcfleet/mib/translator.hpp"

namespace epcfleet::mib::detail {

// "FOO-MIB" from "-- comment\nFOO-MIB DEFINITIONS ::= BEGIN …": the first identifier outside
// comments, when DEFINITIONS follows it. nullopt when the text does not start a module that way.
std::optional<std::string> module_name(std::string_view text);

// A private directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool created() const { return !path_.empty(); }
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` as <name>.txt. `name` must be a module name (letters, digits, hyphens).
  Status write(std::string_view name, std::string_view text) const;
  // Writes every module; a module's name must be a valid module name.
  Status write_all(std::span<const ModuleText> modules) const;

private:
  std::filesystem::path path_;
};

}  // namespace epcfleet::mib::detail
