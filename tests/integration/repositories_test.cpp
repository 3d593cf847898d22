// APT repositories through the API and served by epcfleetd itself: upload real .deb files,
// publish, and let Debian's apt-get (with gpgv, sqv, by-hash and auth.conf credentials) take the
// result; install what apt resolved with dpkg into a throwaway root.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "server_fixture.hpp"

namespace epcfleet::testing {
namespace {

std::string base64(const std::string& text) {
  return run_command({"sh", "-c", "printf %s \"$0\" | base64 -w0", text}).output;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class RepositoriesTest : public ServerTest {
protected:
  bool plain_http() const override { return true; }

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
  void upload(const std::string& repo, const std::string& deb, long status = 201) {
    auto r = admin_->post_file("/api/v1/tenants/acme/repos/" + repo + "/packages", deb);
    ASSERT_EQ(r.status, status) << r.body;
  }
  void publish(const std::string& repo, const std::string& body = "{}") {
    auto r = admin_->post("/api/v1/tenants/acme/repos/" + repo + "/publish", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void tenant_with_key(const std::string& tenant = "acme") {
    ASSERT_EQ(admin_->post("/api/v1/tenants", json{{"id", tenant}, {"name", tenant}}.dump()).status,
              201);
    ASSERT_EQ(admin_->post("/api/v1/tenants/" + tenant + "/signing-keys", "{}").status, 201);
  }
  void create_repo(const std::string& name, const std::string& extra = "") {
    auto r = admin_->post("/api/v1/tenants/acme/repos",
                          R"({"name":")" + name + R"(","architectures":["amd64"])" + extra + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // Mints a credential and writes it as an auth.conf file; returns the file's path.
  std::string credential_file(const std::string& repo, const std::string& tenant = "acme") {
    auto r = admin_->post("/api/v1/tenants/" + tenant + "/repos/" + repo + "/credentials",
                          R"({"name":"epc-17"})");
    EXPECT_EQ(r.status, 201) << r.body;
    const auto j = parse(r);
    const std::string path = dir_.file("auth-" + tenant + "-" + repo + ".conf");
    write_file(path, j["auth_conf"].get<std::string>(), 0600);
    last_login_ = j["username"].get<std::string>() + ":" + j["password"].get<std::string>();
    last_credential_id_ = j["id"].get<std::string>();
    return path;
  }
  std::string keyring(const std::string& tenant = "acme") {
    auto key = admin_->get("/api/v1/tenants/" + tenant + "/signing-keys/current.gpg");
    EXPECT_EQ(key.status, 200);
    const std::string path = dir_.file(tenant + "-key.gpg");
    write_file(path, key.body, 0644);
    return path;
  }
  // apt-client-check against epcfleetd; extra flags appended.
  CommandResult apt_check(const std::string& repo, const std::string& package,
                          const std::string& version, const std::string& key,
                          std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{source_dir() + "/../shared/acceptance/apt-client-check",
                                  "--url",
                                  server_->url() + "/apt/acme/" + repo,
                                  "--suite",
                                  repo,
                                  "--component",
                                  "main",
                                  "--keyring",
                                  key,
                                  "--package",
                                  package,
                                  "--version",
                                  version};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  }
  HttpClient apt_client(const std::string& login) {
    HttpClient c(server_->url());
    c.set_header("Authorization", "Basic " + base64(login));
    return c;
  }

  TempDir dir_;
  int serial_ = 0;
  std::string last_login_;
  std::string last_credential_id_;
};

TEST_P(RepositoriesTest, UploadPublishServeAndAptInstallsFromIt) {
  tenant_with_key();
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
  // A browser form or curl -F sends multipart/form-data: the file part is the package.
  auto form = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                           "Authorization: Bearer " + admin_->bearer(), "-F", "note=x", "-F",
                           "file=@" + build_deb("epc-tools", "2.0", "all"),
                           server_->url() + "/api/v1/tenants/acme/repos/stable/packages"});
  EXPECT_EQ(form.output, "201");
  auto broken = run_command({"curl", "-s", "-H", "Authorization: Bearer " + admin_->bearer(), "-H",
                             "Content-Type: multipart/form-data; boundary=XyZ", "--data-binary",
                             "--XyZ\r\nno end",
                             server_->url() + "/api/v1/tenants/acme/repos/stable/packages"});
  EXPECT_NE(broken.output.find("malformed multipart"), std::string::npos) << broken.output;
  EXPECT_EQ(uploads_left(), "") << "no upload is left behind, accepted or refused";

  auto listed = parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages"));
  ASSERT_EQ(listed["items"].size(), 2u);
  EXPECT_TRUE(listed["next_cursor"].is_null());
  auto first = parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages?limit=1"));
  ASSERT_EQ(first["items"].size(), 1u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  auto second = parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages?limit=1&cursor=" +
                                  first["next_cursor"].get<std::string>()));
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_NE(second["items"][0]["name"], first["items"][0]["name"]);
  EXPECT_TRUE(second["next_cursor"].is_null());
  write_file(dir_.file("empty.deb"), "", 0644);
  auto empty =
      admin_->post_file("/api/v1/tenants/acme/repos/stable/packages", dir_.file("empty.deb"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("send the .deb file as the request body"), std::string::npos);
  EXPECT_EQ(parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages?q=tool"))["items"].size(),
            1u);
  EXPECT_EQ(
      parse(admin_->get("/api/v1/tenants/acme/repos/stable/packages?architecture=all"))["items"]
          .size(),
      1u);

  auto published = admin_->post("/api/v1/tenants/acme/repos/stable/publish", "{}");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_TRUE(parse(published)["published_at"].is_string());
  EXPECT_EQ(parse(published)["package_count"], 2);

  const auto key = keyring();
  const auto auth = credential_file("stable");
  const auto work = dir_.file("aptwork");
  auto check = apt_check("stable", "epc-agent", "1.0-1", key,
                         {"--auth-conf", auth, "--sqv", "--workdir", work, "--keep"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("PASS: sqv accepts Release.gpg"), std::string::npos) << check.output;

  // Install, not only download: dpkg into a throwaway root, with what apt fetched.
  const std::string root = dir_.file("epc-root");
  run_command({"mkdir", "-p", root + "/var/lib/dpkg/info", root + "/var/lib/dpkg/updates"});
  write_file(root + "/var/lib/dpkg/status", "", 0644);
  auto install =
      run_command({"sh", "-c",
                   "dpkg --root=\"$0\" --log=/dev/null --force-not-root --force-script-chrootless "
                   "--no-triggers -i \"$1\"/dl/*.deb",
                   root, work});
  EXPECT_EQ(install.exit_code, 0) << install.output;
  EXPECT_EQ(read_file(root + "/usr/share/epc-agent/payload"), "hello");

  // gpgv checks the same signatures as sqv; the by-hash copies are served with the credential.
  auto client = apt_client(last_login_);
  auto inrelease = client.get("/apt/acme/stable/dists/stable/InRelease");
  ASSERT_EQ(inrelease.status, 200);
  write_file(dir_.file("InRelease"), inrelease.body, 0644);
  auto gpgv = run_command({"gpgv", "--keyring", key, dir_.file("InRelease")});
  EXPECT_EQ(gpgv.exit_code, 0) << gpgv.output;
  const auto sha_section = inrelease.body.find("SHA256:");
  ASSERT_NE(sha_section, std::string::npos);
  int by_hash = 0;
  std::istringstream lines(inrelease.body.substr(sha_section));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line) && line.rfind(' ', 0) == 0) {
    std::istringstream fields(line);
    std::string hash, size, path;
    fields >> hash >> size >> path;
    if (path.find("binary-amd64/Packages") == std::string::npos)
      continue;
    const std::string dir = path.substr(0, path.rfind('/'));
    auto got = client.get("/apt/acme/stable/dists/stable/" + dir + "/by-hash/SHA256/" + hash);
    EXPECT_EQ(got.status, 200) << path;
    EXPECT_EQ(std::to_string(got.body.size()), size) << path;
    ++by_hash;
  }
  EXPECT_EQ(by_hash, 3) << "Packages, Packages.gz and Packages.xz";

  auto log = parse(admin_->get("/api/v1/tenants/acme/audit?action=package.upload"));
  EXPECT_EQ(log["items"].size(), 2u);
}

TEST_P(RepositoriesTest, AptRefusesATamperedReleaseAWrongKeyAndNoCredential) {
  tenant_with_key();
  tenant_with_key("other");
  create_repo("stable");
  upload("stable", build_deb("epc-agent", "1.0", "amd64"));
  publish("stable");
  const auto key = keyring();
  const auto auth = credential_file("stable");
  ASSERT_EQ(apt_check("stable", "epc-agent", "1.0", key, {"--auth-conf", auth}).exit_code, 0);

  auto wrong_key = apt_check("stable", "epc-agent", "1.0", keyring("other"), {"--auth-conf", auth});
  EXPECT_NE(wrong_key.exit_code, 0) << wrong_key.output;
  auto no_credential = apt_check("stable", "epc-agent", "1.0", key);
  EXPECT_NE(no_credential.exit_code, 0) << no_credential.output;

  // Change one byte of the signed text on disk: the signature no longer holds.
  const std::string in_release =
      std::filesystem::canonical(server_->data_dir() + "/apt/acme/stable/dists/stable/InRelease");
  std::string text = read_file(in_release);
  const auto at = text.find("Suite: stable");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 13, "Suite: stablf");
  ::chmod(in_release.c_str(), 0644);
  write_file(in_release, text, 0644);
  auto tampered = apt_check("stable", "epc-agent", "1.0", key, {"--auth-conf", auth});
  EXPECT_NE(tampered.exit_code, 0) << tampered.output;
}

TEST_P(RepositoriesTest, CredentialsGuardTheFilesAndHttpSemanticsHold) {
  tenant_with_key();
  tenant_with_key("other");
  create_repo("stable");
  ASSERT_EQ(admin_->post("/api/v1/tenants/other/repos", R"({"name":"stable"})").status, 201);
  upload("stable", build_deb("epc-agent", "1.0", "amd64", std::string(100000, 'x')));
  publish("stable");
  credential_file("stable", "other");
  const auto other_login = last_login_;
  credential_file("stable");
  const auto login = last_login_;
  const std::string file = "/apt/acme/stable/pool/main/e/epc-agent/epc-agent_1.0_amd64.deb";

  HttpClient anonymous(server_->url());
  auto none = anonymous.get(file);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Basic realm=\"epcfleet\"");
  auto foreign = apt_client(other_login).get(file);
  EXPECT_EQ(foreign.status, 401) << "another tenant's credential";
  EXPECT_EQ(apt_client(login + "x").get(file).status, 401) << "wrong password";
  EXPECT_EQ(apt_client(login).get("/apt/nope/stable/dists/stable/InRelease").status, 401)
      << "an unknown tenant looks like any other refusal";
  EXPECT_EQ(none.body.find("acme"), std::string::npos);

  auto client = apt_client(login);
  auto whole = client.get(file);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("content-type"), "application/vnd.debian.binary-package");
  const auto etag = whole.header("etag");
  ASSERT_TRUE(etag);
  client.set_header("Range", "bytes=10-19");
  auto part = client.get(file);
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, whole.body.substr(10, 10));
  EXPECT_EQ(part.header("content-range"), "bytes 10-19/" + std::to_string(whole.body.size()));
  client.set_header("Range", "bytes=" + std::to_string(whole.body.size()) + "-");
  EXPECT_EQ(client.get(file).status, 416);
  client.clear_headers();
  client.set_header("Authorization", "Basic " + base64(login));
  client.set_header("If-None-Match", *etag);
  EXPECT_EQ(client.get(file).status, 304);
  client.clear_headers();
  client.set_header("Authorization", "Basic " + base64(login));
  // InRelease's own date: it was written by the publish, possibly a second after the package.
  const auto in_release = client.get("/apt/acme/stable/dists/stable/InRelease");
  ASSERT_EQ(in_release.status, 200);
  client.set_header("If-Modified-Since", *in_release.header("last-modified"));
  EXPECT_EQ(client.get("/apt/acme/stable/dists/stable/InRelease").status, 304);
  EXPECT_EQ(apt_client(login).get("/apt/acme/stable/dists/stable/../../../other").status, 404);
  EXPECT_EQ(apt_client(login).get("/apt/acme/stable/dists/.generations").status, 404);
  EXPECT_EQ(apt_client(login).request("POST", file, "{}").status, 405);

