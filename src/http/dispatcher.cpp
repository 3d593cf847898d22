#include "epcfleet/http/dispatcher.hpp"

#include <exception>

#include "compression.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/metrics/registry.hpp"
#include "epcfleet/store/database.hpp"

namespace epcfleet::http {
namespace {

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok)
      return false;
  }
  return true;
}

void observe(const std::string& route, Method method, int status, double seconds) {
  auto& reg = metrics::default_registry();
  reg.counter("epcfleet_http_requests_total", "HTTP requests answered, by route and status.",
              {{"method", std::string(to_string(method))},
               {"route", route},
               {"status", std::to_string(status)}})
      .inc();
  reg.histogram("epcfleet_http_request_duration_seconds",
                "Time from a parsed request to its answer, by route.", {{"route", route}})
      .observe(seconds);
}

const std::pair<std::string, Dispatcher::MountHandler>* find_mount(
    const std::vector<std::pair<std::string, Dispatcher::MountHandler>>& mounts,
    const std::string& path) {
  for (const auto& m : mounts) {
    if (path.rfind(m.first, 0) == 0)
      return &m;
  }
  return nullptr;
}

}  // namespace

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Dispatcher::Dispatcher(const Router& router, auth::AuthService& auth,
                       const StaticFiles* static_files)
    : router_(router), auth_(auth), static_files_(static_files) {
}

Response Dispatcher::error_response(const Request& request, const Error& error) {
  // Internal errors may carry driver text: log it, answer something generic.
  if (error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) {
    log::error("http.error", {{"rid", request.request_id}, {"detail", error.message}});
    const int status = status_for(error.code);
    return Response::error(status, to_string(error.code),
                           status == 503 ? "a dependency is unavailable; try again later"
                                         : "internal error; the request id is in the server log",
                           request.request_id);
  }
  return Response::error(status_for(error.code), to_string(error.code), error.message,
                         request.request_id);
}

Result<auth::Principal> Dispatcher::authenticate(const Request& request, bool& from_cookie) {
  from_cookie = false;
  if (auto h = request.header("authorization")) {
    // "Token" is how InfluxDB clients send theirs (line-protocol writers); same tokens.
    for (std::string_view scheme : {"Bearer ", "Token "})
      if (h->size() > scheme.size() && h->compare(0, scheme.size(), scheme) == 0)
        return auth_.authenticate(h->substr(scheme.size()), false);
    return fail(ErrorCode::kUnauthenticated, "Authorization header must be 'Bearer <token>'");
  }
  if (auto c = request.cookie(kSessionCookie)) {
    from_cookie = true;
    return auth_.authenticate(*c, true);
  }
  return fail(ErrorCode::kUnauthenticated,
              "authentication required: send 'Authorization: Bearer <token>' or log in");
}

Result<auth::Principal> Dispatcher::authenticate_upgrade(const Request& request) {
  // Browsers send cookies with cross-site WebSocket handshakes: only our own origin may use them.
  if (auto origin = request.header("origin")) {
    const auto host = request.header("host").value_or("");
    if (*origin != "https://" + host && *origin != "http://" + host) {
      return fail(ErrorCode::kForbidden, "cross-origin WebSocket refused");
    }
  }
  bool from_cookie = false;
  return authenticate(request, from_cookie);
}

std::optional<std::uint64_t> Dispatcher::upload_limit(Method method,
                                                      const std::string& path) const {
  const auto m = router_.match(method, path);
  if (m.route == nullptr || !m.route->spec.upload)
    return std::nullopt;
  return m.route->spec.max_body_bytes;
}

