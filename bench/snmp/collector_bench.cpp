// snmp-collector-bench: the product's poller — collector::Poller with an snmp::Client, samples
// appended to a tsdb::Engine in a temporary directory — polling the simulated fleet
// (../shared/acceptance/snmp-fleet) with issue 4's poll (issue4_profile.hpp) on its schedule.
// Meant to run under run-poller-bench.py (bench/snmp-fleet.sh does):
//   run-poller-bench.py --reuse NAME -w 70 -d 90 -- snmp-collector-bench --version 3
// Writes one line per poll to $FLEET_RESULTS (<unix_ms> <id> <ok> <latency_ms> <varbinds>; ok
// only when every expected varbind came back; latency: poll start to samples written), and with
// --summary a JSON line for the measured window ($FLEET_WARMUP s after start, $FLEET_DURATION s
// long): polls on time (started within 1 s of due), start lag, the poller's and client's
// counters, CPU per thread (client loop, poller, other), peak RSS, series in the store.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "epcfleet/collector/poller.hpp"
#include "epcfleet/snmp/client.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "issue4_profile.hpp"
#include "on_time.hpp"

using namespace epcfleet;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double env_seconds(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atof(v) : fallback;
}

struct Args {
  std::string targets, results, summary, tsdb_dir;
  std::string version = "2c";
  int interval_s = 60;
  int max_repetitions = 25;  // the product's default per device
  int timeout_ms = 1500, retries = 2;
  std::size_t max_in_flight = 1000, sockets = 4, max_polls_in_flight = 5000;
  double warmup_s = env_seconds("FLEET_WARMUP", 0), duration_s = env_seconds("FLEET_DURATION", 0);
  double tail_s = 10;  // due times this close to the window's end are not judged yet
};

Args parse(int argc, char** argv) {
  Args a;
  if (const char* t = std::getenv("FLEET_TARGETS"))
    a.targets = t;
  if (const char* r = std::getenv("FLEET_RESULTS"))
    a.results = r;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "usage: snmp-collector-bench [--targets TSV] [--results FILE] [--summary FILE]"
                   " [--version 2c|3] [--interval S] [--max-repetitions N] [--timeout-ms MS]"
                   " [--retries N] [--max-in-flight N] [--sockets N] [--max-polls-in-flight N]"
                   " [--tsdb-dir DIR] [--warmup S] [--duration S] [--tail S]\n";
      std::exit(2);
    }
    const std::string v = argv[++i];
    if (k == "--targets")
      a.targets = v;
    else if (k == "--results")
      a.results = v;
    else if (k == "--summary")
      a.summary = v;
    else if (k == "--tsdb-dir")
      a.tsdb_dir = v;
    else if (k == "--version")
      a.version = v;
    else if (k == "--interval")
      a.interval_s = std::stoi(v);
    else if (k == "--max-repetitions")
      a.max_repetitions = std::stoi(v);
    else if (k == "--timeout-ms")
      a.timeout_ms = std::stoi(v);
    else if (k == "--retries")
      a.retries = std::stoi(v);
    else if (k == "--max-in-flight")
      a.max_in_flight = std::stoul(v);
    else if (k == "--sockets")
      a.sockets = std::stoul(v);
    else if (k == "--max-polls-in-flight")
      a.max_polls_in_flight = std::stoul(v);
    else if (k == "--warmup")
      a.warmup_s = std::stod(v);
    else if (k == "--duration")
      a.duration_s = std::stod(v);
    else if (k == "--tail")
      a.tail_s = std::stod(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      std::exit(2);
    }
  }
  return a;
}

struct Fleet {
  std::vector<collector::PollDevice> devices;
  std::vector<std::uint64_t> expected_varbinds;
  std::unordered_map<std::string, std::size_t> index;
};

Fleet load(const Args& a, const collector::ResolvedProfile& profile) {
  std::ifstream in(a.targets);
  if (!in) {
    std::cerr << "cannot read targets '" << a.targets << "' (set FLEET_TARGETS)\n";
    std::exit(2);
  }
  Fleet fleet;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');)
      f.push_back(field);
    if (f.size() < 12)
      continue;
    collector::PollDevice d;
    d.tenant = "bench";
    d.id = d.name = f[0];
    d.target.address = f[1];
    d.target.port = static_cast<std::uint16_t>(std::stoi(f[2]));
    d.target.timeout = std::chrono::milliseconds(a.timeout_ms);
    d.target.retries = a.retries;
    if (a.version == "3") {
      d.target.version = snmp::Version::kV3;
      d.target.user = f[7];
      d.target.auth_protocol = *snmp::parse_auth_protocol(f[8]);
      d.target.auth_password = f[9];
      d.target.priv_protocol = *snmp::parse_priv_protocol(f[10]);
      d.target.priv_password = f[11];
    } else {
      d.target.version = snmp::Version::kV2c;
      d.target.community = f[6];
    }
    d.interval_s = a.interval_s;
    d.max_repetitions = a.max_repetitions;
    d.profile = profile;
    fleet.index.emplace(d.id, fleet.devices.size());
    fleet.expected_varbinds.push_back(bench::issue4_varbinds(std::stoul(f[3])));
    fleet.devices.push_back(std::move(d));
  }
  return fleet;
}

