// Packages files from pieces: the compressed files decompress to the plain one, large indexes
// skip xz, and with a cache one more package recompresses one piece only.
#include "epcfleet/apt/index_writer.hpp"

#include <gtest/gtest.h>

#include "epcfleet/compress/compress.hpp"

namespace epcfleet::apt {
namespace {

IndexEntry entry(int i, const std::string& version = "1.0") {
  const std::string name = "pkg-" + std::to_string(i);
  auto control = parse_package_control("Package: " + name + "\nVersion: " + version +
                                       "\nArchitecture: amd64\nMaintainer: Ops <o@x>\n"
                                       "Description: package " +
                                       name + "\n " +
                                       std::string(400, static_cast<char>('a' + i % 26)) + "\n");
  EXPECT_TRUE(control) << control.error().message;
  Digests d{1000, std::string(32, 'a'), std::string(40, 'b'), std::string(64, 'c'),
            std::string(128, 'd')};
  return IndexEntry{*control, "pool/main/p/" + name + "/" + name + "_" + version + "_amd64.deb", d};
}

const IndexFile* find(const std::vector<IndexFile>& files, const std::string& path) {
  for (const auto& f : files) {
    if (f.path == path)
      return &f;
  }
  return nullptr;
}

std::vector<IndexEntry> entries(int n) {
  std::vector<IndexEntry> out;
  for (int i = 0; i < n; ++i)
    out.push_back(entry(i));
  return out;
}

TEST(IndexWriter, SmallIndexesGetAllThreeFilesThatAgree) {
  auto files = packages_files("main", "amd64", entries(50));
  ASSERT_TRUE(files);
  const auto* plain = find(*files, "main/binary-amd64/Packages");
  const auto* gz = find(*files, "main/binary-amd64/Packages.gz");
  const auto* xz = find(*files, "main/binary-amd64/Packages.xz");
  ASSERT_TRUE(plain && gz && xz);
  EXPECT_EQ(compress::gunzip(gz->content), plain->content);
  EXPECT_EQ(compress::unxz(xz->content), plain->content);
  EXPECT_NE(plain->content.find("SHA256: " + std::string(64, 'c')), std::string::npos);
  EXPECT_EQ(plain->content.find("SHA512:"), std::string::npos) << "MD5sum and SHA256 only";
}

TEST(IndexWriter, LargeIndexesSkipXz) {
  auto files = packages_files("main", "amd64", entries(2500));
  ASSERT_TRUE(files);
  const auto* plain = find(*files, "main/binary-amd64/Packages");
  ASSERT_TRUE(plain);
  EXPECT_GT(plain->content.size(), 1u << 20);
  EXPECT_FALSE(find(*files, "main/binary-amd64/Packages.xz"));
  EXPECT_EQ(compress::gunzip(find(*files, "main/binary-amd64/Packages.gz")->content),
            plain->content);
}

TEST(IndexWriter, OneMorePackageCompressesOnePieceWithACache) {
  PieceCache cache;
  auto all = entries(1500);
  ASSERT_TRUE(packages_files("main", "amd64", all, &cache));
  const auto before = cache.bytes();
  all.push_back(entry(700, "2.0"));  // a new version in the middle of the index
  auto files = packages_files("main", "amd64", all, &cache);
  ASSERT_TRUE(files);
  const auto added = cache.bytes() - before;
  EXPECT_GT(added, 0u);
  EXPECT_LT(added, before / 4) << "only the piece holding pkg-700 was compressed again";
  const auto* plain = find(*files, "main/binary-amd64/Packages");
  EXPECT_EQ(compress::gunzip(find(*files, "main/binary-amd64/Packages.gz")->content),
            plain->content);
  // Same input, same bytes, cached or not.
  auto uncached = packages_files("main", "amd64", all);
  EXPECT_EQ(find(*uncached, "main/binary-amd64/Packages.gz")->content,
            find(*files, "main/binary-amd64/Packages.gz")->content);
}

}  // namespace
}  // namespace epcfleet::apt
