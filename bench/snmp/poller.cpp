// snmp-poller-bench: polls a simulated fleet (../shared/acceptance/snmp-fleet) with snmp::Client,
// the way epcfleetd's poller will: per device, GET sysUpTime.0, then walk ifTable and ifXTable;
// then the next poll of that device after --interval seconds (0: at once, to measure CPU cost).
// Meant to run under run-poller-bench.py, which measures served varbinds and our CPU:
//   run-poller-bench.py --reuse NAME -d 60 -- build/release/bench/snmp-poller-bench --version 3
// Writes one line per poll to $FLEET_RESULTS (<unix_ms> <id> <ok> <latency_ms> <varbinds>).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "epcfleet/snmp/client.hpp"

namespace snmp = epcfleet::snmp;
using Clock = std::chrono::steady_clock;

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop = true;
}

struct Device {
  std::string id;
  snmp::Target target;
  Clock::time_point poll_started;
  std::size_t varbinds = 0;
};

struct Args {
  std::string targets;
  std::string results;
  std::string version = "2c";
  std::string user = "simuser";
  std::string auth = "SHA";
  std::string priv = "AES";
  double interval = 0;
  double duration = 0;  // 0: until SIGTERM
  std::size_t max_in_flight = 1000;
  std::size_t sockets = 4;
  int max_repetitions = 40;
  int timeout_ms = 2000;
  int retries = 2;
  std::size_t limit = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  if (const char* t = std::getenv("FLEET_TARGETS"))
    a.targets = t;
  if (const char* r = std::getenv("FLEET_RESULTS"))
    a.results = r;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << k << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--targets")
      a.targets = next();
    else if (k == "--results")
      a.results = next();
    else if (k == "--version")
      a.version = next();
    else if (k == "--user")
      a.user = next();
    else if (k == "--auth")
      a.auth = next();
    else if (k == "--priv")
      a.priv = next();
    else if (k == "--interval")
      a.interval = std::stod(next());
    else if (k == "--duration")
      a.duration = std::stod(next());
    else if (k == "--max-in-flight")
      a.max_in_flight = std::stoul(next());
    else if (k == "--sockets")
      a.sockets = std::stoul(next());
    else if (k == "--max-repetitions")
      a.max_repetitions = std::stoi(next());
    else if (k == "--timeout-ms")
      a.timeout_ms = std::stoi(next());
    else if (k == "--retries")
      a.retries = std::stoi(next());
    else if (k == "--limit")
      a.limit = std::stoul(next());
    else {
      std::cerr << "unknown option " << k << "\n";
      std::exit(2);
    }
  }
  return a;
}

std::vector<Device> load(const Args& a) {
  std::ifstream in(a.targets);
  if (!in) {
    std::cerr << "cannot read targets " << a.targets << "\n";
    std::exit(2);
  }
  std::vector<Device> devices;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t'))
      f.push_back(field);
    if (f.size() < 12)
      continue;
    Device d;
    d.id = f[0];
    d.target.address = f[1];
    d.target.port = static_cast<std::uint16_t>(std::stoi(f[2]));
    d.target.timeout = std::chrono::milliseconds(a.timeout_ms);
    d.target.retries = a.retries;
    if (a.version == "3") {
      d.target.version = snmp::Version::kV3;
      d.target.user = a.user;
      d.target.auth_protocol = *snmp::parse_auth_protocol(a.auth);
      d.target.auth_password = f[9];
      d.target.priv_protocol = *snmp::parse_priv_protocol(a.priv);
      d.target.priv_password = d.target.priv_protocol == snmp::PrivProtocol::kNone ? "" : f[11];
    } else {
      d.target.version = a.version == "1" ? snmp::Version::kV1 : snmp::Version::kV2c;
      d.target.community = f[6];
    }
    devices.push_back(std::move(d));
    if (a.limit != 0 && devices.size() >= a.limit)
      break;
  }
  return devices;
}

class Poller {
public:
  Poller(const Args& args, std::vector<Device> devices)
      : args_(args),
        devices_(std::move(devices)),
        client_(std::make_unique<snmp::Client>(options(args))) {
    if (!args.results.empty())
      results_ = std::fopen(args.results.c_str(), "a");
  }
  ~Poller() {
    client_.reset();  // its cancelled operations still call back into this object
    if (results_ != nullptr)
      std::fclose(results_);
  }

