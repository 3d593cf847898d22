// The server as an operator runs it: init, serve over TLS, config, logs, signals.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

std::string epcfleetd() {
  return binary_dir() + "/apps/epcfleetd/epcfleetd";
}

TEST(ServerLifecycle, InitRefusesAnInitializedDataDirAndChangesNothing) {
  TempDir dir;
  write_file(dir.file("pw"), "first-password-123\n");
  auto first = run_command(
      {epcfleetd(), "init", "--data-dir", dir.file("d"), "--admin-password-file", dir.file("pw")});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto key_before = read_file(dir.file("d/master.key"));
  auto second = run_command({epcfleetd(), "init", "--data-dir", dir.file("d")});
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.output.find("already initialized"), std::string::npos) << second.output;
  EXPECT_EQ(read_file(dir.file("d/master.key")), key_before);
}

TEST(ServerLifecycle, InitWithoutAPasswordFilePrintsAGeneratedOneOnce) {
  TempDir dir;
  auto init =
      run_command({epcfleetd(), "init", "--data-dir", dir.file("d"), "--admin-user", "root"});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  const std::string marker = "admin password (shown once, store it now): ";
  const auto pos = init.output.find(marker);
  ASSERT_NE(pos, std::string::npos) << init.output;
  const std::string password =
      init.output.substr(pos + marker.size(), init.output.find('\n', pos) - pos - marker.size());
  EXPECT_GE(password.size(), 20u);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("d/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.file("d/tls/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(ServerLifecycle, InitWithAShortPasswordFailsAndLeavesNothingBehind) {
  TempDir dir;
  write_file(dir.file("pw"), "short\n");
  auto init = run_command(
      {epcfleetd(), "init", "--data-dir", dir.file("d"), "--admin-password-file", dir.file("pw")});
  EXPECT_NE(init.exit_code, 0);
  EXPECT_NE(init.output.find("at least 12"), std::string::npos) << init.output;
  auto listing = run_command({"sh", "-c", "ls -A " + dir.path()});
  EXPECT_EQ(listing.output, "pw\n") << "a failed init must leave nothing half-made";
}

TEST(ServerLifecycle, PlainHttpIsRefusedOnNonLoopbackAddresses) {
  TempDir dir;
  write_file(dir.file("pw"), "some-password-123\n");
  ASSERT_EQ(run_command({epcfleetd(), "init", "--data-dir", dir.file("d"), "--admin-password-file",
                         dir.file("pw")})
                .exit_code,
            0);
  auto r = run_command({epcfleetd(), "serve", "--data-dir", dir.file("d"), "--http", "--listen",
                        "0.0.0.0:" + std::to_string(free_port())});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("loopback"), std::string::npos) << r.output;
}

TEST(ServerLifecycle, ServesTlsWithItsOwnCertificateAndStopsCleanlyOnSigterm) {
  ServerProcess server;
  EXPECT_EQ(server.url().rfind("https://", 0), 0u);
  auto c = server.client();
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_EQ(c.get("/readyz").status, 200);
  auto health = c.get("/healthz");
  EXPECT_TRUE(health.header("content-security-policy").has_value());
  EXPECT_EQ(health.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(server.stop(), 0);
  EXPECT_NE(server.log().find("server.stopped"), std::string::npos) << server.log();
}

TEST(ServerLifecycle, SighupReloadsTheCertificateWithoutRestarting) {
  ServerProcess server;
  auto fingerprint = [&] {
    return run_command({"sh", "-c",
                        "openssl s_client -connect " + server.url().substr(8) +
                            " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"})
        .output;
  };
  const auto before = fingerprint();
  ASSERT_NE(before.find("Fingerprint"), std::string::npos) << before;
  const auto dir = server.data_dir() + "/tls";
  auto gen =
      run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=renewed", "-days", "30",
                   "-keyout", dir + "/server.key.new", "-out", dir + "/server.crt.new"});
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ASSERT_EQ(std::rename((dir + "/server.key.new").c_str(), (dir + "/server.key").c_str()), 0);
  ASSERT_EQ(std::rename((dir + "/server.crt.new").c_str(), (dir + "/server.crt").c_str()), 0);
  const pid_t pid = server.pid();
  ::kill(pid, SIGHUP);
  std::string after;
  for (int i = 0; i < 100 && (after = fingerprint()) == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(after, before);
  EXPECT_EQ(server.pid(), pid);
  EXPECT_EQ(server.client().get("/healthz").status, 200);
}

TEST(ServerLifecycle, ConfigShowTellsSourcesAndMasksTheStorePassword) {
  ServerProcess server;
  auto r = run_command({epcfleetd(), "config", "show", "--data-dir", server.data_dir(), "--listen",
                        "127.0.0.1:9999"},
                       {{"EPCFLEET_STORE", "postgresql://ef:hunter2secret@127.0.0.1:5432/ef"},
                        {"EPCFLEET_LOG_LEVEL", "debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("hunter2secret"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("listen = \"127.0.0.1:9999\"    # flag"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("log_level = \"debug\"    # env EPCFLEET_LOG_LEVEL"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("# default"), std::string::npos);
}

TEST(ServerLifecycle, ABrokenConfigFileIsReportedWithItsLine) {
  ServerProcess server;
  server.stop();
  std::ofstream(server.data_dir() + "/epcfleetd.toml", std::ios::app) << "\nlisten = [broken\n";
  auto r = run_command({epcfleetd(), "config", "show", "--data-dir", server.data_dir()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("epcfleetd.toml:"), std::string::npos) << r.output;
}

TEST(ServerLifecycle, LogsNeverContainPasswordsOrTokensAndJsonLogsParse) {
  ServerOptions options;
  options.extra_args = {"--log-json"};
  ServerProcess server(options);
  auto admin = server.admin_client();
  const std::string user_password = "canary-user-password-7f3a";
  ASSERT_EQ(admin.post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(
      admin
          .post("/api/v1/tenants/acme/users",
                json{{"username", "zed"}, {"password", user_password}, {"role", "owner"}}.dump())
          .status,
      201);
  auto token =
      parse(admin.post("/api/v1/tenants/acme/tokens", R"({"name":"ci","role":"viewer"})"))["token"]
          .get<std::string>();
  auto c = server.client();
  c.post("/api/v1/auth/login", R"({"username":"zed","password":"wrong-canary-password-99"})");
  c.post("/api/v1/auth/login",
         R"({"username":"canary-typed-into-username","password":"x-password-123"})");
  c.set_bearer(token);
  c.get("/api/v1/tenants/acme");
  server.stop();
  const auto log = server.log();
  for (const std::string& secret :
       {user_password, token, token.substr(4), server.admin_password(),
        std::string("wrong-canary-password-99"), std::string("canary-typed-into-username")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret in log: " << secret;
  }
  int lines = 0;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{')
      continue;
    ++lines;
    auto j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event")) << line;
  }
  EXPECT_GT(lines, 5);
}

}  // namespace
}  // namespace epcfleet::testing
