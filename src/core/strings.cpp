#include "epcfleet/core/strings.hpp"

namespace epcfleet {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += sep;
    out += item;
  }
  return out;
}

}  // namespace epcfleet
