// How EPCs reach a repository: credentials for apt's auth.conf, and the sources entry to install.
#include <sstream>

#include "epcfleet/apt/credential_service.hpp"
#include "epcfleet/apt/repository_service.hpp"
#include "epcfleet/apt/signing_key_service.hpp"
#include "epcfleet/core/strings.hpp"
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json credential_json(const store::AptCredential& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"username", c.username},
          {"created_by", c.created_by},
          {"created_at", format_iso8601(c.created_at)},
          {"last_used_at", iso_or_null(c.last_used_at)}};
}

constexpr const char* kCredentialSchema = R"({"type":"object","properties":{"id":{"type":"string"},
"name":{"type":"string"},"username":{"type":"string"},"password":{"type":"string","description":"Only in the answer to POST."},
"auth_conf":{"type":"string"},"created_by":{"type":"string"},"created_at":{"type":"string","format":"date-time"},
"last_used_at":{"type":["string","null"],"format":"date-time"}}})";
constexpr const char* kCreateSchema = R"({"type":"object","required":["name"],"properties":{
"name":{"type":"string","description":"Whose credential this is, e.g. the EPC's name."}}})";

// Where clients reach this server: the Host they used, with the scheme this server speaks.
struct RepoUrl {
  std::string scheme;
  std::string host;  // host[:port]
  std::string path;  // /apt/<t>/<r>
};

RepoUrl repo_url(const http::Context& ctx, const Services& s) {
  return {s.secure_cookies ? "https" : "http", ctx.request.header("host").value_or("localhost"),
          "/apt/" + ctx.tenant() + "/" + ctx.param("r")};
}

// apt sends credentials over plain http only when the machine is written with its scheme.
std::string auth_conf_line(const RepoUrl& url, const std::string& login,
                           const std::string& password) {
  const std::string machine =
      (url.scheme == "http" ? "http://" : std::string()) + url.host + url.path;
  return "machine " + machine + " login " + login + " password " + password + "\n";
}

// deb822 multi-line field: continuation lines start with a space; empty lines become " ."
// (armored keys come with CRLF line ends; a stray CR would make a line look non-empty to us and
// blank to apt, which ends the field there).
std::string folded(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    out += line.empty() ? " .\n" : " " + line + "\n";
  }
  return out;
}

}  // namespace

void register_repo_access_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* credentials = s.credentials;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/repos/{r}/credentials",
                       "The repository's apt credentials (never their passwords).",
                       "repositories",
                       Access::kTenant,
                       Role::kOperator};
  list.response_schema = kCredentialSchema;
  router.add(list, [credentials](http::Context& ctx) {
    auto all = credentials->list(ctx.tenant(), ctx.param("r"));
    if (!all)
      return reply_error(ctx, all.error());
    json items = json::array();
    for (const auto& c : *all)
      items.push_back(credential_json(c));
    return reply(200, page_body(std::move(items), std::nullopt));
  });

  http::RouteSpec create{Method::kPost,
                         "/api/v1/tenants/{t}/repos/{r}/credentials",
                         "Mint a username/password for apt's auth.conf (the password is shown "
                         "only in this answer).",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "repo_credential.create"};
  create.success_status = 201;
  create.request_schema = kCreateSchema;
  create.response_schema = kCredentialSchema;
  router.add(create, [credentials, s](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"name"});
    if (!body)
      return reply_error(ctx, body.error());
    auto name = required_string(*body, "name");
    if (!name)
      return reply_error(ctx, name.error());
    auto minted = credentials->create(ctx.tenant(), ctx.param("r"), *name, ctx.actor);
    if (!minted)
      return reply_error(ctx, minted.error());
    json out = credential_json(minted->credential);
    out["password"] = minted->password;
    out["auth_conf"] =
        auth_conf_line(repo_url(ctx, s), minted->credential.username, minted->password);
    return reply(201, out);
  });

  http::RouteSpec revoke{Method::kDelete,
                         "/api/v1/tenants/{t}/repos/{r}/credentials/{id}",
                         "Revoke a credential: apt requests with it get 401 at once.",
                         "repositories",
                         Access::kTenant,
                         Role::kOperator,
                         "repo_credential.revoke"};
  revoke.success_status = 204;
  router.add(revoke, [credentials](http::Context& ctx) {
    if (auto r = credentials->revoke(ctx.tenant(), ctx.param("r"), ctx.param("id"), ctx.actor); !r)
      return reply_error(ctx, r.error());
    return http::Response::no_content();
  });

  http::RouteSpec sources{Method::kGet,
                          "/api/v1/tenants/{t}/repos/{r}/sources",
                          "The apt source for an EPC: deb822 .sources with the key embedded "
                          "(default), ?format=list (one line), ?format=auth (auth.conf line "
                          "template) or ?format=json (all of them).",
                          "repositories",
                          Access::kTenant,
                          Role::kViewer};
  sources.query_params = {"format"};
  router.add(sources, [s](http::Context& ctx) {
    auto repo = s.repositories->get(ctx.tenant(), ctx.param("r"));
    if (!repo)
      return reply_error(ctx, repo.error());
    auto key = s.signing_keys->current(ctx.tenant());
    if (!key)
      return reply_error(ctx, key.error());
    const auto url = repo_url(ctx, s);
    const std::string uri = url.scheme + "://" + url.host + url.path;
    const std::string keyring_path = "/etc/apt/keyrings/epcfleet-" + ctx.tenant() + ".gpg";
    const std::string deb822 = "Types: deb\nURIs: " + uri + "\nSuites: " + repo->suite +
                               "\nComponents: " + join(repo->components) +
                               "\nArchitectures: " + join(repo->architectures) + "\nSigned-By:\n" +
                               folded(key->public_armored);
    const std::string list_line = "deb [arch=" + join(repo->architectures, ",") +
                                  " signed-by=" + keyring_path + "] " + uri + " " + repo->suite +
                                  " " + join(repo->components) + "\n";
    const std::string auth = auth_conf_line(url, "<USERNAME>", "<PASSWORD>");
    const auto format = ctx.request.query("format").value_or("deb822");
    if (format == "deb822")
      return http::Response::text(200, deb822);
    if (format == "list")
      return http::Response::text(200, list_line);
    if (format == "auth")
      return http::Response::text(200, auth);
    if (format != "json") {
      return reply_error(
          ctx, Error{ErrorCode::kInvalidArgument, "format must be deb822, list, auth or json"});
    }
    return reply(
        200, json{{"deb822", deb822},
                  {"list", list_line},
                  {"auth_conf", auth},
                  {"sources_path", "/etc/apt/sources.list.d/epcfleet-" + ctx.tenant() + "-" +
                                       ctx.param("r") + ".sources"},
                  {"auth_conf_path", "/etc/apt/auth.conf.d/epcfleet-" + ctx.tenant() + "-" +
                                         ctx.param("r") + ".conf"},
                  {"keyring_url", "/api/v1/tenants/" + ctx.tenant() + "/signing-keys/current.gpg"},
                  {"keyring_path", keyring_path}});
  });
}

}  // namespace epcfleet::api
