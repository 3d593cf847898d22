// snmp::Client against real peers: snmpd (v2c and a v3 user per auth/priv combination), a
// scripted fake agent for misbehaviour (answers that do not increase, too many or too few
// varbinds, garbage, answers from the wrong port) and, when present, the simulated fleet.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "epcfleet/snmp/client.hpp"
#include "epcfleet/testing/snmpd_instance.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::snmp {
namespace {

using testing::SnmpdInstance;
using namespace std::chrono_literals;

const Oid kSysDescr{1, 3, 6, 1, 2, 1, 1, 1, 0};
const Oid kSysObjectId{1, 3, 6, 1, 2, 1, 1, 2, 0};
const Oid kSysUpTime{1, 3, 6, 1, 2, 1, 1, 3, 0};
const Oid kSysName{1, 3, 6, 1, 2, 1, 1, 5, 0};
const Oid kIfTable{1, 3, 6, 1, 2, 1, 2, 2};

Result<Response> wait_for(std::future<Result<Response>>& f) {
  if (f.wait_for(60s) != std::future_status::ready)
    return tl::unexpected(Error{ErrorCode::kInternal, "test: no callback within 60 s"});
  return f.get();
}

Result<Response> get(Client& client, const Target& target, std::vector<Oid> oids) {
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto f = promise->get_future();
  client.get(target, std::move(oids),
             [promise](Result<Response> r) { promise->set_value(std::move(r)); });
  return wait_for(f);
}

Result<Response> walk(Client& client, const Target& target, Oid root, int max_repetitions = 25) {
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto f = promise->get_future();
  WalkOptions options;
  options.max_repetitions = max_repetitions;
  client.walk(
      target, std::move(root), [promise](Result<Response> r) { promise->set_value(std::move(r)); },
      options);
  return wait_for(f);
}

std::string describe(const Result<Response>& r) {
  if (r)
    return "ok (" + std::to_string(r->varbinds.size()) + " varbinds)";
  return std::string(to_string(r.error().code)) + ": " + r.error().message;
}

ClientOptions options_in(const testing::TempDir& dir) {
  ClientOptions o;
  o.state_dir = dir.file("netsnmp");
  o.sockets = 2;
  return o;
}

class SnmpdTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { agent_ = new SnmpdInstance(); }
  static void TearDownTestSuite() {
    delete agent_;
    agent_ = nullptr;
  }

  Target v2c() const {
    Target t;
    t.address = "127.0.0.1";
    t.port = agent_->port();
    t.community = "public";
    t.timeout = 1000ms;
    t.retries = 1;
    return t;
  }
  Target v3(const std::string& user, AuthProtocol auth, PrivProtocol priv) const {
    Target t = v2c();
    t.community.clear();
    t.version = Version::kV3;
    t.user = user;
    t.auth_protocol = auth;
    t.auth_password = SnmpdInstance::kAuthPassword;
    t.priv_protocol = priv;
    t.priv_password = priv == PrivProtocol::kNone ? "" : SnmpdInstance::kPrivPassword;
    return t;
  }

  static SnmpdInstance* agent_;
  testing::TempDir dir_;
  Client client_{options_in(dir_)};
};
SnmpdInstance* SnmpdTest::agent_ = nullptr;

void expect_system_group(const Result<Response>& r) {
  ASSERT_TRUE(r) << describe(r);
  ASSERT_EQ(r->varbinds.size(), 4u);
  EXPECT_EQ(r->varbinds[0].oid, kSysDescr);
  EXPECT_EQ(r->varbinds[0].type, ValueType::kOctetString);
  EXPECT_EQ(*r->varbinds[0].as_bytes(), "epcfleet test agent");
  EXPECT_EQ(r->varbinds[1].type, ValueType::kObjectId);
  EXPECT_TRUE(r->varbinds[1].as_oid()->starts_with(Oid{1, 3, 6, 1, 4, 1, 8072}));
  EXPECT_EQ(r->varbinds[2].type, ValueType::kTimeTicks);
  EXPECT_EQ(r->varbinds[3].type, ValueType::kOctetString);
  EXPECT_EQ(*r->varbinds[3].as_bytes(), SnmpdInstance::kSysName);
  EXPECT_GT(r->rtt.count(), 0);
}

