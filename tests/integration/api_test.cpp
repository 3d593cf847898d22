#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

class ApiTest : public ServerTest {};

TEST_P(ApiTest, LoginMeAndLogout) {
  auto c = server_->client();
  auto login = c.post("/api/v1/auth/login",
                      R"({"username":"admin","password":")" + server_->admin_password() + "\"}");
  ASSERT_EQ(login.status, 200) << login.body;
  const auto body = parse(login);
  ASSERT_TRUE(body["token"].is_string());
  ASSERT_TRUE(body["expires_at"].is_string());
  c.set_bearer(body["token"]);
  auto me = c.get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(parse(me)["username"], "admin");
  EXPECT_EQ(parse(me)["platform_admin"], true);
  EXPECT_EQ(c.post("/api/v1/auth/logout", "{}").status, 204);
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 401);
}

TEST_P(ApiTest, RepeatedWrongPasswordsAreRateLimited) {
  auto c = server_->client();
  int last = 0;
  HttpResponse r;
  for (int i = 0; i < 6; ++i) {
    r = c.post("/api/v1/auth/login", R"({"username":"admin","password":"wrong-password-1"})");
    last = static_cast<int>(r.status);
  }
  EXPECT_EQ(last, 429) << r.body;
  EXPECT_EQ(parse(r)["error"]["code"], "rate_limited");
  ASSERT_TRUE(r.header("retry-after").has_value());
  EXPECT_GT(std::stoi(*r.header("retry-after")), 0);
  auto audit = admin_->get("/api/v1/audit?action=auth.login&outcome=denied");
  ASSERT_EQ(audit.status, 200);
  EXPECT_GE(parse(audit)["items"].size(), 5u);
}

TEST_P(ApiTest, CookieSessionsAreHttpOnlyStrictAndNeedCsrfForChanges) {
  auto c = server_->client();
  auto login = c.post("/api/v1/auth/login", R"({"username":"admin","password":")" +
                                                server_->admin_password() + R"(","cookie":true})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_FALSE(parse(login).contains("token")) << "cookie logins keep the session out of JS";
  std::string session;
  std::string csrf;
  for (const auto& sc : login.headers_named("set-cookie")) {
    if (sc.rfind("efsession=", 0) == 0) {
      session = sc.substr(10, sc.find(';') - 10);
      EXPECT_NE(sc.find("HttpOnly"), std::string::npos) << sc;
      EXPECT_NE(sc.find("Secure"), std::string::npos) << sc;
      EXPECT_NE(sc.find("SameSite=Strict"), std::string::npos) << sc;
    }
    if (sc.rfind("ef_csrf=", 0) == 0)
      csrf = sc.substr(8, sc.find(';') - 8);
  }
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(csrf, parse(login)["csrf_token"]);
  c.set_header("Cookie", "efsession=" + session + "; ef_csrf=" + csrf);
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 200);
  auto no_csrf = c.post("/api/v1/tenants", R"({"id":"csrf-test","name":"x"})");
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(parse(no_csrf)["error"]["code"], "csrf_failed");
  c.set_header("X-CSRF-Token", csrf);
  EXPECT_EQ(c.post("/api/v1/tenants", R"({"id":"csrf-test","name":"x"})").status, 201);
}

