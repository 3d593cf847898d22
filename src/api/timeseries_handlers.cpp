// Time series: metric names, series discovery, range and latest queries, retention (ingest is
// in timeseries_write_handlers.cpp).
// Answers are written by hand rather than through nlohmann::json: a range answer is mostly
// numbers, and dashboards ask for many at once.
#include <charconv>
#include <cmath>

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/query.hpp"
#include "epcfleet/tsdb/series_registry.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

void append_json_string(std::string& out, std::string_view s) {
  out.append(json(s).dump(-1, ' ', false, json::error_handler_t::replace));
}

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_key(std::string& out, const std::string& metric, const std::string& device,
                const tsdb::Labels& labels) {
  out.append("\"metric\":");
  append_json_string(out, metric);
  out.append(",\"device\":");
  append_json_string(out, device);
  out.append(",\"labels\":{");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    append_json_string(out, labels[i].name);
    out.push_back(':');
    append_json_string(out, labels[i].value);
  }
  out.push_back('}');
}

Result<tsdb::Selector> selector_from(const http::Context& ctx) {
  tsdb::Selector s;
  s.tenant = ctx.tenant();
  s.metric = ctx.request.query("metric").value_or("");
  s.device = ctx.request.query("device").value_or("");
  auto matchers = tsdb::parse_matchers(ctx.request.query("labels").value_or(""));
  if (!matchers)
    return fail(matchers.error());
  s.matchers = std::move(*matchers);
  return s;
}

std::vector<std::string> split_by(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    auto comma = text.find(',', pos);
    auto part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!part.empty())
      out.push_back(part);
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

constexpr const char* kRangeSchema = R"({"type":"object","properties":{
"start":{"type":"integer"},"end":{"type":"integer"},"step":{"type":"integer"},
"tier":{"type":"string","enum":["raw","5m","1h"]},
"timestamps":{"type":"array","items":{"type":"integer"}},
"series":{"type":"array","items":{"type":"object","properties":{"metric":{"type":"string"},
"device":{"type":"string"},"labels":{"type":"object"},
"values":{"type":"array","items":{"type":["number","null"]}}}}}}})";
constexpr const char* kLatestSchema = R"({"type":"object","properties":{"at":{"type":"integer"},
"series":{"type":"array","items":{"type":"object","properties":{"metric":{"type":"string"},
"device":{"type":"string"},"labels":{"type":"object"},"timestamp":{"type":"integer"},
"value":{"type":["number","null"]}}}}}})";
constexpr const char* kRetentionSchema = R"({"type":"object","properties":{
"raw":{"type":"string"},"5m":{"type":"string"},"1h":{"type":"string"}}})";

std::string format_duration(std::int64_t ms) {
  if (ms % 86'400'000 == 0)
    return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0)
    return std::to_string(ms / 3'600'000) + "h";
  return std::to_string(ms / 1000) + "s";
}

json retention_json(const tsdb::Retention& r) {
  return {{"raw", format_duration(r.raw_ms)},
          {"5m", format_duration(r.m5_ms)},
          {"1h", format_duration(r.h1_ms)}};
}

}  // namespace

void register_timeseries_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  tsdb::Engine* engine = s.tsdb;
  auto db = s.db;

  http::RouteSpec series{
      Method::kGet,
      "/api/v1/tenants/{t}/series",
      "Series discovery: the tenant's series matching a metric, a device and label matchers.",
      "timeseries",
      Access::kTenant,
      Role::kViewer};
  series.query_params = {"metric", "device", "labels", "cursor", "limit"};
  router.add(series, [engine](http::Context& ctx) {
    auto selector = selector_from(ctx);
    if (!selector)
      return reply_error(ctx, selector.error());
    auto page = page_request(ctx.request);
    if (!page)
      return reply_error(ctx, page.error());
    auto ids = tsdb::select_series(*engine, *selector);
    std::sort(ids.begin(), ids.end());
    std::uint64_t after = 0;
    if (!page->after.empty())
      after = std::strtoull(page->after.c_str(), nullptr, 10) + 1;
    json items = json::array();
    std::optional<std::string> next;
    std::uint64_t last = 0;
    for (auto id : ids) {
      if (id < after)
        continue;
      if (items.size() == page->limit) {
        next = std::to_string(last);
        break;
      }
      auto key = engine->key(id);
      json labels = json::object();
      for (const auto& l : key.labels)
        labels[l.name] = l.value;
      items.push_back({{"metric", key.metric}, {"device", key.device}, {"labels", labels}});
      last = id;
    }
    return reply(200, page_body(std::move(items), next));
  });

  http::RouteSpec metric_names{Method::kGet,
                               "/api/v1/tenants/{t}/metrics",
                               "The tenant's metric names and how many series each has.",
                               "timeseries",
                               Access::kTenant,
                               Role::kViewer};
  metric_names.response_schema = R"({"type":"object","properties":{"items":{"type":"array",
