// The trap receiver's pieces without a socket: the header peek, the SNMPv2 form and RFC 3584
// translation, and TrapProcessor on datagrams captured from net-snmp's snmptrap.
#include "trap_processor.hpp"

#include <gtest/gtest.h>

#include "epcfleet/testing/temp_dir.hpp"
#include "notification_form.hpp"
#include "notification_header.hpp"

namespace epcfleet::snmp::detail {
namespace {

// snmptrap -v2c -c public … 12345 linkDown ifIndex.3 i 3 ifDescr.3 s eth3
const std::vector<std::uint8_t> kV2cTrap = {
    0x30, 0x69, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa7, 0x5c, 0x02,
    0x04, 0x38, 0x20, 0x80, 0x5b, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x4e, 0x30, 0x0e, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x02, 0x30, 0x39, 0x30, 0x17, 0x06,
    0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x06, 0x09, 0x2b, 0x06, 0x01,
    0x06, 0x03, 0x01, 0x01, 0x05, 0x03, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02,
    0x02, 0x01, 0x01, 0x03, 0x02, 0x01, 0x03, 0x30, 0x12, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01,
    0x02, 0x02, 0x01, 0x02, 0x03, 0x04, 0x04, 0x65, 0x74, 0x68, 0x33};
// snmptrap -v3 -e 80007ed9047472617073656e646572 -u shaaes -l authPriv -a SHA -A authpass123
//   -x AES -X privpass123 … 12345 linkDown ifIndex.3 i 3
const std::vector<std::uint8_t> kV3Trap = {
    0x30, 0x81, 0xb6, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x6a, 0x2f, 0x14, 0xe7, 0x02, 0x03,
    0x00, 0xff, 0xe3, 0x04, 0x01, 0x03, 0x02, 0x01, 0x03, 0x04, 0x3b, 0x30, 0x39, 0x04, 0x0f, 0x80,
    0x00, 0x7e, 0xd9, 0x04, 0x74, 0x72, 0x61, 0x70, 0x73, 0x65, 0x6e, 0x64, 0x65, 0x72, 0x02, 0x01,
    0x01, 0x02, 0x03, 0x2d, 0x8f, 0x47, 0x04, 0x06, 0x73, 0x68, 0x61, 0x61, 0x65, 0x73, 0x04, 0x0c,
    0xbb, 0x91, 0x1f, 0xed, 0x17, 0x66, 0xfd, 0x34, 0x21, 0x32, 0xac, 0x52, 0x04, 0x08, 0xfb, 0x16,
    0xac, 0xfb, 0x45, 0xaa, 0xa8, 0x20, 0x04, 0x61, 0x4c, 0x4e, 0xbb, 0x04, 0xbb, 0xca, 0x90, 0xb2,
    0x16, 0xdd, 0xa9, 0xdf, 0x5a, 0x86, 0x1c, 0x5d, 0x06, 0x17, 0x3f, 0x4f, 0x07, 0x1b, 0xd2, 0x25,
    0xc4, 0x6b, 0x49, 0xf7, 0x8a, 0x42, 0x3d, 0x9e, 0xcd, 0x68, 0xa3, 0xca, 0x23, 0xad, 0x6d, 0xad,
    0x8e, 0x0c, 0x97, 0x75, 0x43, 0x94, 0x29, 0xc9, 0xef, 0xc5, 0xb8, 0x3b, 0xe3, 0x7d, 0x32, 0x5b,
    0xbb, 0x0e, 0xd1, 0x87, 0x15, 0xb5, 0x72, 0x33, 0x84, 0x35, 0x5d, 0x9c, 0x39, 0xb2, 0xcc, 0xeb,
    0x36, 0x00, 0xe9, 0x57, 0x15, 0xbb, 0xe2, 0xde, 0x41, 0xc8, 0x71, 0x9f, 0x79, 0xae, 0x58, 0x01,
    0xa4, 0xdc, 0x39, 0x12, 0x3c, 0xa8, 0x4c, 0x5f, 0x1e};
// snmpinform -v2c -c public … 12345 linkDown ifIndex.3 i 3
const std::vector<std::uint8_t> kV2cInform = {
    0x30, 0x55, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa6, 0x48,
    0x02, 0x04, 0x47, 0xb7, 0x76, 0xbf, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x3a, 0x30,
    0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x02, 0x30, 0x39,
    0x30, 0x17, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x06,
    0x09, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x03, 0x30, 0x0f, 0x06, 0x0a, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x03, 0x02, 0x01, 0x03};
const std::string kSenderEngine("\x80\x00\x7e\xd9\x04trapsender", 15);
const Oid kLinkDown{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};

TEST(NotificationHeader, ReadsACommunityTrap) {
  NotificationHeader h;
  ASSERT_TRUE(peek_notification(kV2cTrap.data(), kV2cTrap.size(), h));
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.community, "public");
  EXPECT_EQ(h.pdu_type, 0xA7);
  EXPECT_NE(h.request_id, 0);
}

TEST(NotificationHeader, ReadsTheUsmHeaderOfAnEncryptedTrap) {
  NotificationHeader h;
  ASSERT_TRUE(peek_notification(kV3Trap.data(), kV3Trap.size(), h));
  EXPECT_EQ(h.version, 3);
  EXPECT_EQ(h.engine_id, kSenderEngine);
  EXPECT_EQ(h.user, "shaaes");
  EXPECT_EQ(h.security_level(), 3);
  EXPECT_FALSE(h.reportable());
  EXPECT_EQ(h.pdu_type, 0) << "encrypted: unknown until decrypted";
  EXPECT_EQ(h.engine_boots, 1u);
}

TEST(NotificationHeader, RefusesTruncatedAndForeignMessages) {
  NotificationHeader h;
  for (std::size_t n = 0; n < kV3Trap.size(); n += 7)
    EXPECT_FALSE(peek_notification(kV3Trap.data(), n, h)) << n;
  std::vector<std::uint8_t> v2 = kV2cTrap;
  v2[4] = 5;  // version 5
  EXPECT_FALSE(peek_notification(v2.data(), v2.size(), h));
}

VarBind integer(const Oid& oid, std::int64_t value) {
  VarBind vb;
  vb.oid = oid;
  vb.type = ValueType::kInteger;
  vb.value = value;
  return vb;
}

TEST(NotificationForm, V1GenericAndEnterpriseSpecificTrapOids) {
  Decoded d;
  d.version = 0;
  d.pdu_type = 0xA4;
  d.enterprise = Oid{1, 3, 6, 1, 4, 1, 32473, 2};
  d.agent_address = std::string("\xc0\x00\x02\x07", 4);
  d.time_stamp = 777;
  d.generic_trap = 6;
  d.specific_trap = 42;
  d.varbinds = {integer(Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, 3)};
  Notification n;
  ASSERT_TRUE(to_notification(d, n));
  EXPECT_EQ(n.trap_oid.to_string(), "1.3.6.1.4.1.32473.2.0.42");
  EXPECT_EQ(n.uptime_ticks, 777u);
  ASSERT_EQ(n.varbinds.size(), 3u);
  EXPECT_EQ(n.varbinds[1].oid.to_string(), "1.3.6.1.6.3.18.1.3.0");
  EXPECT_EQ(n.varbinds[1].value_string(), "192.0.2.7");
  EXPECT_EQ(n.varbinds[2].oid.to_string(), "1.3.6.1.6.3.1.1.4.3.0");

  for (int generic = 0; generic < 6; ++generic) {
    d.generic_trap = generic;
    d.varbinds = {};
    ASSERT_TRUE(to_notification(d, n));
    EXPECT_EQ(n.trap_oid.to_string(), "1.3.6.1.6.3.1.1.5." + std::to_string(generic + 1));
  }
  d.generic_trap = 7;
  EXPECT_FALSE(to_notification(d, n));
  d.generic_trap = -1;
  EXPECT_FALSE(to_notification(d, n));
}

TEST(NotificationForm, V1VarbindsAlreadyCarryingTheTrapAddressAreNotDoubled) {
  Decoded d;
  d.version = 0;
  d.pdu_type = 0xA4;
  d.generic_trap = 0;
  d.agent_address = std::string(4, '\0');
  VarBind address;
  address.oid = Oid{1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
  address.type = ValueType::kIpAddress;
  address.value = std::string("\x0a\x00\x00\x01", 4);
  d.varbinds = {address};
  Notification n;
  ASSERT_TRUE(to_notification(d, n));
  ASSERT_EQ(n.varbinds.size(), 2u);
  EXPECT_EQ(n.varbinds[0].value_string(), "10.0.0.1");
}

TEST(NotificationForm, V2NeedsSnmpTrapOidButNotSysUpTime) {
  VarBind trap_oid;
  trap_oid.oid = Oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
  trap_oid.type = ValueType::kObjectId;
  trap_oid.value = kLinkDown;
  Decoded d;
  d.version = 1;
  d.pdu_type = 0xA7;
  d.varbinds = {trap_oid, integer(Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, 3)};
  Notification n;
  ASSERT_TRUE(to_notification(d, n));
  EXPECT_EQ(n.trap_oid, kLinkDown);
  EXPECT_EQ(n.uptime_ticks, 0u);
  EXPECT_EQ(n.varbinds.size(), 1u);

  d.varbinds = {integer(Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, 3), trap_oid};
  EXPECT_FALSE(to_notification(d, n)) << "snmpTrapOID.0 must come first or second";
  d.varbinds = {trap_oid};
  d.pdu_type = 0xA0;  // a GET
  EXPECT_FALSE(to_notification(d, n));
  d.pdu_type = 0xA6;
  ASSERT_TRUE(to_notification(d, n));
  EXPECT_TRUE(n.inform);
}

class TrapProcessorTest : public ::testing::Test {
protected:
  TrapProcessor make(std::vector<TrapCandidate> candidates) {
    ProcessorOptions o;
    o.engine_id = std::string("\x80\x00\x7e\xd9\x04receiver", 13);
    o.derive_inline = true;
    o.state_dir = dir_.file("netsnmp");
    return TrapProcessor(o, [candidates](const TrapSource&) { return candidates; });
  }
  static TrapCandidate shaaes(const std::string& device, const std::string& priv_password) {
    TrapCandidate c;
    c.tenant = "t";
    c.device = device;
    c.user = "shaaes";
    c.auth_protocol = AuthProtocol::kSHA;
    c.auth_password = "authpass123";
    c.priv_protocol = PrivProtocol::kAES;
    c.priv_password = priv_password;
    return c;
  }
  testing::TempDir dir_;
};

TEST_F(TrapProcessorTest, ACapturedV3TrapAuthenticatesWithTheRightCandidateOnly) {
  TrapProcessor processor =
      make({shaaes("wrong-priv", "otherpass123"), shaaes("d", "privpass123")});
  Notification n;
  Outcome outcome;
  ASSERT_EQ(processor.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 40000, true, n, outcome),
            Verdict::kAccepted);
  EXPECT_EQ(n.device, "d");
  EXPECT_EQ(n.trap_oid, kLinkDown);
  EXPECT_EQ(n.uptime_ticks, 12345u);
  EXPECT_EQ(n.source.engine_id, kSenderEngine);
  EXPECT_FALSE(outcome.reply);
  // Engine boots/time are not enforced for traps (docs/snmp-design.md): the same datagram
  // again, e.g. a replay, is accepted again.
  EXPECT_EQ(processor.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 40000, true, n, outcome),
            Verdict::kAccepted);
  EXPECT_EQ(
      processor.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 40000, false, n, outcome),
      Verdict::kQueueFull);

  TrapProcessor wrong = make({shaaes("wrong-priv", "otherpass123")});
  EXPECT_EQ(wrong.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 40000, true, n, outcome),
            Verdict::kAuthFailed);
  TrapProcessor nobody = make({});
  EXPECT_EQ(nobody.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 40000, true, n, outcome),
            Verdict::kUnknownSender);
}

