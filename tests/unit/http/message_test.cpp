#include "epcfleet/http/message.hpp"

#include <gtest/gtest.h>

namespace epcfleet::http {
namespace {

TEST(Request, ReadsQueryParametersAndCookies) {
  Request r;
  r.query_string = "limit=10&action=user.create&q=a+b%26c&empty=";
  r.headers = {{"cookie", "ef_csrf=abc; efsession=efs_123"}};
  EXPECT_EQ(r.query("limit"), "10");
  EXPECT_EQ(r.query("q"), "a b&c");
  EXPECT_EQ(r.query("empty"), "");
  EXPECT_FALSE(r.query("missing").has_value());
  EXPECT_EQ(r.cookie("efsession"), "efs_123");
  EXPECT_EQ(r.cookie("ef_csrf"), "abc");
  EXPECT_FALSE(r.cookie("efs").has_value());
}

TEST(Response, ErrorBodyIsValidJsonEvenWithQuotesInTheMessage) {
  auto r = Response::error(400, "invalid_argument", "field \"x\"\n is bad", "rid-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"error":{"code":"invalid_argument","message":"field \"x\"\n is bad","request_id":"rid-1"}})");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(PercentDecode, RefusesTruncatedEscapesAndNul) {
  EXPECT_EQ(percent_decode("a%20b", false), "a b");
  EXPECT_FALSE(percent_decode("a%2", false));
  EXPECT_FALSE(percent_decode("a%", false));
  EXPECT_FALSE(percent_decode("%00", false));
  EXPECT_EQ(percent_encode("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace epcfleet::http
