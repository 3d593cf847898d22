// API tokens for scripts (operators and owners).
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json token_json(const store::ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", to_string(t.role)},
          {"created_by", t.created_by},
          {"created_at", format_iso8601(t.created_at)},
          {"expires_at", format_iso8601(t.expires_at)},
          {"last_used_at", iso_or_null(t.last_used_at)}};
}

constexpr const char* kTokenSchema = R"({"type":"object","properties":{"id":{"type":"string"},
"name":{"type":"string"},"role":{"type":"string"},"created_by":{"type":"string"},
"created_at":{"type":"string","format":"date-time"},"expires_at":{"type":"string","format":"date-time"},
"last_used_at":{"type":["string","null"],"format":"date-time"},
"token":{"type":"string","description":"Only in the answer to creation: the secret, shown once."}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["name","role"],"properties":{
"name":{"type":"string","maxLength":200},"role":{"type":"string","enum":["owner","operator","viewer"]},
"expires_in_days":{"type":"integer","minimum":1,"maximum":730,"default":90}}})";

}  // namespace

void register_token_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* tokens = s.tokens;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/tokens",
                       "The tenant's API tokens.",
                       "tokens",
                       Access::kTenant,
                       Role::kOperator};
  list.query_params = {"limit", "cursor"};
  list.response_schema = kTokenSchema;
  router.add(list, [tokens](http::Context& ctx) {
    auto page = page_request(ctx.request);
    if (!page)
      return reply_error(ctx, page.error());
    auto result = tokens->list(ctx.tenant(), page->after, page->limit);
    if (!result)
      return reply_error(ctx, result.error());
    json items = json::array();
    for (const auto& t : result->items)
      items.push_back(token_json(t));
    return reply(200, page_body(std::move(items), result->next_cursor));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/tokens",
                         "Create an API token; the secret is in this answer only.",
                         "tokens",
                         Access::kTenant,
                         Role::kOperator,
                         "token.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kTokenSchema;
  router.add(create, [tokens](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"name", "role", "expires_in_days"});
    if (!body)
      return reply_error(ctx, body.error());
    auto name = required_string(*body, "name");
    if (!name)
      return reply_error(ctx, name.error());
    auto role = role_field(*body, "role");
    if (!role)
      return reply_error(ctx, role.error());
    auto days = optional_integer(*body, "expires_in_days");
    if (!days)
      return reply_error(ctx, days.error());
    auth::NewToken request{*name, *role, days->value_or(90)};
    auto created =
        tokens->create(ctx.tenant(), request, *ctx.role, ctx.principal->user_id, ctx.actor);
    if (!created)
      return reply_error(ctx, created.error());
    json body_out = token_json(created->token);
    body_out["token"] = created->secret;
    return reply(201, body_out);
  });

  http::RouteSpec revoke{Method::kDelete,        "/api/v1/tenants/{t}/tokens/{id}",
                         "Revoke an API token.", "tokens",
                         Access::kTenant,        Role::kOperator,
                         "token.revoke"};
  revoke.success_status = 204;
  router.add(revoke, [tokens](http::Context& ctx) {
    if (auto r = tokens->revoke(ctx.tenant(), ctx.param("id"), ctx.actor); !r) {
      return reply_error(ctx, r.error());
    }
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