  // The key is there for the credential too: an EPC needs nothing else to set itself up.
  auto key = apt_client(login).get("/apt/acme/stable/archive-keyring.gpg");
  EXPECT_EQ(key.status, 200);
  EXPECT_EQ(key.body, admin_->get("/api/v1/tenants/acme/signing-keys/current.gpg").body);
  EXPECT_EQ(anonymous.get("/apt/acme/stable/archive-keyring.asc").status, 401);

  // The password is never shown again, and revoking ends access at once.
  auto listed = parse(admin_->get("/api/v1/tenants/acme/repos/stable/credentials"));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_FALSE(listed["items"][0].contains("password"));
  EXPECT_TRUE(listed["items"][0]["last_used_at"].is_string());
  EXPECT_EQ(
      admin_->del("/api/v1/tenants/acme/repos/stable/credentials/" + last_credential_id_).status,
      204);
  EXPECT_EQ(apt_client(login).get(file).status, 401);

  // The sources entry an EPC needs, with the key embedded.
  auto sources = admin_->get("/api/v1/tenants/acme/repos/stable/sources");
  ASSERT_EQ(sources.status, 200);
  EXPECT_NE(sources.body.find("URIs: " + server_->url() + "/apt/acme/stable"), std::string::npos)
      << sources.body;
  EXPECT_NE(sources.body.find("Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----"),
            std::string::npos)
      << sources.body;
  EXPECT_EQ(sources.body.find('\r'), std::string::npos) << "deb822 lines end in LF only";
  EXPECT_NE(sources.body.find("\n .\n"), std::string::npos) << "blank key lines folded as ' .'";
  auto list = admin_->get("/api/v1/tenants/acme/repos/stable/sources?format=list");
  EXPECT_NE(list.body.find("deb [arch=amd64 signed-by="), std::string::npos) << list.body;
  auto both = parse(admin_->get("/api/v1/tenants/acme/repos/stable/sources?format=json"));
  EXPECT_EQ(both["auth_conf"].get<std::string>().rfind("machine http://127.0.0.1:", 0), 0u);
}

