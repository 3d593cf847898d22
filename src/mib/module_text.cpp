#include "module_text.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace epcfleet::mib::detail {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

// ASN.1 comments run from "--" to the end of the line or to the next "--".
std::size_t skip_space_and_comments(std::string_view text, std::size_t i) {
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    } else if (text.compare(i, 2, "--") == 0) {
      i += 2;
      while (i < text.size() && text[i] != '\n' && text.compare(i, 2, "--") != 0)
        ++i;
      if (i < text.size() && text[i] != '\n')
        i += 2;
    } else {
      break;
    }
  }
  return i;
}

std::string_view word_at(std::string_view text, std::size_t i) {
  std::size_t end = i;
  while (end < text.size() && is_name_char(text[end]))
    ++end;
  return text.substr(i, end - i);
}

bool valid_module_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || std::isalpha(static_cast<unsigned char>(name[0])) == 0)
    return false;
  for (char c : name)
    if (!is_name_char(c))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> module_name(std::string_view text) {
  std::size_t i = skip_space_and_comments(text, 0);
  const std::string_view name = word_at(text, i);
  if (!valid_module_name(name))
    return std::nullopt;
  i = skip_space_and_comments(text, i + name.size());
  if (word_at(text, i) != "DEFINITIONS")
    return std::nullopt;
  return std::string(name);
}

TempDir::TempDir() {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "epcfleet-mib-XXXXXX").string();
  if (ec)
    pattern = "/tmp/epcfleet-mib-XXXXXX";
  if (::mkdtemp(pattern.data()) != nullptr)
    path_ = pattern;
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

Status TempDir::write(std::string_view name, std::string_view text) const {
  if (!created())
    return fail(ErrorCode::kInternal, "cannot create a temporary directory for MIB files");
  if (!valid_module_name(name))
    return fail(ErrorCode::kInvalidArgument, "not a module name: " + std::string(name));
  std::ofstream file(path_ / (std::string(name) + ".txt"), std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file)
    return fail(ErrorCode::kInternal, "cannot write a temporary MIB file");
  return ok();
}

Status TempDir::write_all(std::span<const ModuleText> modules) const {
  for (const auto& module : modules)
    if (auto written = write(module.name, module.text); !written)
      return written;
  return ok();
}

}  // namespace epcfleet::mib::detail