TEST_F(TrapProcessorTest, AnInformSentAgainIsAnsweredAgainButDeliveredOnce) {
  TrapCandidate c;
  c.device = "d";
  c.community = "public";
  TrapProcessor processor = make({c});
  Notification n;
  Outcome outcome;
  ASSERT_EQ(
      processor.process(kV2cInform.data(), kV2cInform.size(), "192.0.2.1", 40000, true, n, outcome),
      Verdict::kAccepted);
  EXPECT_TRUE(n.inform);
  ASSERT_TRUE(outcome.reply);
  NotificationHeader response;
  ASSERT_TRUE(peek_notification(outcome.reply->data(), outcome.reply->size(), response));
  EXPECT_EQ(response.pdu_type, 0xA2);
  NotificationHeader inform;
  ASSERT_TRUE(peek_notification(kV2cInform.data(), kV2cInform.size(), inform));
  EXPECT_EQ(response.request_id, inform.request_id);

  EXPECT_EQ(processor.process(kV2cInform.data(), kV2cInform.size(), "192.0.2.1", 40000, false, n,
                              outcome),
            Verdict::kDuplicate)
      << "answered again even when the queue is full: it was queued the first time";
  EXPECT_TRUE(outcome.reply);
  // From another sender (or port) it is another inform.
  EXPECT_EQ(
      processor.process(kV2cInform.data(), kV2cInform.size(), "192.0.2.2", 40000, true, n, outcome),
      Verdict::kAccepted);
}

TEST_F(TrapProcessorTest, MissingMasterKeysAreAskedForNotComputedOnTheLoop) {
  ProcessorOptions o;
  o.engine_id = std::string("\x80\x00\x7e\xd9\x04receiver", 13);
  o.state_dir = dir_.file("netsnmp");
  TrapProcessor processor(
      o, [](const TrapSource&) { return std::vector<TrapCandidate>{shaaes("d", "privpass123")}; });
  Notification n;
  Outcome outcome;
  ASSERT_EQ(processor.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 1, true, n, outcome),
            Verdict::kNeedKeys);
  EXPECT_EQ(outcome.keys.auth, AuthProtocol::kSHA);
  UserKeys keys;
  keys.auth = Codec::password_to_key(AuthProtocol::kSHA, outcome.keys.auth_password);
  keys.priv = Codec::password_to_key(AuthProtocol::kSHA, outcome.keys.priv_password);
  processor.add_master_keys(outcome.keys.key, keys);
  EXPECT_EQ(processor.process(kV3Trap.data(), kV3Trap.size(), "192.0.2.1", 1, true, n, outcome),
            Verdict::kAccepted);
}

}  // namespace
}  // namespace epcfleet::snmp::detail
