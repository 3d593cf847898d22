#pragma once
// Routes with their metadata. The metadata is the single source for three things: the
// authorization the middleware applies before a handler runs, the OpenAPI document, and the
// tenant-isolation test that walks every route.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "epcfleet/auth/principal.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/role.hpp"
#include "epcfleet/http/message.hpp"

namespace epcfleet::http {

enum class Access {
  kPublic,         // no credential needed
  kAuthenticated,  // any valid credential
  kPlatformAdmin,  // platform administrators only
  kTenant,         // the path's {t} must be a tenant the caller sees, with at least min_role
};

struct RouteSpec {
  RouteSpec(Method m, std::string path_pattern, std::string text, std::string group,
            Access access_rule = Access::kTenant, Role role = Role::kViewer,
            std::string audit_action = {})
      : method(m),
        pattern(std::move(path_pattern)),
        summary(std::move(text)),
        tag(std::move(group)),
        access(access_rule),
        min_role(role),
        action(std::move(audit_action)) {}

  Method method = Method::kGet;
  std::string pattern;  // "/api/v1/tenants/{t}/users/{username}"
  std::string summary;
  std::string tag;
  Access access = Access::kTenant;
  Role min_role = Role::kViewer;
  std::string action;  // audit action recorded when the role check refuses (mutations)
  int success_status = 200;
  std::string request_schema;             // JSON Schema text for the body, or empty
  std::string response_schema;            // JSON Schema text for a success body, or empty
  std::vector<std::string> query_params;  // documented query parameters
  std::size_t max_body_bytes = 0;         // 0: the server default; for uploads, their limit
  bool upload = false;  // the body is streamed to a temporary file (Request::body_file)
};

struct Context {
  const Request& request;
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  std::optional<auth::Principal> principal;
  std::optional<Role> role;  // the caller's role in params["t"], for tenant routes
  Actor actor;

  const std::string& param(const std::string& name) const { return params.at(name); }
  const std::string& tenant() const { return params.at("t"); }
};

using Handler = std::function<Response(Context&)>;

struct Route {
  RouteSpec spec;
  Handler handler;
  std::vector<std::string> segments;  // pattern split on '/'
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool path_matched = false;  // some route has this path (for 405)
};

class Router {
public:
  void add(RouteSpec spec, Handler handler);
  Match match(Method method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

private:
  std::vector<Route> routes_;
};

}  // namespace epcfleet::http