TEST_P(RepositoriesTest, SnapshotsPromoteTheSameSetToAnotherSuite) {
  tenant_with_key();
  create_repo("testing");
  create_repo("stable");
  upload("testing", build_deb("epc-agent", "1.0", "amd64"));
  auto snap = admin_->post("/api/v1/tenants/acme/snapshots",
                           R"({"name":"rc1","repo":"testing","description":"first \"rc\""})");
  ASSERT_EQ(snap.status, 201) << snap.body;
  EXPECT_EQ(parse(snap)["package_count"], 1);
  EXPECT_EQ(
      admin_->post("/api/v1/tenants/acme/snapshots", R"({"name":"rc1","repo":"testing"})").status,
      409);
  // testing moves on; the snapshot does not.
  upload("testing", build_deb("epc-agent", "2.0", "amd64"));
  publish("testing");
  auto frozen = parse(admin_->get("/api/v1/tenants/acme/snapshots/rc1/packages"));
  ASSERT_EQ(frozen["items"].size(), 1u);
  EXPECT_EQ(frozen["items"][0]["version"], "1.0");

  publish("stable", R"({"snapshot":"rc1"})");
  auto stable = parse(admin_->get("/api/v1/tenants/acme/repos/stable"));
  EXPECT_EQ(stable["published_snapshot"], "rc1");
  EXPECT_EQ(parse(admin_->get("/api/v1/tenants/acme/snapshots/rc1"))["published_in"],
            json::array({"stable"}));
  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/snapshots/rc1").status, 409)
      << "a snapshot in use stays";

  const auto key = keyring();
  auto check_stable =
      apt_check("stable", "epc-agent", "1.0", key, {"--auth-conf", credential_file("stable")});
  EXPECT_EQ(check_stable.exit_code, 0) << check_stable.output;
  auto check_testing =
      apt_check("testing", "epc-agent", "2.0", key, {"--auth-conf", credential_file("testing")});
  EXPECT_EQ(check_testing.exit_code, 0) << check_testing.output;

  // Deleting the source repository does not touch the snapshot's files.
  ASSERT_EQ(admin_->del("/api/v1/tenants/acme/repos/testing").status, 204);
  ASSERT_EQ(
      admin_->post("/api/v1/tenants/acme/repos", R"({"name":"canary","architectures":["amd64"]})")
          .status,
      201);
  publish("canary", R"({"snapshot":"rc1"})");
  publish("stable");  // stable now publishes its own set: rc1 may go
  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/snapshots/rc1").status, 409) << "canary uses it";
  EXPECT_EQ(admin_->get("/api/v1/tenants/acme/snapshots/nope").status, 404);
  EXPECT_EQ(admin_->post("/api/v1/tenants/acme/snapshots", R"({"name":"Bad Name","repo":"stable"})")
                .status,
            400);
}

