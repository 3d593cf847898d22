// The administrative subcommands against a data dir the real server has written.
#include <sstream>

#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

std::string epcfleetd() {
  return binary_dir() + "/apps/epcfleetd/epcfleetd";
}

TEST(AdminCommands, AuditVerifyPassesAnIntactLogAndCatchesAnEditedRecord) {
  ServerProcess server;
  auto admin = server.admin_client();
  ASSERT_EQ(admin.post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(admin
                .post("/api/v1/tenants/acme/users",
                      R"({"username":"amy","password":"amy-password-123","role":"viewer"})")
                .status,
            201);
  ASSERT_EQ(server.stop(), 0);

  auto ok = run_command({epcfleetd(), "audit", "verify", "--data-dir", server.data_dir()});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("intact"), std::string::npos);

  auto edit = run_command({"sqlite3", server.data_dir() + "/epcfleet.db",
                           "UPDATE audit_log SET actor = 'nobody' WHERE action = 'user.create'"});
  ASSERT_EQ(edit.exit_code, 0) << edit.output;
  auto bad = run_command({epcfleetd(), "audit", "verify", "--data-dir", server.data_dir()});
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_NE(bad.output.find("TAMPERED"), std::string::npos) << bad.output;
}

TEST(AdminCommands, RotateMasterKeyReSealsEverySecretAndTheServerStillReadsThem) {
  ServerProcess server;
  auto admin = server.admin_client();
  ASSERT_EQ(admin.post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(admin.post("/api/v1/tenants/acme/signing-keys", "{}").status, 201);
  ASSERT_EQ(admin.post("/api/v1/tenants/acme/signing-keys", "{}").status, 201);
  ASSERT_EQ(server.stop(), 0);
  const auto db = server.data_dir() + "/epcfleet.db";
  const auto sealed_before =
      run_command({"sqlite3", db, "SELECT sealed FROM secrets ORDER BY id"}).output;
  ASSERT_EQ(std::count(sealed_before.begin(), sealed_before.end(), '\n'), 2) << sealed_before;

  auto r = run_command({epcfleetd(), "rotate-master-key", "--data-dir", server.data_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 secrets re-sealed"), std::string::npos) << r.output;
  const auto key_file = read_file(server.data_dir() + "/master.key");
  const auto key_line = key_file.substr(key_file.find("\nkey ") + 1);
  const auto new_id = key_line.substr(4, 8);
  EXPECT_EQ(std::count(key_file.begin(), key_file.end(), '\n') - 2, 1)
      << "only the new key remains";
  const auto sealed_after =
      run_command({"sqlite3", db, "SELECT sealed FROM secrets ORDER BY id"}).output;
  EXPECT_NE(sealed_after, sealed_before);
  std::istringstream lines(sealed_after);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("efs1." + new_id + ".", 0), 0u) << line;
  }

  server.start();
  EXPECT_EQ(server.client().get("/readyz").status, 200);
  auto again = server.admin_client();
  EXPECT_EQ(again.get("/api/v1/tenants/acme/signing-keys/current.asc").status, 200);
}

TEST(AdminCommands, CommandsOnANonDataDirSayHowToMakeOne) {
  TempDir dir;
  auto r = run_command({epcfleetd(), "serve", "--data-dir", dir.file("nothing")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("epcfleetd init"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace epcfleet::testing
