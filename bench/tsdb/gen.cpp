// Deterministic SNMP-like data for the time-series benchmark (issue 5), as InfluxDB line protocol
// on stdout, in the order a poller produces it.
//
// Each device is polled every --interval seconds (default 60) at its own phase within the
// interval plus a few milliseconds of jitter; all 50 samples of one poll share its timestamp:
//   - 16 interfaces (ifName=eth0..eth15) x 2 64-bit octet counters, one line per interface:
//       if,device=epc-0001,ifName=eth3 HCInOctets=123i,HCOutOctets=456i 1767225600123000000
//     (metric names if_HCInOctets / if_HCOutOctets under the measurement_field rule). Counters
//     grow by a noisy, diurnal per-interface rate (a quarter of the ports are idle or down) and
//     all of a device's counters restart from zero when it reboots (about once every 3 days);
//   - 18 device gauges, integers as SNMP gives them, one line per device and poll:
//       epc,device=epc-0001 AttachedUEs=1520i,IdleUEs=...,cpuLoad=37i,... <ns>
//     noisy mean-reverting random walks that follow the device's daily load curve.
// Timestamps are whole milliseconds written in nanoseconds. The same options give the same
// bytes: every device has its own random stream derived from --seed, and the jitter of a poll is
// a hash of (seed, device, poll), so nothing depends on the order in which devices are written.
//
// Usage: tsdb-gen [--devices 1000] [--hours 24] [--start UNIX_SECONDS] [--seed 42]
//                 [--interval 60] [--format influx] [--summary]
// --summary prints "devices= polls= lines= samples= bytes=" to stderr at the end.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

constexpr int kInterfaces = 16;
constexpr int kGauges = 18;
constexpr double kPi = 3.14159265358979323846;
constexpr double kMeanDaysBetweenReboots = 3.0;

constexpr std::array<std::string_view, kGauges> kGaugeNames = {
    "AttachedUEs",    "IdleUEs",   "ActiveBearers", "PDNSessions", "ConnectedENBs", "PagingPerMin",
    "AttachesPerMin", "cpuLoad",   "cpuLoad5min",   "memUsedKiB",  "memFreeKiB",    "diskUsedPct",
    "tempC",          "processes", "sgwSessions",   "pgwSessions", "dlKbps",        "ulKbps"};

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t hash3(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t s = a ^ (b * 0xd6e8feb86659fd93ULL) ^ (c * 0xa0761d6478bd642fULL);
  splitmix64(s);
  return splitmix64(s);
}

