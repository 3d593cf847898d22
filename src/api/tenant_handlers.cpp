// Tenants: platform admins create and delete them; members see their own.
#include "epcfleet/collector/poller.hpp"
#include "epcfleet/collector/trap_intake.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json tenant_json(const store::Tenant& t) {
  return {{"id", t.id}, {"name", t.name}, {"created_at", format_iso8601(t.created_at)}};
}

constexpr const char* kTenantSchema = R"({"type":"object","properties":{"id":{"type":"string"},
"name":{"type":"string"},"created_at":{"type":"string","format":"date-time"}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["id","name"],"properties":{
"id":{"type":"string","pattern":"^[a-z0-9][a-z0-9-]{1,31}$"},"name":{"type":"string","maxLength":200}}})";
constexpr const char* kRenameSchema = R"({"type":"object","required":["name"],"properties":{
"name":{"type":"string","maxLength":200}}})";

}  // namespace

void register_tenant_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* tenants = s.tenants;
  auto* auth = s.auth;

  http::RouteSpec list{Method::kGet, "/api/v1/tenants", "Tenants the caller can see.", "tenants",
                       Access::kAuthenticated};
  list.response_schema = kTenantSchema;
  router.add(list, [auth](http::Context& ctx) {
    auto visible = auth->visible_tenants(*ctx.principal);
    if (!visible)
      return reply_error(ctx, visible.error());
    json items = memberships_json(*visible);
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost, "/api/v1/tenants", "Create a tenant.", "tenants",
                         Access::kPlatformAdmin};
  create.action = "tenant.create";
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kTenantSchema;
  router.add(create, [tenants](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"id", "name"});
    if (!body)
      return reply_error(ctx, body.error());
    auto id = required_string(*body, "id");
    if (!id)
      return reply_error(ctx, id.error());
    auto name = required_string(*body, "name");
    if (!name)
      return reply_error(ctx, name.error());
    auto t = tenants->create(*id, *name, ctx.actor);
    if (!t)
      return reply_error(ctx, t.error());
    auto r = reply(201, tenant_json(*t));
    r.set_header("location", "/api/v1/tenants/" + t->id);
    return r;
  });

  http::RouteSpec get{Method::kGet, "/api/v1/tenants/{t}", "One tenant.", "tenants",
                      Access::kTenant};
  get.response_schema = kTenantSchema;
  router.add(get, [tenants](http::Context& ctx) {
    auto t = tenants->get(ctx.tenant());
    if (!t)
      return reply_error(ctx, t.error());
    return reply(200, tenant_json(*t));
  });

  http::RouteSpec rename{Method::kPatch,  "/api/v1/tenants/{t}", "Rename a tenant.", "tenants",
                         Access::kTenant, Role::kOwner,          "tenant.update"};
  rename.request_schema = kRenameSchema;
  rename.response_schema = kTenantSchema;
  router.add(rename, [tenants](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"name"});
    if (!body)
      return reply_error(ctx, body.error());
    auto name = required_string(*body, "name");
    if (!name)
      return reply_error(ctx, name.error());
    auto t = tenants->rename(ctx.tenant(), *name, ctx.actor);
    if (!t)
      return reply_error(ctx, t.error());
    return reply(200, tenant_json(*t));
  });

  // Deleting is for platform admins, but the tenant must still be one the caller can see
  // (Access::kTenant gives 404 for others); the handler then requires platform rights.
  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}",
                         "Delete a tenant and everything in it (platform admins).",
                         "tenants",
                         Access::kTenant,
                         Role::kOwner,
                         "tenant.delete"};
  remove.success_status = 204;
  router.add(remove, [tenants, auth, tsdb = s.tsdb, poller = s.poller,
                      traps = s.traps](http::Context& ctx) {
    if (!ctx.principal->platform_admin) {
      auth->record_denied(*ctx.principal, ctx.actor, ctx.tenant(), "tenant.delete", ctx.tenant());
      return reply_error(
          ctx, Error{ErrorCode::kForbidden, "only platform administrators delete tenants"});
    }
    // Its devices stop first (no poll lands after its series are dropped), then its rows and
    // its time series go: a tenant created again under this id must start empty.
    if (poller != nullptr)
      poller->tenant_removed(ctx.tenant());
    if (traps != nullptr)
      traps->tenant_removed(ctx.tenant());
    if (auto r = tenants->remove(ctx.tenant(), ctx.actor); !r)
      return reply_error(ctx, r.error());
    if (tsdb != nullptr)
      if (auto r = tsdb->drop_tenant(ctx.tenant()); !r)
        return reply_error(ctx, r.error());
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
