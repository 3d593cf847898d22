#include "epcfleet/apt/version.hpp"

#include <cstring>
#include <limits>

namespace epcfleet::apt {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// dpkg's ordering of a non-digit character: '~' before the end, the end before letters, letters
// before everything else.
int order(char c) {
  if (is_digit(c))
    return 0;
  if (is_alpha(c))
    return c;
  if (c == '~')
    return -1;
  if (c != '\0')
    return static_cast<unsigned char>(c) + 256;
  return 0;
}

// dpkg's verrevcmp over NUL-terminated strings.
int verrevcmp(const char* a, const char* b) {
  while (*a != '\0' || *b != '\0') {
    int first_diff = 0;
    while ((*a != '\0' && !is_digit(*a)) || (*b != '\0' && !is_digit(*b))) {
      const int ac = order(*a);
      const int bc = order(*b);
      if (ac != bc)
        return ac - bc;
      ++a;
      ++b;
    }
    while (*a == '0')
      ++a;
    while (*b == '0')
      ++b;
    while (is_digit(*a) && is_digit(*b)) {
      if (first_diff == 0)
        first_diff = *a - *b;
      ++a;
      ++b;
    }
    if (is_digit(*a))
      return 1;
    if (is_digit(*b))
      return -1;
    if (first_diff != 0)
      return first_diff;
  }
  return 0;
}

}  // namespace

Result<Version> parse_version(std::string_view text) {
  if (text.empty())
    return fail(ErrorCode::kInvalidArgument, "version is empty");
  if (text.size() > 256)
    return fail(ErrorCode::kInvalidArgument, "version is longer than 256 characters");
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return fail(ErrorCode::kInvalidArgument, "version contains white space");
    }
  }
  Version v;
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const auto epoch = rest.substr(0, colon);
    if (epoch.empty())
      return fail(ErrorCode::kInvalidArgument, "epoch in version is empty");
    unsigned long value = 0;
    for (char c : epoch) {
      if (!is_digit(c))
        return fail(ErrorCode::kInvalidArgument, "epoch in version is not a number");
      if (value > (std::numeric_limits<int>::max() - 9) / 10) {
        return fail(ErrorCode::kInvalidArgument, "epoch in version is too big");
      }
      value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    v.epoch = value;
    rest = rest.substr(colon + 1);
    if (rest.empty())
      return fail(ErrorCode::kInvalidArgument, "nothing after colon in version");
  }
  if (const auto hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    v.revision = std::string(rest.substr(hyphen + 1));
    rest = rest.substr(0, hyphen);
    if (v.revision.empty())
      return fail(ErrorCode::kInvalidArgument, "revision in version is empty");
  }
  v.upstream = std::string(rest);
  if (v.upstream.empty())
    return fail(ErrorCode::kInvalidArgument, "version has an empty upstream part");
  if (!is_digit(v.upstream.front())) {
    return fail(ErrorCode::kInvalidArgument, "version number does not start with a digit");
  }
  for (char c : v.upstream) {
    if (!is_digit(c) && !is_alpha(c) && std::strchr(".-+~:", c) == nullptr) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string("invalid character '") + c + "' in version number");
    }
  }
  for (char c : v.revision) {
    if (!is_digit(c) && !is_alpha(c) && std::strchr(".+~", c) == nullptr) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string("invalid character '") + c + "' in revision number");
    }
  }
  return v;
}

int compare_versions(const Version& a, const Version& b) {
  if (a.epoch != b.epoch)
    return a.epoch > b.epoch ? 1 : -1;
  if (const int r = verrevcmp(a.upstream.c_str(), b.upstream.c_str()); r != 0)
    return r;
  return verrevcmp(a.revision.c_str(), b.revision.c_str());
}

int compare_versions(std::string_view a, std::string_view b) {
  auto va = parse_version(a);
  auto vb = parse_version(b);
  if (!va || !vb)
    return std::string(a).compare(std::string(b));
  return compare_versions(*va, *vb);
}

std::string version_for_filename(const Version& v) {
  return v.revision.empty() ? v.upstream : v.upstream + "-" + v.revision;
}

}  // namespace epcfleet::apt
