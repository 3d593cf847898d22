#include "epcfleet/secrets/secret_vault.hpp"

#include <gtest/gtest.h>

#include "../store/store_fixture.hpp"

namespace epcfleet::secrets {
namespace {

class SecretVaultTest : public testing::StoreTest {};

TEST_P(SecretVaultTest, StoresOnlyCiphertextAndReadsBack) {
  const auto key = crypto::SecretBox::generate_key();
  SecretVault vault(crypto::SecretBox::from_keys({key}));
  auto id = db_->write([&](store::Connection& c) {
    return vault.put(c, std::string("acme"), "snmp.community", "very-secret-community");
  });
  ASSERT_TRUE(id) << id.error().message;
  auto raw = db_->read([&](store::Connection& c) {
    return c.query_one("SELECT sealed FROM secrets WHERE id = ?", {*id});
  });
  ASSERT_TRUE(raw && *raw);
  EXPECT_EQ((*raw)->text(0).find("very-secret"), std::string::npos);
  auto back = db_->read([&](store::Connection& c) { return vault.get(c, *id); });
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "very-secret-community");
}

TEST_P(SecretVaultTest, ResealAllMovesEverySecretToTheNewKey) {
  const auto old_key = crypto::SecretBox::generate_key();
  SecretVault old_vault(crypto::SecretBox::from_keys({old_key}));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = db_->write([&](store::Connection& c) {
      return old_vault.put(c, std::nullopt, "test", "value-" + std::to_string(i));
    });
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  const auto new_key = crypto::SecretBox::generate_key();
  SecretVault rotating(crypto::SecretBox::from_keys({new_key, old_key}));
  auto n = rotating.reseal_all(*db_);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 5u);
  SecretVault new_only(crypto::SecretBox::from_keys({new_key}));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto v = db_->read([&](store::Connection& c) { return new_only.get(c, ids[i]); });
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, "value-" + std::to_string(i));
    auto old = db_->read([&](store::Connection& c) { return old_vault.get(c, ids[i]); });
    EXPECT_FALSE(old) << "the retired key must no longer open anything";
  }
}

EPCFLEET_INSTANTIATE_STORE_TESTS(SecretVaultTest);

}  // namespace
}  // namespace epcfleet::secrets
