// Login, logout and "who am I".
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

std::string cookie(std::string_view name, const std::string& value, std::int64_t max_age,
                   bool http_only, bool secure) {
  std::string c = std::string(name) + "=" + value +
                  "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (http_only)
    c += "; HttpOnly";
  if (secure)
    c += "; Secure";
  return c;
}

constexpr const char* kLoginSchema = R"({"type":"object","required":["username","password"],
"properties":{"username":{"type":"string"},"password":{"type":"string","format":"password"},
"cookie":{"type":"boolean","description":"Dashboard login: set an HttpOnly session cookie and return a CSRF token instead of a bearer token."}}})";
constexpr const char* kMeSchema = R"({"type":"object","properties":{"username":{"type":"string"},
"platform_admin":{"type":"boolean"},"tenants":{"type":"array","items":{"type":"object",
"properties":{"id":{"type":"string"},"name":{"type":"string"},"role":{"type":"string"}}}}}})";

}  // namespace

void register_auth_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* auth = s.auth;
  const bool secure = s.secure_cookies;

  http::RouteSpec login{Method::kPost, "/api/v1/auth/login", "Log in with a username and password.",
                        "auth", Access::kPublic};
  login.request_schema = kLoginSchema;
  router.add(login, [auth, secure](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"username", "password", "cookie"});
    if (!body)
      return reply_error(ctx, body.error());
    auto username = required_string(*body, "username");
    auto password = required_string(*body, "password");
    auto want_cookie = optional_bool(*body, "cookie");
    if (!username)
      return reply_error(ctx, username.error());
    if (!password)
      return reply_error(ctx, password.error());
    if (!want_cookie)
      return reply_error(ctx, want_cookie.error());
    auth::LoginRequest req{*username, *password, want_cookie->value_or(false)};
    auto result = auth->login(req, ctx.actor);
    if (!result) {
      auto r = reply_error(ctx, result.error().error);
      if (result.error().retry_after_s > 0) {
        r.set_header("retry-after", std::to_string(result.error().retry_after_s));
      }
      return r;
    }
    const std::int64_t max_age = (result->expires_at - now_ms()) / 1000;
    if (req.cookie) {
      auto tenants = auth->visible_tenants(result->principal);
      if (!tenants)
        return reply_error(ctx, tenants.error());
      auto r = reply(200, {{"expires_at", format_iso8601(result->expires_at)},
                           {"csrf_token", result->csrf_token},
                           {"user",
                            {{"username", result->principal.name},
                             {"platform_admin", result->principal.platform_admin},
                             {"tenants", memberships_json(*tenants)}}}});
      r.headers.emplace_back(
          "set-cookie", cookie(http::kSessionCookie, result->session_token, max_age, true, secure));
      r.headers.emplace_back("set-cookie",
                             cookie(http::kCsrfCookie, result->csrf_token, max_age, false, secure));
      return r;
    }
    return reply(200, {{"token", result->session_token},
                       {"expires_at", format_iso8601(result->expires_at)}});
  });

  http::RouteSpec logout{Method::kPost, "/api/v1/auth/logout", "End this session.", "auth",
                         Access::kAuthenticated};
  logout.success_status = 204;
  router.add(logout, [auth, secure](http::Context& ctx) {
    std::string token;
    if (auto h = ctx.request.header("authorization"); h && h->rfind("Bearer ", 0) == 0) {
      token = h->substr(7);
    } else if (auto c = ctx.request.cookie(http::kSessionCookie)) {
      token = *c;
    }
    if (token.rfind(auth::kSessionPrefix, 0) != 0) {
      return reply_error(ctx, Error{ErrorCode::kInvalidArgument,
                                    "only sessions log out; revoke API tokens instead"});
    }
    if (auto s2 = auth->logout(token, ctx.actor); !s2)
      return reply_error(ctx, s2.error());
    auto r = http::Response::no_content();
    r.headers.emplace_back("set-cookie", cookie(http::kSessionCookie, "", 0, true, secure));
    r.headers.emplace_back("set-cookie", cookie(http::kCsrfCookie, "", 0, false, secure));
    return r;
  });

  http::RouteSpec me{Method::kGet, "/api/v1/auth/me", "Who is calling, and their tenants.", "auth",
                     Access::kAuthenticated};
  me.response_schema = kMeSchema;
  router.add(me, [auth](http::Context& ctx) {
    auto tenants = auth->visible_tenants(*ctx.principal);
    if (!tenants)
      return reply_error(ctx, tenants.error());
    return reply(200, {{"username", ctx.principal->name},
                       {"platform_admin", ctx.principal->platform_admin},
                       {"tenants", memberships_json(*tenants)}});
  });
}

}  // namespace epcfleet::api
