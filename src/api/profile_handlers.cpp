// Poll profiles: the built-in ones and the tenant's own (docs/snmp.md).
#include "epcfleet/collector/profile_service.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json profile_body(const collector::Profile& p) {
  json j = json::parse(collector::profile_json(p));
  j["name"] = p.name;
  j["builtin"] = p.builtin;
  return j;
}

constexpr const char* kProfileSchema = R"({"type":"object","properties":{
"name":{"type":"string"},"builtin":{"type":"boolean"},"description":{"type":"string"},
"includes":{"type":"array","items":{"type":"string"}},
"scalars":{"type":"array","items":{"type":"object","properties":{"oid":{"type":"string"},"metric":{"type":"string"},
"type":{"type":"string","enum":["gauge","counter","text"]},"unit":{"type":"string"},"scale":{"type":"number"}}}},
"tables":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"index_label":{"type":"string"},
"labels":{"type":"object"},"columns":{"type":"array"}}}}}})";

Result<std::string> definition_of(const http::Context& ctx) {
  const auto type = ctx.request.header("content-type").value_or("");
  if (type.rfind("application/json", 0) != 0)
    return fail(ErrorCode::kInvalidArgument, "send the body as Content-Type: application/json");
  return ctx.request.body;
}

}  // namespace

void register_profile_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* profiles = s.profiles;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/profiles",
                       "Poll profiles: built-in and the tenant's own.",
                       "snmp",
                       Access::kTenant,
                       Role::kViewer};
  list.response_schema = kProfileSchema;
  router.add(list, [profiles](http::Context& ctx) {
    auto all = profiles->list(ctx.tenant());
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& p : *all)
      items.push_back(profile_body(p));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec show{Method::kGet,        "/api/v1/tenants/{t}/profiles/{name}",
                       "One poll profile.", "snmp",
                       Access::kTenant,     Role::kViewer};
  show.response_schema = kProfileSchema;
  router.add(show, [profiles](http::Context& ctx) {
    auto p = profiles->get(ctx.tenant(), ctx.param("name"));
    if (!p)
      return reply_error(ctx, p.error());
    return reply(200, profile_body(*p));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/profiles",
                         "Create a poll profile: {\"name\", \"description\", \"includes\", "
                         "\"scalars\", \"tables\"}.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "profile.create"};
  create.success_status = 201;
  create.request_schema = kProfileSchema;
  create.response_schema = kProfileSchema;
  router.add(create, [profiles](http::Context& ctx) {
    auto body = definition_of(ctx);
    if (!body)
      return reply_error(ctx, body.error());
    json j = json::parse(*body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string())
      return reply_error(
          ctx, Error{ErrorCode::kInvalidArgument, "the body must be a JSON object with a name"});
    const auto name = j["name"].get<std::string>();
    auto p = profiles->create(ctx.tenant(), name, *body, ctx.actor);
    if (!p)
      return reply_error(ctx, p.error());
    return reply(201, profile_body(*p));
  });

  http::RouteSpec update{Method::kPut,
                         "/api/v1/tenants/{t}/profiles/{name}",
                         "Replace a profile's definition; its devices are re-planned.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "profile.update"};
  update.request_schema = kProfileSchema;
  update.response_schema = kProfileSchema;
  router.add(update, [profiles](http::Context& ctx) {
    auto body = definition_of(ctx);
    if (!body)
      return reply_error(ctx, body.error());
    auto p = profiles->update(ctx.tenant(), ctx.param("name"), *body, ctx.actor);
    if (!p)
      return reply_error(ctx, p.error());
    return reply(200, profile_body(*p));
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/profiles/{name}",
                         "Delete a profile no device uses.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "profile.delete"};
  remove.success_status = 204;
  router.add(remove, [profiles](http::Context& ctx) {
    if (auto st = profiles->remove(ctx.tenant(), ctx.param("name"), ctx.actor); !st)
      return reply_error(ctx, st.error());
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
