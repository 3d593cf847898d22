// snmp::TrapReceiver against net-snmp's own senders: snmptrap (v1, v2c, v3 with every security
// level and several auth/priv protocols) and snmpinform (v2c, v3: discovery of our engine id,
// then the acknowledged inform), plus what must never get through (wrong community, wrong auth
// or priv password, a lower security level, unknown senders, garbage) and a burst of 50,000 v2c
// traps from a socket in the test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "epcfleet/snmp/trap_receiver.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::snmp {
namespace {

using namespace std::chrono_literals;

const Oid kLinkDown{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
const Oid kIfIndex3{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3};
const Oid kIfDescr3{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3};
const Oid kSnmpTrapAddress0{1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
const Oid kSnmpTrapEnterprise0{1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};
constexpr const char* kAuth = "authpass123";
constexpr const char* kPriv = "privpass123";
// The senders' engine id for v3 traps: 80 00 7e d9 04 "trapsender".
constexpr const char* kSenderEngineHex = "0x80007ed9047472617073656e646572";
const std::string kSenderEngine("\x80\x00\x7e\xd9\x04trapsender", 15);

struct Sent {
  int exit_code = -1;
  std::string output;
};

// Collects what the sink gets, and every TrapSource the resolver was asked about.
class Collected {
public:
  void add(std::vector<Notification>&& batch) {
    const std::lock_guard lock(mutex_);
    for (auto& n : batch)
      items_.push_back(std::move(n));
    changed_.notify_all();
  }
  std::vector<Notification> wait_for(std::size_t count, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return items_.size() >= count; });
    return items_;
  }
  std::size_t size() {
    const std::lock_guard lock(mutex_);
    return items_.size();
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Notification> items_;
};

TrapCandidate community_candidate(const std::string& device, const std::string& community) {
  TrapCandidate c;
  c.tenant = "t-1";
  c.device = device;
  c.community = community;
  return c;
}

TrapCandidate v3_candidate(const std::string& device, const std::string& user, AuthProtocol auth,
                           PrivProtocol priv) {
  TrapCandidate c;
  c.tenant = "t-1";
  c.device = device;
  c.user = user;
  c.auth_protocol = auth;
  c.auth_password = auth == AuthProtocol::kNone ? "" : kAuth;
  c.priv_protocol = priv;
  c.priv_password = priv == PrivProtocol::kNone ? "" : kPriv;
  return c;
}

class TrapReceiverTest : public ::testing::Test {
protected:
  void SetUp() override { start(); }

  void start(TrapReceiverOptions options = {}) {
    receiver_.reset();
    options.port = 0;
    if (options.bind_address == TrapReceiverOptions().bind_address)
      options.bind_address = "127.0.0.1";
    options.state_dir = dir_.file("netsnmp");
    receiver_ = std::make_unique<TrapReceiver>(
        options,
        [this](const TrapSource& source) {
          const std::lock_guard lock(mutex_);
          asked_.push_back(source);
          return candidates_;
        },
        [this](std::vector<Notification>&& batch) { collected_.add(std::move(batch)); });
    const auto started = receiver_->start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_NE(receiver_->port(), 0);
  }

  void set_candidates(std::vector<TrapCandidate> candidates) {
    const std::lock_guard lock(mutex_);
    candidates_ = std::move(candidates);
  }
  std::vector<TrapSource> asked() {
    const std::lock_guard lock(mutex_);
    return asked_;
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(receiver_->port()); }

  // Runs snmptrap/snmpinform with no configuration files and its state in the test's directory.
  Sent run(const std::string& tool, std::vector<std::string> args) {
    args.insert(args.begin(), tool);
    const auto r = testing::run_command(args, {{"MIBS", ""},
                                               {"SNMPCONFPATH", dir_.path()},
                                               {"SNMP_PERSISTENT_DIR", dir_.file("tool-state")}});
    return Sent{r.exit_code, r.output};
  }

  // A v2c/v1 linkDown-like trap: uptime 12345, ifIndex.3 = 3, ifDescr.3 = "eth3".
  Sent v2c_trap(const std::string& community, const std::string& tool = "snmptrap",
                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-v2c", "-c", community};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {target(), "12345", kLinkDown.to_string(), kIfIndex3.to_string(), "i",
                             "3", kIfDescr3.to_string(), "s", "eth3"});
    return run(tool, args);
  }