  void run() {
    const auto start = Clock::now();
    // Spread the first polls over the interval (or 1 s) so they do not all start at once.
    const double spread = args_.interval > 0 ? args_.interval : 1.0;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      due_.emplace(start + std::chrono::microseconds(
                               static_cast<long>(spread * 1e6 * static_cast<double>(i) /
                                                 static_cast<double>(devices_.size()))),
                   i);
    }
    while (!g_stop) {
      if (args_.duration > 0 &&
          Clock::now() - start > std::chrono::duration<double>(args_.duration))
        break;
      std::vector<std::size_t> now_due;
      {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        while (!due_.empty() && due_.begin()->first <= now) {
          now_due.push_back(due_.begin()->second);
          due_.erase(due_.begin());
        }
      }
      for (const std::size_t i : now_due)
        start_poll(i);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto s = client_->stats();
    std::fprintf(stderr,
                 "polls ok=%lu failed=%lu | ops started=%lu completed=%lu failed=%lu requests=%lu "
                 "retries=%lu timeouts=%lu responses=%lu varbinds=%lu discoveries=%lu "
                 "resyncs=%lu unmatched=%lu bad=%lu\n",
                 polls_ok_.load(), polls_failed_.load(), s.operations_started,
                 s.operations_completed, s.operations_failed, s.requests_sent, s.retries,
                 s.timeouts, s.responses, s.varbinds, s.discoveries, s.time_resyncs,
                 s.unmatched_datagrams, s.bad_datagrams);
    for (const auto& [text, count] : errors_)
      std::fprintf(stderr, "  error %s x%lu\n", text.c_str(), count);
  }

private:
  static snmp::ClientOptions options(const Args& a) {
    snmp::ClientOptions o;
    o.max_in_flight = a.max_in_flight;
    o.sockets = a.sockets;
    return o;
  }

  void start_poll(std::size_t i) {
    Device& d = devices_[i];
    d.poll_started = Clock::now();
    d.varbinds = 0;
    client_->get(d.target, {snmp::Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}},
                 [this, i](snmp::Result<snmp::Response> r) {
                   if (!r)
                     return done(i, false, &r.error());
                   devices_[i].varbinds += r->varbinds.size();
                   walk(i, 0);
                 });
  }

  void walk(std::size_t i, int table) {
    static const snmp::Oid kTables[] = {snmp::Oid{1, 3, 6, 1, 2, 1, 2, 2},
                                        snmp::Oid{1, 3, 6, 1, 2, 1, 31, 1, 1}};
    snmp::WalkOptions w;
    w.max_repetitions = args_.max_repetitions;
    client_->walk(
        devices_[i].target, kTables[table],
        [this, i, table](snmp::Result<snmp::Response> r) {
          if (!r)
            return done(i, false, &r.error());
          devices_[i].varbinds += r->varbinds.size();
          if (table == 0)
            return walk(i, 1);
          done(i, true, nullptr);
        },
        w);
  }

  // Runs on the client's thread.
  void done(std::size_t i, bool ok, const snmp::Error* error) {
    Device& d = devices_[i];
    const auto now = Clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - d.poll_started).count();
    (ok ? polls_ok_ : polls_failed_)++;
    if (error != nullptr) {
      std::lock_guard lock(mutex_);
      ++errors_[std::string(snmp::to_string(error->code)) + ": " + error->message];
    }
    if (results_ != nullptr) {
      const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
      std::fprintf(results_, "%lld %s %d %.2f %zu\n", static_cast<long long>(wall), d.id.c_str(),
                   ok ? 1 : 0, ms, d.varbinds);
    }
    std::lock_guard lock(mutex_);
    const auto next = args_.interval > 0
                          ? d.poll_started + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(args_.interval))
                          : now;
    due_.emplace(next, i);
  }

  Args args_;
  std::vector<Device> devices_;
  std::unique_ptr<snmp::Client> client_;
  std::FILE* results_ = nullptr;
  std::mutex mutex_;
  std::multimap<Clock::time_point, std::size_t> due_;
  std::map<std::string, std::uint64_t> errors_;
  std::atomic<std::uint64_t> polls_ok_{0}, polls_failed_{0};
};

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  ::signal(SIGTERM, on_signal);
  ::signal(SIGINT, on_signal);
  auto devices = load(args);
  std::fprintf(stderr, "%zu devices, version %s\n", devices.size(), args.version.c_str());
  Poller poller(args, std::move(devices));
  poller.run();
  return 0;
}
