// /healthz, /readyz, /metrics and the OpenAPI document.
#include "epcfleet/metrics/registry.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {

void register_system_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;

  router.add({Method::kGet, "/healthz", "Liveness: the process is up.", "system", Access::kPublic},
             [](http::Context&) {
               return reply(200, json{{"status", "ok"}});
             });

  auto db = s.db;
  router.add({Method::kGet, "/readyz", "Readiness: the store answers.", "system", Access::kPublic},
             [db](http::Context& ctx) {
               if (auto p = db->ping(); !p) {
                 return http::Response::error(503, "unavailable", "the store does not answer",
                                              ctx.request.request_id);
               }
               return reply(200, json{{"status", "ready"}});
             });

  auto& build_info = metrics::default_registry().gauge(
      "epcfleet_build_info", "Build information; the value is always 1.", {{"version", s.version}});
  build_info.set(1);
  router.add({Method::kGet, "/metrics", "Server health in Prometheus text format.", "system",
              Access::kPublic},
             [](http::Context&) {
               return http::Response::text(200, metrics::default_registry().render(),
                                           "text/plain; version=0.0.4; charset=utf-8");
             });

  const http::Router* r = &router;
  const std::string version = s.version;
  router.add({Method::kGet, "/api/v1/openapi.json", "This API's OpenAPI 3 document.", "system",
              Access::kPublic},
             [r, version](http::Context&) {
               return http::Response::json(200, openapi_document(*r, version));
             });
}

}  // namespace epcfleet::api
