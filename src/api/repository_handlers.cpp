// APT repositories: create/list/delete, upload packages, list packages, publish.
#include <cstdio>
#include <filesystem>

#include "apt_json.hpp"
#include "epcfleet/apt/repository_service.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/http/multipart.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

constexpr std::uint64_t kMaxUploadBytes = 512ull << 20;

json repo_json(const store::AptRepo& r) {
  return {{"name", r.name},
          {"suite", r.suite},
          {"codename", r.codename},
          {"components", r.components},
          {"architectures", r.architectures},
          {"keep_versions", r.keep_versions},
          {"package_count", r.package_count},
          {"created_at", format_iso8601(r.created_at)},
          {"published_at", iso_or_null(r.published_at)},
          {"published_snapshot", r.published_snapshot ? json(*r.published_snapshot) : json()}};
}

}  // namespace

json package_json(const store::AptPackage& p) {
  return {{"name", p.name},
          {"version", p.version},
          {"architecture", p.architecture},
          {"component", p.component},
          {"filename", p.filename},
          {"size", p.size},
          {"sha256", p.sha256},
          {"uploaded_by", p.uploaded_by},
          {"uploaded_at", format_iso8601(p.uploaded_at)}};
}

Result<json> filtered_packages(const http::Request& request,
                               const std::vector<store::AptPackage>& packages) {
  auto page = page_request(request);
  if (!page)
    return fail(page.error());
  const auto q = request.query("q").value_or("");
  const auto name = request.query("name");
  const auto version = request.query("version");
  const auto arch = request.query("architecture");
  // Rows come ordered by name, architecture, version: this key follows that order.
  auto key = [](const store::AptPackage& p) {
    return p.name + '\n' + p.architecture + '\n' + p.version;
  };
  json items = json::array();
  std::string last_key;
  std::optional<std::string> next;
  for (const auto& p : packages) {
    if ((!q.empty() && p.name.find(q) == std::string::npos) || (name && p.name != *name) ||
        (version && p.version != *version) || (arch && p.architecture != *arch))
      continue;
    if (!page->after.empty() && key(p) <= page->after)
      continue;
    if (items.size() == page->limit) {
      next = last_key;  // more match: the next page starts after the last one sent
      break;
    }
    items.push_back(package_json(p));
    last_key = key(p);
  }
  return page_body(std::move(items), next);
}

namespace {

Result<std::vector<std::string>> string_list(const json& body, const char* field,
                                             std::vector<std::string> fallback) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null())
    return fallback;
  if (!it->is_array())
    return fail(ErrorCode::kInvalidArgument,
                std::string("field '") + field + "' must be a list of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string())
      return fail(ErrorCode::kInvalidArgument,
                  std::string("field '") + field + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

constexpr const char* kRepoSchema = R"({"type":"object","properties":{"name":{"type":"string"},
"suite":{"type":"string"},"codename":{"type":"string"},"components":{"type":"array","items":{"type":"string"}},
"architectures":{"type":"array","items":{"type":"string"}},"keep_versions":{"type":"integer"},
"package_count":{"type":"integer"},"created_at":{"type":"string","format":"date-time"},
"published_at":{"type":["string","null"],"format":"date-time"},"published_snapshot":{"type":["string","null"]}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["name"],"properties":{
"name":{"type":"string","pattern":"^[a-z0-9][a-z0-9-]{1,31}$"},"suite":{"type":"string","description":"Defaults to the name."},
"codename":{"type":"string"},"components":{"type":"array","items":{"type":"string"},"default":["main"]},
"architectures":{"type":"array","items":{"type":"string"},"default":["amd64","arm64"]},
"keep_versions":{"type":"integer","minimum":0,"maximum":1000,"default":0,"description":"Newest N versions kept per package and architecture; 0 keeps all."}}})";
constexpr const char* kUpdateSchema = R"({"type":"object","properties":{
"keep_versions":{"type":"integer","minimum":0,"maximum":1000}}})";
constexpr const char* kCopySchema =
    R"({"type":"object","required":["from","name","version"],"properties":{
"from":{"type":"string"},"name":{"type":"string"},"version":{"type":"string"},
"architecture":{"type":"string","description":"Only this architecture; all of the version's by default."}}})";
constexpr const char* kPublishSchema = R"({"type":"object","properties":{
"snapshot":{"type":"string","description":"Publish this snapshot's package set (it becomes the repository's)."}}})";

}  // namespace

