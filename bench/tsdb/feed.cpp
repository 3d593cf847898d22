// Feeds InfluxDB line protocol to an HTTP write endpoint, for the time-series benchmark (issue 5).
//
// Reads lines from a file or a pipe (stdin by default), cuts them into batches of --batch lines
// (at line boundaries, in input order) and POSTs the batches over --conns keep-alive connections
// at once, each connection one thread with its own libcurl handle. Any transport error or answer
// outside 2xx stops the run at once: the status and the start of the answer go to stderr and the
// exit status is 1 (a benchmark that measures errors is worthless).
//
// At the end, one line on stdout for scripts:
//   samples=<fields sent and acknowledged> lines= requests= bytes= wall_s= samples_per_s= cpu_s=
// where samples count the fields of every line (a line carries one sample per field), wall_s runs
// from the first byte read to the last answer and cpu_s is this process's own user+system time.
// --dry-run does everything but the HTTP requests: it measures how fast the feeder itself is.
//
// Usage: tsdb-feed --url URL [-H 'Name: value']... [--batch 5000] [--conns 3] [--input FILE]
//                  [--progress SECONDS] [--dry-run]
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
};

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
      "                 [--input FILE] [--progress SECONDS] [--dry-run]\n"
      "POSTs InfluxDB line protocol from FILE (default stdin) in batches of LINES (5000)\n"
      "over N (3) keep-alive connections; fails on the first non-2xx answer.\n",
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
  if ((url.empty() && !dry_run) || batch_lines < 1 || conns < 1 || conns > 64)
    usage(2);

  int fd = 0;
  if (input != "-") {
    fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      fail("open " + input + ": " + std::strerror(errno));
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Queue queue(static_cast<std::size_t>(conns) * 2);
  Totals totals;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int i = 0; i < conns; ++i) {
    workers.emplace_back([&] { post_loop(url, headers, queue, totals, dry_run); });
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

  // Reader: complete lines go into the current batch; a partial line at the end of a read waits
  // at the front of the buffer for the rest.
  constexpr std::size_t kRead = 4 * 1024 * 1024;
  std::vector<char> buf(kRead * 2);
  std::size_t have = 0;
  Batch current;
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
    const char* base = buf.data();
    const char* p = base;
    const char* end = base + have;
    const char* taken = p;  // start of the lines not yet copied into the batch
    while (p < end) {
      const auto* nl =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!nl)
        break;
      const std::uint64_t fields = count_fields(p, nl);
      p = nl + 1;
      if (fields == 0)
        continue;
      current.samples += fields;
      if (++current.lines == batch_lines) {
        current.body.append(taken, static_cast<std::size_t>(p - taken));
        taken = p;
        queue.push(std::move(current));
        current = Batch{};
        current.body.reserve(static_cast<std::size_t>(batch_lines) * 128);
      }
    }
    current.body.append(taken, static_cast<std::size_t>(p - taken));
    have = static_cast<std::size_t>(end - p);
    std::memmove(buf.data(), p, have);
  }
  if (current.lines > 0)
    queue.push(std::move(current));
  queue.close();
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