TEST_F(SnmpdTest, GetsTheSystemGroupOverV2cAndV1) {
  expect_system_group(get(client_, v2c(), {kSysDescr, kSysObjectId, kSysUpTime, kSysName}));
  Target v1 = v2c();
  v1.version = Version::kV1;
  expect_system_group(get(client_, v1, {kSysDescr, kSysObjectId, kSysUpTime, kSysName}));
}

TEST_F(SnmpdTest, GetsOverIpv6) {
  Target t = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
  t.address = "::1";
  expect_system_group(get(client_, t, {kSysDescr, kSysObjectId, kSysUpTime, kSysName}));
  Target c = v2c();
  c.address = "::1";
  EXPECT_TRUE(walk(client_, c, kIfTable));
}

struct V3Case {
  const char* user;
  AuthProtocol auth;
  PrivProtocol priv;
};

class SnmpdV3Test : public SnmpdTest, public ::testing::WithParamInterface<V3Case> {};

TEST_P(SnmpdV3Test, GetsTheSystemGroupAndWalksIfTable) {
  const V3Case c = GetParam();
  const Target t = v3(c.user, c.auth, c.priv);
  expect_system_group(get(client_, t, {kSysDescr, kSysObjectId, kSysUpTime, kSysName}));
  const auto table = walk(client_, t, kIfTable);
  ASSERT_TRUE(table) << describe(table);
  EXPECT_GE(table->varbinds.size(), 20u);  // at least lo's 22 columns
  EXPECT_EQ(table->varbinds.front().oid, (Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 1}));
  EXPECT_EQ(client_.stats().discoveries, 1u);  // the engine id was found once, then cached
}

INSTANTIATE_TEST_SUITE_P(
    AuthPriv, SnmpdV3Test,
    ::testing::Values(V3Case{"md5des", AuthProtocol::kMD5, PrivProtocol::kDES},
                      V3Case{"shaaes", AuthProtocol::kSHA, PrivProtocol::kAES},
                      V3Case{"sha256aes256", AuthProtocol::kSHA256, PrivProtocol::kAES256},
                      V3Case{"authonly", AuthProtocol::kSHA, PrivProtocol::kNone}),
    [](const ::testing::TestParamInfo<V3Case>& param) { return std::string(param.param.user); });

TEST_F(SnmpdTest, BulkWalkOfIfTableMatchesAGetNextWalk) {
  const auto bulk = walk(client_, v2c(), kIfTable, 50);
  ASSERT_TRUE(bulk) << describe(bulk);
  Target v1 = v2c();
  v1.version = Version::kV1;
  const auto next = walk(client_, v1, kIfTable);
  ASSERT_TRUE(next) << describe(next);
  const auto small = walk(client_, v2c(), kIfTable, 1);
  ASSERT_TRUE(small) << describe(small);
  ASSERT_EQ(bulk->varbinds.size(), next->varbinds.size());
  ASSERT_EQ(bulk->varbinds.size(), small->varbinds.size());
  for (std::size_t i = 0; i < bulk->varbinds.size(); ++i) {
    EXPECT_EQ(bulk->varbinds[i].oid, next->varbinds[i].oid);
    EXPECT_TRUE(bulk->varbinds[i].oid.starts_with(kIfTable));
    if (i > 0) {
      EXPECT_LT(bulk->varbinds[i - 1].oid, bulk->varbinds[i].oid);
    }
  }
  EXPECT_GT(small->requests, bulk->requests);  // one varbind per request
}