// xoshiro256**: fast, and good enough for noise.
class Rng {
public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_)
      word = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Irwin-Hall(4), scaled to unit variance: cheap and bell-shaped enough for noise.
  double normal() {
    return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508075688772;
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

struct Interface {
  double in_rate = 0;  // bytes per second at load 1
  double out_rate = 0;
  bool diurnal = false;
  std::uint64_t in = 0;
  std::uint64_t out = 0;
};

struct Device {
  explicit Device(std::uint64_t seed) : rng(seed) {}
  Rng rng;
  std::string if_prefix;     // "if,device=epc-0001,ifName=eth"
  std::string gauge_prefix;  // "epc,device=epc-0001 "
  std::int64_t phase_ms = 0;
  std::int64_t last_ms = 0;
  double tz_shift = 0;  // fraction of a day
  std::array<Interface, kInterfaces> ifs{};
  // Gauge state.
  double capacity = 0;  // UEs at load 1
  double ues = 0;
  double enbs = 0;
  double cpu5 = 0;
  double mem_total_kib = 0;
  double mem_base_kib = 0;
  double mem_drift_kib = 0;
  double disk = 0;
  double processes = 0;
  double dl_per_ue = 0;  // kbps
};

double load_at(std::int64_t t_ms, double tz_shift) {
  const double day = static_cast<double>(t_ms) / 86'400'000.0 + tz_shift;
  // Lowest around 04:00, highest around 16:00 local time.
  return 1.0 + 0.45 * std::sin(2.0 * kPi * (day - 0.4166667));
}

std::uint64_t to_u64(double v) {
  return v <= 0 ? 0 : static_cast<std::uint64_t>(std::llround(v));
}
std::int64_t to_i64(double v) {
  return v <= 0 ? 0 : std::llround(v);
}

// Two digits at a time: the generator must outrun every server it feeds.
constexpr char kDigits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char* put_u64(char* p, std::uint64_t v) {
  char tmp[20];
  char* end = tmp + sizeof tmp;
  char* q = end;
  while (v >= 100) {
    const auto i = static_cast<std::size_t>(v % 100) * 2;
    v /= 100;
    q -= 2;
    std::memcpy(q, kDigits2 + i, 2);
  }
  if (v >= 10) {
    q -= 2;
    std::memcpy(q, kDigits2 + static_cast<std::size_t>(v) * 2, 2);
  } else {
    *--q = static_cast<char>('0' + v);
  }
  const auto n = static_cast<std::size_t>(end - q);
  std::memcpy(p, q, n);
  return p + n;
}

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

class Output {
public:
  Output() : buf_(kCapacity) {}
  ~Output() { flush(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  // A pointer with room for at least kMaxRecord bytes.
  char* reserve() {
    if (used_ + kMaxRecord > buf_.size())
      flush();
    return buf_.data() + used_;
  }
  void commit(char* end) { used_ = static_cast<std::size_t>(end - buf_.data()); }
  void flush() {
    std::size_t off = 0;
    while (off < used_) {
      const ssize_t n = ::write(1, buf_.data() + off, used_ - off);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        std::fprintf(stderr, "tsdb-gen: write: %s\n", std::strerror(errno));
        std::exit(1);
      }
      off += static_cast<std::size_t>(n);
    }
    written_ += used_;
    used_ = 0;
  }
  std::uint64_t written() const { return written_ + used_; }
  static constexpr std::size_t kMaxRecord = 16 * 1024;  // one device poll is about 2.3 KB

private:
  static constexpr std::size_t kCapacity = 4 * 1024 * 1024;
  std::vector<char> buf_;
  std::size_t used_ = 0;
  std::uint64_t written_ = 0;
};

Device make_device(std::uint64_t seed, int index, int name_width, std::int64_t interval_ms) {
  Device d(hash3(seed, static_cast<std::uint64_t>(index), 0x5eed));
  std::string number = std::to_string(index + 1);
  if (number.size() < static_cast<std::size_t>(name_width))
    number.insert(0, static_cast<std::size_t>(name_width) - number.size(), '0');
  const std::string name = "epc-" + number;
  d.if_prefix = "if,device=" + name + ",ifName=eth";
  d.gauge_prefix = "epc,device=" + name + " ";
  Rng& r = d.rng;
  d.phase_ms = static_cast<std::int64_t>(r.uniform() * static_cast<double>(interval_ms - 50));
  d.tz_shift = r.uniform(-0.05, 0.05);
  const double uptime_s = r.uniform(0, 30 * 86400.0);
  for (auto& i : d.ifs) {
    const double kind = r.uniform();
    if (kind < 0.10) {  // administratively down: the counters never move
      i.in_rate = i.out_rate = 0;
    } else if (kind < 0.25) {  // idle: a little management traffic
      i.in_rate = r.uniform(1, 60);
      i.out_rate = r.uniform(1, 40);
    } else {  // carrying traffic: 10 kB/s .. 125 MB/s, log-uniform
      i.in_rate = std::exp(r.uniform(std::log(1e4), std::log(1.25e8)));
      i.out_rate = i.in_rate * r.uniform(0.3, 1.2);
      i.diurnal = true;
    }
    i.in = to_u64(i.in_rate * uptime_s * r.uniform(0.7, 1.0));
    i.out = to_u64(i.out_rate * uptime_s * r.uniform(0.7, 1.0));
  }
  d.capacity = std::exp(r.uniform(std::log(2000.0), std::log(50000.0)));
  d.ues = d.capacity * r.uniform(0.6, 1.2);
  d.enbs = std::round(d.capacity / r.uniform(80, 250));
  d.cpu5 = 30;
  d.mem_total_kib = 1024.0 * 1024.0 * std::round(r.uniform(8, 64));
  d.mem_base_kib = d.mem_total_kib * r.uniform(0.15, 0.35);
  d.disk = r.uniform(20, 80);
  d.processes = std::round(r.uniform(180, 260));
  d.dl_per_ue = r.uniform(40, 400);
  return d;
}

void reboot(Device& d, double dt_s) {
  Rng& r = d.rng;
  for (auto& i : d.ifs) {
    const double since = r.uniform(0, std::min(dt_s, 45.0));
    i.in = to_u64(i.in_rate * since);
    i.out = to_u64(i.out_rate * since);
  }
  d.ues *= r.uniform(0.0, 0.1);
  d.mem_drift_kib = 0;
  d.processes = std::round(r.uniform(150, 200));
}

// Advances the device to t_ms and writes its poll.
char* poll(Device& d, std::int64_t t_ms, std::int64_t interval_ms, char* p) {
  Rng& r = d.rng;
  const double dt_s = d.last_ms == 0 ? static_cast<double>(interval_ms) / 1000.0
                                     : static_cast<double>(t_ms - d.last_ms) / 1000.0;
  d.last_ms = t_ms;
  const double load = load_at(t_ms, d.tz_shift);
  const double p_reboot = dt_s / (kMeanDaysBetweenReboots * 86400.0);
  if (r.uniform() < p_reboot)
    reboot(d, dt_s);

  char ts[24];
  char* ts_end = put_u64(ts, static_cast<std::uint64_t>(t_ms) * 1'000'000ULL);
  const std::string_view ts_text(ts, static_cast<std::size_t>(ts_end - ts));

  for (int k = 0; k < kInterfaces; ++k) {
    Interface& i = d.ifs[static_cast<std::size_t>(k)];
    const double f = i.diurnal ? load : 1.0;
    i.in += to_u64(i.in_rate * f * dt_s * std::max(0.0, 1.0 + 0.15 * r.normal()));
    i.out += to_u64(i.out_rate * f * dt_s * std::max(0.0, 1.0 + 0.15 * r.normal()));
    p = put(p, d.if_prefix);
    p = put_u64(p, static_cast<std::uint64_t>(k));
    p = put(p, " HCInOctets=");
    p = put_u64(p, i.in);
    p = put(p, "i,HCOutOctets=");
    p = put_u64(p, i.out);
    p = put(p, "i ");
    p = put(p, ts_text);
    *p++ = '\n';
  }

  // Gauges: mean-reverting walks around targets that follow the daily load.
  const double target = d.capacity * load;
  d.ues += 0.08 * (target - d.ues) + 0.01 * target * r.normal();
  d.ues = std::max(d.ues, 0.0);
  if (r.uniform() < 0.01)
    d.enbs = std::max(1.0, d.enbs + (r.uniform() < 0.5 ? -1 : 1));
  const double util = d.ues / d.capacity;
  const double cpu = std::clamp(4 + 55 * util + 3 * r.normal(), 0.0, 100.0);
  d.cpu5 += (cpu - d.cpu5) * (1 - std::exp(-dt_s / 300));
  d.mem_drift_kib = std::clamp(d.mem_drift_kib + 2000 * r.normal(), -1e6, 4e6);
  const double mem_used = std::min(d.mem_base_kib + 60 * d.ues + d.mem_drift_kib, d.mem_total_kib);
  d.disk = std::min(d.disk + (r.uniform() < 0.002 ? 1 : 0), 95.0);
  if (r.uniform() < 0.05)
    d.processes = std::max(100.0, d.processes + std::round(3 * r.normal()));
  const double pdn = d.ues * 1.05 * (1 + 0.01 * r.normal());

  const std::array<double, kGauges> g = {
      d.ues,
      d.ues * 0.6 * (1 + 0.03 * r.normal()),
      d.ues * 1.4 * (1 + 0.02 * r.normal()),
      pdn,
      d.enbs,
      d.ues * 0.3 * (1 + 0.2 * r.normal()),
      d.ues * 0.02 * (1 + 0.3 * r.normal()),
      cpu,
      d.cpu5,
      mem_used,
      d.mem_total_kib - mem_used,
      d.disk,
      38 + 0.3 * cpu + 1.5 * r.normal(),
      d.processes,
      pdn * 0.98 * (1 + 0.005 * r.normal()),
      pdn * (1 + 0.005 * r.normal()),
      d.ues * d.dl_per_ue * (1 + 0.1 * r.normal()),
      d.ues * d.dl_per_ue * 0.12 * (1 + 0.15 * r.normal()),
  };
  p = put(p, d.gauge_prefix);
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (k)
      *p++ = ',';
    p = put(p, kGaugeNames[k]);
    *p++ = '=';
    p = put_u64(p, static_cast<std::uint64_t>(to_i64(g[k])));
    *p++ = 'i';
  }
  *p++ = ' ';
  p = put(p, ts_text);
  *p++ = '\n';
  return p;
}

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: tsdb-gen [--devices N] [--hours H] [--start UNIX_SECONDS] [--seed S]\n"
      "                [--interval SECONDS] [--format influx] [--summary]\n"
      "Writes D devices x 50 series every interval for H hours as InfluxDB line protocol\n"
      "(ns timestamps, time order) to stdout. Defaults: 1000 devices, 24 h, start\n"
      "1767225600 (2026-01-01T00:00:00Z), seed 42, interval 60 s.\n",
      code ? stderr : stdout);
  std::exit(code);
}