void register_repository_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* repos = s.repositories;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/repos",
                       "The tenant's APT repositories.",
                       "repositories",
                       Access::kTenant,
                       Role::kViewer};
  list.response_schema = kRepoSchema;
  router.add(list, [repos](http::Context& ctx) {
    auto all = repos->list(ctx.tenant());
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& r : *all)
      items.push_back(repo_json(r));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/repos",
                         "Create an APT repository.",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "repo.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kRepoSchema;
  router.add(create, [repos](http::Context& ctx) {
    auto body = parse_object(
        ctx.request, {"name", "suite", "codename", "components", "architectures", "keep_versions"});
    if (!body)
      return reply_error(ctx, body.error());
    auto name = required_string(*body, "name");
    auto suite = optional_string(*body, "suite");
    auto codename = optional_string(*body, "codename");
    auto components = string_list(*body, "components", {"main"});
    auto archs = string_list(*body, "architectures", {"amd64", "arm64"});
    if (!name)
      return reply_error(ctx, name.error());
    if (!suite)
      return reply_error(ctx, suite.error());
    if (!codename)
      return reply_error(ctx, codename.error());
    if (!components)
      return reply_error(ctx, components.error());
    if (!archs)
      return reply_error(ctx, archs.error());
    auto keep = optional_integer(*body, "keep_versions");
    if (!keep)
      return reply_error(ctx, keep.error());
    apt::NewRepo request{*name,  suite->value_or(""), codename->value_or(""), *components,
                         *archs, keep->value_or(0)};
    auto repo = repos->create(ctx.tenant(), request, ctx.actor);
    if (!repo)
      return reply_error(ctx, repo.error());
    return reply(201, repo_json(*repo));
  });

  http::RouteSpec get{Method::kGet,      "/api/v1/tenants/{t}/repos/{r}",
                      "One repository.", "repositories",
                      Access::kTenant,   Role::kViewer};
  get.response_schema = kRepoSchema;
  router.add(get, [repos](http::Context& ctx) {
    auto repo = repos->get(ctx.tenant(), ctx.param("r"));
    if (!repo)
      return reply_error(ctx, repo.error());
    return reply(200, repo_json(*repo));
  });

  http::RouteSpec update{Method::kPatch,
                         "/api/v1/tenants/{t}/repos/{r}",
                         "Change a repository's retention (keep_versions); applies at once.",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "repo.update"};
  update.request_schema = kUpdateSchema;
  update.response_schema = kRepoSchema;
  router.add(update, [repos](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"keep_versions"});
    if (!body)
      return reply_error(ctx, body.error());
    auto keep = optional_integer(*body, "keep_versions");
    if (!keep)
      return reply_error(ctx, keep.error());
    if (!*keep) {
      auto repo = repos->get(ctx.tenant(), ctx.param("r"));
      return repo ? reply(200, repo_json(*repo)) : reply_error(ctx, repo.error());
    }
    auto repo = repos->set_keep_versions(ctx.tenant(), ctx.param("r"), **keep, ctx.actor);
    if (!repo)
      return reply_error(ctx, repo.error());
    return reply(200, repo_json(*repo));
  });

  http::RouteSpec remove{Method::kDelete,
                         "/api/v1/tenants/{t}/repos/{r}",
                         "Delete a repository, its packages and its published indexes.",
                         "repositories",
                         Access::kTenant,
                         Role::kOwner,
                         "repo.delete"};
  remove.success_status = 204;
  router.add(remove, [repos](http::Context& ctx) {
    if (auto r = repos->remove(ctx.tenant(), ctx.param("r"), ctx.actor); !r)
      return reply_error(ctx, r.error());
    return http::Response::no_content();
  });

  http::RouteSpec upload{
      Method::kPost,
      "/api/v1/tenants/{t}/repos/{r}/packages",
      "Upload a .deb: the raw file as the body, or a multipart/form-data body whose file part is "
      "the .deb (?component=main).",
      "repositories",
      Access::kTenant,
      Role::kOperator,
      "package.upload"};
  upload.upload = true;
  upload.max_body_bytes = kMaxUploadBytes;
  upload.success_status = 201;
  upload.query_params = {"component"};
  upload.response_schema = kPackageSchema;
  router.add(upload, [repos](http::Context& ctx) {
    std::error_code size_error;
    if (!ctx.request.body_file ||
        std::filesystem::file_size(*ctx.request.body_file, size_error) == 0) {
      return reply_error(
          ctx, Error{ErrorCode::kInvalidArgument, "send the .deb file as the request body"});
    }
    const auto component = ctx.request.query("component").value_or("main");
    // A multipart/form-data body (a browser form, curl -F) carries the .deb as its file part.
    auto boundary = http::multipart_boundary(ctx.request.header("content-type").value_or(""));
    if (!boundary)
      return reply_error(ctx, boundary.error());
    std::string file = *ctx.request.body_file;
    if (*boundary) {
      auto part = http::extract_multipart_file(file, **boundary);
      if (!part)
        return reply_error(ctx, part.error());
      file = *part;
    }
    struct RemovePart {
      const std::string& path;
      bool owned;
      ~RemovePart() {
        if (owned)
          std::remove(path.c_str());
      }
    } remove_part{file, file != *ctx.request.body_file};
    auto result = repos->upload(ctx.tenant(), ctx.param("r"), component, file, ctx.actor);
    if (!result)
      return reply_error(ctx, result.error());
    return reply(result->created ? 201 : 200, package_json(result->package));
  });

  http::RouteSpec packages{Method::kGet,
                           "/api/v1/tenants/{t}/repos/{r}/packages",
                           "The packages in a repository (?q= name substring, ?name= exact name "
                           "for all versions of one package, ?architecture=).",
                           "repositories",
                           Access::kTenant,
                           Role::kViewer};
  packages.response_schema = kPackageSchema;
  packages.query_params = {"q", "name", "version", "architecture", "cursor", "limit"};
  router.add(packages, [repos](http::Context& ctx) {
    auto all = repos->packages(ctx.tenant(), ctx.param("r"));
    if (!all)
      return reply_error(ctx, all.error());
    auto body = filtered_packages(ctx.request, *all);
    return body ? reply(200, *body) : reply_error(ctx, body.error());
  });

  http::RouteSpec remove_package{Method::kDelete,
                                 "/api/v1/tenants/{t}/repos/{r}/packages/{name}/{version}/{arch}",
                                 "Delete one version of a package (its pool file goes at the next "
                                 "publish, once no kept generation lists it).",
                                 "repositories",
                                 Access::kTenant,
                                 Role::kOperator,
                                 "package.delete"};
  remove_package.success_status = 204;
  router.add(remove_package, [repos](http::Context& ctx) {
    if (auto r = repos->remove_package(ctx.tenant(), ctx.param("r"), ctx.param("name"),
                                       ctx.param("version"), ctx.param("arch"), ctx.actor);
        !r)
      return reply_error(ctx, r.error());
    return http::Response::no_content();
  });

  http::RouteSpec copy{Method::kPost,
                       "/api/v1/tenants/{t}/repos/{r}/packages/copy",
                       "Copy a package version from another repository of the tenant.",
                       "repositories",
                       Access::kTenant,
                       Role::kOperator,
                       "package.copy"};
  copy.request_schema = kCopySchema;
  router.add(copy, [repos](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"from", "name", "version", "architecture"});
    if (!body)
      return reply_error(ctx, body.error());
    auto from = required_string(*body, "from");
    auto name = required_string(*body, "name");
    auto version = required_string(*body, "version");
    auto arch = optional_string(*body, "architecture");
    for (const auto* r : {&from, &name, &version}) {
      if (!*r)
        return reply_error(ctx, r->error());
    }
    if (!arch)
      return reply_error(ctx, arch.error());
    auto copied =
        repos->copy(ctx.tenant(), ctx.param("r"), *from, *name, *version, *arch, ctx.actor);
    if (!copied)
      return reply_error(ctx, copied.error());
    json items = json::array();
    for (const auto& p : *copied)
      items.push_back(package_json(p));
    return reply(200, json{{"copied", std::move(items)}});
  });

  http::RouteSpec publish{Method::kPost,
                          "/api/v1/tenants/{t}/repos/{r}/publish",
                          "Write and sign the repository's indexes (atomic for clients).",
                          "repositories",
                          Access::kTenant,
                          Role::kOperator,
                          "repo.publish"};
  publish.request_schema = kPublishSchema;
  publish.response_schema = kRepoSchema;
  router.add(publish, [repos](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"snapshot"});
    if (!body)
      return reply_error(ctx, body.error());
    auto snapshot = optional_string(*body, "snapshot");
    if (!snapshot)
      return reply_error(ctx, snapshot.error());
    auto repo = repos->publish(ctx.tenant(), ctx.param("r"), *snapshot, ctx.actor);
    if (!repo)
      return reply_error(ctx, repo.error());
    return reply(200, repo_json(*repo));
  });
}

}  // namespace epcfleet::api
