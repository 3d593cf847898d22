#pragma once
// Private to the apt module: the one rule for the names that become path segments and index
// fields (suites, codenames, components, snapshot names).

#include <string_view>

namespace epcfleet::apt {

// 1-64 of [a-z0-9._-], not starting with '.' or '-'.
inline bool is_name_word(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.' || s.front() == '-')
    return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!ok)
      return false;
  }
  return true;
}

}  // namespace epcfleet::apt
