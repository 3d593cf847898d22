// Remote write against real receivers started by the test on free loopback ports: Prometheus 2.42
// (--web.enable-remote-write-receiver) and VictoriaMetrics. Samples are read back through their
// query APIs and compared exactly — across an outage of the receiver and a restart of the writer.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "epcfleet/remote_write/writer.hpp"
#include "epcfleet/testing/http_client.hpp"
#include "epcfleet/testing/temp_dir.hpp"
#include "epcfleet/testing/tsdb_peers.hpp"

namespace epcfleet::remote_write {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::HttpClient;
using testing::PrometheusServer;
using testing::TempDir;
using testing::VictoriaMetricsServer;

using Points = std::vector<std::pair<std::int64_t, double>>;
// Series keyed by their labels ("name=value,…" sorted by name, __name__ included).
using SeriesPoints = std::map<std::string, Points>;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string key_of(std::vector<Label> labels) {
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  std::string key;
  for (const auto& l : labels)
    key += (key.empty() ? "" : ",") + l.name + "=" + l.value;
  return key;
}

std::string key_of_metric(const json& metric) {
  std::vector<Label> labels;
  for (const auto& [name, value] : metric.items())
    labels.push_back({name, value.get<std::string>()});
  return key_of(labels);
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// Every raw sample of the series matching `selector`, through PromQL: a range selector over the
// two hours before `at_ms` evaluated by /api/v1/query.
SeriesPoints prometheus_samples(const PrometheusServer& prometheus, const std::string& selector,
                                std::int64_t at_ms) {
  HttpClient client(prometheus.url());
  const auto r = client.get("/api/v1/query?query=" + url_encode(selector + "[2h]") +
                            "&time=" + std::to_string(at_ms / 1000 + 1));
  EXPECT_EQ(r.status, 200) << r.body;
  SeriesPoints out;
  const auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || j.value("status", "") != "success")
    return out;
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  for (const auto& series : j["data"]["result"]) {
    auto& points = out[key_of_metric(series["metric"])];
    for (const auto& v : series["values"])
      points.emplace_back(std::llround(v[0].get<double>() * 1000),
                          std::stod(v[1].get<std::string>()));
  }
  return out;
}

// Every raw sample of the series matching `selector`, through /api/v1/export (JSON lines).
SeriesPoints victoria_samples(const VictoriaMetricsServer& vm, const std::string& selector,
                              std::int64_t from_ms, std::int64_t to_ms) {
  vm.flush();
  HttpClient client(vm.url());
  const auto r = client.get("/api/v1/export?match[]=" + url_encode(selector) +
                            "&start=" + std::to_string(from_ms / 1000 - 1) +
                            "&end=" + std::to_string(to_ms / 1000 + 1));
  EXPECT_EQ(r.status, 200) << r.body;
  SeriesPoints out;
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty())
      continue;
    const auto j = json::parse(line, nullptr, false);
    if (j.is_discarded())
      continue;
    auto& points = out[key_of_metric(j["metric"])];
    for (std::size_t i = 0; i < j["values"].size(); ++i)
      points.emplace_back(j["timestamps"][i].get<std::int64_t>(), j["values"][i].get<double>());
  }
  for (auto& [key, points] : out)
    std::sort(points.begin(), points.end());
  return out;
}

// A small fleet: per device a gauge and a counter, sampled every 5 s from `base_ms`. Rounds
// [from, to) of samples, enqueued ten rounds per call as a poller would; `expected` collects
// them keyed as the receivers will answer (the writer's extra labels included).
class Fleet {
public:
  Fleet(std::int64_t base_ms, std::vector<Label> extra)
      : base_(base_ms), extra_(std::move(extra)) {}

