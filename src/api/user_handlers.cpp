// A tenant's users (owners manage them).
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json member_json(const store::Member& m) {
  return {{"username", m.username},
          {"role", to_string(m.role)},
          {"created_at", format_iso8601(m.created_at)},
          {"last_login_at", iso_or_null(m.last_login_at)}};
}

constexpr const char* kUserSchema = R"({"type":"object","properties":{"username":{"type":"string"},
"role":{"type":"string","enum":["owner","operator","viewer"]},"created_at":{"type":"string","format":"date-time"},
"last_login_at":{"type":["string","null"],"format":"date-time"}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["username","password","role"],
"properties":{"username":{"type":"string","pattern":"^[a-z0-9][a-z0-9._-]{1,63}$"},
"password":{"type":"string","format":"password","minLength":12},
"role":{"type":"string","enum":["owner","operator","viewer"]}}})";
constexpr const char* kUpdateSchema = R"({"type":"object","properties":{
"role":{"type":"string","enum":["owner","operator","viewer"]},
"password":{"type":"string","format":"password","minLength":12}}})";

}  // namespace

void register_user_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* users = s.users;

  http::RouteSpec list{Method::kGet,          "/api/v1/tenants/{t}/users",
                       "The tenant's users.", "users",
                       Access::kTenant,       Role::kOwner};
  list.query_params = {"limit", "cursor"};
  list.response_schema = kUserSchema;
  router.add(list, [users](http::Context& ctx) {
    auto page = page_request(ctx.request);
    if (!page)
      return reply_error(ctx, page.error());
    auto result = users->list(ctx.tenant(), page->after, page->limit);
    if (!result)
      return reply_error(ctx, result.error());
    json items = json::array();
    for (const auto& m : result->items)
      items.push_back(member_json(m));
    return reply(200, page_body(std::move(items), result->next_cursor));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/users",
                         "Create a user in the tenant.",
                         "users",
                         Access::kTenant,
                         Role::kOwner,
                         "user.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kUserSchema;
  router.add(create, [users](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"username", "password", "role"});
    if (!body)
      return reply_error(ctx, body.error());
    auto username = required_string(*body, "username");
    if (!username)
      return reply_error(ctx, username.error());
    auto password = required_string(*body, "password");
    if (!password)
      return reply_error(ctx, password.error());
    auto role = role_field(*body, "role");
    if (!role)
      return reply_error(ctx, role.error());
    auto m = users->create(ctx.tenant(), {*username, *password, *role}, ctx.actor);
    if (!m)
      return reply_error(ctx, m.error());
    auto r = reply(201, member_json(*m));
    r.set_header("location", "/api/v1/tenants/" + ctx.tenant() + "/users/" + m->username);
    return r;
  });

  http::RouteSpec get{Method::kGet,    "/api/v1/tenants/{t}/users/{username}",
                      "One user.",     "users",
                      Access::kTenant, Role::kOwner};
  get.response_schema = kUserSchema;
  router.add(get, [users](http::Context& ctx) {
    auto m = users->get(ctx.tenant(), ctx.param("username"));
    if (!m)
      return reply_error(ctx, m.error());
    return reply(200, member_json(*m));
  });

  http::RouteSpec update{Method::kPatch,
                         "/api/v1/tenants/{t}/users/{username}",
                         "Change a user's role or password.",
                         "users",
                         Access::kTenant,
                         Role::kOwner,
                         "user.update"};
  update.request_schema = kUpdateSchema;
  update.response_schema = kUserSchema;
  router.add(update, [users](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"role", "password"});
    if (!body)
      return reply_error(ctx, body.error());
    auth::UserChange change;
    if (body->contains("role")) {
      auto role = role_field(*body, "role");
      if (!role)
        return reply_error(ctx, role.error());
      change.role = *role;
    }
    auto password = optional_string(*body, "password");
    if (!password)
      return reply_error(ctx, password.error());
    change.password = *password;
    auto m = users->update(ctx.tenant(), ctx.param("username"), change, ctx.actor);
    if (!m)
      return reply_error(ctx, m.error());
    return reply(200, member_json(*m));
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/users/{username}",
                         "Remove a user from the tenant.",
                         "users",
                         Access::kTenant,
                         Role::kOwner,
                         "user.delete"};
  remove.success_status = 204;
  router.add(remove, [users](http::Context& ctx) {
    if (auto r = users->remove(ctx.tenant(), ctx.param("username"), ctx.actor); !r) {
      return reply_error(ctx, r.error());
    }
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
