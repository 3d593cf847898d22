// The SNMP event log: traps, informs and device status changes, newest first.
#include <charconv>

#include "epcfleet/collector/event_log.hpp"
#include "epcfleet/core/time.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

Result<std::optional<std::pair<TimestampMs, std::string>>> cursor_of(const std::string& text) {
  if (text.empty())
    return std::optional<std::pair<TimestampMs, std::string>>{};
  const auto colon = text.find(':');
  TimestampMs at = 0;
  if (colon != std::string::npos) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + colon, at);
    if (ec == std::errc() && p == text.data() + colon)
      return std::optional(std::pair{at, text.substr(colon + 1)});
  }
  return fail(ErrorCode::kInvalidArgument, "cursor is not one this API handed out");
}

}  // namespace

void register_snmp_event_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* events = s.snmp_events;

  http::RouteSpec list{Method::kGet,
                       "/api/v1/tenants/{t}/events",
                       "Traps, informs and device status changes, newest first.",
                       "snmp",
                       Access::kTenant,
                       Role::kViewer};
  list.query_params = {"device", "type", "from", "to", "limit", "cursor"};
  list.response_schema = R"({"type":"object","properties":{"id":{"type":"string"},
"type":{"type":"string","enum":["snmp.trap","snmp.device.status"]},"device":{"type":["string","null"]},
"at":{"type":"string"},"data":{"type":"object"}}})";
  router.add(list, [events](http::Context& ctx) {
    auto page = page_request(ctx.request);
    if (!page)
      return reply_error(ctx, page.error());
    store::SnmpEventFilter f;
    f.device_id = ctx.request.query("device").value_or("");
    f.type = ctx.request.query("type").value_or("");
    if (!f.type.empty() && f.type != "snmp.trap" && f.type != "snmp.device.status")
      return reply_error(
          ctx, Error{ErrorCode::kInvalidArgument, "type must be snmp.trap or snmp.device.status"});
    if (ctx.request.query("from")) {
      auto from = time_param(ctx.request, "from", 0);
      if (!from)
        return reply_error(ctx, from.error());
      f.from = *from;
    }
    if (ctx.request.query("to")) {
      auto to = time_param(ctx.request, "to", 0);
      if (!to)
        return reply_error(ctx, to.error());
      f.to = *to;
    }
    auto cursor = cursor_of(page->after);
    if (!cursor)
      return reply_error(ctx, cursor.error());
    f.before = *cursor;
    f.limit = page->limit;
    auto result = events->list(ctx.tenant(), f);
    if (!result)
      return reply_error(ctx, result.error());
    json items = json::array();
    for (const auto& e : result->items) {
      json data = json::parse(e.data_json, nullptr, false);
      items.push_back({{"id", e.id},
                       {"type", e.type},
                       {"device", e.device_id ? json(*e.device_id) : json(nullptr)},
                       {"at", format_iso8601(e.at)},
                       {"data", data.is_discarded() ? json::object() : data}});
    }
    return reply(200, page_body(std::move(items), result->next_cursor));
  });
}

}  // namespace epcfleet::api