  void send(Writer& writer, int from, int to) {
    for (int start = from; start < to; start += 10) {
      std::vector<Series> batch;
      for (int d = 1; d <= 3; ++d) {
        const std::string device = "epc-" + std::to_string(d);
        Series gauge{
            {{"__name__", "epcfleet_rw_test_attached_ues"}, {"device", device}, {"site", "north"}},
            {}};
        Series counter{
            {{"__name__", "epcfleet_rw_test_octets_total"}, {"device", device}, {"ifName", "eth0"}},
            {}};
        for (int i = start; i < std::min(to, start + 10); ++i) {
          const std::int64_t t = base_ + i * 5000;
          gauge.samples.emplace_back(t, d * 1000 + i + 0.25);
          counter.samples.emplace_back(t, 1e12 + d * 1e9 + i * 1500.0);
        }
        batch.push_back(gauge);
        batch.push_back(counter);
      }
      for (const auto& s : batch) {
        auto labels = s.labels;
        labels.insert(labels.end(), extra_.begin(), extra_.end());
        auto& points = expected[key_of(labels)];
        points.insert(points.end(), s.samples.begin(), s.samples.end());
      }
      writer.enqueue(batch);
    }
  }

  std::uint64_t samples() const {
    std::uint64_t n = 0;
    for (const auto& [key, points] : expected)
      n += points.size();
    return n;
  }

  SeriesPoints expected;

private:
  std::int64_t base_;
  std::vector<Label> extra_;
};

Config writer_config(const std::string& url, const TempDir& dir) {
  Config c;
  c.url = url;
  c.queue_dir = dir.file("queue");
  c.extra_labels = {{"cluster", "itest"}, {"tenant", "acme"}};
  c.timeout = 5s;
  c.min_backoff = 50ms;
  c.max_backoff = 400ms;
  c.max_samples_per_request = 200;
  return c;
}

std::unique_ptr<Writer> open_writer(const Config& c) {
  auto w = Writer::open(c);
  EXPECT_TRUE(w.has_value()) << (w ? "" : w.error().message);
  return w ? std::move(*w) : nullptr;
}

constexpr auto kSelector = R"({__name__=~"epcfleet_rw_test_.*"})";

TEST(RemoteWritePrometheus, EverySampleArrivesAcrossAnOutageAndAWriterRestart) {
  if (PrometheusServer::program().empty())
    GTEST_SKIP() << "prometheus not installed (scripts/install-deps installs it)";
  PrometheusServer prometheus;
  TempDir dir;
  const auto config = writer_config(prometheus.write_url(), dir);
  const std::int64_t base = (now_ms() - 25 * 60 * 1000) / 1000 * 1000;
  Fleet fleet(base, config.extra_labels);

  // Up: 120 rounds go straight through.
  auto writer = open_writer(config);
  fleet.send(*writer, 0, 120);
  ASSERT_TRUE(wait_until([&] {
    const auto s = writer->stats();
    return s.queued_batches == 0 && s.sent_samples == fleet.samples();
  })) << writer->stats().last_error;
  EXPECT_EQ(prometheus_samples(prometheus, kSelector, now_ms()), fleet.expected);

  // Down: what is enqueued waits in the queue while the writer retries.
  ASSERT_GE(prometheus.stop(), 0);
  const auto sent_before = writer->stats().sent_samples;
  fleet.send(*writer, 120, 180);
  ASSERT_TRUE(wait_until([&] { return writer->stats().retries >= 3; }));
  auto s = writer->stats();
  EXPECT_EQ(s.queued_samples, fleet.samples() - sent_before);
  EXPECT_EQ(s.sent_samples, sent_before);
  EXPECT_FALSE(s.last_error.empty());

  // The writer restarts while the receiver is still down: the queue survives it.
  writer.reset();
  writer = open_writer(config);
  EXPECT_EQ(writer->stats().queued_samples, fleet.samples() - sent_before);
  fleet.send(*writer, 180, 240);
  EXPECT_EQ(writer->stats().queued_samples, fleet.samples() - sent_before);

  // Back up on the same port and data: everything arrives, in order, once.
  prometheus.start();
  ASSERT_TRUE(wait_until([&] { return writer->stats().queued_batches == 0; }))
      << writer->stats().last_error;
  s = writer->stats();
  EXPECT_EQ(s.sent_samples, fleet.samples() - sent_before);
  EXPECT_EQ(s.dropped_samples, 0u);
  EXPECT_EQ(s.failed_requests, 0u);
  EXPECT_EQ(s.rejected_samples, 0u);
  const auto got = prometheus_samples(prometheus, kSelector, now_ms());
  EXPECT_EQ(got.size(), 6u);
  EXPECT_EQ(got, fleet.expected);
}

