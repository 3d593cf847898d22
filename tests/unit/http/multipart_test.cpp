// multipart/form-data as browsers and curl send it, and the malformed bodies an attacker might.
#include "epcfleet/http/multipart.hpp"

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::http {
namespace {

const std::string kBody =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
    "hello\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"q\\\".deb\"\r\n"
    "Content-Type: application/vnd.debian.binary-package\r\n\r\n"
    "!<arch>\n\r\n--XyZ is not a boundary here\r\n"
    "--XyZ--\r\n";

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a b\""), "a b");
  EXPECT_FALSE(*multipart_boundary("application/vnd.debian.binary-package"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
}

TEST(Multipart, FindsTheFilePartAndItsExactBytes) {
  auto part = find_file_part(kBody, "XyZ");
  ASSERT_TRUE(part) << part.error().message;
  EXPECT_EQ(part->field, "file");
  EXPECT_EQ(part->filename, "a;b \"q\".deb");
  EXPECT_EQ(kBody.substr(part->offset, part->length), "!<arch>\n\r\n--XyZ is not a boundary here");
}

TEST(Multipart, MalformedBodiesAreRefusedWithAReason) {
  for (const std::string& body :
       {std::string(""), std::string("no boundary"),
        std::string("--XyZ\r\nContent-Disposition: "
                    "form-data; filename=\"x\"\r\n\r\n"
                    "never closed"),
        std::string("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--"),
        std::string("--XyZgarbage\r\n")}) {
    auto part = find_file_part(body, "XyZ");
    ASSERT_FALSE(part) << body;
    EXPECT_NE(part.error().message.find("malformed multipart"), std::string::npos);
  }
}

TEST(Multipart, ExtractsTheFilePartToAFileOfItsOwn) {
  epcfleet::testing::TempDir dir;
  const auto body = dir.file("upload");
  epcfleet::testing::write_file(body, kBody, 0600);
  auto out = extract_multipart_file(body, "XyZ");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(epcfleet::testing::read_file(*out), "!<arch>\n\r\n--XyZ is not a boundary here");
}

}  // namespace
}  // namespace epcfleet::http