"items":{"type":"object","properties":{"name":{"type":"string"},"series":{"type":"integer"}}}}}})";
  router.add(metric_names, [engine](http::Context& ctx) {
    json items = json::array();
    for (const auto& [name, count] : engine->metrics(ctx.tenant()))
      items.push_back({{"name", name}, {"series", count}});
    return reply(200, json{{"items", std::move(items)}});
  });

  http::RouteSpec range{Method::kGet,
                        "/api/v1/tenants/{t}/query_range",
                        "Aligned points of the matching series over a range: a function per step "
                        "bucket, optionally aggregated across series.",
                        "timeseries",
                        Access::kTenant,
                        Role::kViewer};
  range.query_params = {"metric", "device", "labels", "start", "end", "step", "fn", "agg", "by"};
  range.response_schema = kRangeSchema;
  router.add(range, [engine](http::Context& ctx) {
    auto selector = selector_from(ctx);
    if (!selector)
      return reply_error(ctx, selector.error());
    if (selector->metric.empty())
      return reply_error(ctx, Error{ErrorCode::kInvalidArgument, "metric is required"});
    tsdb::RangeRequest r;
    r.selector = std::move(*selector);
    auto end = time_param(ctx.request, "end", engine->now());
    if (!end)
      return reply_error(ctx, end.error());
    r.end = *end;
    auto start = time_param(ctx.request, "start", r.end - 3'600'000);
    if (!start)
      return reply_error(ctx, start.error());
    r.start = *start;
    auto step = duration_param(ctx.request, "step", r.step);
    if (!step)
      return reply_error(ctx, step.error());
    r.step = *step;
    auto fn = tsdb::parse_fn(ctx.request.query("fn").value_or(""));
    if (!fn)
      return reply_error(ctx, fn.error());
    r.fn = *fn;
    auto agg = tsdb::parse_agg(ctx.request.query("agg").value_or(""));
    if (!agg)
      return reply_error(ctx, agg.error());
    r.agg = *agg;
    r.by = split_by(ctx.request.query("by").value_or(""));
    auto result = tsdb::query_range(*engine, r);
    if (!result)
      return reply_error(ctx, result.error());
    std::string out;
    out.reserve(256 + result->timestamps.size() * 16 * (1 + result->series.size()));
    out.append("{\"start\":").append(std::to_string(result->start));
    out.append(",\"end\":").append(std::to_string(result->end));
    out.append(",\"step\":").append(std::to_string(result->step));
    out.append(",\"tier\":\"").append(tsdb::tier_name(result->tier)).append("\",\"timestamps\":[");
    for (std::size_t i = 0; i < result->timestamps.size(); ++i) {
      if (i > 0)
        out.push_back(',');
      out.append(std::to_string(result->timestamps[i]));
    }
    out.append("],\"series\":[");
    for (std::size_t i = 0; i < result->series.size(); ++i) {
      const auto& x = result->series[i];
      out.append(i > 0 ? ",{" : "{");
      append_key(out, x.metric, x.device, x.labels);
      out.append(",\"values\":[");
      for (std::size_t k = 0; k < x.values.size(); ++k) {
        if (k > 0)
          out.push_back(',');
        if (x.values[k])
          append_number(out, *x.values[k]);
        else
          out.append("null");
      }
      out.append("]}");
    }
    out.append("]}");
    return http::Response::json(200, std::move(out));
  });

  http::RouteSpec latest{Method::kGet,
                         "/api/v1/tenants/{t}/query",
                         "The newest value of every matching series at a time (default now).",
                         "timeseries",
                         Access::kTenant,
                         Role::kViewer};
  latest.query_params = {"metric", "device", "labels", "at", "lookback"};
  latest.response_schema = kLatestSchema;
  router.add(latest, [engine](http::Context& ctx) {
    auto selector = selector_from(ctx);
    if (!selector)
      return reply_error(ctx, selector.error());
    auto at = time_param(ctx.request, "at", engine->now());
    if (!at)
      return reply_error(ctx, at.error());
    auto lookback = duration_param(ctx.request, "lookback", 15 * 60'000);
    if (!lookback)
      return reply_error(ctx, lookback.error());
    auto points = tsdb::query_latest(*engine, *selector, *at, *lookback);
    if (!points)
      return reply_error(ctx, points.error());
    std::string out = "{\"at\":" + std::to_string(*at) + ",\"series\":[";
    for (std::size_t i = 0; i < points->size(); ++i) {
      const auto& p = (*points)[i];
      out.append(i > 0 ? ",{" : "{");
      append_key(out, p.key.metric, p.key.device, p.key.labels);
      out.append(",\"timestamp\":").append(std::to_string(p.sample.t)).append(",\"value\":");
      append_number(out, p.sample.v);
      out.push_back('}');
    }
    out.append("]}");
    return http::Response::json(200, std::move(out));
  });

  http::RouteSpec get_retention{Method::kGet,
                                "/api/v1/tenants/{t}/retention",
                                "How long each tier of the tenant's time series is kept.",
                                "timeseries",
                                Access::kTenant,
                                Role::kViewer};
  get_retention.response_schema = kRetentionSchema;
  router.add(get_retention, [engine](http::Context& ctx) {
    return reply(200, retention_json(engine->retention(ctx.tenant())));
  });

  http::RouteSpec put_retention{
      Method::kPut,
      "/api/v1/tenants/{t}/retention",
      "Set how long each tier is kept (raw, 5m, 1h); whole blocks are dropped once past it.",
      "timeseries",
      Access::kTenant,
      Role::kOwner,
      "timeseries.retention"};
  put_retention.request_schema = kRetentionSchema;
  put_retention.response_schema = kRetentionSchema;
  router.add(put_retention, [engine, db](http::Context& ctx) {
    auto body = parse_object(ctx.request, {"raw", "5m", "1h"});
    if (!body)
      return reply_error(ctx, body.error());
    tsdb::Retention r = engine->retention(ctx.tenant());
    std::int64_t* fields[] = {&r.raw_ms, &r.m5_ms, &r.h1_ms};
    const char* names[] = {"raw", "5m", "1h"};
    for (int i = 0; i < 3; ++i) {
      auto v = optional_string(*body, names[i]);
      if (!v)
        return reply_error(ctx, v.error());
      if (!*v)
        continue;
      auto d = parse_duration_text(names[i], **v);
      if (!d)
        return reply_error(ctx, d.error());
      if (*d < 3'600'000)
        return reply_error(ctx, Error{ErrorCode::kInvalidArgument,
                                      std::string(names[i]) + " retention must be at least 1h"});
      *fields[i] = *d;
    }
    if (!(r.raw_ms <= r.m5_ms && r.m5_ms <= r.h1_ms))
      return reply_error(ctx, Error{ErrorCode::kInvalidArgument,
                                    "coarser tiers must be kept at least as long as finer ones "
                                    "(raw <= 5m <= 1h)"});
    if (auto st = engine->set_retention(ctx.tenant(), r); !st)
      return reply_error(ctx, st.error());
    audit::Entry entry;
    entry.tenant_id = ctx.tenant();
    entry.action = "timeseries.retention";
    entry.target = ctx.tenant();
    entry.detail_json = retention_json(r).dump();
    if (auto rec = audit::append_alone(*db, ctx.actor, entry); !rec)
      return reply_error(ctx, rec.error());
    return reply(200, retention_json(r));
  });
}

}  // namespace epcfleet::api
