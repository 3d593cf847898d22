// Real packages built by dpkg-deb, in every compression it offers, and broken ones.
#include "epcfleet/apt/deb_reader.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "epcfleet/apt/digests.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::apt {
namespace {

class DebReaderTest : public ::testing::Test {
protected:
  // Builds name_version_arch.deb with dpkg-deb; returns its path.
  std::string build(const std::string& control, const std::string& compression = "xz",
                    const std::string& tag = "pkg") {
    const std::string root = dir_.file(tag + "-root");
    ::mkdir(root.c_str(), 0755);
    ::mkdir((root + "/DEBIAN").c_str(), 0755);
    ::mkdir((root + "/usr").c_str(), 0755);
    testing::write_file(root + "/DEBIAN/control", control, 0644);
    testing::write_file(root + "/usr/hello.txt", "hello from a test package\n", 0644);
    const std::string out = dir_.file(tag + ".deb");
    auto r = testing::run_command(
        {"dpkg-deb", "--root-owner-group", "-Z" + compression, "--build", root, out});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out;
  }
  testing::TempDir dir_;
};

constexpr const char* kControl =
    "Package: epc-agent\nVersion: 1.2.3-1\nArchitecture: amd64\nMaintainer: Ops <ops@example.net>\n"
    "Description: test package\n long description\n";

TEST_F(DebReaderTest, ReadsPackagesInEveryCompressionDpkgDebWrites) {
  for (const std::string c : {"xz", "gzip", "zstd", "none"}) {
    const auto path = build(kControl, c, "p-" + c);
    auto info = read_deb_file(path);
    ASSERT_TRUE(info) << c << ": " << info.error().message;
    EXPECT_EQ(info->control.package, "epc-agent");
    EXPECT_EQ(info->control.version_text, "1.2.3-1");
    EXPECT_EQ(info->control.architecture, "amd64");
    const std::string expected = c == "gzip" ? "gz" : c == "zstd" ? "zst" : c;
    EXPECT_EQ(info->data_compression, expected);
  }
}

TEST_F(DebReaderTest, DigestsMatchTheCoreutils) {
  const auto path = build(kControl);
  auto d = digest_file(path);
  ASSERT_TRUE(d);
  auto sha256 = testing::run_command({"sh", "-c", "sha256sum " + path + " | cut -d' ' -f1"});
  auto md5 = testing::run_command({"sh", "-c", "md5sum " + path + " | cut -d' ' -f1"});
  auto sha512 = testing::run_command({"sh", "-c", "sha512sum " + path + " | cut -d' ' -f1"});
  auto sha1 = testing::run_command({"sh", "-c", "sha1sum " + path + " | cut -d' ' -f1"});
  EXPECT_EQ(d->sha256 + "\n", sha256.output);
  EXPECT_EQ(d->md5 + "\n", md5.output);
  EXPECT_EQ(d->sha512 + "\n", sha512.output);
  EXPECT_EQ(d->sha1 + "\n", sha1.output);
  struct stat st {};
  ::stat(path.c_str(), &st);
  EXPECT_EQ(d->size, static_cast<std::uint64_t>(st.st_size));
}

TEST_F(DebReaderTest, DigestsTakenWhileReadingCoverTheWholeFile) {
  for (const std::string c : {"xz", "gzip", "none"}) {
    const auto path = build(kControl, c, "d-" + c);
    DigestStream stream;
    ASSERT_TRUE(read_deb_file(path, {}, &stream));
    const auto during = stream.finish();
    const auto separate = digest_file(path);
    ASSERT_TRUE(separate);
    EXPECT_EQ(during.size, separate->size) << c;
    EXPECT_EQ(during.sha256, separate->sha256) << c;
    EXPECT_EQ(during.sha512, separate->sha512) << c;
    EXPECT_EQ(during.md5, separate->md5) << c;
  }
}

TEST_F(DebReaderTest, RefusesThingsThatAreNotDebianPackages) {
  const auto good = build(kControl);
  const auto bytes = testing::read_file(good);
  struct Bad {
    std::string name;
    std::string content;
    std::string expected;
  };
  std::vector<Bad> cases = {
      {"empty", "", "not a valid Debian package"},
      {"text", "hello, I am not a package\n", "not a valid Debian package"},
      {"truncated", bytes.substr(0, bytes.size() / 2), "not a valid Debian package"},
      {"tar",
       testing::run_command(
           {"sh", "-c", "cd " + dir_.path() + " && tar cf - pkg-root | head -c 4096"})
           .output,
       "not a valid Debian package"},
  };
  for (const auto& c : cases) {
    auto info = read_deb_memory(c.content);
    ASSERT_FALSE(info) << c.name;
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_NE(info.error().message.find(c.expected), std::string::npos)
        << c.name << ": " << info.error().message;
  }
}

TEST_F(DebReaderTest, RefusesWrongMemberOrderAndFormatVersions) {
  const auto good = build(kControl);
  const std::string work = dir_.file("parts");
  ::mkdir(work.c_str(), 0755);
  ASSERT_EQ(testing::run_command({"sh", "-c", "cd " + work + " && ar x " + good}).exit_code, 0);
  auto assemble = [&](const std::string& name, const std::string& members) {
    const auto out = dir_.file(name + ".deb");
    auto r = testing::run_command({"sh", "-c", "cd " + work + " && ar rc " + out + " " + members});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return read_deb_file(out);
  };
  auto swapped = assemble("swapped", "debian-binary data.tar.xz control.tar.xz");
  ASSERT_FALSE(swapped);
  EXPECT_NE(swapped.error().message.find("before the control"), std::string::npos)
      << swapped.error().message;
  auto no_data = assemble("nodata", "debian-binary control.tar.xz");
  ASSERT_FALSE(no_data);
  EXPECT_NE(no_data.error().message.find("no data member"), std::string::npos);
  auto no_binary = assemble("nobinary", "control.tar.xz data.tar.xz");
  ASSERT_FALSE(no_binary);
  EXPECT_NE(no_binary.error().message.find("debian-binary"), std::string::npos);
  testing::write_file(work + "/debian-binary", "3.0\n", 0644);
  auto v3 = assemble("v3", "debian-binary control.tar.xz data.tar.xz");
  ASSERT_FALSE(v3);
  EXPECT_NE(v3.error().message.find("format version"), std::string::npos);
  // A member whose name says gz but holds xz.
  testing::write_file(work + "/debian-binary", "2.0\n", 0644);
  ASSERT_EQ(::rename((work + "/control.tar.xz").c_str(), (work + "/control.tar.gz").c_str()), 0);
  auto lying = assemble("lying", "debian-binary control.tar.gz data.tar.xz");
  ASSERT_FALSE(lying);
  EXPECT_NE(lying.error().message.find("does not match its name"), std::string::npos)
      << lying.error().message;
}

// Review findings: stacked compression, duplicate control files and decompression bombs.
TEST_F(DebReaderTest, RefusesStackedCompressionDuplicateControlFilesAndBombs) {
  const std::string work = dir_.file("hostile");
  ::mkdir(work.c_str(), 0755);
  testing::write_file(work + "/control", "Package: ok1\nVersion: 1.0\nArchitecture: all\n", 0644);
  testing::write_file(work + "/debian-binary", "2.0\n", 0644);
  auto sh = [&](const std::string& cmd) {
    auto r = testing::run_command({"sh", "-c", "cd " + work + " && " + cmd});
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
  };
  sh("mkdir -p d && tar cJf data.tar.xz -C d .");
  // gzip inside a member named .xz
  sh("tar cJf c.tar.xz ./control && gzip -c c.tar.xz > control.tar.xz && ar rc stacked.deb "
     "debian-binary control.tar.xz data.tar.xz && rm control.tar.xz");
  auto stacked = read_deb_file(work + "/stacked.deb");
  ASSERT_FALSE(stacked);
  EXPECT_NE(stacked.error().message.find("does not match its name"), std::string::npos)
      << stacked.error().message;
  // two control files in one control.tar
  sh("mkdir -p twin && cp control twin/control && tar cf c.tar ./control && tar rf c.tar -C twin "
     "./control && "
     "xz -c c.tar > control.tar.xz && ar rc twin.deb debian-binary control.tar.xz data.tar.xz && "
     "rm control.tar.xz c.tar");
  auto twin = read_deb_file(work + "/twin.deb");
  ASSERT_FALSE(twin);
  EXPECT_NE(twin.error().message.find("two control files"), std::string::npos)
      << twin.error().message;
  // 256 MiB of zeros before the control file: tiny compressed, huge expanded
  sh("truncate -s 256M junk && tar cf - ./junk ./control | gzip -1 > control.tar.gz && rm junk && "
     "ar rc bomb.deb debian-binary control.tar.gz data.tar.xz");
  auto bomb = read_deb_file(work + "/bomb.deb");
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message.find("larger than"), std::string::npos) << bomb.error().message;
}

TEST_F(DebReaderTest, RefusesAPackageWithAnUnsafeControlFile) {
  // dpkg-deb refuses to build such a package, so assemble it by hand as an attacker would.
  const std::string work = dir_.file("evil");
  ::mkdir(work.c_str(), 0755);
  testing::write_file(work + "/control",
                      "Package: evil\nVersion: 1.0/../../../etc\nArchitecture: amd64\n", 0644);
  testing::write_file(work + "/debian-binary", "2.0\n", 0644);
  auto r = testing::run_command(
      {"sh", "-c",
       "cd " + work +
           " && tar cJf control.tar.xz ./control && mkdir d && tar cJf "
           "data.tar.xz -C d . && ar rc evil.deb debian-binary control.tar.xz data.tar.xz"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto info = read_deb_file(work + "/evil.deb");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("Version"), std::string::npos) << info.error().message;
}

}  // namespace
}  // namespace epcfleet::apt
