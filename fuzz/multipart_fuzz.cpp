// multipart/form-data bodies come straight from the network (dashboard uploads).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "epcfleet/http/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is the Content-Type; the rest is the body.
  const auto nl = input.find('\n');
  const auto type = input.substr(0, nl);
  const auto body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  auto boundary = epcfleet::http::multipart_boundary(type);
  if (boundary && *boundary) {
    auto part = epcfleet::http::find_file_part(body, **boundary);
    if (part && (part->offset > body.size() || part->length > body.size() - part->offset))
      __builtin_trap();  // a part must lie inside the body
  }
  (void)epcfleet::http::find_file_part(body, "boundary");
  return 0;
}
