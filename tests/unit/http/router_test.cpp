#include "epcfleet/http/router.hpp"

#include <gtest/gtest.h>

namespace epcfleet::http {
namespace {

Router make_router() {
  Router r;
  auto h = [](Context&) { return Response::no_content(); };
  r.add({Method::kGet, "/api/v1/tenants", "list", "t", Access::kAuthenticated}, h);
  r.add({Method::kGet, "/api/v1/tenants/{t}/users/{username}", "get", "u"}, h);
  r.add({Method::kDelete, "/api/v1/tenants/{t}/users/{username}", "del", "u", Access::kTenant,
         Role::kOwner},
        h);
  return r;
}

TEST(Router, MatchesPatternsAndDecodesParameters) {
  auto r = make_router();
  auto m = r.match(Method::kGet, "/api/v1/tenants/acme/users/al%2Eice");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("t"), "acme");
  EXPECT_EQ(m.params.at("username"), "al.ice");
}

TEST(Router, WrongMethodIsDistinguishedFromUnknownPath) {
  auto r = make_router();
  auto m = r.match(Method::kPost, "/api/v1/tenants/acme/users/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched);
  auto none = r.match(Method::kGet, "/api/v1/nothing");
  EXPECT_FALSE(none.path_matched);
}

TEST(Router, HeadIsServedByGet) {
  auto r = make_router();
  EXPECT_NE(r.match(Method::kHead, "/api/v1/tenants").route, nullptr);
}

TEST(Router, EncodedSlashesAndEmptySegmentsDoNotMatch) {
  auto r = make_router();
  EXPECT_EQ(r.match(Method::kGet, "/api/v1/tenants/acme/users/a%2Fb").route, nullptr);
  EXPECT_EQ(r.match(Method::kGet, "/api/v1/tenants//users/x").route, nullptr);
  EXPECT_EQ(r.match(Method::kGet, "/api/v1/tenants/acme/users/%zz").route, nullptr);
  EXPECT_EQ(r.match(Method::kGet, "/api/v1/tenants/acme/users/a%00b").route, nullptr);
}

TEST(Router, TenantRoutesMustCarryTheTenantParameter) {
  Router r;
  EXPECT_THROW(r.add({Method::kGet, "/api/v1/things", "x", "x", Access::kTenant},
                     [](Context&) { return Response::no_content(); }),
               std::logic_error);
}

}  // namespace
}  // namespace epcfleet::http
