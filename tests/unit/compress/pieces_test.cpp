// Files assembled from pieces must be ordinary gzip/xz files: checked with our own readers and
// with the gzip and xz programs (zlib and liblzma, which apt uses too).
#include "epcfleet/compress/pieces.hpp"

#include <gtest/gtest.h>

#include "epcfleet/compress/compress.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::compress {
namespace {

std::vector<std::string> sample_texts() {
  std::vector<std::string> parts;
  for (int i = 0; i < 5; ++i) {
    std::string p;
    for (int j = 0; j < 300 * (i + 1); ++j)
      p += "Package: pkg-" + std::to_string(i) + "-" + std::to_string(j) + "\nVersion: 1." +
           std::to_string(j % 17) + "\n\n";
    parts.push_back(p);
  }
  parts.emplace_back("");  // an empty piece is allowed too
  return parts;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts)
    all += p;
  return all;
}

std::string run_tool(const std::string& tool, const std::string& file) {
  auto r = epcfleet::testing::run_command({tool, "-dc", file});
  EXPECT_EQ(r.exit_code, 0) << tool << ": " << r.output;
  return r.output;
}

void write(const std::string& path, const std::string& data) {
  epcfleet::testing::write_file(path, data, 0644);
}

TEST(Pieces, GzipFromPiecesIsOneValidMember) {
  const auto parts = sample_texts();
  std::vector<DeflatePiece> pieces;
  for (const auto& p : parts)
    pieces.push_back(*deflate_piece(p));
  std::vector<const DeflatePiece*> refs;
  for (const auto& p : pieces)
    refs.push_back(&p);
  const std::string gz = gzip_from_pieces(refs);
  EXPECT_EQ(gunzip(gz), joined(parts));
  epcfleet::testing::TempDir dir;
  write(dir.path() + "/x.gz", gz);
  EXPECT_EQ(run_tool("gzip", dir.path() + "/x.gz"), joined(parts));
  auto test = epcfleet::testing::run_command({"gzip", "-t", dir.path() + "/x.gz"});
  EXPECT_EQ(test.exit_code, 0) << test.output;  // CRC and length in the trailer are right
  EXPECT_EQ(gunzip(gzip_from_pieces({})), "");
}

TEST(Pieces, XzFromPiecesIsOneValidStream) {
  const auto parts = sample_texts();
  std::vector<XzPiece> pieces;
  for (const auto& p : parts)
    pieces.push_back(*xz_piece(p));
  std::vector<const XzPiece*> refs;
  for (const auto& p : pieces)
    refs.push_back(&p);
  const auto xzdata = xz_from_pieces(refs);
  ASSERT_TRUE(xzdata);
  EXPECT_EQ(unxz(*xzdata), joined(parts));
  epcfleet::testing::TempDir dir;
  write(dir.path() + "/x.xz", *xzdata);
  EXPECT_EQ(run_tool("xz", dir.path() + "/x.xz"), joined(parts));
  auto list = epcfleet::testing::run_command({"xz", "--robot", "--list", dir.path() + "/x.xz"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("file\t1\t6\t"), std::string::npos)
      << list.output;  // 1 stream, 6 blocks
}

TEST(Pieces, NoPiecesGiveAnEmptyFile) {
  auto x = xz_from_pieces({});
  ASSERT_TRUE(x);
  EXPECT_EQ(unxz(*x), "");
}

TEST(Pieces, ChangingOnePieceChangesOnlyItsBytes) {
  auto parts = sample_texts();
  auto a = *xz_piece(parts[2]);
  parts[2] += "Package: extra\n\n";
  auto b = *xz_piece(parts[2]);
  EXPECT_NE(a.bytes, b.bytes);
  EXPECT_EQ(xz_piece(parts[1])->bytes, xz_piece(parts[1])->bytes);  // deterministic
}

}  // namespace
}  // namespace epcfleet::compress
