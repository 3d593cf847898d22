// Validators and ranges for file answers (the bytes themselves are the server's job; the
// integration tests fetch them with curl and apt).
#include "epcfleet/http/file_response.hpp"

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::http {
namespace {

class FileResponseTest : public ::testing::Test {
protected:
  void SetUp() override { epcfleet::testing::write_file(path_, "0123456789abcdef", 0644); }
  Response get(Headers headers, Method method = Method::kGet) {
    Request r;
    r.method = method;
    r.headers = std::move(headers);
    return *file_response(r, path_, "application/octet-stream", "private, no-cache");
  }
  epcfleet::testing::TempDir dir_;
  std::string path_ = dir_.file("f.bin");
};

TEST_F(FileResponseTest, WholeFileCarriesValidators) {
  auto r = get({});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.file_path, path_);
  EXPECT_EQ(r.file_offset, 0u);
  EXPECT_FALSE(r.file_length);
  EXPECT_TRUE(r.header("etag"));
  EXPECT_TRUE(r.header("last-modified"));
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
}

TEST_F(FileResponseTest, MissingFileIsNullopt) {
  Request r;
  EXPECT_FALSE(file_response(r, dir_.file("nope"), "x", "y"));
  EXPECT_FALSE(file_response(r, dir_.path(), "x", "y")) << "directories are not served";
}

TEST_F(FileResponseTest, ConditionalRequestsGet304) {
  const auto etag = *get({}).header("etag");
  EXPECT_EQ(get({{"if-none-match", etag}}).status, 304);
  EXPECT_EQ(get({{"if-none-match", "\"other\", " + etag}}).status, 304);
  EXPECT_EQ(get({{"if-none-match", "W/" + etag}}).status, 304);
  EXPECT_EQ(get({{"if-none-match", "\"other\""}}).status, 200);
  const auto modified = *get({}).header("last-modified");
  EXPECT_EQ(get({{"if-modified-since", modified}}).status, 304);
  EXPECT_EQ(get({{"if-modified-since", "Thu, 01 Jan 1998 00:00:00 GMT"}}).status, 200);
  EXPECT_EQ(get({{"if-modified-since", "garbage"}}).status, 200);
  // If-None-Match decides when both are present.
  EXPECT_EQ(get({{"if-none-match", "\"other\""}, {"if-modified-since", modified}}).status, 200);
}

TEST_F(FileResponseTest, SingleRanges) {
  auto r = get({{"range", "bytes=2-5"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.file_offset, 2u);
  EXPECT_EQ(r.file_length, 4u);
  EXPECT_EQ(r.header("content-range"), "bytes 2-5/16");
  r = get({{"range", "bytes=10-"}});
  EXPECT_EQ(r.header("content-range"), "bytes 10-15/16");
  r = get({{"range", "bytes=-3"}});
  EXPECT_EQ(r.header("content-range"), "bytes 13-15/16");
  r = get({{"range", "bytes=-100"}});
  EXPECT_EQ(r.header("content-range"), "bytes 0-15/16");
  r = get({{"range", "bytes=5-1000"}});
  EXPECT_EQ(r.header("content-range"), "bytes 5-15/16");
}

TEST_F(FileResponseTest, UnsatisfiableAndIgnoredRanges) {
  auto r = get({{"range", "bytes=16-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("content-range"), "bytes */16");
  EXPECT_FALSE(r.file_path);
  EXPECT_EQ(get({{"range", "bytes=0-1,4-5"}}).status, 200) << "several ranges: whole file";
  EXPECT_EQ(get({{"range", "items=0-1"}}).status, 200);
  EXPECT_EQ(get({{"range", "bytes=5-2"}}).status, 200);
  EXPECT_EQ(get({{"range", "bytes=x-"}}).status, 200);
  EXPECT_EQ(get({{"range", "bytes=0-1"}}, Method::kHead).status, 200) << "HEAD: no ranges";
}

TEST_F(FileResponseTest, IfRangeHonoursOnlyTheCurrentCopy) {
  const auto etag = *get({}).header("etag");
  EXPECT_EQ(get({{"range", "bytes=0-1"}, {"if-range", etag}}).status, 206);
  EXPECT_EQ(get({{"range", "bytes=0-1"}, {"if-range", "\"stale\""}}).status, 200);
}

TEST(HttpDate, RoundTrips) {
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(parse_http_date(http_date(1795000000)), 1795000000);
  EXPECT_FALSE(parse_http_date("Thu, 01 Jan 1970"));
}

}  // namespace
}  // namespace epcfleet::http
