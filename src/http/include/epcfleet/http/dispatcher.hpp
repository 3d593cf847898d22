#pragma once
// The synchronous request pipeline, run on the blocking worker pool: request id, authentication
// (bearer token or session cookie + CSRF), the route's access rule (another tenant's resources
// answer 404, too weak a role 403), the handler, metrics and the access log. Handlers throw only
// on bugs; the exception is logged with the request id and answered 500.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/http/request_handler.hpp"
#include "epcfleet/http/router.hpp"
#include "epcfleet/http/static_files.hpp"

namespace epcfleet::http {

inline constexpr std::string_view kSessionCookie = "efsession";
inline constexpr std::string_view kCsrfCookie = "ef_csrf";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

class Dispatcher final : public RequestHandler {
public:
  Dispatcher(const Router& router, auth::AuthService& auth, const StaticFiles* static_files);

  Response dispatch(Request& request) override;
  // For the WebSocket upgrade: authenticates (cookie or bearer) and checks Origin.
  Result<auth::Principal> authenticate_upgrade(const Request& request) override;
  std::optional<std::uint64_t> upload_limit(Method method, const std::string& path) const override;

  // Hands every request under `prefix` (e.g. "/apt/") that no route matched to `handler`, which
  // authenticates on its own (apt clients send HTTP Basic credentials, not sessions).
  using MountHandler = std::function<Response(Request&)>;
  void mount(std::string prefix, MountHandler handler);

private:
  Response route(Request& request, Context& context, const Route& route);
  Result<auth::Principal> authenticate(const Request& request, bool& from_cookie);
  Response error_response(const Request& request, const Error& error);

  const Router& router_;
  auth::AuthService& auth_;
  const StaticFiles* static_files_;
  std::vector<std::pair<std::string, MountHandler>> mounts_;
};

// The HTTP status for an error code (the one place that maps them).
int status_for(ErrorCode code);

}  // namespace epcfleet::http
