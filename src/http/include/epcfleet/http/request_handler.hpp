#pragma once
// What the network server needs from the layers above it. Kept apart from dispatcher.hpp so that
// the Beast translation unit (minutes to compile) does not depend on routes or services.

#include <cstdint>
#include <optional>
#include <string>

#include "epcfleet/auth/principal.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/http/message.hpp"

namespace epcfleet::http {

class RequestHandler {
public:
  virtual ~RequestHandler() = default;
  // Blocking; called on the worker pool.
  virtual Response dispatch(Request& request) = 0;
  // For the WebSocket upgrade of /api/v1/events.
  virtual Result<auth::Principal> authenticate_upgrade(const Request& request) = 0;
  // Non-null for routes whose body is streamed to a file (uploads): the most bytes accepted.
  virtual std::optional<std::uint64_t> upload_limit(Method method,
                                                    const std::string& path) const = 0;
};

}  // namespace epcfleet::http
