#pragma once
// Private helpers shared by the handlers: body parsing with clear errors, answers, pagination.

#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "epcfleet/core/error.hpp"
#include "epcfleet/http/dispatcher.hpp"
#include "epcfleet/http/router.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::api {

using nlohmann::json;

// Parses the body as a JSON object; refuses fields not in `allowed` (typos should not pass
// silently).
Result<json> parse_object(const http::Request& request,
                          std::initializer_list<std::string_view> allowed);

Result<std::string> required_string(const json& body, const char* field);
Result<std::optional<std::string>> optional_string(const json& body, const char* field);
Result<std::optional<std::int64_t>> optional_integer(const json& body, const char* field);
Result<std::optional<bool>> optional_bool(const json& body, const char* field);
Result<Role> role_field(const json& body, const char* field);

http::Response reply(int status, const json& body);
http::Response reply_error(const http::Context& ctx, const Error& error);

struct PageRequest {
  std::string after;  // decoded cursor
  std::size_t limit = 50;
};
Result<PageRequest> page_request(const http::Request& request);
// {"items": [...], "next_cursor": "..." | null}
json page_body(json items, const std::optional<std::string>& next_cursor);

json iso_or_null(const std::optional<TimestampMs>& t);
// Optional query parameters: a time (Unix seconds or RFC 3339) or a duration (60, 30s, 5m, 1h,
// 2d), or `fallback` when absent; a malformed value is a 400 naming the parameter.
Result<std::int64_t> time_param(const http::Request& r, const std::string& name,
                                std::int64_t fallback);
Result<std::int64_t> parse_duration_text(const std::string& name, const std::string& text);
Result<std::int64_t> duration_param(const http::Request& r, const std::string& name,
                                    std::int64_t fallback);
// Tenants as the caller sees them: [{"id","name","created_at","role"}] (/auth/me and /tenants).
json memberships_json(const std::vector<store::Membership>& list);

}  // namespace epcfleet::api
