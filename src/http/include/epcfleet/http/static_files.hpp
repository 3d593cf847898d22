#pragma once
// The dashboard's built files (web/dist). Hashed assets under /assets/ are cached for a year;
// index.html is never cached and is also the answer for client-side routes. Every answer carries
// a strict Content-Security-Policy.

#include <optional>
#include <string>

#include "epcfleet/http/message.hpp"

namespace epcfleet::http {

class StaticFiles {
public:
  explicit StaticFiles(std::string root);
  // nullopt when the path is not ours to serve (e.g. under /api/).
  std::optional<Response> serve(const Request& request) const;
  bool available() const;
  const std::string& root() const { return root_; }

private:
  std::string root_;
};

// Security headers for every response (CSP, nosniff, frame denial, referrer policy).
void add_security_headers(Response& response);

}  // namespace epcfleet::http
