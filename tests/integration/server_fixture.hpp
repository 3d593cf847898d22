#pragma once
// Integration tests run the real epcfleetd against SQLite and against a real PostgreSQL.

#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "epcfleet/testing/postgres_instance.hpp"
#include "epcfleet/testing/server_process.hpp"

namespace epcfleet::testing {

using nlohmann::json;

inline json parse(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_discarded() ? json() : j;
}

class ServerTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    ServerOptions options;
    options.http = plain_http();
    if (GetParam() == "postgres") {
      std::string why;
      auto* pg = PostgresInstance::shared(&why);
      ASSERT_NE(pg, nullptr) << why;
      options.store_url = pg->create_database();
    }
    server_ = std::make_unique<ServerProcess>(options);
    admin_ = std::make_unique<HttpClient>(server_->admin_client());
  }

  // Suites that let apt-get talk to the server use plain HTTP (apt would not trust the test CA).
  virtual bool plain_http() const { return false; }

  // Creates a tenant and a user in it; returns a client logged in as that user.
  HttpClient tenant_user(const std::string& tenant, const std::string& username,
                         const std::string& role) {
    admin_->post("/api/v1/tenants", json{{"id", tenant}, {"name", tenant}}.dump());
    const std::string password = username + "-password-xyz";
    auto created =
        admin_->post("/api/v1/tenants/" + tenant + "/users",
                     json{{"username", username}, {"password", password}, {"role", role}}.dump());
    EXPECT_EQ(created.status, 201) << created.body;
    HttpClient c = server_->client();
    auto login =
        c.post("/api/v1/auth/login", json{{"username", username}, {"password", password}}.dump());
    EXPECT_EQ(login.status, 200) << login.body;
    c.set_bearer(parse(login)["token"].get<std::string>());
    return c;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

inline std::string store_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace epcfleet::testing
