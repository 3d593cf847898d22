// Feeds InfluxDB line protocol to an HTTP write endpoint, for the time-series benchmark (issue 5).
//
// Reads lines from a file or a pipe (stdin by default) and POSTs them in batches of --batch lines,
// or of --max-span seconds of data time (by the lines' timestamps, in --precision units; default
// 300 s), whichever comes first, over --conns keep-alive connections at once, each connection one
// thread with its own libcurl handle. Every line goes to the connection chosen by a hash of its
// device (the value of the tag
// --shard-tag, default "device"; the whole series key when a line has no such tag), and each
// connection sends its batches one after the other in input order: every series' samples
// arrive in time order, as from a collector whose writers each own a share of the devices.
// (Batches dealt round-robin to the connections arrive out of order, which a store may refuse.)
// A connection queues at most --queue batches (2) besides the one in flight, and batches span at
// most --max-span of data time, so the connections stay within (queue + 2) spans of each other
// (20 minutes by default): a store that refuses samples far behind its newest one (epcfleetd:
// 30 minutes past a 2-hour window) still takes them all.
// Any transport error or answer outside 2xx stops the run at once: the status and the start of
// the answer go to stderr and the exit status is 1 (a benchmark that measures errors is
// worthless).
//
// At the end, one line on stdout for scripts:
//   samples=<fields sent and acknowledged> lines= requests= bytes= wall_s= samples_per_s= cpu_s=
// where samples count the fields of every line (a line carries one sample per field), wall_s runs
// from the first byte read to the last answer and cpu_s is this process's own user+system time.
// --dry-run does everything but the HTTP requests: it measures how fast the feeder itself is.
//
// Usage: tsdb-feed --url URL [-H 'Name: value']... [--batch 5000] [--conns 3] [--input FILE]
//                  [--max-span SECONDS] [--queue 2] [--precision ns|us|ms|s]
//                  [--shard-tag device] [--progress SECONDS] [--dry-run]
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <curl/curl.h>

namespace {

struct Batch {
  std::string body;
  std::uint64_t lines = 0;
  std::uint64_t samples = 0;
  std::int64_t first_t = 0;  // timestamp of the first line that had one
  bool has_t = false;
};

// The line's timestamp: its last token when that is an integer after the fields.
bool line_time(const char* p, const char* end, std::int64_t& t) {
  while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
    --end;
  const char* q = end;
  while (q > p && q[-1] >= '0' && q[-1] <= '9')
    --q;
  if (q > p && q[-1] == '-')
    --q;
  if (q == end || q == p || q[-1] != ' ')
    return false;
  return std::from_chars(q, end, t).ec == std::errc{};
}

// A bounded queue: the reader blocks when the connections fall behind, so memory stays small.
class Queue {
public:
  explicit Queue(std::size_t capacity) : capacity_(capacity) {}
  void push(Batch b) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  bool pop(Batch& out) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty())
      return false;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Batch> items_;
  bool closed_ = false;
};

struct Totals {
  std::atomic<std::uint64_t> samples{0};
  std::atomic<std::uint64_t> lines{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes{0};
};

// Fields of one line: measurement[,tags] fields [timestamp]. Spaces and commas inside the
// measurement and tags are backslash-escaped; string field values are double-quoted and may hold
// spaces and commas. Blank lines and comments carry none.
std::uint64_t count_fields(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
    ++p;
  if (p == end || *p == '#')
    return 0;
  for (; p < end; ++p) {  // to the first unescaped space
    if (*p == '\\') {
      ++p;
    } else if (*p == ' ') {
      break;
    }
  }
  std::uint64_t fields = 1;
  bool quoted = false;
  for (++p; p < end; ++p) {
    const char c = *p;
    if (c == '\\') {
      ++p;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (c == ',')
        ++fields;
      if (c == ' ')
        break;
    }
  }
  return fields;
}

// The key that picks a line's connection: the value of the tag `tag` if the line has it, else
// everything before the first unescaped space (measurement and tags: the series).
std::string_view shard_key(const char* p, const char* end, std::string_view tag) {
  const char* series_end = p;
  while (series_end < end && *series_end != ' ') {
    if (*series_end == '\\')
      ++series_end;
    ++series_end;
  }
  if (series_end > end)
    series_end = end;
  const std::string_view series(p, static_cast<std::size_t>(series_end - p));
  if (!tag.empty()) {
    for (std::size_t at = series.find(','); at != std::string_view::npos;
         at = series.find(',', at + 1)) {
      const std::string_view rest = series.substr(at + 1);
      if (rest.size() > tag.size() && rest.substr(0, tag.size()) == tag &&
          rest[tag.size()] == '=') {
        std::string_view value = rest.substr(tag.size() + 1);
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '\\') {
            ++i;
          } else if (value[i] == ',') {
            value = value.substr(0, i);
            break;
          }
        }
        return value;
      }
    }
  }
  return series;
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() < 4096)
    body->append(data, size * n);
  return size * n;
}

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "tsdb-feed: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(1);  // the other connections are mid-request: stop everything now
}

