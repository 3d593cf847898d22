#include "epcfleet/http/static_files.hpp"

#include <sys/stat.h>

#include <array>
#include <utility>

namespace epcfleet::http {
namespace {

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string content_type_for(const std::string& path) {
  static const std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

}  // namespace

void add_security_headers(Response& r) {
  r.set_header("content-security-policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
               "frame-ancestors 'none'; form-action 'self'");
  r.set_header("x-content-type-options", "nosniff");
  r.set_header("x-frame-options", "DENY");
  r.set_header("referrer-policy", "no-referrer");
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {
}

bool StaticFiles::available() const {
  return is_regular_file(root_ + "/index.html");
}

std::optional<Response> StaticFiles::serve(const Request& request) const {
  if (request.method != Method::kGet && request.method != Method::kHead)
    return std::nullopt;
  if (request.path.rfind("/api/", 0) == 0 || request.path == "/api")
    return std::nullopt;
  auto decoded = percent_decode(request.path, false);
  if (!decoded || decoded->empty() || decoded->front() != '/')
    return std::nullopt;
  // No way out of the root: refuse any dot segment or backslash outright.
  if (decoded->find("/.") != std::string::npos || decoded->find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::string rel = *decoded == "/" ? "/index.html" : *decoded;
  std::string file = root_ + rel;
  bool spa_fallback = false;
  if (!is_regular_file(file)) {
    // Client-side routes (no file extension in the last segment) get the app itself.
    const auto last = rel.substr(rel.rfind('/') + 1);
    if (last.find('.') != std::string::npos || rel.rfind("/assets/", 0) == 0)
      return std::nullopt;
    file = root_ + "/index.html";
    spa_fallback = true;
    if (!is_regular_file(file))
      return std::nullopt;
  }
  Response r;
  r.file_path = file;
  r.set_header("content-type", content_type_for(file));
  if (!spa_fallback && rel.rfind("/assets/", 0) == 0) {
    r.set_header("cache-control", "public, max-age=31536000, immutable");
  } else {
    r.set_header("cache-control", "no-cache");
  }
  return r;
}

}  // namespace epcfleet::http
