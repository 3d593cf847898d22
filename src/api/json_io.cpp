#include "json_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"

namespace epcfleet::api {

Result<json> parse_object(const http::Request& request,
                          std::initializer_list<std::string_view> allowed) {
  const auto type = request.header("content-type").value_or("");
  if (!request.body.empty() && type.rfind("application/json", 0) != 0) {
    return fail(ErrorCode::kInvalidArgument, "send the body as Content-Type: application/json");
  }
  json body = json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (body.is_discarded())
    return fail(ErrorCode::kInvalidArgument, "the body is not valid JSON");
  if (!body.is_object())
    return fail(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return fail(ErrorCode::kInvalidArgument, "unknown field '" + key + "'");
    }
  }
  return body;
}

Result<std::string> required_string(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    return fail(ErrorCode::kInvalidArgument, std::string("field '") + field + "' is required");
  }
  if (!it->is_string()) {
    return fail(ErrorCode::kInvalidArgument, std::string("field '") + field + "' must be a string");
  }
  return it->get<std::string>();
}

Result<std::optional<std::string>> optional_string(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null())
    return std::optional<std::string>{};
  if (!it->is_string()) {
    return fail(ErrorCode::kInvalidArgument, std::string("field '") + field + "' must be a string");
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<std::int64_t>> optional_integer(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null())
    return std::optional<std::int64_t>{};
  if (!it->is_number_integer()) {
    return fail(ErrorCode::kInvalidArgument,
                std::string("field '") + field + "' must be an integer");
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

Result<std::optional<bool>> optional_bool(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null())
    return std::optional<bool>{};
  if (!it->is_boolean()) {
    return fail(ErrorCode::kInvalidArgument,
                std::string("field '") + field + "' must be true or false");
  }
  return std::optional<bool>(it->get<bool>());
}

Result<Role> role_field(const json& body, const char* field) {
  auto text = required_string(body, field);
  if (!text)
    return fail(text.error());
  auto role = parse_role(*text);
  if (!role) {
    return fail(ErrorCode::kInvalidArgument,
                std::string("field '") + field + "' must be owner, operator or viewer");
  }
  return *role;
}

http::Response reply(int status, const json& body) {
  return http::Response::json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::Response reply_error(const http::Context& ctx, const Error& error) {
  const int status = http::status_for(error.code);
  if (status >= 500) {
    log::error("api.error", {{"rid", ctx.request.request_id}, {"detail", error.message}});
    return http::Response::error(status, to_string(error.code),
                                 "internal error; the request id is in the server log",
                                 ctx.request.request_id);
  }
  return http::Response::error(status, to_string(error.code), error.message,
                               ctx.request.request_id);
}

Result<PageRequest> page_request(const http::Request& request) {
  PageRequest page;
  if (auto limit = request.query("limit")) {
    char* end = nullptr;
    const long v = std::strtol(limit->c_str(), &end, 10);
    if (end == limit->c_str() || *end != '\0' || v < 1 || v > 500) {
      return fail(ErrorCode::kInvalidArgument, "limit must be a whole number from 1 to 500");
    }
    page.limit = static_cast<std::size_t>(v);
  }
  if (auto cursor = request.query("cursor"); cursor && !cursor->empty()) {
    auto decoded = crypto::hex_decode(*cursor);
    if (!decoded)
      return fail(ErrorCode::kInvalidArgument, "cursor is not one this server issued");
    page.after = *decoded;
  }
  return page;
}

json page_body(json items, const std::optional<std::string>& next_cursor) {
  return json{
      {"items", std::move(items)},
      {"next_cursor", next_cursor ? json(crypto::hex_encode(*next_cursor)) : json(nullptr)}};
}

json memberships_json(const std::vector<store::Membership>& list) {
  json out = json::array();
  for (const auto& m : list) {
    out.push_back({{"id", m.tenant_id},
                   {"name", m.tenant_name},
                   {"created_at", format_iso8601(m.tenant_created_at)},
                   {"role", to_string(m.role)}});
  }
  return out;
}

json iso_or_null(const std::optional<TimestampMs>& t) {
  return t ? json(format_iso8601(*t)) : json(nullptr);
}

// Unix seconds (integer or fractional) or RFC 3339 (UTC, "Z").
namespace {
Result<std::int64_t> parse_time_text(const std::string& name, const std::string& text) {
  double seconds = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(seconds) &&
      std::fabs(seconds) < 1e13)
    return static_cast<std::int64_t>(std::llround(seconds * 1000));
  if (auto t = parse_iso8601(text))
    return *t;
  return fail(ErrorCode::kInvalidArgument,
              name +
                  " must be Unix seconds or an RFC 3339 time such as 2026-11-27T09:00:00Z, not '" +
                  text + "'");
}

}  // namespace

Result<std::int64_t> parse_duration_text(const std::string& name, const std::string& text) {
  if (auto d = parse_duration_ms(text))
    return *d;
  return fail(
      ErrorCode::kInvalidArgument,
      name + " must be a positive duration such as 60, 30s, 5m, 1h or 2d, not '" + text + "'");
}

// An optional query parameter: its parsed value, or `fallback` when absent.
Result<std::int64_t> time_param(const http::Request& r, const std::string& name,
                                std::int64_t fallback) {
  auto text = r.query(name);
  return text ? parse_time_text(name, *text) : Result<std::int64_t>(fallback);
}
Result<std::int64_t> duration_param(const http::Request& r, const std::string& name,
                                    std::int64_t fallback) {
  auto text = r.query(name);
  return text ? parse_duration_text(name, *text) : Result<std::int64_t>(fallback);
}

}  // namespace epcfleet::api