void post_loop(const std::string& url, const std::vector<std::string>& headers, Queue& queue,
               Totals& totals, bool dry_run) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl)
    fail("curl_easy_init failed");
  curl_slist* list = nullptr;
  // Without "Expect:" libcurl waits for a 100-continue before every body over 1 MiB.
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Content-Type: text/plain; charset=utf-8");
  for (const auto& h : headers)
    list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                          curl_slist_free_all);
  std::string answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // Benchmarks run against loopback servers with throwaway certificates.
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  Batch b;
  while (queue.pop(b)) {
    if (!dry_run) {
      answer.clear();
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(b.body.size()));
      const CURLcode rc = curl_easy_perform(c);
      if (rc != CURLE_OK)
        fail("POST " + url + ": " + curl_easy_strerror(rc));
      long status = 0;
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
      if (status < 200 || status > 299) {
        fail("POST " + url + " -> " + std::to_string(status) + " after " +
             std::to_string(totals.requests.load()) + " good requests: " + answer.substr(0, 600));
      }
    }
    totals.samples += b.samples;
    totals.lines += b.lines;
    totals.bytes += b.body.size();
    ++totals.requests;
  }
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: tsdb-feed --url URL [-H 'Name: value']... [--batch LINES] [--conns N]\n"
      "                 [--input FILE] [--max-span SECONDS] [--queue BATCHES]\n"
      "                 [--precision ns|us|ms|s]\n"
      "                 [--shard-tag TAG] [--progress SECONDS] [--dry-run]\n"
      "POSTs InfluxDB line protocol from FILE (default stdin) in batches of LINES (5000) or\n"
      "SECONDS (300) of data time over N (3) keep-alive connections, each device's lines (tag\n"
      "TAG, default device) on one connection in input order; fails on the first non-2xx\n"
      "answer.\n",
      code ? stderr : stdout);
  std::exit(code);
}

