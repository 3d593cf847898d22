// The Writer against a fake receiver: what it sends, how it treats refusals, errors and slowness,
// order, the bound while the endpoint is down, restarts, and that no credential reaches the log.
#include "epcfleet/remote_write/writer.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <map>

#include <gtest/gtest.h>

#include "epcfleet/logging/log.hpp"
#include "epcfleet/testing/temp_dir.hpp"
#include "wire_decode.hpp"

namespace epcfleet::remote_write {
namespace {

using namespace std::chrono_literals;
using test::decode;
using test::FakeReceiver;
using test::ReceivedRequest;
using test::Reply;
using test::wait_until;
using testing::TempDir;

Config config_for(const std::string& url, const TempDir& dir) {
  Config c;
  c.url = url;
  c.queue_dir = dir.file("queue");
  c.timeout = 5000ms;
  c.min_backoff = 20ms;
  c.max_backoff = 200ms;
  return c;
}

std::unique_ptr<Writer> open_writer(Config c) {
  auto w = Writer::open(std::move(c));
  EXPECT_TRUE(w.has_value()) << (w ? "" : w.error().message);
  return w ? std::move(*w) : nullptr;
}

// One series `name` with n samples, one a second from `from` ms, value = its index + offset.
Series gauge(const std::string& name, std::int64_t from, int n, double offset = 0) {
  Series s{{{"__name__", name}, {"device", "epc-1"}}, {}};
  for (int i = 0; i < n; ++i)
    s.samples.emplace_back(from + i * 1000, offset + i);
  return s;
}

// By value: a range-for over decode(...).value() would outlive its temporary.
std::vector<Series> series_of(const std::string& body) {
  auto series = decode(body);
  EXPECT_TRUE(series.has_value());
  return series.value_or(std::vector<Series>{});
}

std::uint64_t samples_of(const ReceivedRequest& r) {
  std::uint64_t n = 0;
  for (const auto& s : series_of(r.body))
    n += s.samples.size();
  return n;
}

bool has_label(const std::vector<Series>& series, const std::string& name,
               const std::string& value) {
  for (const auto& s : series)
    for (const auto& l : s.labels)
      if (l.name == name && l.value == value)
        return true;
  return false;
}

TEST(RemoteWriteWriter, SendsSnappyProtobufWithTheRemoteWriteHeaders) {
  FakeReceiver receiver;
  TempDir dir;
  auto c = config_for(receiver.url(), dir);
  c.extra_labels = {{"cluster", "lab"}};
  auto w = open_writer(c);
  const std::vector<Series> in{gauge("epcAttachedUEs", 1700000000000, 3)};
  w->enqueue(in);
  ASSERT_TRUE(wait_until([&] { return w->stats().sent_requests == 1; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/api/v1/write");
  EXPECT_EQ(r.headers.at("content-encoding"), "snappy");
  EXPECT_EQ(r.headers.at("content-type"), "application/x-protobuf");
  EXPECT_EQ(r.headers.at("x-prometheus-remote-write-version"), "0.1.0");
  EXPECT_EQ(r.headers.count("authorization"), 0u);
  const auto series = decode(r.body);
  ASSERT_TRUE(series.has_value());
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].labels,
            (std::vector<Label>{
                {"__name__", "epcAttachedUEs"}, {"cluster", "lab"}, {"device", "epc-1"}}));
  EXPECT_EQ((*series)[0].samples, in[0].samples);
  const auto s = w->stats();
  EXPECT_EQ(s.sent_samples, 3u);
  EXPECT_EQ(s.queued_batches, 0u);
  EXPECT_EQ(s.queued_samples, 0u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_TRUE(s.last_error.empty());
}

TEST(RemoteWriteWriter, Retries5xxAnd429WithTheSameRequestUntilDelivered) {
  FakeReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    switch (i) {
      case 0: return Reply{503, "overloaded"};
      case 1: return Reply{429, "slow down", 0};
      case 2: return Reply{500, "oops"};
      default: return Reply{};
    }
  });
  TempDir dir;
  auto w = open_writer(config_for(receiver.url(), dir));
  const std::vector<Series> in{gauge("m", 1000, 5)};
  w->enqueue(in);
  ASSERT_TRUE(wait_until([&] { return w->stats().sent_requests == 1; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& r : requests)
    EXPECT_EQ(r.body, requests[0].body);
  const auto s = w->stats();
  EXPECT_EQ(s.retries, 3u);
  EXPECT_EQ(s.sent_samples, 5u);
  EXPECT_EQ(s.failed_requests, 0u);
  EXPECT_EQ(s.rejected_samples, 0u);
  EXPECT_TRUE(s.last_error.empty());
}

TEST(RemoteWriteWriter, ConnectionErrorsAreRetriedAndNothingIsLostUntilTheEndpointIsBack) {
  const auto port = testing::free_port();
  TempDir dir;
  auto w =
      open_writer(config_for("http://127.0.0.1:" + std::to_string(port) + "/api/v1/write", dir));
  const std::vector<Series> first{gauge("m", 1000, 10)};
  w->enqueue(first);
  ASSERT_TRUE(wait_until([&] { return w->stats().retries >= 3; }));
  const std::vector<Series> second{gauge("m", 11000, 10, 10)};
  w->enqueue(second);
  auto s = w->stats();
  EXPECT_EQ(s.queued_samples, 20u);
  EXPECT_EQ(s.queued_batches, 2u);
  EXPECT_GT(s.queued_bytes, 0u);
  EXPECT_NE(s.last_error.find("onnect"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.sent_samples, 0u);

  FakeReceiver receiver({}, port);
  ASSERT_TRUE(wait_until([&] { return w->stats().queued_samples == 0; }));
  s = w->stats();
  EXPECT_EQ(s.sent_samples, 20u);
  EXPECT_EQ(s.dropped_samples, 0u);
  EXPECT_TRUE(s.last_error.empty());
  std::vector<std::pair<std::int64_t, double>> got;
  for (const auto& r : receiver.requests())
    for (const auto& series : series_of(r.body))
      got.insert(got.end(), series.samples.begin(), series.samples.end());
  auto expected = first[0].samples;
  expected.insert(expected.end(), second[0].samples.begin(), second[0].samples.end());
  EXPECT_EQ(got, expected);
}

TEST(RemoteWriteWriter, A4xxOtherThan429DropsTheRequestCountsItAndGoesOn) {
  FakeReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    return i == 0 ? Reply{400, "out of order sample"} : Reply{};
  });
  TempDir dir;
  auto w = open_writer(config_for(receiver.url(), dir));
  const std::vector<Series> refused{gauge("m", 1000, 5)};
  w->enqueue(refused);
  ASSERT_TRUE(wait_until([&] { return w->stats().failed_requests == 1; }));
  auto s = w->stats();
  EXPECT_EQ(s.rejected_samples, 5u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_EQ(s.queued_samples, 0u);
  EXPECT_NE(s.last_error.find("HTTP 400: out of order sample"), std::string::npos) << s.last_error;
  const std::vector<Series> next{gauge("m", 9000, 2)};
  w->enqueue(next);
  ASSERT_TRUE(wait_until([&] { return w->stats().sent_requests == 1; }));
  s = w->stats();
  EXPECT_EQ(s.sent_samples, 2u);
  EXPECT_TRUE(s.last_error.empty());
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST(RemoteWriteWriter, ARefusedBatchIsRetriedRecordByRecordSoOnlyTheBadOneIsDropped) {
  // The first request fails once (503); while the writer backs off, a bad and a good record are
  // queued behind it. They go out merged into one request, which is refused because of the bad
  // one; then one by one: the bad one is refused, the good one accepted.
  FakeReceiver receiver([](const ReceivedRequest& r, std::size_t i) {
    if (i == 0)
      return Reply{503};
    return has_label(decode(r.body).value(), "bad", "1") ? Reply{400, "bad series"} : Reply{};
  });
  TempDir dir;
  auto c = config_for(receiver.url(), dir);
  c.min_backoff = 500ms;
  c.max_backoff = 500ms;
  auto w = open_writer(c);
  const std::vector<Series> a{gauge("a", 1000, 3)};
  w->enqueue(a);
  ASSERT_TRUE(wait_until([&] { return w->stats().retries == 1; }));
  Series bad = gauge("b", 1000, 4);
  bad.labels.push_back({"bad", "1"});
  const std::vector<Series> b{bad};
  const std::vector<Series> good{gauge("c", 1000, 5)};
  w->enqueue(b);
  w->enqueue(good);
  ASSERT_TRUE(wait_until([&] { return w->stats().queued_batches == 0; }));
  const auto s = w->stats();
  EXPECT_EQ(s.sent_samples, 3u + 5u);
  EXPECT_EQ(s.sent_requests, 2u);
  EXPECT_EQ(s.failed_requests, 1u);
  EXPECT_EQ(s.rejected_samples, 4u);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 5u);  // a (503), a, b+c (400), b (400), c
  EXPECT_EQ(decode(requests[2].body).value().size(), 2u);
  EXPECT_EQ(samples_of(requests[2]), 9u);
  EXPECT_EQ(samples_of(requests[3]), 4u);
  EXPECT_EQ(samples_of(requests[4]), 5u);
}

TEST(RemoteWriteWriter, ABacklogGoesOutInQueueOrderOneRequestAtATime) {
  std::atomic<bool> up{false};
  FakeReceiver receiver(
      [&](const ReceivedRequest&, std::size_t) { return up ? Reply{} : Reply{503}; });
  TempDir dir;
  auto c = config_for(receiver.url(), dir);
  c.max_samples_per_request = 100;
  auto w = open_writer(c);
  std::map<std::string, std::vector<std::pair<std::int64_t, double>>> expected;
  for (int i = 0; i < 60; ++i) {  // 60 small records of 10 samples, two series taking turns
    const std::string name = i % 2 == 0 ? "even" : "odd";
    const std::vector<Series> in{gauge(name, 1000 + i * 10000, 10, i * 10)};
    expected[name].insert(expected[name].end(), in[0].samples.begin(), in[0].samples.end());
    w->enqueue(in);
  }
  ASSERT_TRUE(wait_until([&] { return w->stats().retries >= 2; }));
  up = true;
  ASSERT_TRUE(wait_until([&] { return w->stats().queued_batches == 0; }));
  EXPECT_EQ(w->stats().sent_samples, 600u);
  std::map<std::string, std::vector<std::pair<std::int64_t, double>>> got;
  std::size_t accepted = 0;
  for (const auto& r : receiver.requests())
    EXPECT_LE(samples_of(r), 100u);
  // The requests answered 2xx are the last ones; take them from the end.
  const auto requests = receiver.requests();
  const auto sent_requests = w->stats().sent_requests;
  for (auto i = requests.size() - sent_requests; i < requests.size(); ++i) {
    ++accepted;
    for (const auto& series : series_of(requests[i].body))
      got[series.labels[0].value].insert(got[series.labels[0].value].end(), series.samples.begin(),
                                         series.samples.end());
  }
  EXPECT_EQ(got, expected);
  EXPECT_LT(accepted, 60u / 2);  // small records were merged (up to 100 samples a request)
  EXPECT_EQ(receiver.max_concurrent(), 1);
}

TEST(RemoteWriteWriter, OverTheBoundTheOldestAreDroppedAndTheRestDelivered) {
  std::atomic<bool> up{false};
  FakeReceiver receiver(
      [&](const ReceivedRequest&, std::size_t) { return up ? Reply{} : Reply{503}; });
  TempDir dir;
  auto c = config_for(receiver.url(), dir);
  c.max_queue_bytes = 64 << 10;
  auto w = open_writer(c);
  std::uint64_t enqueued = 0;
  for (int i = 0; i < 400; ++i) {  // ~ 0.5 KB each after compression: several times the bound
    Series s = gauge("m", 1000 + i * 100000, 100, i * 1000.5);
    s.labels.push_back({"ifAlias", "uplink towards the core site number " + std::to_string(i)});
    const std::vector<Series> in{s};
    w->enqueue(in);
    enqueued += 100;
    ASSERT_LE(w->stats().disk_bytes, 64u << 10);
  }
  auto s = w->stats();
  EXPECT_GT(s.dropped_samples, 0u);
  EXPECT_EQ(s.dropped_samples + s.queued_samples, enqueued);
  up = true;
  ASSERT_TRUE(wait_until([&] { return w->stats().queued_batches == 0; }));
  s = w->stats();
  EXPECT_EQ(s.dropped_samples + s.sent_samples, enqueued);
  // The newest sample of all made it.
  const auto requests = receiver.requests();
  const auto last = decode(requests.back().body).value();
  EXPECT_EQ(last.back().samples.back().first, 1000 + 399 * 100000 + 99 * 1000);
}

TEST(RemoteWriteWriter, StopAbortsTheRequestInFlightWhichIsSentAfterReopen) {
  FakeReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    return i == 0 ? Reply{204, "", std::nullopt, 60s} : Reply{};
  });
  TempDir dir;
  auto c = config_for(receiver.url(), dir);
  c.timeout = 120s;
  auto w = open_writer(c);
  const std::vector<Series> in{gauge("m", 1000, 7)};
  w->enqueue(in);
  ASSERT_TRUE(wait_until([&] { return receiver.requests().size() == 1; }));
  const auto before = std::chrono::steady_clock::now();
  w->stop();
  // Not a timing test: without the abort, stop() would wait for the 60 s answer.
  EXPECT_LT(std::chrono::steady_clock::now() - before, 30s);
  EXPECT_EQ(w->stats().queued_samples, 7u);
  EXPECT_EQ(w->stats().sent_samples, 0u);
  w.reset();

  w = open_writer(c);
  EXPECT_EQ(w->stats().queued_samples, 7u);
  ASSERT_TRUE(wait_until([&] { return w->stats().sent_samples == 7; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body, requests[0].body);
}

TEST(RemoteWriteWriter, EnqueueAfterStopIsKeptForTheNextRun) {
  FakeReceiver receiver;
  TempDir dir;
  const auto c = config_for(receiver.url(), dir);
  auto w = open_writer(c);
  w->stop();
  const std::vector<Series> in{gauge("m", 1000, 4)};
  w->enqueue(in);
  EXPECT_EQ(w->stats().queued_samples, 4u);
  w.reset();
  EXPECT_TRUE(receiver.requests().empty());
  w = open_writer(c);
  ASSERT_TRUE(wait_until([&] { return w->stats().sent_samples == 4; }));
}

TEST(RemoteWriteWriter, AnEnqueueTheDiskRefusesIsCountedAsDropped) {
  FakeReceiver receiver([](const ReceivedRequest&, std::size_t) { return Reply{503}; });
  TempDir dir;
  auto w = open_writer(config_for(receiver.url(), dir));
  const std::vector<Series> first{gauge("m", 1000, 3)};
  w->enqueue(first);
  // A file size limit makes the segment write fail (EFBIG), as a full disk would; as root too.
  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = old;
  limited.rlim_cur = w->stats().disk_bytes + 10;
  ::setrlimit(RLIMIT_FSIZE, &limited);
  const std::vector<Series> refused{gauge("m", 4000, 50)};
  w->enqueue(refused);
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  const auto s = w->stats();
  EXPECT_EQ(s.dropped_samples, 50u);
  EXPECT_EQ(s.queued_samples, 3u);
  // last_error is not checked: the sender's retries (503) overwrite it at any moment.
}

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k)
      out.push_back(kAlphabet[(n >> (6 * k)) & 63]);
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size())
      n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

TEST(RemoteWriteWriter, CredentialsAreSentButNeverLogged) {
  TempDir log_dir;
  const auto log_file = log_dir.file("writer.log");
  log::init({.json = false, .level = log::Level::kDebug, .file = log_file});
  // Each writer sees a 503 (logged as a retry with the URL) and a 401 (logged as a refusal).
  FakeReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    return i % 2 == 0 ? Reply{503} : Reply{401, "unauthorized"};
  });
  const std::string token = "tok-5ecret-bearer";
  const std::string password = "pa55-5ecret-basic";
  const std::string url_password = "url-5ecret-pass";
  const std::string query_token = "query-5ecret-token";
  const std::vector<Series> in{gauge("m", 1000, 1)};
  const auto run = [&](Config c) {
    auto w = open_writer(std::move(c));
    w->enqueue(in);
    ASSERT_TRUE(wait_until([&] { return w->stats().failed_requests == 1; }));
    EXPECT_EQ(w->stats().last_error.find("5ecret"), std::string::npos);
  };
  {
    TempDir dir;
    auto c = config_for(receiver.url(), dir);
    c.bearer_token = token;
    run(c);
  }
  {
    TempDir dir;
    auto c = config_for(receiver.url(), dir);
    c.basic_auth = std::pair<std::string, std::string>{"writer", password};
    run(c);
  }
  {
    TempDir dir;
    auto url = receiver.url();
    url.insert(std::string("http://").size(), "writer:" + url_password + "@");
    auto c = config_for(url + "?token=" + query_token, dir);
    run(c);
  }
  log::init({});
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 6u);
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + token);
  EXPECT_EQ(requests[3].headers.at("authorization"), "Basic " + base64("writer:" + password));
  EXPECT_EQ(requests[5].headers.at("authorization"), "Basic " + base64("writer:" + url_password));

  const auto log_text = testing::read_file(log_file);
  EXPECT_NE(log_text.find("remote_write.retrying"), std::string::npos) << log_text;
  EXPECT_NE(log_text.find("remote_write.rejected"), std::string::npos) << log_text;
  EXPECT_NE(log_text.find("http://127.0.0.1:"), std::string::npos) << log_text;
  for (const auto& secret : {token, password, url_password, query_token})
    EXPECT_EQ(log_text.find(secret), std::string::npos) << secret << " in\n" << log_text;
  EXPECT_EQ(log_text.find("5ecret"), std::string::npos) << log_text;
}

