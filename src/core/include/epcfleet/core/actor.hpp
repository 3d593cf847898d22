#pragma once
// Who is doing something and from where: carried from the HTTP layer into every service call that
// changes state, so that the audit record written in the same transaction can name them.

#include <string>

namespace epcfleet {

struct Actor {
  std::string name;        // username, "token:<id>" or "system"
  std::string source;      // client address, or "local" for CLI commands
  std::string request_id;  // correlates the audit record with the request log line
};

}  // namespace epcfleet
