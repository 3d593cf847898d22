#include "epcfleet/snmp/types.hpp"

#include <gtest/gtest.h>

#include "epcfleet/snmp/client.hpp"

namespace epcfleet::snmp {
namespace {

TEST(SnmpOid, ParsesAndPrintsDottedNotation) {
  const auto oid = Oid::parse(".1.3.6.1.2.1.1.3.0");
  ASSERT_TRUE(oid);
  EXPECT_EQ(oid->size(), 9u);
  EXPECT_EQ(oid->to_string(), "1.3.6.1.2.1.1.3.0");
  EXPECT_EQ(Oid::parse("1.3.6.1.4.1.4294967295")->to_string(), "1.3.6.1.4.1.4294967295");
}

TEST(SnmpOid, RejectsMalformedText) {
  for (const char* bad : {"", ".", "1..3", "1.3.", "1.a.3", "1.3.4294967296", "-1.3", " 1.3"})
    EXPECT_FALSE(Oid::parse(bad)) << bad;
  std::string too_long = "1";
  for (int i = 0; i < 128; ++i)
    too_long += ".1";
  EXPECT_FALSE(Oid::parse(too_long));
}

TEST(SnmpOid, OrdersLikeGetNext) {
  EXPECT_LT((Oid{1, 3, 6}), (Oid{1, 3, 6, 0}));
  EXPECT_LT((Oid{1, 3, 6, 1, 2}), (Oid{1, 3, 6, 1, 10}));
  EXPECT_LT((Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 22, 48}), (Oid{1, 3, 6, 1, 2, 1, 2, 3}));
  EXPECT_TRUE((Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 1}).starts_with(Oid{1, 3, 6, 1, 2, 1, 2, 2}));
  EXPECT_FALSE((Oid{1, 3, 6, 1, 2, 1, 2, 20}).starts_with(Oid{1, 3, 6, 1, 2, 1, 2, 2}));
  EXPECT_TRUE((Oid{1, 3}).starts_with(Oid{1, 3}));
}

TEST(SnmpTarget, ValidationExplainsWhatIsWrong) {
  Target t;
  t.address = "127.0.0.1";
  t.community = "public";
  EXPECT_FALSE(validate(t));
  t.community.clear();
  EXPECT_TRUE(validate(t));
  t.version = Version::kV3;
  t.user = "u";
  t.auth_protocol = AuthProtocol::kSHA;
  t.auth_password = "short";
  ASSERT_TRUE(validate(t));
  EXPECT_NE(validate(t)->find("at least 8"), std::string::npos);
  t.auth_password = "longenough";
  t.priv_protocol = PrivProtocol::kAES;
  t.priv_password = "longenough";
  EXPECT_FALSE(validate(t));
  t.auth_protocol = AuthProtocol::kNone;
  EXPECT_TRUE(validate(t));
}

TEST(SnmpProtocols, NamesRoundTrip) {
  for (const char* name : {"MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"})
    EXPECT_EQ(to_string(*parse_auth_protocol(name)), name);
  for (const char* name : {"DES", "AES", "AES-192", "AES-256"})
    EXPECT_EQ(to_string(*parse_priv_protocol(name)), name);
  EXPECT_FALSE(parse_auth_protocol("SHA1"));
  EXPECT_EQ(error_status_name(16), "authorizationError");
  EXPECT_EQ(to_string(ErrorCode::kWrongDigest), "wrong_digest");
}

TEST(SnmpVarBind, RendersValues) {
  VarBind vb;
  vb.type = ValueType::kIpAddress;
  vb.value = std::string("\x0a\x00\x00\x01", 4);
  EXPECT_EQ(vb.value_string(), "10.0.0.1");
  vb.type = ValueType::kOctetString;
  vb.value = std::string("eth0");
  EXPECT_EQ(vb.value_string(), "eth0");
  vb.value = std::string("\x00\x1b", 2);
  EXPECT_EQ(vb.value_string(), "00 1b");
  vb.type = ValueType::kCounter64;
  vb.value = std::uint64_t{18446744073709551615ULL};
  EXPECT_EQ(vb.value_string(), "18446744073709551615");
  EXPECT_EQ(*vb.as_uint(), 18446744073709551615ULL);
}

// A v2c response: SEQUENCE { 1, "public", GetResponse { request-id 0x12345678, 0, 0, {} } }.
TEST(SnmpPeek, ReadsTheRequestIdOfV2cAndTheMessageIdOfV3) {
  const std::uint8_t v2c[] = {0x30, 0x1b, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',
                              'l',  'i',  'c',  0xa2, 0x0e, 0x02, 0x04, 0x12, 0x34, 0x56,
                              0x78, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00};
  auto h = peek_datagram(v2c, sizeof v2c);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->version, 1);
  EXPECT_EQ(h->id, 0x12345678);
  // v3: SEQUENCE { 3, SEQUENCE { msgID 4242, … } … } — only the start matters to the peek.
  const std::uint8_t v3[] = {0x30, 0x0e, 0x02, 0x01, 0x03, 0x30, 0x09, 0x02,
                             0x02, 0x10, 0x92, 0x02, 0x03, 0x00, 0xff, 0xe3};
  h = peek_datagram(v3, sizeof v3);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->version, 3);
  EXPECT_EQ(h->id, 4242);
}

TEST(SnmpPeek, RejectsTruncatedAndForeignDatagrams) {
  const std::uint8_t v2c[] = {0x30, 0x1b, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',
                              'l',  'i',  'c',  0xa2, 0x0e, 0x02, 0x04, 0x12, 0x34, 0x56,
                              0x78, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00};
  for (std::size_t n = 0; n < 21; ++n)
    EXPECT_FALSE(peek_datagram(v2c, n)) << n;
  const std::uint8_t version5[] = {0x30, 0x03, 0x02, 0x01, 0x05};
  EXPECT_FALSE(peek_datagram(version5, sizeof version5));
  const std::uint8_t not_a_pdu[] = {0x30, 0x0e, 0x02, 0x01, 0x01, 0x04, 0x01, 'p',
                                    0x04, 0x06, 0x02, 0x04, 0x00, 0x00, 0x00, 0x01};
  EXPECT_FALSE(peek_datagram(not_a_pdu, sizeof not_a_pdu));
  EXPECT_FALSE(peek_datagram(nullptr, 0));
}

}  // namespace
}  // namespace epcfleet::snmp