TEST_P(RepositoriesTest, RetentionDeleteCopyAndPoolCollection) {
  tenant_with_key();
  create_repo("testing", R"(,"keep_versions":2)");
  create_repo("stable");
  const std::string pool = server_->data_dir() + "/apt/acme/testing/pool/main/e/epc-agent/";
  upload("testing", build_deb("epc-agent", "1.0", "amd64"));
  publish("testing");  // this generation lists 1.0
  upload("testing", build_deb("epc-agent", "1.1", "amd64"));
  upload("testing", build_deb("epc-agent", "1.10", "amd64"));
  auto versions = parse(admin_->get("/api/v1/tenants/acme/repos/testing/packages?name=epc-agent"));
  ASSERT_EQ(versions["items"].size(), 2u) << "keep_versions 2: 1.0 expired";
  EXPECT_EQ(versions["items"][0]["version"], "1.1");
  EXPECT_EQ(versions["items"][1]["version"], "1.10");
  auto expired = parse(admin_->get("/api/v1/tenants/acme/audit?action=package.upload"));
  EXPECT_NE(expired.dump().find("epc-agent_1.0_amd64"), std::string::npos);

  // Copy 1.1 to stable (hard link), idempotent, conflicts refused.
  auto copy = admin_->post("/api/v1/tenants/acme/repos/stable/packages/copy",
                           R"({"from":"testing","name":"epc-agent","version":"1.1"})");
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_EQ(parse(copy)["copied"].size(), 1u);
  auto again = admin_->post("/api/v1/tenants/acme/repos/stable/packages/copy",
                            R"({"from":"testing","name":"epc-agent","version":"1.1"})");
  EXPECT_EQ(parse(again)["copied"].size(), 0u);
  EXPECT_EQ(admin_
                ->post("/api/v1/tenants/acme/repos/stable/packages/copy",
                       R"({"from":"testing","name":"epc-agent","version":"9.9"})")
                .status,
            404);

  // Delete a version: the row goes now, the file at a later publish.
  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/repos/testing/packages/epc-agent/1.1/amd64").status,
            204);
  EXPECT_EQ(admin_->del("/api/v1/tenants/acme/repos/testing/packages/epc-agent/1.1/amd64").status,
            404);
  EXPECT_TRUE(exists(pool + "epc-agent_1.0_amd64.deb"));
  publish("testing");
  EXPECT_TRUE(exists(pool + "epc-agent_1.0_amd64.deb")) << "a kept generation still lists it";
  for (int i = 0; i < 3; ++i)
    publish("testing");
  EXPECT_FALSE(exists(pool + "epc-agent_1.0_amd64.deb")) << "no generation lists it any more";
  EXPECT_FALSE(exists(pool + "epc-agent_1.1_amd64.deb"));
  EXPECT_TRUE(exists(pool + "epc-agent_1.10_amd64.deb"));
  EXPECT_TRUE(exists(server_->data_dir() +
                     "/apt/acme/stable/pool/main/e/epc-agent/epc-agent_1.1_amd64.deb"))
      << "stable's copy is its own link";

  auto lowered = admin_->patch("/api/v1/tenants/acme/repos/stable", R"({"keep_versions":0})");
  EXPECT_EQ(lowered.status, 200) << lowered.body;
  EXPECT_EQ(admin_->patch("/api/v1/tenants/acme/repos/stable", R"({"keep_versions":-1})").status,
            400);
}

