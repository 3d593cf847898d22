// Signatures made by our librnp signer, checked by the verifiers apt really uses: gpgv (apt 2.6,
// Debian 12) and sqv (newer apt).
#include "epcfleet/apt/openpgp.hpp"

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::apt {
namespace {

constexpr const char* kRelease =
    "Origin: epcfleet\nLabel: acme stable\nSuite: stable\nCodename: bookworm\n"
    "Architectures: amd64 arm64\nComponents: main\nAcquire-By-Hash: yes\n";

class OpenPgpTest : public ::testing::TestWithParam<KeyAlgorithm> {
protected:
  void SetUp() override {
    auto key = generate_signing_key(GetParam(), "acme repository signing key <repo@acme.example>");
    ASSERT_TRUE(key) << key.error().message;
    key_ = *key;
    testing::write_file(dir_.file("key.gpg"), key_.public_binary, 0644);
    testing::write_file(dir_.file("key.asc"), key_.public_armored, 0644);
    auto signer = Signer::load(key_.secret_key);
    ASSERT_TRUE(signer) << signer.error().message;
    signer_ = std::make_unique<Signer>(*signer);
  }
  testing::CommandResult gpgv(const std::string& file) {
    return testing::run_command({"gpgv", "--keyring", dir_.file("key.gpg"), file});
  }
  testing::CommandResult sqv(const std::string& sig, const std::string& file) {
    return testing::run_command({"sqv", "--keyring", dir_.file("key.asc"), sig, file});
  }
  testing::TempDir dir_;
  SigningKey key_;
  std::unique_ptr<Signer> signer_;
};

TEST_P(OpenPgpTest, KeyIsExportedInTheFormsAptNeeds) {
  EXPECT_EQ(key_.fingerprint.size(), 40u);
  EXPECT_EQ(signer_->fingerprint(), key_.fingerprint);
  EXPECT_EQ(key_.public_armored.rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----", 0), 0u);
  EXPECT_EQ(key_.public_armored.find("PRIVATE"), std::string::npos);
  EXPECT_FALSE(key_.public_binary.empty());
  EXPECT_NE(key_.public_binary, key_.secret_key);
}

TEST_P(OpenPgpTest, InReleaseVerifiesWithGpgvAndTamperingIsRefused) {
  auto signed_text = signer_->clearsign(kRelease);
  ASSERT_TRUE(signed_text) << signed_text.error().message;
  EXPECT_NE(signed_text->find("Hash: SHA512"), std::string::npos) << *signed_text;
  testing::write_file(dir_.file("InRelease"), *signed_text, 0644);
  auto ok = gpgv(dir_.file("InRelease"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  std::string tampered = *signed_text;
  tampered.replace(tampered.find("Suite: stable"), 13, "Suite: stabl3");
  testing::write_file(dir_.file("InRelease.bad"), tampered, 0644);
  EXPECT_NE(gpgv(dir_.file("InRelease.bad")).exit_code, 0);
}

TEST_P(OpenPgpTest, ReleaseGpgVerifiesWithGpgvAndSqvAndTamperingIsRefused) {
  auto sig = signer_->detached_signature(kRelease);
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(sig->rfind("-----BEGIN PGP SIGNATURE-----", 0), 0u);
  testing::write_file(dir_.file("Release"), kRelease, 0644);
  testing::write_file(dir_.file("Release.gpg"), *sig, 0644);
  auto by_gpgv = testing::run_command(
      {"gpgv", "--keyring", dir_.file("key.gpg"), dir_.file("Release.gpg"), dir_.file("Release")});
  EXPECT_EQ(by_gpgv.exit_code, 0) << by_gpgv.output;
  auto by_sqv = sqv(dir_.file("Release.gpg"), dir_.file("Release"));
  EXPECT_EQ(by_sqv.exit_code, 0) << by_sqv.output;
  testing::write_file(dir_.file("Release"), std::string(kRelease) + "Valid-Until: never\n", 0644);
  EXPECT_NE(sqv(dir_.file("Release.gpg"), dir_.file("Release")).exit_code, 0);
}

TEST_P(OpenPgpTest, AnotherKeyDoesNotVerify) {
  auto other = generate_signing_key(KeyAlgorithm::kEd25519, "someone else");
  ASSERT_TRUE(other);
  auto other_signer = Signer::load(other->secret_key);
  ASSERT_TRUE(other_signer);
  auto sig = other_signer->detached_signature(kRelease);
  ASSERT_TRUE(sig);
  testing::write_file(dir_.file("Release"), kRelease, 0644);
  testing::write_file(dir_.file("Release.gpg"), *sig, 0644);
  EXPECT_NE(sqv(dir_.file("Release.gpg"), dir_.file("Release")).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, OpenPgpTest,
                         ::testing::Values(KeyAlgorithm::kEd25519, KeyAlgorithm::kRsa4096),
                         [](const auto& param_info) {
                           return std::string(
                               param_info.param == KeyAlgorithm::kEd25519 ? "Ed25519" : "Rsa4096");
                         });

TEST(OpenPgp, GarbageIsNotAKey) {
  EXPECT_FALSE(Signer::load("not a key at all"));
  EXPECT_FALSE(Signer::load(""));
}

}  // namespace
}  // namespace epcfleet::apt