TEST_P(ApiTest, UsersTokensAndPagination) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"acme","name":"Acme Wireless"})").status, 201);
  for (const char* u : {"alice", "bob", "carol"}) {
    auto r = admin_->post(
        "/api/v1/tenants/acme/users",
        json{{"username", u}, {"password", std::string(u) + "-password-1"}, {"role", "viewer"}}
            .dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto dup = admin_->post("/api/v1/tenants/acme/users",
                          R"({"username":"alice","password":"alice-password-2","role":"viewer"})");
  EXPECT_EQ(dup.status, 409);
  auto weak = admin_->post("/api/v1/tenants/acme/users",
                           R"({"username":"dave","password":"short","role":"viewer"})");
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(parse(weak)["error"]["message"].get<std::string>().find("12"), std::string::npos);

  auto page1 = parse(admin_->get("/api/v1/tenants/acme/users?limit=2"));
  ASSERT_EQ(page1["items"].size(), 2u);
  ASSERT_TRUE(page1["next_cursor"].is_string());
  auto page2 = parse(admin_->get("/api/v1/tenants/acme/users?limit=2&cursor=" +
                                 page1["next_cursor"].get<std::string>()));
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_EQ(page2["items"][0]["username"], "carol");
  EXPECT_TRUE(page2["next_cursor"].is_null());
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/users?limit=0").status, 400);
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/users?cursor=zz").status, 400);

  auto patched = admin_->patch("/api/v1/tenants/acme/users/bob", R"({"role":"operator"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(parse(patched)["role"], "operator");

  auto token = admin_->post("/api/v1/tenants/acme/tokens",
                            R"({"name":"ci","role":"viewer","expires_in_days":7})");
  ASSERT_EQ(token.status, 201) << token.body;
  const auto secret = parse(token)["token"].get<std::string>();
  const auto id = parse(token)["id"].get<std::string>();
  EXPECT_EQ(secret.rfind("efp_", 0), 0u);
  auto listed = admin_->get("/api/v1/tenants/acme/tokens");
  EXPECT_EQ(listed.body.find(secret), std::string::npos) << "the secret is shown once only";
  HttpClient script = server_->client();
  script.set_bearer(secret);
  EXPECT_EQ(script.get("/api/v1/tenants/acme").status, 200);
  EXPECT_EQ(script.post("/api/v1/tenants/acme/tokens", R"({"name":"x","role":"viewer"})").status,
            403);
  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/tokens/" + id).status, 204);
  EXPECT_EQ(script.get("/api/v1/tenants/acme").status, 401);

  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/users/carol").status, 204);
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/users/carol").status, 404);
}

TEST_P(ApiTest, ADeletedTenantsIdIsNeverGivenOutAgain) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"gone","name":"Gone"})").status, 201);
  ASSERT_EQ(admin_
                ->post("/api/v1/tenants/gone/users",
                       R"({"username":"gus","password":"gus-password-123","role":"owner"})")
                .status,
            201);
  EXPECT_EQ(admin_->del("/api/v1/tenants/gone").status, 204);
  EXPECT_EQ(admin_->get("/api/v1/tenants/gone").status, 404);
  auto again = admin_->post("/api/v1/tenants", R"({"id":"gone","name":"Newcomer"})");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(parse(again)["error"]["message"].get<std::string>().find("deleted"), std::string::npos);
  auto login = server_->client().post("/api/v1/auth/login",
                                      R"({"username":"gus","password":"gus-password-123"})");
  EXPECT_EQ(login.status, 401) << "a user left without any tenant is removed with it";
}

TEST_P(ApiTest, BadInputGetsAClearJsonErrorAndChangesNothing) {
  auto bad_json = admin_->post("/api/v1/tenants", "{not json");
  EXPECT_EQ(bad_json.status, 400);
  const auto err = parse(bad_json)["error"];
  EXPECT_EQ(err["code"], "invalid_argument");
  EXPECT_FALSE(err["message"].get<std::string>().empty());
  EXPECT_EQ(err["request_id"], *bad_json.header("x-request-id"));

  auto unknown_field = admin_->post("/api/v1/tenants", R"({"id":"x1","name":"X","nmae":"typo"})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_NE(unknown_field.body.find("nmae"), std::string::npos);
  auto bad_id = admin_->post("/api/v1/tenants", R"({"id":"../etc","name":"X"})");
  EXPECT_EQ(bad_id.status, 400);
  auto wrong_type = admin_->post("/api/v1/tenants", R"({"id":5,"name":"X"})");
  EXPECT_EQ(wrong_type.status, 400);

  const std::string huge = "{\"id\":\"big\",\"name\":\"" + std::string(2 << 20, 'x') + "\"}";
  auto too_big = admin_->post("/api/v1/tenants", huge);
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(parse(too_big)["error"]["code"], "payload_too_large");

  EXPECT_EQ(admin_->get("/api/v1/no-such-thing").status, 404);
  EXPECT_EQ(admin_->request("PUT", "/api/v1/tenants").status, 405);
  auto tenants = parse(admin_->get("/api/v1/tenants"));
  EXPECT_TRUE(tenants["items"].empty()) << tenants.dump();

  admin_->set_header("X-Request-Id", "my-trace-42");
  EXPECT_EQ(admin_->get("/healthz").header("x-request-id"), "my-trace-42");
}

TEST_P(ApiTest, AuditRecordsEveryChangeWithActorAndExportsCsv) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(admin_
                ->post("/api/v1/tenants/acme/users",
                       R"({"username":"erin","password":"erin-password-1","role":"operator"})")
                .status,
            201);
  auto log = parse(admin_->get("/api/v1/tenants/acme/audit"));
  ASSERT_GE(log["items"].size(), 2u);
  const auto& newest = log["items"][0];
  EXPECT_EQ(newest["action"], "user.create");
  EXPECT_EQ(newest["target"], "erin");
  EXPECT_EQ(newest["actor"], "admin");
  EXPECT_EQ(newest["outcome"], "success");
  EXPECT_EQ(newest["source"], "127.0.0.1");
  EXPECT_FALSE(newest["request_id"].get<std::string>().empty());
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/audit").body.find("erin-password"),
            std::string::npos);

  auto csv = admin_->get("/api/v1/tenants/acme/audit?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("seq,time,actor,tenant,action", 0), 0u);
  EXPECT_NE(csv.body.find("\"user.create\",\"erin\""), std::string::npos) << csv.body;

  auto filtered = parse(admin_->get("/api/v1/tenants/acme/audit?action=tenant.create"));
  ASSERT_EQ(filtered["items"].size(), 1u);
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/audit?since=yesterday").status, 400);

  // A refused change is recorded too.
  auto erin = server_->client();
  auto login =
      erin.post("/api/v1/auth/login", R"({"username":"erin","password":"erin-password-1"})");
  erin.set_bearer(parse(login)["token"]);
  EXPECT_EQ(erin.post("/api/v1/tenants/acme/users",
                      R"({"username":"x","password":"x-password-123","role":"owner"})")
                .status,
            403);
  auto denied = parse(admin_->get("/api/v1/tenants/acme/audit?outcome=denied"));
  ASSERT_EQ(denied["items"].size(), 1u);
  EXPECT_EQ(denied["items"][0]["actor"], "erin");
  EXPECT_EQ(denied["items"][0]["action"], "user.create");
}