template <typename T>
T parse_number(const char* flag, const char* text) {
  T value{};
  const std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    std::fprintf(stderr, "tsdb-feed: %s wants a number, got '%s'\n", flag, text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::vector<std::string> headers;
  std::uint64_t batch_lines = 5000;
  int conns = 3;
  std::string input = "-";
  std::string shard_tag = "device";
  double max_span_s = 300;
  std::size_t queue_depth = 2;
  std::string precision = "ns";
  int progress_s = 0;
  bool dry_run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tsdb-feed: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--url") {
      url = value();
    } else if (a == "-H" || a == "--header") {
      headers.emplace_back(value());
    } else if (a == "--batch") {
      batch_lines = parse_number<std::uint64_t>("--batch", value());
    } else if (a == "--conns") {
      conns = parse_number<int>("--conns", value());
    } else if (a == "--input") {
      input = value();
    } else if (a == "--queue") {
      queue_depth = parse_number<std::size_t>("--queue", value());
    } else if (a == "--max-span") {
      max_span_s = parse_number<double>("--max-span", value());
    } else if (a == "--precision") {
      precision = value();
    } else if (a == "--shard-tag") {
      shard_tag = value();
    } else if (a == "--progress") {
      progress_s = parse_number<int>("--progress", value());
    } else if (a == "--dry-run") {
      dry_run = true;
    } else if (a == "--help" || a == "-h") {
      usage(0);
    } else {
      std::fprintf(stderr, "tsdb-feed: unknown option %s\n", argv[i]);
      usage(2);
    }
  }
  if ((url.empty() && !dry_run) || batch_lines < 1 || conns < 1 || conns > 64 || max_span_s <= 0)
    usage(2);
  double units_per_s = 0;
  if (precision == "ns")
    units_per_s = 1e9;
  else if (precision == "us")
    units_per_s = 1e6;
  else if (precision == "ms")
    units_per_s = 1e3;
  else if (precision == "s")
    units_per_s = 1;
  else
    usage(2);
  const auto max_span = static_cast<std::int64_t>(max_span_s * units_per_s);

  int fd = 0;
  if (input != "-") {
    fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      fail("open " + input + ": " + std::strerror(errno));
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  // One queue per connection: a connection's batches must leave in the order they were cut.
  std::vector<std::unique_ptr<Queue>> queues;
  for (int i = 0; i < conns; ++i)
    queues.push_back(std::make_unique<Queue>(queue_depth));
  Totals totals;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int i = 0; i < conns; ++i) {
    Queue& queue = *queues[static_cast<std::size_t>(i)];
    workers.emplace_back([&, &q = queue] { post_loop(url, headers, q, totals, dry_run); });
  }
  std::atomic<bool> done{false};
  std::thread reporter;
  if (progress_s > 0) {
    reporter = std::thread([&] {
      auto next = t0;
      while (!done) {
        next += std::chrono::seconds(progress_s);
        while (!done && std::chrono::steady_clock::now() < next)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (done)
          break;
        const std::chrono::duration<double> s = std::chrono::steady_clock::now() - t0;
        std::fprintf(stderr, "tsdb-feed: %.0f s: %llu samples (%.0f/s)\n", s.count(),
                     static_cast<unsigned long long>(totals.samples.load()),
                     static_cast<double>(totals.samples.load()) / s.count());
      }
    });
  }

  // Reader: each complete line goes into its connection's current batch; a partial line at the
  // end of a read waits at the front of the buffer for the rest.
  constexpr std::size_t kRead = 4 * 1024 * 1024;
  std::vector<char> buf(kRead * 2);
  std::size_t have = 0;
  std::vector<Batch> current(static_cast<std::size_t>(conns));
  for (auto& b : current)
    b.body.reserve(static_cast<std::size_t>(batch_lines) * 128);
  const auto n_conns = static_cast<std::uint64_t>(conns);
  bool eof = false;
  while (!eof) {
    if (buf.size() - have < kRead)
      buf.resize(have + kRead);
    const ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail(std::string("read: ") + std::strerror(errno));
    }
    if (n == 0) {
      eof = true;
      if (have > 0 && buf[have - 1] != '\n')
        buf[have++] = '\n';  // a last line without newline
    } else {
      have += static_cast<std::size_t>(n);
    }
    const char* p = buf.data();
    const char* end = p + have;
    while (p < end) {
      const auto* nl =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!nl)
        break;
      const std::uint64_t fields = count_fields(p, nl);
      if (fields > 0) {
        const auto shard = static_cast<std::size_t>(
            n_conns == 1 ? 0 : fnv1a(shard_key(p, nl, shard_tag)) % n_conns);
        Batch& b = current[shard];
        std::int64_t t = 0;
        if (line_time(p, nl, t)) {
          if (b.lines > 0 && b.has_t && t - b.first_t >= max_span) {
            queues[shard]->push(std::move(b));
            b = Batch{};
            b.body.reserve(static_cast<std::size_t>(batch_lines) * 128);
          }
          if (!b.has_t) {
            b.first_t = t;
            b.has_t = true;
          }
        }
        b.body.append(p, static_cast<std::size_t>(nl + 1 - p));
        b.samples += fields;
        if (++b.lines == batch_lines) {
          queues[shard]->push(std::move(b));
          b = Batch{};
          b.body.reserve(static_cast<std::size_t>(batch_lines) * 128);
        }
      }
      p = nl + 1;
    }
    have = static_cast<std::size_t>(end - p);
    std::memmove(buf.data(), p, have);
  }
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (current[i].lines > 0)
      queues[i]->push(std::move(current[i]));
    queues[i]->close();
  }
  for (auto& w : workers)
    w.join();
  done = true;
  if (reporter.joinable())
    reporter.join();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
  curl_global_cleanup();
  const auto samples = totals.samples.load();
  std::printf(
      "samples=%llu lines=%llu requests=%llu bytes=%llu wall_s=%.3f samples_per_s=%.0f "
      "cpu_s=%.2f\n",
      static_cast<unsigned long long>(samples),
      static_cast<unsigned long long>(totals.lines.load()),
      static_cast<unsigned long long>(totals.requests.load()),
      static_cast<unsigned long long>(totals.bytes.load()), wall.count(),
      static_cast<double>(samples) / wall.count(), cpu_seconds());
  return 0;
}
