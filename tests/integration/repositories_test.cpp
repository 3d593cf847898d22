// APT repositories through the API: upload real .deb files, publish, and let Debian's apt-get
// (with gpgv, sqv and by-hash) take the result. Until epcfleetd serves repositories itself
// (next step of the issue), Python's http.server serves the published directory.
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

class RepositoriesTest : public ServerTest {
protected:
  std::string build_deb(const std::string& name, const std::string& version,
                        const std::string& arch, const std::string& payload = "hello") {
    const std::string src =
        dir_.file(name + "-" + version + "-" + arch + "-" + std::to_string(serial_++));
    run_command({"mkdir", "-p", src + "/DEBIAN", src + "/usr/share/" + name});
    write_file(src + "/DEBIAN/control",
               "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch +
                   "\nMaintainer: Ops <ops@example.net>\nDescription: test\n more\n",
               0644);
    write_file(src + "/usr/share/" + name + "/payload", payload, 0644);
    auto r = run_command({"dpkg-deb", "--root-owner-group", "--build", src, src + ".deb"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return src + ".deb";
  }
  std::string uploads_left() {
    return run_command({"sh", "-c", "ls -A " + server_->data_dir() + "/tmp"}).output;
  }
  TempDir dir_;
  int serial_ = 0;
};

TEST_P(RepositoriesTest, UploadPublishAndAptGetInstallsFromIt) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", "{}").status, 201);
  auto repo =
      admin_->post("/api/v1/tenants/acme/repos",
                   R"({"name":"stable","codename":"bookworm","architectures":["amd64","arm64"]})");
  ASSERT_EQ(repo.status, 201) << repo.body;
  EXPECT_EQ(parse(repo)["suite"], "stable");

  const auto agent = build_deb("epc-agent", "1.0-1", "amd64");
  auto up = admin_->post_file("/api/v1/tenants/acme/repos/stable/packages?component=main", agent);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(parse(up)["filename"], "pool/main/e/epc-agent/epc-agent_1.0-1_amd64.deb");
  EXPECT_EQ(admin_->post_file("/api/v1/tenants/acme/repos/stable/packages", agent).status, 200)
      << "the same bytes again are idempotent";
  const auto impostor = build_deb("epc-agent", "1.0-1", "amd64", "other bytes");
  auto clash = admin_->post_file("/api/v1/tenants/acme/repos/stable/packages", impostor);
  EXPECT_EQ(clash.status, 409) << clash.body;
  write_file(dir_.file("garbage.deb"), "this is not a package", 0644);
  auto bad =
      admin_->post_file("/api/v1/tenants/acme/repos/stable/packages", dir_.file("garbage.deb"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(parse(bad)["error"]["message"].get<std::string>().find("not a valid Debian package"),
            std::string::npos);
  auto wrong_arch = admin_->post_file("/api/v1/tenants/acme/repos/stable/packages",
                                      build_deb("epc-agent", "1.0-1", "i386"));
  EXPECT_EQ(wrong_arch.status, 400);
  EXPECT_EQ(admin_->post_file("/api/v1/tenants/acme/repos/stable/packages?component=contrib", agent)
                .status,
            400);
  ASSERT_EQ(admin_
                ->post_file("/api/v1/tenants/acme/repos/stable/packages",
                            build_deb("epc-tools", "2.0", "all"))
                .status,
            201);
  EXPECT_EQ(uploads_left(), "") << "no upload is left behind, accepted or refused";

  auto listed = parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages"));
  ASSERT_EQ(listed["items"].size(), 2u);

  auto published = admin_->post("/api/v1/tenants/acme/repos/stable/publish", "{}");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_TRUE(parse(published)["published_at"].is_string());

  // Serve the published tree and let apt decide.
  const std::string root = server_->data_dir() + "/apt/acme/stable";
  const auto port = free_port();
  Process http({"python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root,
                std::to_string(port)},
               dir_.file("http.log"));
  HttpClient probe("http://127.0.0.1:" + std::to_string(port));
  for (int i = 0; i < 200 && probe.get("/").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  auto key = admin_->get("/api/v1/tenants/acme/signing-keys/current.gpg");
  write_file(dir_.file("key.gpg"), key.body, 0644);
  auto check = run_command({source_dir() + "/../shared/acceptance/apt-client-check", "--url",
                            "http://127.0.0.1:" + std::to_string(port), "--suite", "stable",
                            "--component", "main", "--keyring", dir_.file("key.gpg"), "--package",
                            "epc-agent", "--version", "1.0-1", "--require-by-hash", "--sqv"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("PASS: sqv accepts Release.gpg"), std::string::npos) << check.output;

  auto log = parse(admin_->get("/api/v1/tenants/acme/audit?action=package.upload"));
  EXPECT_EQ(log["items"].size(), 2u);
}

TEST_P(RepositoriesTest, PublishingWithoutAKeySaysWhatToDo) {
  ASSERT_EQ(admin_->post("/api/v1/tenants", R"({"id":"acme","name":"Acme"})").status, 201);
  ASSERT_EQ(admin_->post("/api/v1/tenants/acme/repos", R"({"name":"stable"})").status, 201);
  auto r = admin_->post("/api/v1/tenants/acme/repos/stable/publish", "{}");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("signing-keys"), std::string::npos) << r.body;
  EXPECT_EQ(admin_->post("/api/v1/tenants/acme/repos", R"({"name":"stable"})").status, 409);
  EXPECT_EQ(admin_->post("/api/v1/tenants/acme/repos", R"({"name":"Bad/Name"})").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Stores, RepositoriesTest, ::testing::Values("sqlite", "postgres"),
                         store_name);

}  // namespace
}  // namespace epcfleet::testing
