// Fuzzes the deb822 control parser and the version parser/comparison.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "epcfleet/apt/control.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ps = epcfleet::apt::parse_control(text)) {
    for (const auto& p : *ps) {
      // What parses must serialize to text that parses to the same fields.
      auto again = epcfleet::apt::parse_control(p.to_text());
      if (!again || again->size() != 1 || (*again)[0].fields() != p.fields())
        __builtin_trap();
    }
  }
  (void)epcfleet::apt::parse_package_control(text);
  const auto nl = text.find('\n');
  const auto a = text.substr(0, nl);
  const auto b = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  const int ab = epcfleet::apt::compare_versions(a, b);
  const int ba = epcfleet::apt::compare_versions(b, a);
  if ((ab > 0) != (ba < 0) || (ab == 0) != (ba == 0))
    __builtin_trap();
  return 0;
}
