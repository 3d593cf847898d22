// Walks every route of the OpenAPI document as a user of the wrong tenant and as each role too
// weak for it. Routes added by later modules join the walk by being in the document.
#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

class TenantIsolationTest : public ServerTest {
protected:
  // Path parameters filled with acme's real resources, so a leak would be a real leak.
  std::string concrete(std::string path) {
    const std::map<std::string, std::string> values = {
        {"{t}", "acme"}, {"{username}", "victim"}, {"{id}", acme_token_id_}};
    for (const auto& [k, v] : values) {
      for (auto pos = path.find(k); pos != std::string::npos; pos = path.find(k))
        path.replace(pos, k.size(), v);
    }
    for (auto pos = path.find('{'); pos != std::string::npos; pos = path.find('{')) {
      path.replace(pos, path.find('}', pos) - pos + 1, "probe");  // params of later modules
    }
    return path;
  }
  static std::string upper(std::string m) {
    for (auto& c : m)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return m;
  }
  static std::optional<std::string> body_for(const std::string& method) {
    if (method == "GET" || method == "DELETE" || method == "HEAD")
      return std::nullopt;
    return std::string(
        R"({"name":"pwned","role":"owner","username":"pwned","password":"pwned-password-1","id":"pwned"})");
  }
  std::string acme_token_id_;
};

TEST_P(TenantIsolationTest, NoRouteLeaksAnotherTenantsResourcesOrLetsAWeakRoleChangeThem) {
  auto acme_owner = tenant_user("acme", "acme-owner", "owner");
  auto acme_operator = tenant_user("acme", "acme-operator", "operator");
  auto acme_viewer = tenant_user("acme", "acme-viewer", "viewer");
  auto intruder = tenant_user("umbrella", "umbrella-owner", "owner");
  ASSERT_EQ(admin_
                ->post("/api/v1/tenants/acme/users",
                       R"({"username":"victim","password":"victim-password-1","role":"viewer"})")
                .status,
            201);
  auto token = admin_->post("/api/v1/tenants/acme/tokens", R"({"name":"acme-ci","role":"owner"})");
  ASSERT_EQ(token.status, 201);
  acme_token_id_ = parse(token)["id"];
  auto intruder_token =
      intruder.post("/api/v1/tenants/umbrella/tokens", R"({"name":"u-ci","role":"owner"})");
  ASSERT_EQ(intruder_token.status, 201);
  HttpClient intruder_script = server_->client();
  intruder_script.set_bearer(parse(intruder_token)["token"]);

  const std::map<std::string, HttpClient*> by_role = {
      {"viewer", &acme_viewer}, {"operator", &acme_operator}, {"owner", &acme_owner}};
  const std::vector<std::string> rank = {"viewer", "operator", "owner"};

  auto doc = parse(server_->client().get("/api/v1/openapi.json"));
  int tenant_routes = 0;
  int admin_routes = 0;
  int walked = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [m, op] : methods.items()) {
      const std::string method = upper(m);
      const std::string access = op["x-epcfleet-access"];
      const std::string url = concrete(path);
      ++walked;
      if (access == "tenant") {
        ++tenant_routes;
        for (HttpClient* who : {&intruder, &intruder_script}) {
          auto r = who->request(method, url, body_for(method));
          EXPECT_EQ(r.status, 404) << method << " " << url << " as umbrella: " << r.body;
          EXPECT_EQ(r.body.find("victim"), std::string::npos) << method << " " << url;
          EXPECT_EQ(r.body.find("acme-ci"), std::string::npos) << method << " " << url;
        }
        // Each role below the route's minimum is refused with 403 (and nothing changes).
        const std::string min_role = op["x-epcfleet-min-role"];
        for (const auto& role : rank) {
          if (role == min_role)
            break;
          auto r = by_role.at(role)->request(method, url, body_for(method));
          EXPECT_EQ(r.status, 403) << method << " " << url << " as " << role << ": " << r.body;
        }
      } else if (access == "platform_admin") {
        ++admin_routes;
        for (HttpClient* who : {&acme_owner, &intruder_script}) {
          auto r = who->request(method, url, body_for(method));
          EXPECT_EQ(r.status, 403) << method << " " << url << ": " << r.body;
        }
      } else if (access == "authenticated") {
        auto r = server_->client().request(method, url, body_for(method));
        EXPECT_EQ(r.status, 401) << method << " " << url;
      }
    }
  }
  // The realistic attack: one's own tenant in the path, another tenant's ids after it. Handlers
  // must scope every lookup by tenant, not only the middleware.
  for (const auto& [path, methods] : doc["paths"].items()) {
    if (path.find("{t}") == std::string::npos ||
        path.find('}', path.find("{t}") + 3) == std::string::npos) {
      continue;  // only routes with an id after the tenant
    }
    for (const auto& [m, op] : methods.items()) {
      const std::string method = upper(m);
      if (method == "POST")
        continue;  // creating things in one's own tenant is allowed
      std::string url = concrete(path);
      url.replace(url.find("/acme"), 5, "/umbrella");
      auto r = intruder.request(method, url, body_for(method));
      // 404, or 400 when the (deliberately odd) body is refused before the lookup: never a success.
      EXPECT_TRUE(r.status == 404 || r.status == 400) << method << " " << url << ": " << r.body;
      EXPECT_EQ(r.body.find("victim\""), std::string::npos) << method << " " << url;
    }
  }

  EXPECT_GE(tenant_routes, 12);
  EXPECT_GE(admin_routes, 2);
  EXPECT_GT(walked, tenant_routes + admin_routes);

  // Nothing the refused calls sent took effect.
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/users/victim").status, 200);
  EXPECT_EQ(parse(admin_->get("/api/v1/tenants/acme/users/victim"))["role"], "viewer");
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/users/pwned").status, 404);
  EXPECT_EQ(admin_->get("/api/v1/tenants/pwned").status, 404);
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme").status, 200);
  EXPECT_EQ(parse(admin_->get("/api/v1/tenants/acme"))["name"], "acme");
  auto tokens = admin_->get("/api/v1/tenants/acme/tokens");
  EXPECT_NE(tokens.body.find(acme_token_id_), std::string::npos)
      << "acme's token was revoked by someone";
  // Tenant lists show only one's own tenants.
  auto listed = parse(intruder.get("/api/v1/tenants"));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], "umbrella");
  EXPECT_TRUE(listed["items"][0]["created_at"].is_string()) << listed.dump();
  // An unknown tenant and another's tenant answer alike.
  auto other = intruder.get("/api/v1/tenants/acme");
  auto missing = intruder.get("/api/v1/tenants/nonexistent");
  EXPECT_EQ(other.status, missing.status);
  EXPECT_EQ(parse(other)["error"]["code"], parse(missing)["error"]["code"]);
}

INSTANTIATE_TEST_SUITE_P(Stores, TenantIsolationTest, ::testing::Values("sqlite", "postgres"),
                         store_name);

}  // namespace
}  // namespace epcfleet::testing