Response Dispatcher::route(Request& request, Context& ctx, const Route& route) {
  const auto& spec = route.spec;
  ctx.actor = Actor{"anonymous", request.source, request.request_id};
  if (spec.access != Access::kPublic) {
    bool from_cookie = false;
    auto principal = authenticate(request, from_cookie);
    if (!principal) {
      auto r = error_response(request, principal.error());
      r.set_header("www-authenticate", "Bearer");
      return r;
    }
    if (from_cookie && !is_safe(request.method) &&
        !auth::AuthService::csrf_matches(*principal,
                                         request.header(std::string(kCsrfHeader)).value_or(""))) {
      return Response::error(403, "csrf_failed",
                             "missing or wrong X-CSRF-Token header for a cookie session",
                             request.request_id);
    }
    ctx.principal = std::move(*principal);
    ctx.actor.name = ctx.principal->name;
    if (spec.access == Access::kPlatformAdmin && !ctx.principal->platform_admin) {
      if (!spec.action.empty())
        auth_.record_denied(*ctx.principal, ctx.actor, std::nullopt, spec.action, request.path);
      return Response::error(403, "forbidden", "platform administrators only", request.request_id);
    }
    if (spec.access == Access::kTenant) {
      auto role = auth_.role_in(*ctx.principal, ctx.tenant());
      if (!role)
        return error_response(request, role.error());
      if (!role_at_least(*role, spec.min_role)) {
        if (!spec.action.empty()) {
          auth_.record_denied(*ctx.principal, ctx.actor, ctx.tenant(), spec.action, request.path);
        }
        return Response::error(403, "forbidden",
                               "this needs the " + std::string(to_string(spec.min_role)) +
                                   " role in tenant " + ctx.tenant() + "; you have " +
                                   std::string(to_string(*role)),
                               request.request_id);
      }
      ctx.role = *role;
    }
  }
  return route.handler(ctx);
}

void Dispatcher::mount(std::string prefix, MountHandler handler) {
  mounts_.emplace_back(std::move(prefix), std::move(handler));
}

Response Dispatcher::dispatch(Request& request) {
  const double started = store::monotonic_seconds();
  if (!valid_request_id(request.request_id)) {
    auto given = request.header("x-request-id");
    request.request_id = given && valid_request_id(*given) ? *given : crypto::random_hex(8);
  }
  std::string route_label = "unmatched";
  std::string actor = "-";
  std::string tenant = "-";
  Response response;
  try {
    auto m = router_.match(request.method, request.path);
    if (m.route != nullptr) {
      route_label = m.route->spec.pattern;
      Context ctx{request, std::move(m.params), std::nullopt, std::nullopt, {}};
      response = route(request, ctx, *m.route);
      actor = ctx.actor.name;
      if (ctx.params.count("t") != 0)
        tenant = ctx.params["t"];
    } else if (const auto* mount = find_mount(mounts_, request.path); mount != nullptr) {
      route_label = mount->first;
      response = mount->second(request);
    } else if (m.path_matched) {
      response = Response::error(405, "method_not_allowed",
                                 std::string(to_string(request.method)) + " is not allowed here",
                                 request.request_id);
    } else if (auto file =
                   static_files_ != nullptr ? static_files_->serve(request) : std::nullopt) {
      route_label = "static";
      response = std::move(*file);
    } else {
      response = Response::error(404, "not_found", "no such endpoint: " + request.path,
                                 request.request_id);
    }
  } catch (const std::exception& e) {
    log::error("http.exception", {{"rid", request.request_id}, {"what", e.what()}});
    response = Response::error(
        500, "internal", "internal error; the request id is in the server log", request.request_id);
  }
  response.set_header("x-request-id", request.request_id);
  add_security_headers(response);
  if (route_label != "static" && !response.header("cache-control")) {
    response.set_header("cache-control", "no-store");
  }
  if (request.method != Method::kHead)
    detail::maybe_compress(request, response);
  const double seconds = store::monotonic_seconds() - started;
  observe(route_label, request.method, response.status, seconds);
  log::info("http.request", {{"rid", request.request_id},
                             {"method", to_string(request.method)},
                             {"route", route_label},
                             {"status", response.status},
                             {"ms", seconds * 1000.0},
                             {"source", request.source},
                             {"actor", actor},
                             {"tenant", tenant}});
  return response;
}

}  // namespace epcfleet::http
