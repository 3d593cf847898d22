// Availability, latency and poll success of a device or of a tenant's devices over a range.
#include "epcfleet/collector/device_service.hpp"
#include "epcfleet/collector/poller.hpp"
#include "epcfleet/collector/statistics.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

json number_or_null(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

json statistics_json(const collector::PollStatistics& s, std::int64_t from, std::int64_t to) {
  return {{"from", format_iso8601(from)},
          {"to", format_iso8601(to)},
          {"availability_pct", number_or_null(s.availability_pct)},
          {"polls",
           {{"ok", s.polls_ok},
            {"failed", s.polls_failed},
            {"success_ratio", number_or_null(s.success_ratio)}}},
          {"latency_ms",
           {{"p50", number_or_null(s.latency_p50_ms)},
            {"p95", number_or_null(s.latency_p95_ms)},
            {"p99", number_or_null(s.latency_p99_ms)}}}};
}

Result<std::pair<std::int64_t, std::int64_t>> range_of(const http::Request& r, std::int64_t now) {
  auto to = time_param(r, "to", now);
  if (!to)
    return fail(to.error());
  auto from = time_param(r, "from", *to - 24 * 3600'000);
  if (!from)
    return fail(from.error());
  if (*from >= *to)
    return fail(ErrorCode::kInvalidArgument, "from must be before to");
  if (*to - *from > 800LL * 24 * 3600'000)
    return fail(ErrorCode::kInvalidArgument, "the range is at most 800 days");
  return std::pair{*from, *to};
}

constexpr const char* kStatsSchema = R"({"type":"object","properties":{
"from":{"type":"string"},"to":{"type":"string"},"availability_pct":{"type":["number","null"]},
"polls":{"type":"object","properties":{"ok":{"type":"integer"},"failed":{"type":"integer"},"success_ratio":{"type":["number","null"]}}},
"latency_ms":{"type":"object","properties":{"p50":{"type":["number","null"]},"p95":{"type":["number","null"]},"p99":{"type":["number","null"]}}},
"status":{"type":"string"},"status_since":{"type":["string","null"]},"sys_uptime_s":{"type":["number","null"]},
"devices":{"type":"object"}}})";

}  // namespace

void register_device_stats_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  auto* devices = s.devices;
  auto* poller = s.poller;
  auto* engine = s.tsdb;

  http::RouteSpec tenant{Method::kGet,
                         "/api/v1/tenants/{t}/devices/stats",
                         "The tenant's devices: how many are up, availability, latency and poll "
                         "success over a range (default the last 24 h).",
                         "snmp",
                         Access::kTenant,
                         Role::kViewer};
  tenant.response_schema = kStatsSchema;
  tenant.query_params = {"from", "to"};
  router.add(tenant, [devices, poller, engine](http::Context& ctx) {
    auto range = range_of(ctx.request, engine->now());
    if (!range)
      return reply_error(ctx, range.error());
    auto stats = collector::poll_statistics(*engine, ctx.tenant(), "", range->first, range->second);
    json body = statistics_json(stats, range->first, range->second);
    std::size_t total = 0, up = 0, down = 0, unknown = 0;
    store::SnmpDeviceFilter f;
    f.limit = 1000;
    for (;;) {
      auto page = devices->list(ctx.tenant(), f);
      if (!page)
        return reply_error(ctx, page.error());
      for (const auto& d : page->items) {
        ++total;
        auto rt =
            (poller != nullptr && d.enabled) ? poller->runtime(d.tenant_id, d.id) : std::nullopt;
        const auto status = rt ? rt->status
                               : (d.enabled ? collector::parse_status(d.status)
                                            : collector::DeviceStatus::kUnknown);
        up += status == collector::DeviceStatus::kUp ? 1 : 0;
        down += status == collector::DeviceStatus::kDown ? 1 : 0;
        unknown += status == collector::DeviceStatus::kUnknown ? 1 : 0;
      }
      if (!page->next_cursor)
        break;
      f.after_name = page->next_cursor;
    }
    body["devices"] = {{"total", total},
                       {"up", up},
                       {"down", down},
                       {"unknown", unknown},
                       {"polled", stats.devices}};
    return reply(200, body);
  });

  http::RouteSpec device{Method::kGet,
                         "/api/v1/tenants/{t}/devices/{id}/stats",
                         "A device's uptime, status and since when, availability, latency "
                         "percentiles and poll success over a range (default the last 24 h).",
                         "snmp",
                         Access::kTenant,
                         Role::kViewer};
  device.response_schema = kStatsSchema;
  device.query_params = {"from", "to"};
  router.add(device, [devices, poller, engine](http::Context& ctx) {
    auto d = devices->get(ctx.tenant(), ctx.param("id"));
    if (!d)
      return reply_error(ctx, d.error());
    auto range = range_of(ctx.request, engine->now());
    if (!range)
      return reply_error(ctx, range.error());
    auto stats =
        collector::poll_statistics(*engine, ctx.tenant(), d->id, range->first, range->second);
    json body = statistics_json(stats, range->first, range->second);
    body["device"] = d->id;
    auto rt =
        (poller != nullptr && d->enabled) ? poller->runtime(d->tenant_id, d->id) : std::nullopt;
    body["status"] = rt ? std::string(collector::to_string(rt->status))
                        : (d->enabled ? d->status : std::string("unknown"));
    body["status_since"] = iso_or_null(rt ? rt->status_since : d->status_since);
    body["sys_uptime_s"] = rt ? number_or_null(rt->sys_uptime_s) : json(nullptr);
    return reply(200, body);
  });
}

}  // namespace epcfleet::api