TEST_P(ApiTest, OpenApiDocumentDescribesEveryRouteTheServerAnswers) {
  auto doc_response = server_->client().get("/api/v1/openapi.json");
  ASSERT_EQ(doc_response.status, 200);
  auto doc = parse(doc_response);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  int operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      ++operations;
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << method << " " << path;
      EXPECT_TRUE(op.contains("responses")) << path;
      EXPECT_TRUE(op.contains("x-epcfleet-access")) << path;
      // Every documented operation is routed: the answer is never "no such endpoint".
      std::string concrete = path;
      for (auto pos = concrete.find('{'); pos != std::string::npos; pos = concrete.find('{')) {
        concrete.replace(pos, concrete.find('}', pos) - pos + 1, "zz-probe");
      }
      std::string upper = method;
      for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      auto r = server_->client().request(
          upper, concrete,
          upper == "GET" || upper == "DELETE" ? std::nullopt : std::optional<std::string>("{}"));
      if (r.status == 404) {
        EXPECT_EQ(r.body.find("no such endpoint"), std::string::npos) << upper << " " << concrete;
      }
      EXPECT_NE(r.status, 405) << upper << " " << concrete;
    }
  }
  for (const char* p : {"/api/v1/auth/login", "/api/v1/tenants", "/api/v1/tenants/{t}/users",
                        "/api/v1/tenants/{t}/tokens", "/api/v1/tenants/{t}/audit", "/healthz",
                        "/readyz", "/metrics"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
  EXPECT_GE(operations, 18);
}

TEST_P(ApiTest, LargeJsonAnswersAreGzippedForClientsThatAsk) {
  auto plain = server_->client().get("/api/v1/openapi.json");
  ASSERT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.header("content-encoding").has_value());
  auto c = server_->client();
  c.set_header("Accept-Encoding", "gzip, deflate");
  auto zipped = c.get("/api/v1/openapi.json");
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("content-encoding"), "gzip");
  EXPECT_EQ(zipped.header("vary"), "Accept-Encoding");
  ASSERT_GE(zipped.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(zipped.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped.body[1]), 0x8b);
  EXPECT_LT(zipped.body.size() * 3, plain.body.size()) << "JSON compresses well";
}

TEST_P(ApiTest, ReadinessAndMetrics) {
  auto c = server_->client();
  EXPECT_EQ(c.get("/readyz").status, 200);
  admin_->get("/api/v1/tenants");
  auto m = c.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find(
          "epcfleet_http_requests_total{method=\"GET\",route=\"/api/v1/tenants\",status=\"200\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find("epcfleet_store_transaction_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("epcfleet_build_info{version="), std::string::npos);
  TempDir dir;
  write_file(dir.file("m.txt"), m.body);
  auto check = run_command({"sh", "-c", "promtool check metrics < " + dir.file("m.txt")});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiTest, ::testing::Values("sqlite", "postgres"), store_name);

}  // namespace
}  // namespace epcfleet::testing
