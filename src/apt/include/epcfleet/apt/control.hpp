#pragma once
// deb822 control data: "Field: value" lines, continuation lines starting with a space or tab,
// paragraphs separated by blank lines. Used for a package's DEBIAN/control and for the indexes we
// write (Packages, Release).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epcfleet/apt/version.hpp"
#include "epcfleet/core/error.hpp"

namespace epcfleet::apt {

// One paragraph, fields in their original order; values keep their continuation lines
// ("first line\n second line").
class ControlParagraph {
public:
  std::optional<std::string> get(std::string_view name) const;  // case-insensitive
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  void set(std::string name, std::string value);  // replaces or appends
  void remove(std::string_view name);
  // Appends without looking for an existing field (parsing, which has already checked).
  void append(std::string name, std::string value);
  // Adds a continuation line to the last field (parsing).
  void continue_last(std::string_view line);
  // Serialized as deb822 text, ending in a newline.
  std::string to_text() const;

private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Parses text holding paragraphs; refuses duplicate fields (case-insensitively), malformed
// lines, more than 1,000 fields in a paragraph, and text over max_bytes.
Result<std::vector<ControlParagraph>> parse_control(std::string_view text,
                                                    std::size_t max_bytes = 1 << 20);

// What a repository needs from a binary package's control file, validated.
struct PackageControl {
  std::string package;
  Version version;
  std::string version_text;
  std::string architecture;
  std::string source;  // the Source field's name (without "(version)"), or the package name
  ControlParagraph paragraph;
};

Result<PackageControl> parse_package_control(std::string_view text);

// Package names: [a-z0-9][a-z0-9+.-]+; architectures: [a-z0-9-]+ (amd64, arm64, all, …).
Status validate_package_name(std::string_view name);
Status validate_architecture(std::string_view arch);

}  // namespace epcfleet::apt