TEST_P(RepositoriesTest, KillNineDuringPublishLeavesARepositoryAptAccepts) {
  tenant_with_key();
  create_repo("stable");
  for (int i = 0; i < 30; ++i)
    upload("stable", build_deb("pkg-" + std::to_string(i), "1.0", "amd64"));
  publish("stable");
  const auto key = keyring();
  const auto auth = credential_file("stable");
  int interrupted = 0;  // rounds whose publish request got no answer: the kill hit it
  for (int round = 0; round < 6; ++round) {
    upload("stable", build_deb("late-" + std::to_string(round), "1.0", "amd64"));
    // Publish from a separate process and kill the server at a different moment each round.
    Process publisher(
        {"curl", "-s", "-o", "/dev/null", "-X", "POST", "-H",
         "Authorization: Bearer " + admin_->bearer(), "-H", "Content-Type: application/json",
         "--data", "{}", server_->url() + "/api/v1/tenants/acme/repos/stable/publish"},
        dir_.file("curl.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + 10 * round));
    server_->kill9();
    if (publisher.wait(10000) != 0)
      ++interrupted;
    server_->start();
    auto check = apt_check("stable", "pkg-0", "1.0", key, {"--auth-conf", auth});
    EXPECT_EQ(check.exit_code, 0) << "round " << round << "\n" << check.output;
  }
  EXPECT_GT(interrupted, 0) << "no kill landed inside a publish; the test proved nothing";
  publish("stable");  // and publishing goes on after the debris
  EXPECT_EQ(apt_check("stable", "late-5", "1.0", key, {"--auth-conf", auth}).exit_code, 0);
}

TEST_P(RepositoriesTest, ClientsKnowingEitherKeyAcceptTheRepositoryDuringARotationOverlap) {
  tenant_with_key();
  create_repo("stable");
  upload("stable", build_deb("epc-agent", "1.0", "amd64"));
  publish("stable");
  const auto auth = credential_file("stable");
  const auto old_key = keyring();
  const std::string old_copy = dir_.file("old-key.gpg");
  write_file(old_copy, read_file(old_key), 0644);
  ASSERT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", R"({"overlap_days":7})").status, 201);
  publish("stable");  // InRelease and Release.gpg now carry both signatures
  const auto new_key = keyring();
  ASSERT_NE(read_file(new_key), read_file(old_copy));
  for (const auto& key : {old_copy, new_key}) {
    auto check = apt_check("stable", "epc-agent", "1.0", key, {"--auth-conf", auth, "--sqv"});
    EXPECT_EQ(check.exit_code, 0) << key << "\n" << check.output;
  }
  // After the overlap (none left here), only the new key signs: old-key clients must refuse.
  ASSERT_EQ(admin_->post("/api/v1/tenants/acme/signing-keys", R"({"overlap_days":0})").status, 201);
  publish("stable");
  auto stale = apt_check("stable", "epc-agent", "1.0", old_copy, {"--auth-conf", auth});
  EXPECT_NE(stale.exit_code, 0) << stale.output;
  EXPECT_EQ(apt_check("stable", "epc-agent", "1.0", keyring(), {"--auth-conf", auth}).exit_code, 0);
}

TEST_P(RepositoriesTest, ConcurrentPublishesOfOneRepositoryAreRefusedNotQueued) {
  tenant_with_key();
  create_repo("stable");
  for (int i = 0; i < 20; ++i)
    upload("stable", build_deb("pkg-" + std::to_string(i), "1.0", "amd64"));
  std::vector<std::unique_ptr<Process>> publishers;
  for (int i = 0; i < 4; ++i) {
    publishers.push_back(std::make_unique<Process>(
        std::vector<std::string>{"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                 "POST", "-H", "Authorization: Bearer " + admin_->bearer(), "-H",
                                 "Content-Type: application/json", "--data", "{}",
                                 server_->url() + "/api/v1/tenants/acme/repos/stable/publish"},
        dir_.file("publish-" + std::to_string(i) + ".out")));
  }
  int ok = 0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(publishers[static_cast<std::size_t>(i)]->wait(60000), 0);
    const auto code = read_file(dir_.file("publish-" + std::to_string(i) + ".out"));
    EXPECT_TRUE(code == "200" || code == "409") << code;
    ok += code == "200" ? 1 : 0;
  }
  EXPECT_GE(ok, 1);
  EXPECT_EQ(
      apt_check("stable", "pkg-3", "1.0", keyring(), {"--auth-conf", credential_file("stable")})
          .exit_code,
      0);
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
