#include "epcfleet/crypto/password.hpp"

#include <gtest/gtest.h>

namespace epcfleet::crypto {
namespace {

TEST(Password, Argon2idHashVerifiesOnlyTheRightPassword) {
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password("not a hash", "x"));
}

TEST(Password, SamePasswordHashesDifferently) {
  EXPECT_NE(*hash_password("same password!"), *hash_password("same password!"));
}

}  // namespace
}  // namespace epcfleet::crypto
