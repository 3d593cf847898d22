#include "epcfleet/testing/http_client.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <curl/curl.h>

namespace epcfleet::testing {
namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<std::multimap<std::string, std::string>*>(user);
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' '))
      value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
      value.pop_back();
    headers->emplace(name, value);
  }
  return size * n;
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  if (it == headers.end())
    return std::nullopt;
  return it->second;
}

std::vector<std::string> HttpResponse::headers_named(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = headers.equal_range(name);
  for (auto it = b; it != e; ++it)
    out.push_back(it->second);
  return out;
}

HttpClient::HttpClient(std::string base_url) : base_(std::move(base_url)) {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
}

HttpResponse HttpClient::post_file(const std::string& path, const std::string& file_path,
                                   const std::string& content_type) {
  std::ifstream in(file_path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  extra_["Content-Type"] = content_type;
  auto r = request("POST", path, bytes);
  extra_.erase("Content-Type");
  return r;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const std::optional<std::string>& json_body) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    throw std::runtime_error("curl_easy_init failed");
  HttpResponse response;
  const std::string url = base_ + path;
  curl_slist* headers = nullptr;
  if (!bearer_.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + bearer_).c_str());
  if (json_body && extra_.count("Content-Type") == 0)
    headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  for (const auto& [k, v] : extra_)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD")
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (json_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(json_body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  else
    response.body = curl_easy_strerror(rc);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

}  // namespace epcfleet::testing