TEST(RemoteWriteWriter, OpenRefusesABadConfig) {
  TempDir dir;
  const auto refused = [&](auto change) {
    auto c = config_for("http://127.0.0.1:9/api/v1/write", dir);
    change(c);
    auto w = Writer::open(c);
    return !w.has_value() && w.error().code == ErrorCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused([](Config& c) { c.url = "ftp://x/"; }));
  EXPECT_TRUE(refused([](Config& c) { c.url = ""; }));
  EXPECT_TRUE(refused([](Config& c) { c.queue_dir.clear(); }));
  EXPECT_TRUE(refused([](Config& c) { c.max_queue_bytes = 1000; }));
  EXPECT_TRUE(refused([](Config& c) { c.max_samples_per_request = 0; }));
  EXPECT_TRUE(refused([](Config& c) { c.max_backoff = 1ms; }));
  EXPECT_TRUE(refused([](Config& c) { c.extra_labels = {{"bad-name", "x"}}; }));
  EXPECT_TRUE(refused([](Config& c) {
    c.bearer_token = "t";
    c.basic_auth = std::pair<std::string, std::string>{"u", "p"};
  }));
  EXPECT_FALSE(refused([](Config&) {}));
}

TEST(RemoteWriteWriter, ASecondWriterOnTheSameQueueIsRefused) {
  TempDir dir;
  auto w = open_writer(config_for("http://127.0.0.1:9/api/v1/write", dir));
  auto second = Writer::open(config_for("http://127.0.0.1:9/api/v1/write", dir));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace epcfleet::remote_write
