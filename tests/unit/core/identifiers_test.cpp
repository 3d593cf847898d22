#include "epcfleet/core/identifiers.hpp"

#include <gtest/gtest.h>

#include "epcfleet/core/role.hpp"

namespace epcfleet {
namespace {

TEST(TenantId, AcceptsLowercaseSlugs) {
  EXPECT_TRUE(validate_tenant_id("acme"));
  EXPECT_TRUE(validate_tenant_id("north-wisp-2"));
  EXPECT_TRUE(validate_tenant_id("42"));
}

TEST(TenantId, RefusesWhatCouldEscapeAPathOrConfuseAUrl) {
  for (const char* bad : {"", "a", "Acme", "-acme", "acme/x", "..", "a.b", "acme corp", "a%2f",
                          "abcdefghijklmnopqrstuvwxyz0123456"}) {
    auto r = validate_tenant_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(Username, AllowsDotsUnderscoresAndDashesButNotSlashes) {
  EXPECT_TRUE(validate_username("alice.smith_2-x"));
  EXPECT_FALSE(validate_username("alice/../bob"));
  EXPECT_FALSE(validate_username(".hidden"));
  EXPECT_FALSE(validate_username("ALICE"));
}

TEST(DisplayName, RefusesControlCharacters) {
  EXPECT_TRUE(validate_display_name("name", "Acme Wireless, Inc."));
  EXPECT_FALSE(validate_display_name("name", std::string("line\nbreak")));
  EXPECT_FALSE(validate_display_name("name", ""));
}

TEST(Role, OrdersViewerOperatorOwner) {
  EXPECT_TRUE(role_at_least(Role::kOwner, Role::kOperator));
  EXPECT_TRUE(role_at_least(Role::kOperator, Role::kOperator));
  EXPECT_FALSE(role_at_least(Role::kViewer, Role::kOperator));
  EXPECT_EQ(parse_role("operator"), Role::kOperator);
  EXPECT_FALSE(parse_role("admin").has_value());
}

}  // namespace
}  // namespace epcfleet
