// SNMPv3 users for traps and informs, per tenant (passwords sealed, never returned).
#include "epcfleet/collector/trap_user_service.hpp"
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json user_json(const store::SnmpTrapUser& u) {
  return {{"username", u.username},
          {"auth_protocol", u.auth_protocol},
          {"priv_protocol", u.priv_protocol},
          {"auth_password_set", u.auth_secret.has_value()},
          {"priv_password_set", u.priv_secret.has_value()},
          {"created_by", u.created_by},
          {"created_at", format_iso8601(u.created_at)}};
}

constexpr const char* kUserSchema = R"({"type":"object","properties":{"username":{"type":"string"},
"auth_protocol":{"type":"string","enum":["none","MD5","SHA","SHA-224","SHA-256","SHA-384","SHA-512"]},
"priv_protocol":{"type":"string","enum":["none","DES","AES","AES-192","AES-256"]},
"auth_password_set":{"type":"boolean"},"priv_password_set":{"type":"boolean"},
"created_by":{"type":"string"},"created_at":{"type":"string"}}})";

}  // namespace

void register_trap_user_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* users = s.trap_users;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/trap-users",
                       "SNMPv3 users the tenant's devices send traps and informs as.",
                       "snmp",
                       Access::kTenant,
                       Role::kOperator};
  list.response_schema = kUserSchema;
  router.add(list, [users](http::Context& ctx) {
    auto all = users->list(ctx.tenant());
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& u : *all)
      items.push_back(user_json(u));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/trap-users",
                         "Add an SNMPv3 trap user: {\"username\", \"auth_protocol\", "
                         "\"auth_password\", \"priv_protocol\", \"priv_password\"}.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "trap_user.create"};
  create.success_status = 201;
  create.response_schema = kUserSchema;
  router.add(create, [users](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"username", "auth_protocol", "auth_password",
                                           "priv_protocol", "priv_password"});
    if (!body)
      return reply_error(ctx, body.error());
    auto username = required_string(*body, "username");
    auto auth = optional_string(*body, "auth_protocol");
    auto auth_password = optional_string(*body, "auth_password");
    auto priv = optional_string(*body, "priv_protocol");
    auto priv_password = optional_string(*body, "priv_password");
    if (!username)
      return reply_error(ctx, username.error());
    for (const auto* r : {&auth, &auth_password, &priv, &priv_password}) {
      if (!*r)
        return reply_error(ctx, r->error());
    }
    collector::TrapUserInput in{*username, auth->value_or("none"), *auth_password,
                                priv->value_or("none"), *priv_password};
    auto u = users->create(ctx.tenant(), in, ctx.actor);
    if (!u)
      return reply_error(ctx, u.error());
    return reply(201, user_json(*u));
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/trap-users/{user}",
                         "Remove an SNMPv3 trap user.",
                         "snmp",
                         Access::kTenant,
                         Role::kOperator,
                         "trap_user.delete"};
  remove.success_status = 204;
  router.add(remove, [users](http::Context& ctx) {
    if (auto st = users->remove(ctx.tenant(), ctx.param("user"), ctx.actor); !st)
      return reply_error(ctx, st.error());
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
