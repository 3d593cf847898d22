#include "epcfleet/crypto/secret_box.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::crypto {
namespace {

TEST(SecretBox, SealsAndOpensWithTheSameAssociatedData) {
  testing::TempDir dir;
  auto box = SecretBox::create(dir.file("master.key"));
  ASSERT_TRUE(box) << box.error().message;
  const auto sealed = box->seal("community-public-42", "acme/dev1");
  EXPECT_EQ(sealed.find("community-public-42"), std::string::npos);
  EXPECT_EQ(sealed.rfind("efs1.", 0), 0u);
  auto opened = box->open(sealed, "acme/dev1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "community-public-42");
}

TEST(SecretBox, RefusesAValueMovedToAnotherOwnerOrTampered) {
  testing::TempDir dir;
  auto box = SecretBox::create(dir.file("master.key"));
  ASSERT_TRUE(box);
  auto sealed = box->seal("s3cret", "acme/dev1");
  EXPECT_FALSE(box->open(sealed, "other/dev1"));
  sealed[sealed.size() - 5] = sealed[sealed.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box->open(sealed, "acme/dev1"));
  EXPECT_FALSE(box->open("garbage", "acme/dev1"));
  EXPECT_FALSE(box->open("efs1.0000000", "acme/dev1"));
}

TEST(SecretBox, KeyFileIsPrivateAndReloads) {
  testing::TempDir dir;
  const auto path = dir.file("master.key");
  auto box = SecretBox::create(path);
  ASSERT_TRUE(box);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(SecretBox::create(path)) << "must not overwrite an existing key file";
  auto again = SecretBox::load(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->open(box->seal("x", "ad"), "ad"), "x");
}

TEST(SecretBox, RefusesAKeyFileOthersCanRead) {
  testing::TempDir dir;
  const auto path = dir.file("master.key");
  ASSERT_TRUE(SecretBox::create(path));
  ::chmod(path.c_str(), 0644);
  auto loaded = SecretBox::load(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos);
}

TEST(SecretBox, OldKeysStillOpenAfterRotation) {
  const auto old_key = SecretBox::generate_key();
  const auto old_box = SecretBox::from_keys({old_key});
  const auto sealed = old_box.seal("v3-auth-pass", "t/1");
  const auto rotated = SecretBox::from_keys({SecretBox::generate_key(), old_key});
  EXPECT_TRUE(rotated.needs_reseal(sealed));
  EXPECT_EQ(*rotated.open(sealed, "t/1"), "v3-auth-pass");
  const auto resealed = rotated.seal("v3-auth-pass", "t/1");
  EXPECT_FALSE(rotated.needs_reseal(resealed));
  EXPECT_FALSE(old_box.open(resealed, "t/1")) << "the old key alone cannot open new values";
}

TEST(Encoding, HexAndBase64RoundTrip) {
  const std::string bytes(
      "\x00\x01\xfe\xff"
      "abc",
      7);
  EXPECT_EQ(*hex_decode(hex_encode(bytes)), bytes);
  EXPECT_EQ(*base64_decode(base64_encode(bytes)), bytes);
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
  EXPECT_FALSE(base64_decode("!!!!"));
}

}  // namespace
}  // namespace epcfleet::crypto