// Mirrors phase_of() and next_in_phase() in src/collector/poller.cpp: a device's polls are due
// when the wall clock modulo the interval equals an FNV-1a hash of "tenant/id" modulo the
// interval. If the two drift apart, the start lags below turn into noise while
// PollerStats::polls_late (late_after_ms = 1 s here) does not: the summary reports both.
std::int64_t phase_of(const std::string& key, std::int64_t interval_ms) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : key)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(interval_ms));
}

// The first steady time at or after `not_before` that is due for the device.
std::int64_t first_due(const std::string& key, std::int64_t interval_ms, std::int64_t not_before,
                       std::int64_t wall_offset) {
  const std::int64_t wall = not_before + wall_offset;
  std::int64_t next = wall - wall % interval_ms + phase_of(key, interval_ms);
  if (next < wall)
    next += interval_ms;
  return next - wall_offset;
}

double thread_cpu_s(int tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = s.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::stringstream ss(s.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 0; i < 13 && ss >> field; ++i) {
    if (i >= 11)  // utime, stime
      ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

double vm_hwm_mb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// A flat JSON object, keys in insertion order.
class Json {
public:
  Json& add(const char* key, const std::string& value) {
    return raw(key, '"' + value + '"');  // our values need no escaping
  }
  Json& add(const char* key, const char* value) { return add(key, std::string(value)); }
  Json& add(const char* key, double value) {
    std::ostringstream o;
    o.precision(6);
    o << value;
    return raw(key, o.str());
  }
  template <typename T>
  requires std::is_integral_v<T> Json& add(const char* key, T value) {
    return raw(key, std::to_string(value));
  }
  std::string str() const { return "{" + body_ + "}"; }

private:
  Json& raw(const char* key, const std::string& value) {
    body_ += (body_.empty() ? "\"" : ",\"") + std::string(key) + "\":" + value;
    return *this;
  }
  std::string body_;
};

struct Snapshot {
  std::int64_t at = 0;
  collector::PollerStats poller;
  snmp::ClientStats client;
  double cpu_total = 0, cpu_client = 0, cpu_poller = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const auto launched = steady_ms();
  const Args args = parse(argc, argv);
  ::signal(SIGTERM, on_signal);
  ::signal(SIGINT, on_signal);

  auto resolved = collector::resolve(bench::issue4_profile(), collector::find_builtin);
  if (!resolved) {
    std::cerr << "profile: " << resolved.error().message << "\n";
    return 1;
  }
  Fleet fleet = load(args, *resolved);
  if (fleet.devices.empty()) {
    std::cerr << "no devices in " << args.targets << "\n";
    return 2;
  }

  std::filesystem::path dir = args.tsdb_dir;
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string templ = (std::filesystem::temp_directory_path() / "collector-bench.XXXXXX");
    dir = ::mkdtemp(templ.data());
  }
  tsdb::EngineOptions engine_options;
  engine_options.dir = dir / "tsdb";
  auto engine = tsdb::Engine::open(engine_options);
  if (!engine) {
    std::cerr << "tsdb: " << engine.error().message << "\n";
    return 1;
  }

  snmp::ClientOptions client_options;
  client_options.max_in_flight = args.max_in_flight;
  client_options.sockets = args.sockets;
  client_options.state_dir = dir / "snmp";
  auto client = std::make_unique<snmp::Client>(client_options);
  // Which thread is the client's loop: the one its callbacks run on.
  std::atomic<int> client_tid{0}, poller_tid{0};
  client->get(fleet.devices.front().target, {snmp::Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}},
              [&](const snmp::Result<snmp::Response>&) { client_tid = ::gettid(); });
  for (int i = 0; i < 100 && client_tid == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  std::FILE* results = args.results.empty() ? nullptr : std::fopen(args.results.c_str(), "a");
  const std::int64_t interval_ms = std::int64_t{args.interval_s} * 1000;
  std::vector<std::int64_t> due;
  const auto loaded = steady_ms();  // Poller::load() schedules from its own "now"
  const auto wall_offset = wall_ms() - loaded;
  for (const auto& d : fleet.devices)
    due.push_back(first_due(d.tenant + '/' + d.id, interval_ms, loaded, wall_offset));
  bench::OnTime on_time(std::move(due), interval_ms);
  std::atomic<std::uint64_t> partial{0};

  collector::PollerOptions options;
  options.max_polls_in_flight = args.max_polls_in_flight;
  options.late_after_ms = 1000;
  options.on_poll = [&](const collector::PollDevice& d, bool ok, double latency_ms,
                        std::uint64_t varbinds) {
    poller_tid = ::gettid();
    const auto i = fleet.index.at(d.id);
    const bool complete = ok && varbinds >= fleet.expected_varbinds[i];
    if (ok && !complete)
      ++partial;
    on_time.record(i, steady_ms() - static_cast<std::int64_t>(latency_ms), complete);
    if (results != nullptr)
      std::fprintf(results, "%lld %s %d %.1f %llu\n", static_cast<long long>(wall_ms()),
                   d.id.c_str(), complete ? 1 : 0, latency_ms,
                   static_cast<unsigned long long>(varbinds));
  };
  collector::Poller poller(options, *client, **engine);
  poller.load(fleet.devices);
  poller.start();
  std::fprintf(stderr, "%zu devices, v%s, every %d s, store in %s\n", fleet.devices.size(),
               args.version.c_str(), args.interval_s, dir.c_str());

  auto take = [&] {
    Snapshot s;
    s.at = steady_ms();
    s.poller = poller.stats();
    s.client = client->stats();
    s.cpu_total = process_cpu_s();
    s.cpu_client = client_tid != 0 ? thread_cpu_s(client_tid) : 0;
    s.cpu_poller = poller_tid != 0 ? thread_cpu_s(poller_tid) : 0;
    return s;
  };
  const auto window_from = launched + static_cast<std::int64_t>(args.warmup_s * 1000);
  const auto window_to = args.duration_s > 0
                             ? window_from + static_cast<std::int64_t>(args.duration_s * 1000)
                             : INT64_MAX;
  std::optional<Snapshot> s0, s1;
  const auto wall_from = wall_ms() + (window_from - steady_ms());
  for (int tick = 0; !g_stop; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto now = steady_ms();
    if (!s0 && now >= window_from)
      s0 = take();
    if (!s1 && now >= window_to) {
      s1 = take();
      if (std::getenv("FLEET_RESULTS") == nullptr)
        break;  // standalone: the window is the run; under the harness, wait for SIGTERM
    }
    if (results != nullptr && tick % 10 == 0)
      std::fflush(results);
  }
  if (!s0)
    s0 = Snapshot{launched, {}, {}, 0, 0, 0};
  if (!s1)
    s1 = take();
  if (results != nullptr)
    std::fflush(results);

  const auto judged_to = s1->at - static_cast<std::int64_t>(args.tail_s * 1000);
  const auto ot = on_time.summarize(s0->at, judged_to);
  const auto& p0 = s0->poller;
  const auto& p1 = s1->poller;
  const auto& c0 = s0->client;
  const auto& c1 = s1->client;
  const double cpu = s1->cpu_total - s0->cpu_total;
  const double cpu_client = s1->cpu_client - s0->cpu_client;
  const double cpu_poller = s1->cpu_poller - s0->cpu_poller;
  const auto es = (*engine)->stats();
  const auto ratio = [&](std::uint64_t n) {
    return ot.due != 0 ? static_cast<double>(n) / static_cast<double>(ot.due) : 0.0;
  };
  Json j;
  j.add("poller", "ours").add("version", args.version).add("devices", fleet.devices.size());
  j.add("interval_s", args.interval_s).add("window_from_ms", wall_from);
  j.add("window_s", static_cast<double>(s1->at - s0->at) / 1000.0);
  j.add("judged_s", static_cast<double>(judged_to - s0->at) / 1000.0);
  j.add("due", ot.due).add("started", ot.started).add("on_time", ot.on_time);
  j.add("on_time_ok", ot.on_time_ok).add("on_time_ratio", ratio(ot.on_time));
  j.add("on_time_ok_ratio", ratio(ot.on_time_ok));
  j.add("start_lag_p50_ms", ot.lag_p50).add("start_lag_p99_ms", ot.lag_p99);
  j.add("start_lag_max_ms", ot.lag_max);
  j.add("polls_started", p1.polls_started - p0.polls_started);
  j.add("polls_ok", p1.polls_ok - p0.polls_ok)
      .add("polls_failed", p1.polls_failed - p0.polls_failed);
  j.add("polls_partial", partial.load()).add("polls_late_1s", p1.polls_late - p0.polls_late);
  j.add("polls_overrun", p1.polls_overrun - p0.polls_overrun);
  j.add("polls_deferred", p1.polls_deferred - p0.polls_deferred);
  j.add("walk_errors", p1.walk_errors - p0.walk_errors);
  j.add("samples_written", p1.samples_written - p0.samples_written);
  j.add("samples_rejected", p1.samples_rejected - p0.samples_rejected);
  j.add("requests", c1.requests_sent - c0.requests_sent).add("retries", c1.retries - c0.retries);
  j.add("timeouts", c1.timeouts - c0.timeouts).add("cpu_s", cpu);
  j.add("cpu_client_loop_s", cpu_client).add("cpu_poller_s", cpu_poller);
  j.add("cpu_other_s", cpu - cpu_client - cpu_poller).add("vm_hwm_mb", vm_hwm_mb());
  j.add("tsdb_series", es.series);
  const std::string json = j.str();
  std::fprintf(stderr, "%s\n", json.c_str());
  if (!args.summary.empty()) {
    std::ofstream out(args.summary, std::ios::app);
    out << json << "\n";
  }

  poller.stop();
  client.reset();
  if (results != nullptr)
    std::fclose(results);
  engine->reset();
  if (own_dir)
    std::filesystem::remove_all(dir);
  return 0;
}