TEST(RemoteWritePrometheus, OutOfOrderSamplesAreRefusedAndOnlyThoseDropped) {
  if (PrometheusServer::program().empty())
    GTEST_SKIP() << "prometheus not installed (scripts/install-deps installs it)";
  PrometheusServer prometheus;
  TempDir dir;
  auto config = writer_config(prometheus.write_url(), dir);
  config.extra_labels.clear();
  auto writer = open_writer(config);
  const std::int64_t t0 = (now_ms() - 10 * 60 * 1000) / 1000 * 1000;
  const std::vector<Series> first{
      {{{"__name__", "epcfleet_rw_test_ooo"}}, {{t0, 1.0}, {t0 + 60000, 2.0}}}};
  writer->enqueue(first);
  ASSERT_TRUE(wait_until([&] { return writer->stats().sent_samples == 2; }));
  // Older than what Prometheus holds for the series: refused with 400, for good.
  const std::vector<Series> old{{{{"__name__", "epcfleet_rw_test_ooo"}}, {{t0 - 60000, 9.0}}}};
  const std::vector<Series> next{{{{"__name__", "epcfleet_rw_test_ooo"}}, {{t0 + 120000, 3.0}}}};
  writer->enqueue(old);
  writer->enqueue(next);
  ASSERT_TRUE(wait_until([&] { return writer->stats().queued_batches == 0; }));
  const auto s = writer->stats();
  EXPECT_EQ(s.failed_requests, 1u);
  EXPECT_EQ(s.rejected_samples, 1u);
  EXPECT_EQ(s.sent_samples, 3u);
  EXPECT_EQ(s.retries, 0u);
  const auto got = prometheus_samples(prometheus, "epcfleet_rw_test_ooo", now_ms());
  EXPECT_EQ(got, (SeriesPoints{{"__name__=epcfleet_rw_test_ooo",
                                {{t0, 1.0}, {t0 + 60000, 2.0}, {t0 + 120000, 3.0}}}}));
}

TEST(RemoteWriteVictoriaMetrics, AcceptsTheSameStreamAcrossAnOutage) {
  if (VictoriaMetricsServer::program().empty())
    GTEST_SKIP() << "victoria-metrics not installed (scripts/install-deps installs it)";
  VictoriaMetricsServer vm;
  TempDir dir;
  auto config = writer_config(vm.write_url(), dir);
  config.max_samples_per_request = 50;  // many small requests, series split across them
  const std::int64_t base = (now_ms() - 25 * 60 * 1000) / 1000 * 1000;
  Fleet fleet(base, config.extra_labels);
  auto writer = open_writer(config);
  fleet.send(*writer, 0, 100);
  // A label value that is UTF-8 but not ASCII goes through unchanged.
  const std::vector<Series> alias{
      {{{"__name__", "epcfleet_rw_test_alias_info"}, {"ifAlias", "Überlandleitung → Kern"}},
       {{base, 1.0}}}};
  writer->enqueue(alias);
  fleet.expected[key_of(std::vector<Label>{{"__name__", "epcfleet_rw_test_alias_info"},
                                           {"ifAlias", "Überlandleitung → Kern"},
                                           {"cluster", "itest"},
                                           {"tenant", "acme"}})] = {{base, 1.0}};
  ASSERT_TRUE(wait_until([&] { return writer->stats().queued_batches == 0; }))
      << writer->stats().last_error;

  ASSERT_GE(vm.stop(), 0);
  fleet.send(*writer, 100, 200);
  ASSERT_TRUE(wait_until([&] { return writer->stats().retries >= 2; }));
  EXPECT_GT(writer->stats().queued_samples, 0u);
  vm.start();
  ASSERT_TRUE(wait_until([&] { return writer->stats().queued_batches == 0; }))
      << writer->stats().last_error;
  const auto s = writer->stats();
  EXPECT_EQ(s.sent_samples, fleet.samples());
  EXPECT_EQ(s.failed_requests, 0u);
  EXPECT_EQ(s.dropped_samples, 0u);

  SeriesPoints got;
  wait_until([&] {  // VictoriaMetrics makes new series searchable within a second or so
    got = victoria_samples(vm, kSelector, base, now_ms());
    return got == fleet.expected;
  });
  EXPECT_EQ(got, fleet.expected);
}

}  // namespace
}  // namespace epcfleet::remote_write
