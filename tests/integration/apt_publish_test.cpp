// The index writer, signer and publisher against Debian's own apt-get (through
// ../shared/acceptance/apt-client-check, which runs apt in a private tree and checks with gpgv and
// sqv). The repository is served by Python's http.server as a plain peer until epcfleetd serves
// repositories itself.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "epcfleet/apt/deb_reader.hpp"
#include "epcfleet/apt/digests.hpp"
#include "epcfleet/apt/pool.hpp"
#include "epcfleet/apt/publisher.hpp"
#include "epcfleet/testing/http_client.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::apt {
namespace {

class AptPublishTest : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = dir_.file("repo");
    ::mkdir(root_.c_str(), 0755);
    auto key = generate_signing_key(KeyAlgorithm::kEd25519, "test repository key");
    ASSERT_TRUE(key);
    key_ = *key;
    testing::write_file(dir_.file("key.gpg"), key_.public_binary, 0644);
    port_ = testing::free_port();
    server_ = std::make_unique<testing::Process>(
        std::vector<std::string>{"python3", "-m", "http.server", "--bind", "127.0.0.1",
                                 "--directory", root_, std::to_string(port_)},
        dir_.file("http.log"));
    testing::HttpClient probe("http://127.0.0.1:" + std::to_string(port_));
    for (int i = 0; i < 200 && probe.get("/").status != 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }

  // Builds a package with dpkg-deb and puts it into the pool; returns its index entry.
  IndexEntry add_package(const std::string& name, const std::string& version,
                         const std::string& arch) {
    const std::string src = dir_.file(name + "-" + version + "-" + arch);
    ::mkdir(src.c_str(), 0755);
    ::mkdir((src + "/DEBIAN").c_str(), 0755);
    testing::write_file(
        src + "/DEBIAN/control",
        "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch +
            "\nMaintainer: Test <t@example.net>\nDescription: test package\n more\n",
        0644);
    const std::string deb = src + ".deb";
    auto built = testing::run_command({"dpkg-deb", "--root-owner-group", "--build", src, deb});
    EXPECT_EQ(built.exit_code, 0) << built.output;
    auto info = read_deb_file(deb);
    EXPECT_TRUE(info) << info.error().message;
    IndexEntry e{info->control, pool_path("main", info->control), *digest_file(deb)};
    const std::string dest = root_ + "/" + e.filename;
    testing::run_command({"mkdir", "-p", dest.substr(0, dest.rfind('/'))});
    testing::run_command({"cp", deb, dest});
    return e;
  }

  Result<PublishResult> publish(const std::vector<IndexEntry>& entries) {
    PublishRequest req;
    req.repo_root = root_;
    req.release.label = "acme stable";
    req.release.suite = "stable";
    req.release.codename = "bookworm";
    req.release.architectures = {"amd64", "arm64"};
    req.release.components = {"main"};
    req.release.date = now_ms();
    for (const std::string arch : {"amd64", "arm64"}) {
      std::vector<IndexEntry> for_arch;
      for (const auto& e : entries) {
        if (e.control.architecture == arch || e.control.architecture == "all")
          for_arch.push_back(e);
      }
      auto files = packages_files("main", arch, for_arch);
      EXPECT_TRUE(files);
      for (auto& f : *files)
        req.files.push_back(std::move(f));
    }
    auto signer = Signer::load(key_.secret_key);
    EXPECT_TRUE(signer);
    req.signers.push_back(*signer);
    return publish_suite(req);
  }

  testing::CommandResult apt_check(const std::string& package, const std::string& version) {
    return testing::run_command({testing::source_dir() + "/../shared/acceptance/apt-client-check",
                                 "--url", "http://127.0.0.1:" + std::to_string(port_), "--suite",
                                 "stable", "--component", "main", "--keyring", dir_.file("key.gpg"),
                                 "--package", package, "--version", version, "--require-by-hash",
                                 "--sqv"});
  }

