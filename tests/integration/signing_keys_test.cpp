// Repository signing keys through the API: generation, rotation with overlap, public downloads,
// and the secret half never leaving the server.
#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

class SigningKeysTest : public ServerTest {};

TEST_P(SigningKeysTest, GenerateDownloadAndRotateWithOverlap) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"acme","name":"Acme Wireless"})").status, 201);
  auto none = admin_->get("/api/v1/tenants/acme/signing-keys/current.asc");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(parse(none)["error"]["message"].get<std::string>().find("no signing key"),
            std::string::npos);

  auto first = admin_->post("/api/v1/tenants/acme/signing-keys", R"({"algorithm":"ed25519"})");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto fp1 = parse(first)["fingerprint"].get<std::string>();
  EXPECT_EQ(fp1.size(), 40u);
  EXPECT_EQ(parse(first)["state"], "current");
  EXPECT_EQ(first.body.find("secret"), std::string::npos);

  auto asc = admin_->get("/api/v1/tenants/acme/signing-keys/current.asc");
  ASSERT_EQ(asc.status, 200);
  EXPECT_EQ(asc.header("content-type"), "application/pgp-keys");
  EXPECT_EQ(asc.body.rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----", 0), 0u);
  EXPECT_EQ(asc.body.find("PRIVATE"), std::string::npos);
  auto gpg = admin_->get("/api/v1/tenants/acme/signing-keys/current.gpg");
  ASSERT_EQ(gpg.status, 200);
  TempDir dir;
  write_file(dir.file("key.gpg"), gpg.body, 0644);
  // gpg itself reads the keyring we hand to apt's Signed-By and finds the same fingerprint.
  auto shown = run_command(
      {"sh", "-c",
       "gpg --homedir " + dir.path() + " --show-keys --with-colons " + dir.file("key.gpg")});
  EXPECT_NE(shown.output.find(fp1), std::string::npos) << shown.output;

  auto second = admin_->post("/api/v1/tenants/acme/signing-keys", R"({"overlap_days":7})");
  ASSERT_EQ(second.status, 201) << second.body;
  auto keys = parse(admin_->get("/api/v1/tenants/acme/signing-keys"))["items"];
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0]["state"], "current");
  EXPECT_EQ(keys[1]["fingerprint"], fp1);
  EXPECT_EQ(keys[1]["state"], "retiring");
  EXPECT_TRUE(keys[1]["retire_at"].is_string());

  auto third = admin_->post("/api/v1/tenants/acme/signing-keys", R"({"overlap_days":0})");
  ASSERT_EQ(third.status, 201);
  keys = parse(admin_->get("/api/v1/tenants/acme/signing-keys"))["items"];
  EXPECT_EQ(keys[1]["state"], "retired") << "no overlap: the previous key stops at once";

  EXPECT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", R"({"algorithm":"dsa1024"})").status,
            400);
  EXPECT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", R"({"overlap_days":9999})").status,
            400);
  auto audit = parse(admin_->get("/api/v1/tenants/acme/audit?action=signing_key.rotate"));
  EXPECT_EQ(audit["items"].size(), 2u);
}

TEST_P(SigningKeysTest, OnlyOwnersCreateKeysAndViewersMayDownloadThePublicHalf) {
  auto viewer = tenant_user("acme", "vera", "viewer");
  auto op = tenant_user("acme", "otis", "operator");
  EXPECT_EQ(op.post("/api/v1/tenants/acme/signing-keys", "{}").status, 403);
  ASSERT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", "{}").status, 201);
  EXPECT_EQ(viewer.get("/api/v1/tenants/acme/signing-keys/current.asc").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Stores, SigningKeysTest, ::testing::Values("sqlite", "postgres"),
                         store_name);

}  // namespace
}  // namespace epcfleet::testing
