// The poller against a simulated fleet (../shared/acceptance/snmp-fleet): 200 devices, half v2c
// and half v3 SHA/AES, a tenth dead and a tenth slow. Every live device is polled on schedule and
// goes up once; every dead one goes down once, after the hysteresis; slow devices hold up nobody;
// counters become plausible rates (never negative, no spikes) with IF-MIB labels.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "epcfleet/collector/poller.hpp"
#include "epcfleet/testing/snmpd_instance.hpp"
#include "epcfleet/testing/temp_dir.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/query.hpp"

namespace epcfleet::collector {
namespace {

using namespace std::chrono_literals;

struct FleetDevice {
  std::uint16_t port = 0;
  bool dead = false;
  bool slow = false;
};

class Changes final : public StatusListener {
public:
  void status_changed(const PollDevice& device, DeviceStatus previous, DeviceStatus now,
                      TimestampMs, const std::string&) override {
    std::lock_guard lock(mu);
    seen.push_back({device.id, previous, now});
  }
  struct Change {
    std::string device;
    DeviceStatus previous, now;
  };
  std::mutex mu;
  std::vector<Change> seen;
};

TEST(CollectorFleetTest, FleetOnScheduleDeadOnesDownSlowOnesHarmless) {
  const std::string fleet = testing::source_dir() + "/../shared/acceptance/snmp-fleet";
  if (!std::filesystem::exists(fleet + "/fleet-start"))
    GTEST_SKIP() << "the simulated fleet (" << fleet << ") is not available";
  testing::TempDir state;
  constexpr int kDevices = 200;
  const auto base =
      static_cast<std::uint16_t>(30000 + (testing::free_udp_port() % 30) * 1000 + 300);
  const std::map<std::string, std::string> env = {{"SNMP_FLEET_STATE", state.path()}};
  const auto started = testing::run_command(
      std::vector<std::string>{fleet + "/fleet-start", "-n", "poller", "-k",
                               std::to_string(kDevices), "-p", std::to_string(base), "--",
                               "--dead-frac", "0.1", "--slow-frac", "0.1", "--slow-ms", "400"},
      env);
  ASSERT_EQ(started.exit_code, 0) << started.output;
  struct Stop {
    std::string fleet;
    std::map<std::string, std::string> env;
    ~Stop() { testing::run_command({fleet + "/fleet-stop", "-n", "poller"}, env); }
  } stop{fleet, env};

  // targets.tsv: id ip port nif engine_id version community v3user auth authpass priv privpass
  // dead slow
  std::vector<FleetDevice> devices;
  std::ifstream tsv(state.path() + "/run/poller/targets.tsv");
  for (std::string line; std::getline(tsv, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string x; std::getline(fields, x, '\t');)
      f.push_back(x);
    ASSERT_GE(f.size(), 14u) << line;
    devices.push_back({static_cast<std::uint16_t>(std::stoi(f[2])), f[12] == "1", f[13] == "1"});
  }
  ASSERT_EQ(devices.size(), static_cast<std::size_t>(kDevices));

  testing::TempDir dir;
  tsdb::EngineOptions engine_options;
  engine_options.dir = dir.file("tsdb");
  engine_options.background = false;
  auto engine = tsdb::Engine::open(engine_options);
  ASSERT_TRUE(engine) << engine.error().message;
  snmp::ClientOptions client_options;
  client_options.state_dir = dir.file("snmp");
  snmp::Client client(client_options);
  Changes changes;
  PollerOptions options;
  options.hysteresis.down_after = 2;
  Poller poller(options, client, **engine, &changes);

  auto profile = resolve(*find_builtin("epc-default"),
                         [](std::string_view name) { return find_builtin(name); });
  ASSERT_TRUE(profile);
  std::vector<PollDevice> polled;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    PollDevice d;
    d.tenant = "acme";
    d.id = "d" + std::to_string(i);
    d.name = d.id;
    d.interval_s = 10;
    d.profile = *profile;
    d.tags = {{"site", i % 2 == 0 ? "north" : "south"}};
    d.target.address = "127.0.0.1";
    d.target.port = devices[i].port;
    d.target.timeout = 1000ms;
    d.target.retries = 0;
    if (i % 2 == 0) {
      d.target.community = "public";
    } else {
      d.target.version = snmp::Version::kV3;
      d.target.user = "simuser";
      d.target.auth_protocol = snmp::AuthProtocol::kSHA;
      d.target.auth_password = "authpass123";
      d.target.priv_protocol = snmp::PrivProtocol::kAES;
      d.target.priv_password = "privpass123";
    }
    polled.push_back(std::move(d));
  }
  poller.load(polled);
  poller.start();
  // First polls spread over 10 s, the second round 10 s later, a dead device's second timeout
  // 1 s after that.
  std::this_thread::sleep_for(24s);
  poller.stop();

