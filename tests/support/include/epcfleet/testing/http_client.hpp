#pragma once
// A small HTTP(S) client over libcurl, for talking to the real server as a script would.
// TLS verification is off: the servers under test use freshly generated self-signed certificates.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace epcfleet::testing {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-case
  std::optional<std::string> header(const std::string& name) const;
  std::vector<std::string> headers_named(const std::string& name) const;
};

class HttpClient {
public:
  explicit HttpClient(std::string base_url);  // https://127.0.0.1:PORT
  void set_bearer(std::string token) { bearer_ = std::move(token); }
  void clear_bearer() { bearer_.clear(); }
  const std::string& bearer() const { return bearer_; }
  void set_header(const std::string& name, const std::string& value) { extra_[name] = value; }
  void clear_headers() { extra_.clear(); }

  HttpResponse request(const std::string& method, const std::string& path,
                       const std::optional<std::string>& json_body = std::nullopt);
  HttpResponse get(const std::string& path) { return request("GET", path); }
  HttpResponse post(const std::string& path, const std::string& json) {
    return request("POST", path, json);
  }
  HttpResponse patch(const std::string& path, const std::string& json) {
    return request("PATCH", path, json);
  }
  HttpResponse del(const std::string& path) { return request("DELETE", path); }
  // POSTs a file's bytes as the body (uploads).
  HttpResponse post_file(const std::string& path, const std::string& file_path,
                         const std::string& content_type = "application/vnd.debian.binary-package");
  const std::string& base_url() const { return base_; }

private:
  std::string base_;
  std::string bearer_;
  std::map<std::string, std::string> extra_;
};

}  // namespace epcfleet::testing