  // v3 security arguments (-l follows from the protocols).
  static std::vector<std::string> v3_args(const std::string& user, const std::string& auth,
                                          const std::string& auth_password, const std::string& priv,
                                          const std::string& priv_password) {
    std::vector<std::string> args = {"-v3", "-u", user};
    if (auth.empty()) {
      args.insert(args.end(), {"-l", "noAuthNoPriv"});
    } else if (priv.empty()) {
      args.insert(args.end(), {"-l", "authNoPriv", "-a", auth, "-A", auth_password});
    } else {
      args.insert(args.end(), {"-l", "authPriv", "-a", auth, "-A", auth_password, "-x", priv, "-X",
                               priv_password});
    }
    return args;
  }

  Sent v3_trap(std::vector<std::string> security) {
    security.insert(security.end(), {"-e", kSenderEngineHex, target(), "12345",
                                     kLinkDown.to_string(), kIfIndex3.to_string(), "i", "3"});
    return run("snmptrap", security);
  }

  Sent v3_inform(std::vector<std::string> security) {
    security.insert(security.end(), {"-t", "2", "-r", "1", target(), "12345", kLinkDown.to_string(),
                                     kIfIndex3.to_string(), "i", "3"});
    return run("snmpinform", security);
  }

  // Waits until the receiver has read `count` datagrams in all (and a little more, so that a
  // wrongly accepted notification would have reached the sink).
  TrapReceiverStats settle(std::uint64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (receiver_->stats().received < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(100ms);
    return receiver_->stats();
  }

  testing::TempDir dir_;
  Collected collected_;
  std::mutex mutex_;
  std::vector<TrapCandidate> candidates_;
  std::vector<TrapSource> asked_;
  std::unique_ptr<TrapReceiver> receiver_;
};

void expect_link_down(const Notification& n, bool with_descr = true) {
  EXPECT_EQ(n.trap_oid, kLinkDown) << n.trap_oid.to_string();
  EXPECT_EQ(n.uptime_ticks, 12345u);
  ASSERT_GE(n.varbinds.size(), 1u);
  EXPECT_EQ(n.varbinds[0].oid, kIfIndex3);
  EXPECT_EQ(n.varbinds[0].type, ValueType::kInteger);
  EXPECT_EQ(n.varbinds[0].as_int(), 3);
  if (with_descr) {
    ASSERT_EQ(n.varbinds.size(), 2u);
    EXPECT_EQ(n.varbinds[1].oid, kIfDescr3);
    EXPECT_EQ(*n.varbinds[1].as_bytes(), "eth3");
  }
  EXPECT_GT(n.received_ms, 1700000000000);
}

TEST_F(TrapReceiverTest, V2cTrapIsDeliveredWithItsDeviceAndVarbinds) {
  set_candidates(
      {community_candidate("d-other", "elsewhere"), community_candidate("d-1", "s3cret")});
  const Sent sent = v2c_trap("s3cret");
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  const Notification& n = got[0];
  EXPECT_EQ(n.tenant, "t-1");
  EXPECT_EQ(n.device, "d-1");
  EXPECT_FALSE(n.inform);
  EXPECT_EQ(n.source.version, Version::kV2c);
  EXPECT_EQ(n.source.address, "127.0.0.1");
  EXPECT_NE(n.source.port, 0);
  EXPECT_TRUE(n.source.community.empty()) << "a delivered notification carries no secret";
  expect_link_down(n);
  const auto asked_about = asked();
  ASSERT_EQ(asked_about.size(), 1u);
  EXPECT_EQ(asked_about[0].community, "s3cret");
  EXPECT_EQ(asked_about[0].address, "127.0.0.1");
  const auto s = receiver_->stats();
  EXPECT_EQ(s.received, 1u);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.delivered, 1u);
}

