#pragma once
// Small string helpers shared by several modules.

#include <string>
#include <string_view>
#include <vector>

namespace epcfleet {

// "a b c" for {"a","b","c"} with sep " ".
std::string join(const std::vector<std::string>& items, std::string_view sep = " ");

}  // namespace epcfleet
