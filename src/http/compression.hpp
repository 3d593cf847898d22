#pragma once
// gzip for large text answers (a 10,000-device list is 1.6 MB of JSON, ~210 KB gzipped).

#include <optional>
#include <string>
#include <string_view>

#include "epcfleet/http/message.hpp"

namespace epcfleet::http::detail {

// Compresses the body in place when the client accepts gzip and it is worth it.
void maybe_compress(const Request& request, Response& response);

}  // namespace epcfleet::http::detail
