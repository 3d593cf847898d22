#pragma once
// A file answer with HTTP's validators and ranges: ETag (strong, from inode, size and mtime:
// the files served this way are never rewritten in place), Last-Modified, If-None-Match and
// If-Modified-Since (304), one byte range (206, or 416 when unsatisfiable) with If-Range. The
// server streams the bytes (sendfile on plain TCP). Multiple ranges are answered with the whole
// file, which RFC 9110 allows.

#include <optional>
#include <string>

#include "epcfleet/http/message.hpp"

namespace epcfleet::http {

// nullopt when the path is not a regular file.
std::optional<Response> file_response(const Request& request, const std::string& path,
                                      const std::string& content_type,
                                      const std::string& cache_control);

// "Fri, 27 Nov 2026 09:14:03 GMT"; and back (nullopt when malformed).
std::string http_date(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_http_date(const std::string& text);

}  // namespace epcfleet::http
