#include "http_post.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <mutex>

#include <curl/curl.h>

namespace epcfleet::remote_write {
namespace {

constexpr std::size_t kMaxErrorBody = 256;

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// One line of printable text from an answer body (for last_error and the log).
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxErrorBody)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

}  // namespace

struct HttpPost::Handle {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{nullptr, curl_easy_cleanup};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers{nullptr, curl_slist_free_all};
  const std::atomic<bool>* abort = nullptr;
  std::string body;
  std::optional<std::chrono::milliseconds> retry_after;
  std::array<char, CURL_ERROR_SIZE> error{};

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self) {
    auto* h = static_cast<Handle*>(self);
    const std::size_t bytes = size * n;
    if (h->body.size() < kMaxErrorBody)
      h->body.append(data, std::min(bytes, kMaxErrorBody - h->body.size()));
    return bytes;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) {
    auto* h = static_cast<Handle*>(self);
    const std::size_t bytes = size * n;
    std::string_view line(data, bytes);
    constexpr std::string_view kName = "retry-after:";
    if (starts_with_nocase(line, kName)) {
      line.remove_prefix(kName.size());
      while (!line.empty() && line.front() == ' ')
        line.remove_prefix(1);
      long seconds = 0;
      const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), seconds);
      // Only the delta-seconds form; an HTTP date is ignored (the backoff applies).
      if (ec == std::errc() && end != line.data() && seconds >= 0)
        h->retry_after = std::chrono::seconds(seconds);
    }
    return bytes;
  }

  static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Handle*>(self)->abort->load() ? 1 : 0;
  }
};

void init_http() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpPost::HttpPost(const Config& config, const std::atomic<bool>& abort)
    : handle_(std::make_unique<Handle>()) {
  init_http();
  handle_->abort = &abort;
  handle_->curl.reset(curl_easy_init());
  CURL* c = handle_->curl.get();
  if (c == nullptr)
    return;
  curl_slist* list = nullptr;
  for (const char* h :
       {"Content-Encoding: snappy", "Content-Type: application/x-protobuf",
        "X-Prometheus-Remote-Write-Version: 0.1.0", "User-Agent: epcfleet-remote-write/0.1",
        // No "Expect: 100-continue" round trip before big bodies.
        "Expect:"})
    list = curl_slist_append(list, h);
  handle_->headers.reset(list);
  curl_easy_setopt(c, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, handle_->error.data());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Handle::on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, handle_.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Handle::on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, handle_.get());
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Handle::on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, handle_.get());
  if (config.bearer_token) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
    curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, config.bearer_token->c_str());
  } else if (config.basic_auth) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, config.basic_auth->first.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config.basic_auth->second.c_str());
  }
}

HttpPost::~HttpPost() = default;

PostResult HttpPost::post(std::string_view body) {
  PostResult result;
  CURL* c = handle_->curl.get();
  if (c == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  handle_->body.clear();
  handle_->retry_after.reset();
  handle_->error[0] = '\0';
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    result.error = curl_easy_strerror(rc);
    if (handle_->error[0] != '\0')
      result.error += std::string(": ") + handle_->error.data();
    return result;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  result.retry_after = handle_->retry_after;
  if (result.status < 200 || result.status > 299) {
    result.error = "HTTP " + std::to_string(result.status);
    if (auto text = printable(handle_->body); !text.empty())
      result.error += ": " + text;
  }
  return result;
}

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto path = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, path == std::string_view::npos ? std::string_view::npos : path - start);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  std::string_view rest = path == std::string_view::npos ? std::string_view{} : url.substr(path);
  rest = rest.substr(0, rest.find_first_of("?#"));
  return std::string(url.substr(0, start)) + std::string(authority) + std::string(rest);
}

}  // namespace epcfleet::remote_write