TEST_F(TrapReceiverTest, V1TrapsAreTranslatedAsRfc3584Says) {
  set_candidates({community_candidate("d-1", "public")});
  // Enterprise-specific: enterprise.0.specific.
  Sent sent = run("snmptrap", {"-v1", "-c", "public", target(), "1.3.6.1.4.1.32473.2", "192.0.2.7",
                               "6", "42", "777", kIfIndex3.to_string(), "i", "3"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  // Generic linkDown (2): snmpTraps.3.
  sent = run("snmptrap", {"-v1", "-c", "public", target(), "1.3.6.1.4.1.32473.2", "192.0.2.8", "2",
                          "0", "12345", kIfIndex3.to_string(), "i", "3"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  const auto got = collected_.wait_for(2);
  ASSERT_EQ(got.size(), 2u);

  const Notification& specific = got[0];
  EXPECT_EQ(specific.source.version, Version::kV1);
  EXPECT_EQ(specific.trap_oid.to_string(), "1.3.6.1.4.1.32473.2.0.42");
  EXPECT_EQ(specific.uptime_ticks, 777u);
  ASSERT_EQ(specific.varbinds.size(), 3u);
  EXPECT_EQ(specific.varbinds[0].oid, kIfIndex3);
  EXPECT_EQ(specific.varbinds[1].oid, kSnmpTrapAddress0);
  EXPECT_EQ(specific.varbinds[1].type, ValueType::kIpAddress);
  EXPECT_EQ(specific.varbinds[1].value_string(), "192.0.2.7");
  EXPECT_EQ(specific.varbinds[2].oid, kSnmpTrapEnterprise0);
  EXPECT_EQ(specific.varbinds[2].as_oid()->to_string(), "1.3.6.1.4.1.32473.2");

  const Notification& generic = got[1];
  expect_link_down(generic, false);
  EXPECT_EQ(generic.varbinds[1].value_string(), "192.0.2.8");
}

TEST_F(TrapReceiverTest, V2cInformIsAcknowledgedAfterAttribution) {
  set_candidates({community_candidate("d-1", "public")});
  const Sent sent = v2c_trap("public", "snmpinform", {"-t", "2", "-r", "1"});
  EXPECT_EQ(sent.exit_code, 0) << "snmpinform got no response: " << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].inform);
  expect_link_down(got[0]);
  EXPECT_EQ(receiver_->stats().informs_acknowledged, 1u);
}

TEST_F(TrapReceiverTest, V2cInformWithTheWrongCommunityIsNeitherDeliveredNorAcknowledged) {
  set_candidates({community_candidate("d-1", "public")});
  const Sent sent = v2c_trap("wrong", "snmpinform", {"-t", "0.3", "-r", "0"});
  EXPECT_NE(sent.exit_code, 0) << sent.output;
  const auto s = settle(1);
  EXPECT_EQ(s.community_mismatch, 1u);
  EXPECT_EQ(s.informs_acknowledged, 0u);
  EXPECT_EQ(collected_.size(), 0u);
}

TEST_F(TrapReceiverTest, WrongCommunityAndUnknownSendersAreCountedAndDropped) {
  set_candidates({community_candidate("d-1", "public")});
  ASSERT_EQ(v2c_trap("publi").exit_code, 0);
  ASSERT_EQ(v2c_trap("").exit_code, 0);
  TrapReceiverStats s = settle(2);
  EXPECT_EQ(s.community_mismatch, 2u);

  // A candidate without a community never matches an empty one.
  set_candidates({v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  ASSERT_EQ(v2c_trap("").exit_code, 0);
  s = settle(3);
  EXPECT_EQ(s.community_mismatch, 3u);

  set_candidates({});
  ASSERT_EQ(v2c_trap("public").exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("shaaes", "SHA", kAuth, "AES", kPriv)).exit_code, 0);
  s = settle(5);
  EXPECT_EQ(s.unknown_sender, 2u);
  EXPECT_EQ(s.accepted, 0u);
  EXPECT_EQ(collected_.size(), 0u);
}

struct V3Case {
  const char* name;
  const char* user;
  AuthProtocol auth;
  PrivProtocol priv;
  const char* auth_arg;  // snmptrap's names
  const char* priv_arg;
};

class TrapReceiverV3Test : public TrapReceiverTest, public ::testing::WithParamInterface<V3Case> {};

TEST_P(TrapReceiverV3Test, TrapIsAuthenticatedWithTheSendersEngineIdAndDelivered) {
  const V3Case& c = GetParam();
  // Another device's user of the same name with other passwords comes first: the one whose keys
  // authenticate the trap wins.
  TrapCandidate impostor = v3_candidate("d-other", c.user, c.auth, c.priv);
  impostor.auth_password = "otherpass123";
  impostor.priv_password = c.priv == PrivProtocol::kNone ? "" : "otherpass123";
  set_candidates({impostor, v3_candidate("d-3", c.user, c.auth, c.priv)});
  const Sent sent = v3_trap(v3_args(c.user, c.auth_arg, kAuth, c.priv_arg, kPriv));
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u) << "auth_failed " << receiver_->stats().auth_failed << " malformed "
                            << receiver_->stats().malformed;
  const Notification& n = got[0];
  EXPECT_EQ(n.device, c.auth == AuthProtocol::kNone ? "d-other" : "d-3");
  EXPECT_EQ(n.source.version, Version::kV3);
  EXPECT_EQ(n.source.user, c.user);
  EXPECT_EQ(n.source.engine_id, kSenderEngine);
  expect_link_down(n, false);
  const auto asked_about = asked();
  ASSERT_FALSE(asked_about.empty());
  EXPECT_EQ(asked_about[0].engine_id, kSenderEngine);
  EXPECT_EQ(asked_about[0].user, c.user);
}

TEST_P(TrapReceiverV3Test, InformDiscoversOurEngineAndIsAcknowledged) {
  const V3Case& c = GetParam();
  set_candidates({v3_candidate("d-3", c.user, c.auth, c.priv)});
  const Sent sent = v3_inform(v3_args(c.user, c.auth_arg, kAuth, c.priv_arg, kPriv));
  EXPECT_EQ(sent.exit_code, 0) << "snmpinform got no response: " << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].inform);
  EXPECT_EQ(got[0].device, "d-3");
  EXPECT_TRUE(got[0].source.engine_id.empty()) << "an inform carries our engine id, not theirs";
  expect_link_down(got[0], false);
  const auto s = receiver_->stats();
  EXPECT_GE(s.discovery_reports, 1u);
  EXPECT_EQ(s.informs_acknowledged, 1u);
  EXPECT_EQ(s.auth_failed, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Users, TrapReceiverV3Test,
    ::testing::Values(
        V3Case{"Md5Des", "md5des", AuthProtocol::kMD5, PrivProtocol::kDES, "MD5", "DES"},
        V3Case{"ShaAes", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES, "SHA", "AES"},
        V3Case{"Sha256Aes256", "sha256aes256", AuthProtocol::kSHA256, PrivProtocol::kAES256,
               "SHA-256", "AES-256"},
        V3Case{"Sha512Aes", "sha512aes", AuthProtocol::kSHA512, PrivProtocol::kAES, "SHA-512",
               "AES"},
        V3Case{"AuthNoPriv", "authonly", AuthProtocol::kSHA, PrivProtocol::kNone, "SHA", ""},
        V3Case{"NoAuthNoPriv", "noauth", AuthProtocol::kNone, PrivProtocol::kNone, "", ""}),
    [](const ::testing::TestParamInfo<V3Case>& p) { return std::string(p.param.name); });

TEST_F(TrapReceiverTest, V3TrapsThatDoNotAuthenticateAreCountedAndDropped) {
  set_candidates({v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  // Wrong auth password, wrong priv password, another user, a lower security level (which
  // would prove nothing), and an auth protocol the user does not have.
  ASSERT_EQ(v3_trap(v3_args("shaaes", "SHA", "wrongpass123", "AES", kPriv)).exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("shaaes", "SHA", kAuth, "AES", "wrongpass123")).exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("other", "SHA", kAuth, "AES", kPriv)).exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("shaaes", "SHA", kAuth, "", "")).exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("shaaes", "", "", "", "")).exit_code, 0);
  ASSERT_EQ(v3_trap(v3_args("shaaes", "MD5", kAuth, "AES", kPriv)).exit_code, 0);
  const auto s = settle(6);
  EXPECT_EQ(s.auth_failed, 6u);
  EXPECT_EQ(s.malformed, 0u);
  EXPECT_EQ(s.accepted, 0u);
  EXPECT_EQ(collected_.size(), 0u);
}