  testing::TempDir dir_;
  std::string root_;
  SigningKey key_;
  std::uint16_t port_ = 0;
  std::unique_ptr<testing::Process> server_;
};

TEST_F(AptPublishTest, AptGetAcceptsThePublishedRepositoryAndSeesRepublishedVersions) {
  auto agent1 = add_package("epc-agent", "1.0-1", "amd64");
  auto tools = add_package("epc-tools", "2.0", "all");
  auto published = publish({agent1, tools});
  ASSERT_TRUE(published) << published.error().message;
  auto first = apt_check("epc-agent", "1.0-1");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  for (const char* step : {"PASS: apt-get update (signature verified", "PASS: by-hash:",
                           "PASS: sha256 matches signed index", "PASS: sqv accepts Release.gpg"}) {
    EXPECT_NE(first.output.find(step), std::string::npos) << step << "\n" << first.output;
  }
  auto arch_all = apt_check("epc-tools", "2.0");
  EXPECT_EQ(arch_all.exit_code, 0) << arch_all.output;

  auto agent2 = add_package("epc-agent", "1.1-1", "amd64");
  auto again = publish({agent1, agent2, tools});
  ASSERT_TRUE(again) << again.error().message;
  auto second = apt_check("epc-agent", "1.1-1");
  EXPECT_EQ(second.exit_code, 0) << second.output;
  // The previous generation's by-hash indexes are still there for clients that started earlier.
  auto old_hash = testing::run_command(
      {"sh", "-c", "ls " + root_ + "/dists/stable/main/binary-amd64/by-hash/SHA256 | wc -l"});
  EXPECT_GE(std::stoi(old_hash.output), 6) << "3 index files x 2 generations";
}

TEST_F(AptPublishTest, AptRefusesATamperedIndexAndAForeignKey) {
  auto agent = add_package("epc-agent", "1.0-1", "amd64");
  ASSERT_TRUE(publish({agent}));
  auto good = apt_check("epc-agent", "1.0-1");
  ASSERT_EQ(good.exit_code, 0) << "the untouched repository must pass first:\n" << good.output;
  const std::string inrelease = root_ + "/dists/stable/InRelease";
  std::string text = testing::read_file(inrelease);
  const auto pos = text.find("Suite: stable");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 13, "Suite: stabl3");
  testing::run_command({"sh", "-c", "chmod u+w " + inrelease});
  testing::write_file(inrelease, text, 0644);
  auto tampered = apt_check("epc-agent", "1.0-1");
  EXPECT_NE(tampered.exit_code, 0) << tampered.output;
  EXPECT_NE(tampered.output.find("FAIL"), std::string::npos) << tampered.output;

  ASSERT_TRUE(publish({agent}));
  auto other = generate_signing_key(KeyAlgorithm::kEd25519, "someone else");
  ASSERT_TRUE(other);
  testing::write_file(dir_.file("key.gpg"), other->public_binary, 0644);
  auto foreign = apt_check("epc-agent", "1.0-1");
  EXPECT_NE(foreign.exit_code, 0) << foreign.output;
  EXPECT_NE(foreign.output.find("FAIL"), std::string::npos) << foreign.output;
}

// Review finding: concurrent publishes must never leave dists/<suite> pointing at nothing, and
// pruning keeps exactly keep_generations.
TEST_F(AptPublishTest, ConcurrentPublishesLeaveAValidSuiteAndPruningKeepsTheNewest) {
  auto agent = add_package("epc-agent", "1.0-1", "amd64");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        if (!publish({agent}))
          ++failures;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/dists/stable/InRelease").c_str(), &st), 0)
      << "the suite link dangles";
  auto gens =
      testing::run_command({"sh", "-c", "ls " + root_ + "/dists/.generations/stable | wc -l"});
  EXPECT_EQ(std::stoi(gens.output), 3) << "keep_generations = 3";
  auto check = apt_check("epc-agent", "1.0-1");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace
}  // namespace epcfleet::apt
