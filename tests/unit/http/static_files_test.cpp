#include "epcfleet/http/static_files.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::http {
namespace {

class StaticFilesTest : public ::testing::Test {
protected:
  void SetUp() override {
    ::mkdir(dir_.file("web").c_str(), 0755);
    ::mkdir(dir_.file("web/assets").c_str(), 0755);
    testing::write_file(dir_.file("web/index.html"), "<html></html>", 0644);
    testing::write_file(dir_.file("web/assets/app-1234.js"), "x", 0644);
    testing::write_file(dir_.file("secret.txt"), "do not serve", 0644);
  }
  std::optional<Response> get(const std::string& path) {
    StaticFiles files(dir_.file("web"));
    Request r;
    r.method = Method::kGet;
    r.path = path;
    return files.serve(r);
  }
  testing::TempDir dir_;
};

TEST_F(StaticFilesTest, HashedAssetsAreCachedForAYearAndIndexIsNot) {
  auto asset = get("/assets/app-1234.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset->header("content-type"), "text/javascript; charset=utf-8");
  auto index = get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->header("cache-control"), "no-cache");
}

TEST_F(StaticFilesTest, ClientRoutesGetTheAppButMissingAssetsAre404) {
  auto route = get("/users");
  ASSERT_TRUE(route);
  EXPECT_NE(route->file_path->find("index.html"), std::string::npos);
  EXPECT_FALSE(get("/assets/missing.js"));
  EXPECT_FALSE(get("/missing.png"));
}

TEST_F(StaticFilesTest, NothingOutsideTheRootIsServed) {
  EXPECT_FALSE(get("/../secret.txt"));
  EXPECT_FALSE(get("/%2e%2e/secret.txt"));
  EXPECT_FALSE(get("/assets/..%2f..%2fsecret.txt"));
  EXPECT_FALSE(get("/.hidden"));
  EXPECT_FALSE(get("/api/v1/anything"));
}

TEST_F(StaticFilesTest, EveryAnswerCanCarryTheStrictCsp) {
  Response r;
  add_security_headers(r);
  const auto csp = r.header("content-security-policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
}

}  // namespace
}  // namespace epcfleet::http