TEST_F(TrapReceiverTest, V3InformWithAWrongPasswordIsNotAcknowledged) {
  set_candidates({v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  auto args = v3_args("shaaes", "SHA", "wrongpass123", "AES", kPriv);
  args.insert(args.end(), {"-t", "0.3", "-r", "0", target(), "12345", kLinkDown.to_string()});
  EXPECT_NE(run("snmpinform", args).exit_code, 0);
  args = v3_args("shaaes", "SHA", kAuth, "AES", "wrongpass123");
  args.insert(args.end(), {"-t", "0.3", "-r", "0", target(), "12345", kLinkDown.to_string()});
  EXPECT_NE(run("snmpinform", args).exit_code, 0);
  std::this_thread::sleep_for(200ms);
  const auto s = receiver_->stats();
  EXPECT_EQ(s.auth_failed, 2u);
  EXPECT_EQ(s.informs_acknowledged, 0u);
  EXPECT_EQ(collected_.size(), 0u);
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out = "0x";
  for (const char c : bytes) {
    out.push_back(digits[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    out.push_back(digits[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

TEST_F(TrapReceiverTest, InformOutsideOurTimeWindowGetsAnAuthenticatedReportAndIsResent) {
  TrapReceiverOptions options;
  options.engine_id = std::string("\x80\x00\x7e\xd9\x04receiver", 13);
  options.engine_boots = 7;
  start(options);
  EXPECT_EQ(receiver_->engine_id(), options.engine_id);
  set_candidates({v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  // The sender believes it knows our engine (no discovery) but has our clock wrong: it must
  // take our boots/time from the authenticated report and succeed with its resend.
  auto args = v3_args("shaaes", "SHA", kAuth, "AES", kPriv);
  args.insert(args.end(), {"-e", hex(options.engine_id), "-Z", "6,99999"});
  const Sent sent = v3_inform(args);
  EXPECT_EQ(sent.exit_code, 0) << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  expect_link_down(got[0], false);
  const auto s = receiver_->stats();
  EXPECT_EQ(s.not_in_time_window, 1u);
  EXPECT_EQ(s.discovery_reports, 0u);
  EXPECT_EQ(s.informs_acknowledged, 1u);
}

// A sender that kept an engine id we no longer have localizes its keys to that id; the inform
// then authenticates like a trap (keys localized to the message's engine id) and is answered,
// where RFC 3414 would have us send unknownEngineID and make the sender rediscover.
TEST_F(TrapReceiverTest, InformToAnEngineIdNotOursIsCheckedLikeATrapAndAcknowledged) {
  set_candidates({v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  auto args = v3_args("shaaes", "SHA", kAuth, "AES", kPriv);
  args.insert(args.end(), {"-e", "0x80007ed9046f6c64656e67696e65", "-Z", "1,100"});
  const Sent sent = v3_inform(args);
  EXPECT_EQ(sent.exit_code, 0) << sent.output;
  ASSERT_EQ(collected_.wait_for(1).size(), 1u);
  const auto s = receiver_->stats();
  EXPECT_EQ(s.informs_acknowledged, 1u);
  EXPECT_EQ(s.discovery_reports, 0u);
  // With a wrong password it is not answered, except by a report with our engine id.
  args = v3_args("shaaes", "SHA", "wrongpass123", "AES", kPriv);
  args.insert(args.end(), {"-e", "0x80007ed9046f6c64656e67696e65", "-Z", "1,100", "-t", "0.3", "-r",
                           "0", target(), "1", kLinkDown.to_string()});
  EXPECT_NE(run("snmpinform", args).exit_code, 0);
  const auto after = settle(2);
  EXPECT_EQ(after.auth_failed, 1u);
  EXPECT_EQ(after.discovery_reports, 0u);
  EXPECT_EQ(after.informs_acknowledged, 1u);
  EXPECT_EQ(collected_.size(), 1u);
}

TEST_F(TrapReceiverTest, DiscoveryProbesFromUnknownSourcesAreNotAnswered) {
  set_candidates({});
  auto args = v3_args("shaaes", "SHA", kAuth, "AES", kPriv);
  args.insert(args.end(), {"-t", "0.3", "-r", "0", target(), "1", kLinkDown.to_string()});
  EXPECT_NE(run("snmpinform", args).exit_code, 0);
  const auto s = settle(1);
  EXPECT_EQ(s.unknown_sender, 1u);
  EXPECT_EQ(s.discovery_reports, 0u);
  const auto asked_about = asked();
  ASSERT_EQ(asked_about.size(), 1u);
  EXPECT_TRUE(asked_about[0].engine_id.empty());
  EXPECT_TRUE(asked_about[0].user.empty()) << "net-snmp probes with an empty user";
}

TEST_F(TrapReceiverTest, ReceivesOverIpv6) {
  TrapReceiverOptions options;
  options.bind_address = "::1";
  start(options);
  set_candidates({community_candidate("d-1", "public")});
  const Sent sent =
      run("snmptrap", {"-v2c", "-c", "public", "udp6:[::1]:" + std::to_string(receiver_->port()),
                       "12345", kLinkDown.to_string(), kIfIndex3.to_string(), "i", "3"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  const auto got = collected_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].source.address, "::1");
  expect_link_down(got[0], false);
}

TEST_F(TrapReceiverTest, BindFailuresAreErrorsNotCrashes) {
  TrapReceiverOptions options;
  options.bind_address = "not-an-address";
  TrapReceiver bad_address(
      options, [](const TrapSource&) { return std::vector<TrapCandidate>{}; },
      [](std::vector<Notification>&&) {});
  auto r = bad_address.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTarget);

  options.bind_address = "127.0.0.1";
  options.port = receiver_->port();  // taken
  TrapReceiver taken(
      options, [](const TrapSource&) { return std::vector<TrapCandidate>{}; },
      [](std::vector<Notification>&&) {});
  r = taken.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kSocketError);
}

// ---- datagrams from the test itself ---------------------------------------------------------

std::string tlv(std::uint8_t tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  const std::size_t n = content.size();
  if (n < 128) {
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(0x82));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  }
  return out + content;
}

std::string ber_uint(std::uint64_t v, std::uint8_t tag) {
  std::string bytes;
  do {
    bytes.insert(bytes.begin(), static_cast<char>(v & 0xFF));
    v >>= 8;
  } while (v != 0);
  if ((bytes.front() & 0x80) != 0)
    bytes.insert(bytes.begin(), '\0');
  return tlv(tag, bytes);
}

std::string ber_oid(const Oid& oid) {
  std::string out;
  auto arc = [&](std::uint32_t a) {
    std::string b(1, static_cast<char>(a & 0x7F));
    for (a >>= 7; a != 0; a >>= 7)
      b.insert(b.begin(), static_cast<char>(0x80 | (a & 0x7F)));
    out += b;
  };
  arc(oid[0] * 40 + oid[1]);
  for (std::size_t i = 2; i < oid.size(); ++i)
    arc(oid[i]);
  return tlv(0x06, out);
}

// A v2c Trap with sysUpTime, snmpTrapOID = linkDown and a Counter32 sequence number.
std::string v2c_trap_datagram(std::uint32_t sequence) {
  const Oid sys_up_time{1, 3, 6, 1, 2, 1, 1, 3, 0};
  const Oid trap_oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
  const Oid seq{1, 3, 6, 1, 4, 1, 32473, 1, 2, 1, 0};
  const std::string list = tlv(0x30, ber_oid(sys_up_time) + ber_uint(12345, 0x43)) +
                           tlv(0x30, ber_oid(trap_oid) + ber_oid(kLinkDown)) +
                           tlv(0x30, ber_oid(seq) + ber_uint(sequence, 0x41));
  const std::string pdu =
      tlv(0xA7, ber_uint(sequence, 0x02) + ber_uint(0, 0x02) + ber_uint(0, 0x02) + tlv(0x30, list));
  return tlv(0x30, ber_uint(1, 0x02) + tlv(0x04, "public") + pdu);
}

class Sender {
public:
  explicit Sender(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    to_.sin_family = AF_INET;
    to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to_.sin_port = htons(port);
  }
  ~Sender() { ::close(fd_); }
  void send(const std::string& bytes) {
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to_),
             sizeof to_);
  }

private:
  int fd_ = -1;
  sockaddr_in to_{};
};

TEST_F(TrapReceiverTest, GarbageIsCountedAsMalformedAndNeverCrashes) {
  set_candidates({community_candidate("d-1", "public"),
                  v3_candidate("d-3", "shaaes", AuthProtocol::kSHA, PrivProtocol::kAES)});
  Sender sender(receiver_->port());
  std::mt19937 random(42);
  const std::string good = v2c_trap_datagram(1);
  std::size_t sent = 0;
  for (int i = 0; i < 300; ++i, ++sent) {
    std::string bytes = good;
    if (i % 3 == 0) {  // random bytes
      bytes.assign(static_cast<std::size_t>(random() % 200), '\0');
      for (char& b : bytes)
        b = static_cast<char>(random());
    } else if (i % 3 == 1) {  // truncated
      bytes.resize(static_cast<std::size_t>(random() % (good.size() - 1)));
    } else {  // one byte flipped where it breaks the structure (tags and lengths)
      const std::size_t at = static_cast<std::size_t>(random() % 8);
      bytes[at] = static_cast<char>(bytes[at] ^ 0x5A);
    }
    sender.send(bytes);
  }
  sender.send(tlv(0x30, ber_uint(1, 0x02) + tlv(0x04, "public") +
                            tlv(0xA0, ber_uint(7, 0x02) + ber_uint(0, 0x02) + ber_uint(0, 0x02) +
                                          tlv(0x30, ""))));  // a GET to the trap port
  sender.send(good);
  sent += 2;
  const auto got = collected_.wait_for(1);
  const auto s = settle(sent);
  EXPECT_EQ(s.received, sent);
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(s.accepted, got.size());
  EXPECT_EQ(s.malformed + s.community_mismatch + s.accepted, sent) << "every datagram counted once";
  EXPECT_GE(s.malformed, 200u);
}

TEST_F(TrapReceiverTest, ABurstOf50000V2cTrapsArrivesWithoutLoss) {
  set_candidates({community_candidate("d-1", "public")});
  constexpr std::uint32_t kCount = 50000;
  std::vector<std::string> datagrams;
  datagrams.reserve(kCount);
  for (std::uint32_t i = 1; i <= kCount; ++i)
    datagrams.push_back(v2c_trap_datagram(i));
  Sender sender(receiver_->port());
  // 10,000 traps/s, in slices of 100 every 10 ms.
  const auto begin = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < kCount; ++i) {
    if (i % 100 == 0)
      std::this_thread::sleep_until(begin + std::chrono::milliseconds(i / 10));
    sender.send(datagrams[i]);
  }
  const auto got = collected_.wait_for(kCount, 60s);
  const auto s = receiver_->stats();
  EXPECT_EQ(s.received, kCount) << "socket buffer " << s.socket_buffer_bytes;
  ASSERT_EQ(got.size(), kCount);
  std::set<std::uint64_t> sequences;
  for (const Notification& n : got) {
    ASSERT_EQ(n.varbinds.size(), 1u);
    sequences.insert(n.varbinds[0].as_uint().value_or(0));
  }
  EXPECT_EQ(sequences.size(), kCount);
  EXPECT_EQ(*sequences.begin(), 1u);
  EXPECT_EQ(*sequences.rbegin(), kCount);
}

TEST_F(TrapReceiverTest, AFullQueueDropsAndLeavesInformsUnacknowledged) {
  // A sink that does not return until told: the queue (limit 2) fills up.
  std::mutex gate;
  std::condition_variable opened;
  bool open = false;
  TrapReceiverOptions options;
  options.queue_limit = 2;
  receiver_.reset();
  options.state_dir = dir_.file("netsnmp");
  options.port = 0;
  std::atomic<std::size_t> delivered{0};
  TrapReceiver receiver(
      options,
      [](const TrapSource&) {
        return std::vector<TrapCandidate>{community_candidate("d", "public")};
      },
      [&](std::vector<Notification>&& batch) {
        std::unique_lock lock(gate);
        opened.wait(lock, [&] { return open; });
        delivered += batch.size();
      });
  ASSERT_TRUE(receiver.start());
  Sender sender(receiver.port());
  for (std::uint32_t i = 1; i <= 5; ++i) {
    sender.send(v2c_trap_datagram(i));
    std::this_thread::sleep_for(20ms);  // one batch each
  }
  const std::string to = "127.0.0.1:" + std::to_string(receiver.port());
  const auto r = testing::run_command(
      {"snmpinform", "-v2c", "-c", "public", "-t", "0.3", "-r", "0", to, "1",
       kLinkDown.to_string()},
      {{"MIBS", ""}, {"SNMPCONFPATH", dir_.path()}, {"SNMP_PERSISTENT_DIR", dir_.file("state")}});
  EXPECT_NE(r.exit_code, 0) << "an inform that could not be queued must not be acknowledged";
  {
    const std::lock_guard lock(gate);
    open = true;
  }
  opened.notify_all();
  receiver.stop();
  const auto s = receiver.stats();
  EXPECT_EQ(s.accepted, 2u);
  EXPECT_EQ(s.dropped_queue_full, 4u);
  EXPECT_EQ(s.informs_acknowledged, 0u);
  EXPECT_EQ(delivered.load(), 2u) << "stop() hands out what was queued";
}

}  // namespace
}  // namespace epcfleet::snmp
