// Our password-to-key (used off the client's thread) against RFC 3414 A.3 and net-snmp's.
#include "keys.hpp"

#include <gtest/gtest.h>

#include "codec.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::snmp::detail {
namespace {

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

TEST(SnmpKeys, PasswordToKeyMatchesRfc3414Vectors) {
  EXPECT_EQ(hex(derive_master_key(AuthProtocol::kMD5, "maplesyrup")),
            "9faf3283884e92834ebc9847d8edd963");
  EXPECT_EQ(hex(derive_master_key(AuthProtocol::kSHA, "maplesyrup")),
            "9fb5cc0381497b3793528939ff788d5d79145211");
}

TEST(SnmpKeys, PasswordToKeyMatchesNetSnmpForEveryHash) {
  const epcfleet::testing::TempDir dir;
  Codec codec(dir.file("netsnmp"));
  for (const auto auth : {AuthProtocol::kMD5, AuthProtocol::kSHA, AuthProtocol::kSHA224,
                          AuthProtocol::kSHA256, AuthProtocol::kSHA384, AuthProtocol::kSHA512}) {
    for (const char* password : {"authpass123", "a much longer password with spaces", "12345678"}) {
      const auto ours = derive_master_key(auth, password);
      ASSERT_FALSE(ours.empty()) << to_string(auth);
      EXPECT_EQ(hex(ours), hex(Codec::password_to_key(auth, password)))
          << to_string(auth) << " " << password;
    }
  }
  EXPECT_TRUE(derive_master_key(AuthProtocol::kNone, "whatever").empty());
}

}  // namespace
}  // namespace epcfleet::snmp::detail
