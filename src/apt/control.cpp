#include "epcfleet/apt/control.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace epcfleet::apt {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool valid_field_name(std::string_view name) {
  if (name.empty() || name.front() == '#' || name.front() == '-')
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7e && c != ':';
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

constexpr std::size_t kMaxFields = 1000;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error line_error(std::size_t line_no, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument,
               "control data line " + std::to_string(line_no) + ": " + what};
}

}  // namespace

std::optional<std::string> ControlParagraph::get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (iequals(k, name))
      return v;
  }
  return std::nullopt;
}

void ControlParagraph::set(std::string name, std::string value) {
  for (auto& [k, v] : fields_) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  fields_.emplace_back(std::move(name), std::move(value));
}

void ControlParagraph::append(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void ControlParagraph::continue_last(std::string_view line) {
  auto& value = fields_.back().second;
  value += '\n';
  value += line;
}

void ControlParagraph::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& kv) { return iequals(kv.first, name); });
}

std::string ControlParagraph::to_text() const {
  std::string out;
  for (const auto& [k, v] : fields_) {
    out += k;
    out += ':';
    if (!v.empty() && v.front() != '\n')
      out += ' ';
    out += v;
    out += '\n';
  }
  return out;
}

Result<std::vector<ControlParagraph>> parse_control(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return fail(ErrorCode::kInvalidArgument,
                "control data is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "control data contains a NUL byte");
  }
  std::vector<ControlParagraph> paragraphs;
  ControlParagraph current;
  bool in_paragraph = false;
  std::size_t line_no = 0;
  std::unordered_set<std::string> seen;  // lower-cased names of the current paragraph
  auto finish = [&] {
    if (in_paragraph)
      paragraphs.push_back(std::move(current));
    current = ControlParagraph{};
    in_paragraph = false;
    seen.clear();
  };
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (trim(line).empty()) {
      finish();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (!in_paragraph)
        return fail(line_error(line_no, "continuation line without a field"));
      // Trailing blanks carry no meaning in deb822; dropping them keeps parse(to_text(p)) == p.
      while (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')
        line.remove_suffix(1);
      current.continue_last(line);
      continue;
    }
    if (line.front() == '#')
      continue;  // comments (only in hand-written files)
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail(line_error(line_no, "expected 'Field: value'"));
    const std::string name(line.substr(0, colon));
    if (!valid_field_name(name))
      return fail(line_error(line_no, "invalid field name '" + name + "'"));
    if (!seen.insert(lower(name)).second) {
      return fail(line_error(line_no, "duplicate field '" + name + "'"));
    }
    if (seen.size() > kMaxFields) {
      return fail(line_error(line_no, "more than " + std::to_string(kMaxFields) + " fields"));
    }
    current.append(name, std::string(trim(line.substr(colon + 1))));
    in_paragraph = true;
  }
  finish();
  return paragraphs;
}

Status validate_package_name(std::string_view name) {
  const auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  };
  if (name.size() < 2 || name.size() > 128 || !std::all_of(name.begin(), name.end(), ok_char) ||
      !((name.front() >= 'a' && name.front() <= 'z') ||
        (name.front() >= '0' && name.front() <= '9'))) {
    return fail(ErrorCode::kInvalidArgument,
                "package name '" + std::string(name.substr(0, 128)) +
                    "' is invalid: 2-128 characters of a-z, 0-9, '+', '-', '.', starting with a "
                    "letter or digit");
  }
  return ok();
}

Status validate_architecture(std::string_view arch) {
  const auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  };
  if (arch.empty() || arch.size() > 32 || !std::all_of(arch.begin(), arch.end(), ok_char) ||
      arch.front() == '-') {
    return fail(ErrorCode::kInvalidArgument,
                "architecture '" + std::string(arch.substr(0, 32)) + "' is invalid");
  }
  return ok();
}

Result<PackageControl> parse_package_control(std::string_view text) {
  auto paragraphs = parse_control(text);
  if (!paragraphs)
    return fail(paragraphs.error());
  if (paragraphs->size() != 1) {
    return fail(ErrorCode::kInvalidArgument,
                "a package's control file must hold exactly one paragraph (found " +
                    std::to_string(paragraphs->size()) + ")");
  }
  PackageControl pc;
  pc.paragraph = std::move(paragraphs->front());
  for (const char* required : {"Package", "Version", "Architecture"}) {
    auto v = pc.paragraph.get(required);
    if (!v || v->empty()) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string("control file has no ") + required + " field");
    }
    if (v->find('\n') != std::string::npos) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string("the ") + required + " field must be one line");
    }
  }
  // The repository computes these; an uploaded control file does not get to say them.
  for (const char* computed :
       {"Filename", "Size", "MD5sum", "MD5Sum", "SHA1", "SHA256", "SHA512"}) {
    pc.paragraph.remove(computed);
  }
  pc.package = *pc.paragraph.get("Package");
  pc.version_text = *pc.paragraph.get("Version");
  pc.architecture = *pc.paragraph.get("Architecture");
  if (auto s = validate_package_name(pc.package); !s)
    return fail(s.error());
  if (auto s = validate_architecture(pc.architecture); !s)
    return fail(s.error());
  auto version = parse_version(pc.version_text);
  if (!version) {
    return fail(ErrorCode::kInvalidArgument,
                "Version '" + pc.version_text.substr(0, 64) + "': " + version.error().message);
  }
  pc.version = std::move(*version);
  pc.source = pc.package;
  if (auto source = pc.paragraph.get("Source")) {
    std::string name(trim(std::string_view(*source).substr(0, source->find('('))));
    if (auto s = validate_package_name(name); !s) {
      return fail(ErrorCode::kInvalidArgument, "Source field: " + s.error().message);
    }
    pc.source = name;
  }
  return pc;
}

}  // namespace epcfleet::apt
