#include "epcfleet/apt/control.hpp"

#include <gtest/gtest.h>

#include "epcfleet/apt/index_writer.hpp"
#include "epcfleet/apt/pool.hpp"

namespace epcfleet::apt {
namespace {

constexpr const char* kControl =
    "Package: open5gs-mme\n"
    "Source: open5gs (2.7.0-1)\n"
    "Version: 1:2.7.0-1~bpo12\n"
    "Architecture: amd64\n"
    "Depends: libc6 (>= 2.34), open5gs-common\n"
    "Description: MME for LTE\n"
    " The Mobility Management Entity.\n"
    " .\n"
    " Second paragraph.\n";

TEST(Control, ParsesFieldsAndContinuationLines) {
  auto pc = parse_package_control(kControl);
  ASSERT_TRUE(pc) << pc.error().message;
  EXPECT_EQ(pc->package, "open5gs-mme");
  EXPECT_EQ(pc->source, "open5gs");
  EXPECT_EQ(pc->version.epoch, 1u);
  EXPECT_EQ(pc->architecture, "amd64");
  EXPECT_EQ(*pc->paragraph.get("description"),
            "MME for LTE\n The Mobility Management Entity.\n .\n Second paragraph.");
  EXPECT_EQ(pc->paragraph.to_text(), kControl) << "a parsed paragraph writes back unchanged";
  EXPECT_EQ(pool_path("main", *pc), "pool/main/o/open5gs/open5gs-mme_2.7.0-1~bpo12_amd64.deb");
}

TEST(Control, LibPackagesGetTheFourLetterPrefix) {
  auto pc = parse_package_control("Package: libfoo1\nVersion: 1.0\nArchitecture: arm64\n");
  ASSERT_TRUE(pc);
  EXPECT_EQ(pool_path("main", *pc), "pool/main/libf/libfoo1/libfoo1_1.0_arm64.deb");
}

TEST(Control, RefusesMalformedOrDangerousControlData) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"Version: 1.0\nArchitecture: all\n", "no Package"},
      {"Package: x1\nVersion: 1.0\n", "no Architecture"},
      {"Package: ../../etc\nVersion: 1.0\nArchitecture: all\n", "package name"},
      {"Package: Foo\nVersion: 1.0\nArchitecture: all\n", "package name"},
      {"Package: foo\nVersion: 1.0/../../x\nArchitecture: all\n", "Version"},
      {"Package: foo\nVersion: 1.0\nArchitecture: all/../x\n", "architecture"},
      {"Package: foo\nPackage: bar\nVersion: 1.0\nArchitecture: all\n", "duplicate"},
      {" continuation\nPackage: foo\n", "continuation"},
      {"Package foo\n", "Field: value"},
      {"Package: foo\nVersion: 1.0\nArchitecture: all\n\nPackage: bar\n", "exactly one"},
      {"Package: foo\nVersion: 1.0\nArchitecture: all\nSource: ../x\n", "Source"},
  };
  for (const auto& [text, expected] : cases) {
    auto pc = parse_package_control(text);
    ASSERT_FALSE(pc) << text;
    EXPECT_EQ(pc.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(pc.error().message.find(expected), std::string::npos) << pc.error().message;
  }
  EXPECT_FALSE(parse_control(std::string(2 << 20, 'x')));
  EXPECT_FALSE(parse_control(std::string("Package: a\0b\n", 13)));
}

// Found by the control fuzzer: a continuation line ending in two CRs lost one per round trip.
TEST(Control, SerializedParagraphsParseBackToTheSameFields) {
  auto first = parse_control("Package: seed\nVersion: 1.0-1\n\tcontinued \x01\r\r\nB: x \r\n");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  auto again = parse_control((*first)[0].to_text());
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].fields(), (*first)[0].fields());
}

// Review finding: computed fields in any letter case must not reach the signed index.
TEST(Control, AnUploadCannotSetTheFieldsTheIndexComputes) {
  auto pc = parse_package_control(
      "Package: evil1\nVersion: 1.0\nArchitecture: all\nDescription: d\nsha256: 00ff\n"
      "FILENAME: ../../other/pool/x.deb\nmd5SUM: 1\nsize: 1\n");
  ASSERT_TRUE(pc) << pc.error().message;
  for (const char* f : {"SHA256", "Filename", "MD5sum", "Size"}) {
    EXPECT_FALSE(pc->paragraph.get(f).has_value()) << f;
  }
  IndexEntry e{*pc, "pool/main/e/evil1/evil1_1.0_all.deb", Digests{42, "m", "s1", "s256", "s512"}};
  const auto text = packages_paragraph(e);
  EXPECT_EQ(text.find("../../other"), std::string::npos) << text;
  EXPECT_EQ(text.find("00ff"), std::string::npos) << text;
  EXPECT_NE(text.find("SHA256: s256"), std::string::npos) << text;
  EXPECT_NE(text.find("Filename: pool/main/e/evil1/evil1_1.0_all.deb"), std::string::npos) << text;
}

TEST(Control, RefusesParagraphsWithThousandsOfFields) {
  std::string text = "Package: a1\n";
  for (int i = 0; i < 1500; ++i)
    text += "X-F" + std::to_string(i) + ": v\n";
  auto r = parse_control(text);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("more than"), std::string::npos);
}

TEST(Control, ParsesSeveralParagraphs) {
  auto ps = parse_control("A: 1\nB: 2\n\n\nA: 3\n");
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 2u);
  EXPECT_EQ(*(*ps)[1].get("a"), "3");
}

}  // namespace
}  // namespace epcfleet::apt