template <typename T>
T parse_number(const char* flag, const char* text) {
  T value{};
  const std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    std::fprintf(stderr, "tsdb-gen: %s wants a number, got '%s'\n", flag, text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  int devices = 1000;
  double hours = 24;
  std::int64_t start_s = 1767225600;
  std::uint64_t seed = 42;
  std::int64_t interval_s = 60;
  bool summary = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tsdb-gen: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--devices") {
      devices = parse_number<int>("--devices", value());
    } else if (a == "--hours") {
      hours = parse_number<double>("--hours", value());
    } else if (a == "--start") {
      start_s = parse_number<std::int64_t>("--start", value());
    } else if (a == "--seed") {
      seed = parse_number<std::uint64_t>("--seed", value());
    } else if (a == "--interval") {
      interval_s = parse_number<std::int64_t>("--interval", value());
    } else if (a == "--format") {
      if (std::string_view(value()) != "influx") {
        std::fputs("tsdb-gen: the only --format is influx\n", stderr);
        return 2;
      }
    } else if (a == "--summary") {
      summary = true;
    } else if (a == "--help" || a == "-h") {
      usage(0);
    } else {
      std::fprintf(stderr, "tsdb-gen: unknown option %s\n", argv[i]);
      usage(2);
    }
  }
  if (devices < 1 || devices > 9'999'999 || hours <= 0 || interval_s < 1 || start_s < 0) {
    std::fputs("tsdb-gen: need devices in 1..9999999, hours > 0, interval >= 1, start >= 0\n",
               stderr);
    return 2;
  }
  const std::int64_t interval_ms = interval_s * 1000;
  const auto polls = static_cast<std::int64_t>(std::llround(hours * 3600.0)) / interval_s;
  const int width = std::max(4, static_cast<int>(std::to_string(devices).size()));

  std::vector<Device> fleet;
  fleet.reserve(static_cast<std::size_t>(devices));
  for (int d = 0; d < devices; ++d)
    fleet.push_back(make_device(seed, d, width, interval_ms));

  Output out;
  std::vector<std::pair<std::int64_t, int>> order(static_cast<std::size_t>(devices));
  const std::int64_t start_ms = start_s * 1000;
  for (std::int64_t c = 0; c < polls; ++c) {
    for (int d = 0; d < devices; ++d) {
      const auto jitter = static_cast<std::int64_t>(
          hash3(seed, static_cast<std::uint64_t>(d), static_cast<std::uint64_t>(c)) % 8);
      order[static_cast<std::size_t>(d)] = {
          start_ms + c * interval_ms + fleet[static_cast<std::size_t>(d)].phase_ms + jitter, d};
    }
    std::sort(order.begin(), order.end());
    for (const auto& [t_ms, d] : order) {
      char* p = out.reserve();
      out.commit(poll(fleet[static_cast<std::size_t>(d)], t_ms, interval_ms, p));
    }
  }
  out.flush();
  if (summary) {
    const auto polls_total = polls * devices;
    std::fprintf(stderr, "devices=%d polls=%lld lines=%lld samples=%lld bytes=%llu\n", devices,
                 static_cast<long long>(polls_total),
                 static_cast<long long>(polls_total * (kInterfaces + 1)),
                 static_cast<long long>(polls_total * (2 * kInterfaces + kGauges)),
                 static_cast<unsigned long long>(out.written()));
  }
  return 0;
}