  const auto stats = poller.stats();
  EXPECT_EQ(stats.polls_late, 0u);
  EXPECT_EQ(stats.polls_overrun, 0u);
  EXPECT_EQ(stats.samples_rejected, 0u);
  std::size_t dead = 0, slow = 0;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto rt = poller.runtime("acme", "d" + std::to_string(i));
    ASSERT_TRUE(rt);
    if (devices[i].dead) {
      ++dead;
      EXPECT_EQ(rt->status, DeviceStatus::kDown) << i;
      EXPECT_EQ(rt->polls_ok, 0u) << i;
      EXPECT_EQ(rt->last_error->code, snmp::ErrorCode::kTimeout) << i;
    } else {
      slow += devices[i].slow ? 1U : 0U;
      EXPECT_EQ(rt->status, DeviceStatus::kUp) << i;
      EXPECT_GE(rt->polls_ok, 2u) << i;
      EXPECT_EQ(rt->polls_failed, 0u) << i;
      EXPECT_GT(rt->sys_uptime_s.value_or(0), 0.0) << i;
    }
  }
  EXPECT_GT(dead, 5u);
  EXPECT_GT(slow, 5u);
  {
    // One change per device: unknown → up, or unknown → down (never a flap).
    std::lock_guard lock(changes.mu);
    EXPECT_EQ(changes.seen.size(), static_cast<std::size_t>(kDevices));
    std::set<std::string> once;
    for (const auto& c : changes.seen) {
      EXPECT_TRUE(once.insert(c.device).second) << c.device << " changed twice";
      EXPECT_EQ(c.previous, DeviceStatus::kUnknown);
    }
  }
  // Rates: per interface of every live device, plausible (fastsim's counters grow by at most
  // ~1 GB/s) and never negative.
  std::size_t rates = 0;
  // (fastsim's EPC counters are elapsed time × a gauge that moves: not monotonic, not checked.)
  for (const char* metric : {"if_in_octets_rate", "if_out_octets_rate", "if_in_ucast_pkts_rate"}) {
    for (auto id : tsdb::select_series(**engine, {"acme", metric, "", {}})) {
      std::vector<tsdb::Sample> samples;
      ASSERT_TRUE((*engine)->read_raw(id, 0, INT64_MAX, samples));
      for (const auto& s : samples) {
        ++rates;
        EXPECT_GE(s.v, 0.0) << metric;
        EXPECT_LT(s.v, 1e10) << metric;
      }
    }
  }
  EXPECT_GT(rates, 1000u);
  const auto labelled = tsdb::select_series(**engine, {"acme", "if_in_octets_rate", "d0", {}});
  ASSERT_FALSE(labelled.empty());
  const auto key = (*engine)->key(labelled.front());
  std::set<std::string> names;
  for (const auto& l : key.labels)
    names.insert(l.name);
  EXPECT_EQ(names, (std::set<std::string>{"ifIndex", "ifName", "site"}));
}

}  // namespace
}  // namespace epcfleet::collector
