// The in-process ingest path of the time-series store, the one the SNMP poller uses: series ids
// resolved once, then one append() per device poll (all of a poll's samples share its time).
// Reads tsdb-gen's line protocol on stdin, so that it stores exactly what the HTTP benchmark
// sends. Reports samples per CPU-second of the engine (the appending thread's CPU inside
// append() plus the engine's background thread: sync, flush, rollups), bytes per sample on disk
// after a full flush and compaction, peak RSS, and q1-q3 latencies measured in-process.
//
// Usage: tsdb-gen --devices 1000 --hours 24 | tsdb-ingest DIR
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/line_protocol.hpp"
#include "epcfleet/tsdb/query.hpp"
#include "epcfleet/tsdb/series_registry.hpp"

using namespace epcfleet;
using namespace epcfleet::tsdb;

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

std::uint64_t dir_bytes(const std::filesystem::path& dir) {
  std::uint64_t n = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
    if (f.is_regular_file())
      n += f.file_size();
  return n;
}

template <typename F>
double median_ms(F&& f, int runs = 20) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tsdb-gen … | tsdb-ingest DIR\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);
  EngineOptions options;
  options.dir = dir;
  // The data is generated for the past day; the clock only bounds samples from the future.
  auto engine_or = Engine::open(options);
  if (!engine_or) {
    std::cerr << engine_or.error().message << "\n";
    return 1;
  }
  auto& engine = **engine_or;
  const std::string tenant = "bench";

  std::unordered_map<std::string, SeriesId> ids;  // the poller's own cache of series refs
  std::vector<Append> poll;
  std::string canonical, device, last_device;
  std::int64_t last_t = INT64_MIN;
  Labels labels;
  std::uint64_t samples = 0;
  double append_cpu = 0;
  auto flush_poll = [&] {
    if (poll.empty())
      return;
    double c0 = thread_cpu_s();
    auto r = engine.append(poll);
    append_cpu += thread_cpu_s() - c0;
    if (!r) {
      std::cerr << "append: " << r.error().message << "\n";
      std::exit(1);
    }
    samples += poll.size();
    poll.clear();
  };
  auto on_point = [&](const LinePoint& p) -> Status {
    device.clear();
    labels.clear();
    for (const auto& [k, v] : p.tags) {
      if (k == "device")
        device = v;
      else
        labels.push_back({k, v});
    }
    normalize(labels);
    if (device != last_device || p.t_ms != last_t)
      flush_poll();
    last_device = device;
    last_t = p.t_ms;
    for (const auto& [field, value] : p.fields) {
      std::string metric = p.measurement + "_" + field;
      canonical_key(canonical, tenant, metric, device, labels);
      auto it = ids.find(canonical);
      if (it == ids.end()) {
        auto id = engine.series(SeriesKey{tenant, metric, device, labels});
        if (!id)
          return fail(id.error());
        it = ids.emplace(canonical, *id).first;
      }
      poll.push_back({it->second, p.t_ms, value});
    }
    return ok();
  };

  auto wall0 = std::chrono::steady_clock::now();
  double cpu0 = process_cpu_s();
  std::vector<char> buf(8 << 20);
  std::string carry;
  while (std::cin.read(buf.data(), static_cast<std::streamsize>(buf.size())) ||
         std::cin.gcount() > 0) {
    carry.append(buf.data(), static_cast<std::size_t>(std::cin.gcount()));
    auto cut = carry.rfind('\n');
    if (cut == std::string::npos)
      continue;
    auto r = parse_line_protocol(std::string_view(carry).substr(0, cut + 1), Precision::kNs, 0,
                                 on_point);
    if (!r) {
      std::cerr << r.error().message << "\n";
      return 1;
    }
    carry.erase(0, cut + 1);
  }
  flush_poll();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double cpu_total = process_cpu_s() - cpu0;
  double main_cpu = thread_cpu_s();
  // Engine CPU: inside append() on this thread, plus every other thread (the background one).
  double engine_cpu = append_cpu + (cpu_total - main_cpu);

  auto flush0 = process_cpu_s();
  if (auto st = engine.flush(true); !st) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  if (auto st = engine.compact(); !st) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  double settle_cpu = process_cpu_s() - flush0;
  auto stats = engine.stats();
  std::uint64_t raw_bytes = dir_bytes(dir / "blocks" / tenant / "raw");
  std::uint64_t all_bytes = dir_bytes(dir);

  // Queries, in-process (the HTTP benchmark measures them through the API).
  const std::int64_t end = last_t;
  auto q1 = [&] {
    for (const char* m : {"if_HCInOctets", "if_HCOutOctets"}) {
      RangeRequest r;
      r.selector = {tenant, m, "epc-0001", {}};
      r.start = end - kDayMs;
      r.end = end;
      r.step = 300'000;
      r.fn = Fn::kRate;
      auto res = query_range(engine, r);
      if (!res || res->series.size() != 16)
        std::exit((std::cerr << "q1 failed\n", 1));
    }
  };
  auto q2 = [&] {
    auto res = query_latest(engine, Selector{tenant, "epc_AttachedUEs", "", {}}, end, 15 * 60'000);
    if (!res || res->empty())
      std::exit((std::cerr << "q2 failed\n", 1));
  };
  auto q3 = [&] {
    std::vector<Sample> out;
    auto ids3 = engine.select(tenant, "if_HCInOctets", "epc-0001");
    if (ids3.empty() || !engine.read_raw(ids3[0], end - kHourMs, end + 1, out) || out.empty())
      std::exit((std::cerr << "q3 failed\n", 1));
  };
  double q1_ms = median_ms(q1), q2_ms = median_ms(q2), q3_ms = median_ms(q3);

  std::printf("samples=%llu series=%llu wall_s=%.2f\n", static_cast<unsigned long long>(samples),
              static_cast<unsigned long long>(stats.series), wall);
  std::printf(
      "ingest: %.0f samples per engine CPU-second (append %.2f s + background %.2f s); "
      "whole process incl. line-protocol parsing %.0f samples/CPU-s\n",
      static_cast<double>(samples) / engine_cpu, append_cpu, cpu_total - main_cpu,
      static_cast<double>(samples) / cpu_total);
  std::printf("settle (final flush + compaction): %.2f CPU-s\n", settle_cpu);
  std::printf(
      "bytes/sample: raw tier %.3f, whole store (raw + 5m + 1h rollups + series log) %.3f\n",
      static_cast<double>(raw_bytes) / static_cast<double>(samples),
      static_cast<double>(all_bytes) / static_cast<double>(samples));
  std::printf("peak RSS: %.1f MiB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  std::printf("queries (median of 20, in-process): q1 %.2f ms, q2 %.2f ms, q3 %.3f ms\n", q1_ms,
              q2_ms, q3_ms);
  return 0;
}
