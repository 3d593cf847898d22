#pragma once
// http: the HTTP(S) and WebSocket server (Boost.Beast, behind this module's .cpp files), the
// router with route metadata, the middleware that authenticates and authorizes every request,
// static files for the dashboard, and the live-event hub. These plain Request/Response types are
// all that handlers see, so Beast's headers stay in two translation units.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epcfleet::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view to_string(Method m);
Method parse_method(std::string_view text);
bool is_safe(Method m);  // GET, HEAD, OPTIONS

using Headers = std::vector<std::pair<std::string, std::string>>;  // names lower-case

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path?query
  std::string path;    // as received, without the query (routes decode their parameters)
  std::string query_string;
  Headers headers;
  std::string body;
  // For upload routes: the body was streamed to this file instead (the handler may move it away;
  // the server deletes whatever is left after the answer).
  std::optional<std::string> body_file;
  std::string source;  // client IP address
  std::string request_id;

  std::optional<std::string> header(std::string_view name) const;  // name lower-case
  std::optional<std::string> query(std::string_view key) const;    // percent-decoded
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body is this file, streamed by the server (static assets, APT files): from
  // file_offset, file_length bytes (the rest of the file when unset). Status and headers such as
  // Content-Range are the handler's; the server sets Content-Length.
  std::optional<std::string> file_path;
  std::uint64_t file_offset = 0;
  std::optional<std::uint64_t> file_length;

  void set_header(std::string name, std::string value);
  std::optional<std::string> header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  // {"error":{"code","message","request_id"}}
  static Response error(int status, std::string_view code, std::string_view message,
                        std::string_view request_id);
};

// Percent-decoding for paths and query strings; nullopt on malformed escapes or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
std::string percent_encode(std::string_view text);

}  // namespace epcfleet::http
