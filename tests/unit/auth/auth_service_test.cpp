#include "epcfleet/auth/auth_service.hpp"

#include <gtest/gtest.h>

#include "../store/store_fixture.hpp"
#include "epcfleet/auth/token_service.hpp"
#include "epcfleet/auth/user_service.hpp"
#include "epcfleet/tenants/tenant_service.hpp"

namespace epcfleet::auth {
namespace {

class RecordingPublisher final : public EventPublisher {
public:
  void publish(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

class AuthServiceTest : public testing::StoreTest {
protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure())
      return;
    auth_ = std::make_unique<AuthService>(db_, events_, AuthOptions{});
    users_ = std::make_unique<UserService>(db_, events_, auth_->hasher());
    tokens_ = std::make_unique<TokenService>(db_, events_);
    tenants_ = std::make_unique<tenants::TenantService>(db_, events_);
    ASSERT_TRUE(auth_->create_platform_admin("root", "root-password-123", actor_));
    ASSERT_TRUE(tenants_->create("acme", "Acme", actor_));
    ASSERT_TRUE(users_->create("acme", {"olive", "olive-password-1", Role::kOwner}, actor_));
  }
  Actor actor_{"root", "127.0.0.1", "test"};
  RecordingPublisher events_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<tenants::TenantService> tenants_;
};

TEST_P(AuthServiceTest, LoginGivesASessionThatAuthenticates) {
  auto r = auth_->login({"olive", "olive-password-1", false}, actor_);
  ASSERT_TRUE(r) << r.error().error.message;
  EXPECT_EQ(r->session_token.rfind(kSessionPrefix, 0), 0u);
  auto p = auth_->authenticate(r->session_token, false);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "olive");
  EXPECT_EQ(p->tenants.at("acme"), Role::kOwner);
  EXPECT_FALSE(auth_->authenticate(r->session_token, true)) << "a bearer session is not a cookie";
  ASSERT_TRUE(auth_->logout(r->session_token, actor_));
  EXPECT_FALSE(auth_->authenticate(r->session_token, false));
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserLookAlike) {
  auto wrong = auth_->login({"olive", "not-her-password", false}, actor_);
  auto unknown = auth_->login({"nobody", "not-her-password", false}, actor_);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().error.message, unknown.error().error.message);
  EXPECT_EQ(wrong.error().error.code, ErrorCode::kUnauthenticated);
}

TEST_P(AuthServiceTest, CookieSessionsCarryACsrfToken) {
  auto r = auth_->login({"olive", "olive-password-1", true}, actor_);
  ASSERT_TRUE(r);
  auto p = auth_->authenticate(r->session_token, true);
  ASSERT_TRUE(p);
  EXPECT_TRUE(AuthService::csrf_matches(*p, r->csrf_token));
  EXPECT_FALSE(AuthService::csrf_matches(*p, r->csrf_token + "x"));
  EXPECT_FALSE(AuthService::csrf_matches(*p, ""));
}

TEST_P(AuthServiceTest, TheLastOwnerCannotBeDemotedOrRemoved) {
  auto demote = users_->update("acme", "olive", {Role::kViewer, std::nullopt}, actor_);
  ASSERT_FALSE(demote);
  EXPECT_EQ(demote.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(users_->remove("acme", "olive", actor_));
  ASSERT_TRUE(users_->create("acme", {"otto", "otto-password-12", Role::kOwner}, actor_));
  EXPECT_TRUE(users_->update("acme", "olive", {Role::kViewer, std::nullopt}, actor_));
}

TEST_P(AuthServiceTest, ChangingAPasswordEndsTheUsersSessions) {
  auto r = auth_->login({"olive", "olive-password-1", false}, actor_);
  ASSERT_TRUE(r);
  ASSERT_TRUE(users_->update("acme", "olive", {std::nullopt, "brand-new-password"}, actor_));
  EXPECT_FALSE(auth_->authenticate(r->session_token, false));
  EXPECT_TRUE(auth_->login({"olive", "brand-new-password", false}, actor_));
}

TEST_P(AuthServiceTest, TokensCannotOutrankTheirCreatorAndAreStoredHashed) {
  auto too_strong = tokens_->create("acme", {"ci", Role::kOwner, 30}, Role::kOperator, "", actor_);
  ASSERT_FALSE(too_strong);
  EXPECT_EQ(too_strong.error().code, ErrorCode::kForbidden);
  auto t = tokens_->create("acme", {"ci", Role::kOperator, 30}, Role::kOperator, "", actor_);
  ASSERT_TRUE(t);
  auto stored = db_->read([&](store::Connection& c) {
    return c.query_one("SELECT token_hash FROM api_tokens WHERE id = ?", {t->token.id});
  });
  ASSERT_TRUE(stored && *stored);
  EXPECT_NE((*stored)->text(0), t->secret);
  EXPECT_EQ((*stored)->text(0).find(t->secret.substr(4)), std::string::npos);
  auto p = auth_->authenticate(t->secret, false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenants.at("acme"), Role::kOperator);
  EXPECT_FALSE(auth_->authenticate(t->secret, true)) << "API tokens never come as cookies";
  ASSERT_TRUE(tokens_->revoke("acme", t->token.id, actor_));
  EXPECT_FALSE(auth_->authenticate(t->secret, false));
}

TEST_P(AuthServiceTest, ATokenNeverOutlivesItsCreatorsRights) {
  auto otto = users_->create("acme", {"otto", "otto-password-12", Role::kOwner}, actor_);
  ASSERT_TRUE(otto);
  auto t =
      tokens_->create("acme", {"deploy", Role::kOwner, 30}, Role::kOwner, otto->user_id, actor_);
  ASSERT_TRUE(t);
  EXPECT_EQ(auth_->authenticate(t->secret, false)->tenants.at("acme"), Role::kOwner);
  ASSERT_TRUE(users_->update("acme", "otto", {Role::kViewer, std::nullopt}, actor_));
  auto narrowed = auth_->authenticate(t->secret, false);
  ASSERT_TRUE(narrowed);
  EXPECT_EQ(narrowed->tenants.at("acme"), Role::kViewer)
      << "demoting the creator narrows the token";
  ASSERT_TRUE(users_->remove("acme", "otto", actor_));
  EXPECT_FALSE(auth_->authenticate(t->secret, false)) << "removing the creator ends the token";
}

TEST_P(AuthServiceTest, RoleInATenantOneDoesNotBelongToIsNotFound) {
  ASSERT_TRUE(tenants_->create("other", "Other", actor_));
  auto login = auth_->login({"olive", "olive-password-1", false}, actor_);
  ASSERT_TRUE(login);
  auto role = auth_->role_in(login->principal, "other");
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().code, ErrorCode::kNotFound);
  auto missing = auth_->role_in(login->principal, "does-not-exist");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message.find("other"), std::string::npos);
}

TEST_P(AuthServiceTest, EveryChangeIsPublishedAsAnAuditEvent) {
  const auto before = events_.events.size();
  ASSERT_TRUE(users_->create("acme", {"vic", "vic-password-123", Role::kViewer}, actor_));
  ASSERT_EQ(events_.events.size(), before + 1);
  const auto& e = events_.events.back();
  EXPECT_EQ(e.type, "audit");
  EXPECT_EQ(e.tenant_id, "acme");
  EXPECT_NE(e.data_json.find("\"user.create\""), std::string::npos);
  EXPECT_EQ(e.data_json.find("vic-password"), std::string::npos);
}

EPCFLEET_INSTANTIATE_STORE_TESTS(AuthServiceTest);

}  // namespace
}  // namespace epcfleet::auth