TEST_F(SnmpdTest, MissingObjectsComeBackAsExceptionsOrNoSuchName) {
  const Oid missing{1, 3, 6, 1, 2, 1, 1, 99, 0};
  const auto r = get(client_, v2c(), {kSysName, missing});
  ASSERT_TRUE(r) << describe(r);
  EXPECT_EQ(r->varbinds[1].type, ValueType::kNoSuchObject);
  const auto missing_error = missing_object(r->varbinds);
  ASSERT_TRUE(missing_error);
  EXPECT_EQ(missing_error->code, ErrorCode::kNoSuchObject);
  EXPECT_EQ(missing_error->message, "noSuchObject: 1.3.6.1.2.1.1.99.0");
  Target v1 = v2c();
  v1.version = Version::kV1;
  const auto old = get(client_, v1, {missing});
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::kNoSuchObject);
}

TEST_F(SnmpdTest, WrongCommunityTimesOut) {
  Target t = v2c();
  t.community = "wrong";
  t.timeout = 300ms;
  t.retries = 1;
  const auto r = get(client_, t, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(client_.stats().requests_sent, 2u);
}

TEST_F(SnmpdTest, WrongAuthPasswordIsAWrongDigest) {
  Target t = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
  t.auth_password = "not-the-password";
  const auto r = get(client_, t, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kWrongDigest) << r.error().message;
  t.auth_protocol = AuthProtocol::kMD5;  // the wrong protocol reads the same to the agent
  t.auth_password = SnmpdInstance::kAuthPassword;
  const auto md5 = get(client_, t, {kSysName});
  ASSERT_FALSE(md5);
  EXPECT_EQ(md5.error().code, ErrorCode::kWrongDigest);
}

TEST_F(SnmpdTest, WrongPrivPasswordIsADecryptionError) {
  // snmpd drops what it cannot decrypt without a report; the client asks once more without
  // privacy to tell this from a dead agent.
  Target t = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
  t.priv_password = "not-the-password";
  t.timeout = 500ms;
  const auto r = get(client_, t, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kDecryptionError) << r.error().message;
}

TEST_F(SnmpdTest, UnknownUserIsReported) {
  const auto r = get(client_, v3("nobody", AuthProtocol::kSHA, PrivProtocol::kAES), {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnknownUserName) << r.error().message;
}

TEST_F(SnmpdTest, TooLowSecurityLevelIsAnAuthorizationError) {
  // shaaes may only read with privacy (rouser … priv); authNoPriv authenticates but VACM says no.
  const auto r = get(client_, v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kNone), {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAuthorizationError) << r.error().message;
}

TEST_F(SnmpdTest, CredentialChangesAreNeverHiddenByCachedKeys) {
  // net-snmp's own user cache kept accepting a password after it became wrong; keys here are
  // cached per credential, so every change is seen at once, in both directions.
  Target good = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
  Target bad = good;
  bad.auth_password = "changed-password";
  EXPECT_TRUE(get(client_, good, {kSysName}));
  auto r = get(client_, bad, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kWrongDigest);
  EXPECT_TRUE(get(client_, good, {kSysName}));
}

TEST_F(SnmpdTest, DeadTargetDoesNotDelayTheOthers) {
  Target dead = v2c();
  dead.port = testing::free_udp_port();
  dead.timeout = 3000ms;
  dead.retries = 0;
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto dead_result = promise->get_future();
  client_.get(dead, {kSysName}, [promise](Result<Response> r) { promise->set_value(r); });
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(get(client_, v2c(), {kSysUpTime}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  const auto r = wait_for(dead_result);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

TEST_F(SnmpdTest, KeyDerivationForNewPasswordsDoesNotHoldUpOtherRequests) {
  // Each new password costs ~1 MiB of hashing (more under sanitizers); that runs on a worker
  // thread, so a v2c GET submitted after 30 new v3 credentials is answered before they are.
  // The agent's engine id is known first, so the v3 requests go straight to key derivation
  // (were it done on the client's thread, the 30 answers would all come before the v2c one).
  ASSERT_TRUE(get(client_, v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES), {kSysName}));
  std::mutex mutex;
  std::vector<std::string> order;
  std::vector<std::future<Result<Response>>> v3_results;
  for (int i = 0; i < 30; ++i) {
    Target t = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
    t.auth_password = "wrong-password-" + std::to_string(i);
    auto promise = std::make_shared<std::promise<Result<Response>>>();
    v3_results.push_back(promise->get_future());
    client_.get(t, {kSysName}, [&, promise](Result<Response> r) {
      {
        const std::lock_guard lock(mutex);
        order.push_back("v3");
      }
      promise->set_value(r);
    });
  }
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto v2 = promise->get_future();
  client_.get(v2c(), {kSysName}, [&, promise](Result<Response> r) {
    {
      const std::lock_guard lock(mutex);
      order.push_back("v2c");
    }
    promise->set_value(r);
  });
  EXPECT_TRUE(wait_for(v2));
  for (auto& f : v3_results) {
    const auto r = wait_for(f);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kWrongDigest);
  }
  ASSERT_EQ(order.size(), 31u);
  EXPECT_NE(order.back(), "v2c");
}

TEST_F(SnmpdTest, RequestsBeyondTheInFlightBoundQueueAndAllComplete) {
  testing::TempDir dir;
  ClientOptions o = options_in(dir);
  o.max_in_flight = 3;
  Client client(o);
  std::vector<std::future<Result<Response>>> results;
  for (int i = 0; i < 40; ++i) {
    auto promise = std::make_shared<std::promise<Result<Response>>>();
    results.push_back(promise->get_future());
    if (i % 2 == 0)
      client.get(v2c(), {kSysName}, [promise](Result<Response> r) { promise->set_value(r); });
    else
      client.walk(v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES), kIfTable,
                  [promise](Result<Response> r) { promise->set_value(r); });
  }
  for (auto& f : results) {
    const auto r = wait_for(f);
    EXPECT_TRUE(r) << describe(r);
  }
  EXPECT_EQ(client.stats().in_flight, 0u);
  EXPECT_EQ(client.stats().discoveries, 1u);  // the other v3 walks waited for the first probe
}

TEST_F(SnmpdTest, InvalidTargetsFailAtOnce) {
  Target t = v2c();
  t.address = "not-an-ip";
  auto r = get(client_, t, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTarget);
  t = v3("shaaes", AuthProtocol::kSHA, PrivProtocol::kAES);
  t.auth_password = "short";
  r = get(client_, t, {kSysName});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTarget);
  r = walk(client_, v2c(), Oid{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTarget);
  r = get(client_, v2c(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTarget);
  EXPECT_EQ(client_.stats().requests_sent, 0u);
}

TEST_F(SnmpdTest, CancelsWhatIsOutstandingWhenDestroyed) {
  testing::TempDir dir;
  auto client = std::make_unique<Client>(options_in(dir));
  Target dead = v2c();
  dead.port = testing::free_udp_port();
  dead.timeout = 10000ms;
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto f = promise->get_future();
  client->get(dead, {kSysName}, [promise](Result<Response> r) { promise->set_value(r); });
  std::this_thread::sleep_for(100ms);
  client.reset();
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
  const auto r = f.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
}

// Restarts must come last in this suite's agent life; they get their own agent.
TEST(SnmpdRestartTest, RestartedAgentIsResyncedAndReplacedAgentRediscovered) {
  SnmpdInstance agent;
  testing::TempDir dir;
  Client client(options_in(dir));
  Target t;
  t.address = "127.0.0.1";
  t.port = agent.port();
  t.version = Version::kV3;
  t.user = "sha256aes256";
  t.auth_protocol = AuthProtocol::kSHA256;
  t.auth_password = SnmpdInstance::kAuthPassword;
  t.priv_protocol = PrivProtocol::kAES256;
  t.priv_password = SnmpdInstance::kPrivPassword;
  t.timeout = 1000ms;
  auto r = get(client, t, {kSysUpTime});
  ASSERT_TRUE(r) << describe(r);

  agent.restart();  // same engine id, boots + 1, engine time from 0: notInTimeWindow
  r = get(client, t, {kSysUpTime});
  ASSERT_TRUE(r) << describe(r) << "\n" << agent.log();
  EXPECT_EQ(client.stats().time_resyncs, 1u);
  EXPECT_EQ(client.stats().discoveries, 1u);

  agent.restart(true);  // a new engine id: unknownEngineID, then the request with new keys
  r = get(client, t, {kSysUpTime});
  ASSERT_TRUE(r) << describe(r) << "\n" << agent.log();
  EXPECT_EQ(client.stats().discoveries, 1u);
  EXPECT_EQ(client.stats().engine_id_changes, 1u);
  EXPECT_EQ(client.stats().time_resyncs, 1u);
  EXPECT_EQ(client.stats().bad_datagrams, 0u);
}

// ---- a scripted agent -------------------------------------------------------------------------

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

std::string ber_int(std::int64_t v, std::uint8_t tag = 0x02) {
  std::string bytes;
  do {
    bytes.insert(bytes.begin(), static_cast<char>(v & 0xFF));
    v >>= 8;
  } while (!(v == 0 && !(bytes.front() & 0x80)) && !(v == -1 && (bytes.front() & 0x80)));
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

struct FakeVarBind {
  Oid oid;
  std::string value;  // BER-encoded
};

std::string v2c_response(std::int32_t id, const std::vector<FakeVarBind>& vbs) {
  std::string list;
  for (const auto& vb : vbs)
    list += tlv(0x30, ber_oid(vb.oid) + vb.value);
  const std::string pdu = tlv(0xA2, ber_int(id) + ber_int(0) + ber_int(0) + tlv(0x30, list));
  return tlv(0x30, ber_int(1) + tlv(0x04, "public") + pdu);
}

int udp_socket(std::uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  timeval tv{0, 50000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Answers the n-th request (0-based) with the datagrams script(n, request id) returns; a
// datagram starting with '!' goes out from another socket (another source port).
class FakeAgent {
public:
  using Script = std::function<std::vector<std::string>(int, std::int32_t)>;
  explicit FakeAgent(Script script) : script_(std::move(script)) {
    fd_ = udp_socket(&port_);
    other_ = udp_socket(&other_port_);
    thread_ = std::thread([this] { loop(); });
  }
  ~FakeAgent() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    ::close(other_);
  }
  std::uint16_t port() const { return port_; }
  int requests() const { return requests_; }

private:
  void loop() {
    std::vector<std::uint8_t> buf(65536);
    while (!stop_) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n =
          ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0)
        continue;
      const auto header = peek_datagram(buf.data(), static_cast<std::size_t>(n));
      if (!header)
        continue;
      for (const std::string& d : script_(requests_++, header->id)) {
        const bool other = !d.empty() && d[0] == '!';
        const std::string bytes = other ? d.substr(1) : d;
        ::sendto(other ? other_ : fd_, bytes.data(), bytes.size(), 0,
                 reinterpret_cast<sockaddr*>(&from), len);
      }
    }
  }

  Script script_;
  int fd_ = -1;
  int other_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t other_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

class ScriptedAgentTest : public ::testing::Test {
protected:
  Target target(std::uint16_t port) const {
    Target t;
    t.address = "127.0.0.1";
    t.port = port;
    t.community = "public";
    t.timeout = 300ms;
    t.retries = 0;
    return t;
  }
  testing::TempDir dir_;
  Client client_{options_in(dir_)};
  const Oid root_{1, 3, 6, 1, 2, 1, 2, 2};
  Oid row(std::uint32_t column, std::uint32_t index) const {
    return Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, column, index};
  }
};

TEST_F(ScriptedAgentTest, AWalkEndsWhenTheAgentRepeatsItselfInsteadOfLoopingForever) {
  FakeAgent agent([&](int, std::int32_t id) -> std::vector<std::string> {
    return {v2c_response(id, {{row(1, 1), ber_int(1)}})};  // always the same OID
  });
  const auto r = walk(client_, target(agent.port()), root_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kOidNotIncreasing);
  EXPECT_EQ(agent.requests(), 2);
}

TEST_F(ScriptedAgentTest, AWalkEndsOnOidsGoingBackwardsWithinOneAnswer) {
  FakeAgent agent([&](int, std::int32_t id) -> std::vector<std::string> {
    return {v2c_response(id, {{row(1, 2), ber_int(2)}, {row(1, 1), ber_int(1)}})};
  });
  const auto r = walk(client_, target(agent.port()), root_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kOidNotIncreasing);
}

TEST_F(ScriptedAgentTest, AnswersBeyondTheSubtreeAndBeyondMaxRepetitionsAreCutAtTheEnd) {
  FakeAgent agent([&](int, std::int32_t id) -> std::vector<std::string> {
    return {v2c_response(id, {{row(1, 1), ber_int(1)},
                              {row(1, 2), ber_int(2)},
                              {row(2, 1), tlv(0x04, "eth0")},
                              {Oid{1, 3, 6, 1, 2, 1, 2, 3}, ber_int(7)},
                              {Oid{1, 3, 6, 1, 2, 1, 4, 1, 0}, ber_int(1)}})};
  });
  const auto r = walk(client_, target(agent.port()), root_, 2);
  ASSERT_TRUE(r) << describe(r);
  ASSERT_EQ(r->varbinds.size(), 3u);
  EXPECT_EQ(*r->varbinds[2].as_bytes(), "eth0");
  EXPECT_EQ(agent.requests(), 1);
}

TEST_F(ScriptedAgentTest, AnswersWithFewerVarbindsThanAskedForStillWalkEverything) {
  FakeAgent agent([&](int n, std::int32_t id) -> std::vector<std::string> {
    if (n < 5)
      return {v2c_response(id, {{row(1, static_cast<std::uint32_t>(n + 1)), ber_int(n)}})};
    return {v2c_response(id, {{row(1, 9), tlv(0x82, "")}})};  // endOfMibView
  });
  const auto r = walk(client_, target(agent.port()), root_, 50);
  ASSERT_TRUE(r) << describe(r);
  EXPECT_EQ(r->varbinds.size(), 5u);
  EXPECT_EQ(r->requests, 6);
}

TEST_F(ScriptedAgentTest, GarbageAndAnswersFromTheWrongPortAreDroppedAndCounted) {
  FakeAgent agent([&](int n, std::int32_t id) -> std::vector<std::string> {
    const std::string good = v2c_response(id, {{Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, tlv(0x04, "x")}});
    if (n == 0)  // only a spoof from another port and garbage: the request must time out
      return {"!" + good, std::string("\x30\x03\x02\x01", 4), "garbage"};
    return {std::string("\x30\x82\xff\xff", 4), good};
  });
  auto r = get(client_, target(agent.port()), {Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  r = get(client_, target(agent.port()), {Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}});
  ASSERT_TRUE(r) << describe(r);
  const auto s = client_.stats();
  EXPECT_EQ(s.unmatched_datagrams, 1u);
  EXPECT_EQ(s.bad_datagrams, 3u);
}

// An unauthenticated SNMPv3 message (msgFlags: reportable bit only for requests, none here).
std::string v3_noauth(std::int32_t msg_id, const std::string& engine, const std::string& user,
                      std::uint8_t pdu_tag, std::int32_t request_id,
                      const std::vector<FakeVarBind>& vbs) {
  std::string list;
  for (const auto& vb : vbs)
    list += tlv(0x30, ber_oid(vb.oid) + vb.value);
  const std::string pdu =
      tlv(pdu_tag, ber_int(request_id) + ber_int(0) + ber_int(0) + tlv(0x30, list));
  const std::string global =
      tlv(0x30, ber_int(msg_id) + ber_int(65507) + tlv(0x04, std::string(1, '\0')) + ber_int(3));
  const std::string usm = tlv(0x30, tlv(0x04, engine) + ber_int(1) + ber_int(100) +
                                        tlv(0x04, user) + tlv(0x04, "") + tlv(0x04, ""));
  const std::string scoped = tlv(0x30, tlv(0x04, engine) + tlv(0x04, "") + pdu);
  return tlv(0x30, ber_int(3) + global + tlv(0x04, usm) + scoped);
}

TEST_F(ScriptedAgentTest, UnauthenticatedV3AnswersToAuthenticatedRequestsAreNotData) {
  // A spoofer who guessed the msgID answers an authPriv GET without authentication: net-snmp
  // decodes that fine, the client must not take it for the agent's answer.
  const std::string engine("\x80\x00\x1f\x88\x04spoofed", 12);
  FakeAgent agent([&](int n, std::int32_t id) -> std::vector<std::string> {
    if (n == 0)  // the engine-id probe: a report, as agents answer it
      return {v3_noauth(id, engine, "", 0xA8, 0,
                        {{Oid{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}, ber_int(1, 0x41)}})};
    return {v3_noauth(id, engine, "shaaes", 0xA2, 0,
                      {{Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, tlv(0x04, "spoofed")}})};
  });
  Target t = target(agent.port());
  t.community.clear();
  t.version = Version::kV3;
  t.user = "shaaes";
  t.auth_protocol = AuthProtocol::kSHA;
  t.auth_password = "authpass123";
  t.priv_protocol = PrivProtocol::kAES;
  t.priv_password = "privpass123";
  const auto r = get(client_, t, {Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}});
  ASSERT_FALSE(r) << describe(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(client_.stats().discoveries, 1u);
  EXPECT_GE(client_.stats().bad_datagrams, 1u);
}

// ---- the simulated fleet ----------------------------------------------------------------------

TEST(SnmpFleetTest, WalksIfTableOfAThousandSimulatedDevices) {
  const std::string fleet = "/work/shared/acceptance/snmp-fleet";
  if (!std::filesystem::exists(fleet + "/fleet-start"))
    GTEST_SKIP() << "the simulated fleet (" << fleet << ") is not available";
  testing::TempDir state;
  // 1000 consecutive ports; pick a base from a free port and hope the next 999 are free too.
  const std::uint16_t base =
      static_cast<std::uint16_t>(20000 + (testing::free_udp_port() % 20) * 1000 + 500);
  const std::map<std::string, std::string> env = {{"SNMP_FLEET_STATE", state.path()}};
  const auto started = testing::run_command(
      {fleet + "/fleet-start", "-n", "test", "-k", "1000", "-p", std::to_string(base)}, env);
  ASSERT_EQ(started.exit_code, 0) << started.output;
  struct Stop {
    std::string fleet;
    std::map<std::string, std::string> env;
    ~Stop() { testing::run_command({fleet + "/fleet-stop", "-n", "test"}, env); }
  } stop{fleet, env};

  testing::TempDir dir;
  Client client(options_in(dir));
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<std::size_t> varbinds{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{2000};
  for (int i = 0; i < 1000; ++i) {
    Target t;
    t.address = "127.0.0.1";
    t.port = static_cast<std::uint16_t>(base + i);
    if (i % 2 == 0) {
      t.community = "public";
    } else {
      t.version = Version::kV3;
      t.user = "simuser";
      t.auth_protocol = AuthProtocol::kSHA;
      t.auth_password = "authpass123";
      t.priv_protocol = PrivProtocol::kAES;
      t.priv_password = "privpass123";
    }
    for (const Oid& root : {kIfTable, Oid{1, 3, 6, 1, 2, 1, 31, 1, 1}}) {
      client.walk(t, root, [&](Result<Response> r) {
        if (r) {
          ++ok;
          varbinds += r->varbinds.size();
        } else {
          ++failed;
        }
        if (--remaining == 0)
          all_done.set_value();
      });
    }
  }
  ASSERT_EQ(all_done.get_future().wait_for(120s), std::future_status::ready);
  EXPECT_EQ(ok.load(), 2000);
  EXPECT_EQ(failed.load(), 0);
  // 8..48 interfaces × (22 + 19) columns
  EXPECT_GE(varbinds.load(), 1000u * 8 * 41);
  EXPECT_EQ(client.stats().discoveries, 500u);
}

}  // namespace
}  // namespace epcfleet::snmp
