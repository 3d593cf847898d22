#pragma once
// One libcurl handle that POSTs remote-write bodies (keep-alive between requests). Owned and used
// by the sender thread only. libcurl stays in http_post.cpp.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "epcfleet/remote_write/writer.hpp"

namespace epcfleet::remote_write {

struct PostResult {
  long status = 0;    // HTTP status; 0: no answer (connection error, timeout, aborted)
  std::string error;  // curl's error, or the start of the answer's body; never a credential
  std::optional<std::chrono::milliseconds> retry_after;  // from a Retry-After: <seconds> header
};

class HttpPost {
public:
  // `abort` is polled during a transfer: when it turns true the request ends at once.
  HttpPost(const Config& config, const std::atomic<bool>& abort);
  ~HttpPost();
  HttpPost(const HttpPost&) = delete;
  HttpPost& operator=(const HttpPost&) = delete;

  PostResult post(std::string_view body);

  struct Handle;

private:
  std::unique_ptr<Handle> handle_;
};

// Called once before the first HttpPost (curl_global_init is not thread-safe everywhere).
void init_http();

// The URL as it may be logged: no user:password@, no query (it may carry a token).
std::string redact_url(std::string_view url);

}  // namespace epcfleet::remote_write
