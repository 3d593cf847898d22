// Snapshots: freeze a repository's package set; promotion is publishing one snapshot in several
// repositories (POST …/repos/{r}/publish {"snapshot": …}).
#include "apt_json.hpp"
#include "epcfleet/apt/snapshot_service.hpp"
#include "epcfleet/core/time.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json snapshot_json(const store::AptSnapshot& s) {
  return {{"name", s.name},
          {"repo", s.repo},
          {"description", s.description},
          {"package_count", s.package_count},
          {"created_by", s.created_by},
          {"created_at", format_iso8601(s.created_at)},
          {"published_in", s.published_in}};
}

constexpr const char* kSnapshotSchema = R"({"type":"object","properties":{"name":{"type":"string"},
"repo":{"type":"string"},"description":{"type":"string"},"package_count":{"type":"integer"},
"created_by":{"type":"string"},"created_at":{"type":"string","format":"date-time"},
"published_in":{"type":"array","items":{"type":"string"}}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["name","repo"],"properties":{
"name":{"type":"string","pattern":"^[a-z0-9][a-z0-9._-]{0,63}$"},"repo":{"type":"string"},
"description":{"type":"string","maxLength":1000}}})";

}  // namespace

void register_snapshot_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* snapshots = s.snapshots;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/snapshots",
                       "The tenant's snapshots.",
                       "repositories",
                       Access::kTenant,
                       Role::kViewer};
  list.response_schema = kSnapshotSchema;
  router.add(list, [snapshots](http::Context& ctx) {
    auto all = snapshots->list(ctx.tenant());
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& x : *all)
      items.push_back(snapshot_json(x));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/snapshots",
                         "Freeze a repository's current package set under a name.",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "snapshot.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kSnapshotSchema;
  router.add(create, [snapshots](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"name", "repo", "description"});
    if (!body)
      return reply_error(ctx, body.error());
    auto name = required_string(*body, "name");
    auto repo = required_string(*body, "repo");
    auto description = optional_string(*body, "description");
    if (!name)
      return reply_error(ctx, name.error());
    if (!repo)
      return reply_error(ctx, repo.error());
    if (!description)
      return reply_error(ctx, description.error());
    auto created =
        snapshots->create(ctx.tenant(), {*name, *repo, description->value_or("")}, ctx.actor);
    if (!created)
      return reply_error(ctx, created.error());
    return reply(201, snapshot_json(*created));
  });

  http::RouteSpec get{Method::kGet,    "/api/v1/tenants/{t}/snapshots/{s}",
                      "One snapshot.", "repositories",
                      Access::kTenant, Role::kViewer};
  get.response_schema = kSnapshotSchema;
  router.add(get, [snapshots](http::Context& ctx) {
    auto found = snapshots->get(ctx.tenant(), ctx.param("s"));
    if (!found)
      return reply_error(ctx, found.error());
    return reply(200, snapshot_json(*found));
  });

  http::RouteSpec packages{Method::kGet,
                           "/api/v1/tenants/{t}/snapshots/{s}/packages",
                           "The packages frozen in a snapshot (same filters as a repository's).",
                           "repositories",
                           Access::kTenant,
                           Role::kViewer};
  packages.response_schema = kPackageSchema;
  packages.query_params = {"q", "name", "version", "architecture", "cursor", "limit"};
  router.add(packages, [snapshots](http::Context& ctx) {
    auto all = snapshots->packages(ctx.tenant(), ctx.param("s"));
    if (!all)
      return reply_error(ctx, all.error());
    auto body = filtered_packages(ctx.request, *all);
    return body ? reply(200, *body) : reply_error(ctx, body.error());
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/snapshots/{s}",
                         "Delete a snapshot (refused while a repository publishes it).",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "snapshot.delete"};
  remove.success_status = 204;
  router.add(remove, [snapshots](http::Context& ctx) {
    if (auto r = snapshots->remove(ctx.tenant(), ctx.param("s"), ctx.actor); !r)
      return reply_error(ctx, r.error());
    return http::Response::no_content();
  });
}

}  // namespace epcfleet::api
