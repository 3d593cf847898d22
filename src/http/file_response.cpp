#include "epcfleet/http/file_response.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <ctime>

namespace epcfleet::http {
namespace {

std::string hex(std::uint64_t v) {
  char buf[17];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
  return std::string(buf, end);
}

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

enum class RangeKind { kNone, kSatisfiable, kUnsatisfiable };

// One "bytes=a-b" | "bytes=a-" | "bytes=-n" range; anything else (several ranges, other units,
// garbage) is ignored and the whole file is sent.
RangeKind parse_range(const std::string& header, std::uint64_t size, ByteRange& out) {
  constexpr std::string_view kPrefix = "bytes=";
  if (header.rfind(kPrefix, 0) != 0 || header.find(',') != std::string::npos)
    return RangeKind::kNone;
  const std::string_view spec = std::string_view(header).substr(kPrefix.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos)
    return RangeKind::kNone;
  const auto first_text = spec.substr(0, dash);
  const auto last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // suffix: the last n bytes
    auto n = number(last_text);
    if (!n)
      return RangeKind::kNone;
    if (*n == 0 || size == 0)
      return RangeKind::kUnsatisfiable;
    const auto len = std::min(*n, size);
    out = {size - len, len};
    return RangeKind::kSatisfiable;
  }
  auto first = number(first_text);
  if (!first)
    return RangeKind::kNone;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    auto l = number(last_text);
    if (!l || *l < *first)
      return RangeKind::kNone;
    last = std::min(*l, last);
  }
  if (*first >= size)
    return RangeKind::kUnsatisfiable;
  out = {*first, last - *first + 1};
  return RangeKind::kSatisfiable;
}

bool etag_listed(const std::string& header, const std::string& etag) {
  if (header == "*")
    return true;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto comma = header.find(',', pos);
    if (comma == std::string::npos)
      comma = header.size();
    std::string item = header.substr(pos, comma - pos);
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (item.rfind("W/", 0) == 0)
      item = item.substr(2);  // weak comparison for If-None-Match
    if (item == etag)
      return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

std::string http_date(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<std::int64_t> parse_http_date(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<Response> file_response(const Request& request, const std::string& path,
                                      const std::string& content_type,
                                      const std::string& cache_control) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::string etag = "\"" + hex(static_cast<std::uint64_t>(st.st_ino)) + "-" + hex(size) +
                           "-" + hex(static_cast<std::uint64_t>(st.st_mtim.tv_sec)) +
                           hex(static_cast<std::uint64_t>(st.st_mtim.tv_nsec)) + "\"";
  const std::string last_modified = http_date(st.st_mtim.tv_sec);

  Response r;
  r.set_header("etag", etag);
  r.set_header("last-modified", last_modified);
  r.set_header("cache-control", cache_control);
  r.set_header("accept-ranges", "bytes");

  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
  bool not_modified = false;
  if (auto inm = request.header("if-none-match")) {
    not_modified = etag_listed(*inm, etag);
  } else if (auto ims = request.header("if-modified-since")) {
    auto since = parse_http_date(*ims);
    not_modified = since && st.st_mtim.tv_sec <= *since;
  }
  if (not_modified) {
    r.status = 304;
    return r;
  }

  r.set_header("content-type", content_type);
  r.file_path = path;
  // Ranges are defined for GET only (a HEAD answer describes the whole file).
  auto range_header = request.method == Method::kGet ? request.header("range") : std::nullopt;
  if (range_header) {
    // If-Range: the range holds only if the client's copy is the current one.
    if (auto if_range = request.header("if-range")) {
      const bool current = *if_range == etag || *if_range == last_modified;
      if (!current)
        range_header.reset();
    }
  }
  if (range_header) {
    ByteRange range;
    switch (parse_range(*range_header, size, range)) {
      case RangeKind::kSatisfiable:
        r.status = 206;
        r.file_offset = range.first;
        r.file_length = range.length;
        r.set_header("content-range", "bytes " + std::to_string(range.first) + "-" +
                                          std::to_string(range.first + range.length - 1) + "/" +
                                          std::to_string(size));
        return r;
      case RangeKind::kUnsatisfiable:
        r.status = 416;
        r.file_path.reset();
        r.set_header("content-range", "bytes */" + std::to_string(size));
        r.set_header("content-type", "text/plain; charset=utf-8");
        r.body = "range not satisfiable\n";
        return r;
      case RangeKind::kNone: break;
    }
  }
  r.status = 200;
  return r;
}

}  // namespace epcfleet::http
