// Time series: series discovery, range and latest queries, line-protocol ingest, retention.
// Answers are written by hand rather than through nlohmann::json: a range answer is mostly
// numbers, and dashboards ask for many at once.
#include <charconv>
#include <cmath>
#include <shared_mutex>
#include <unordered_map>

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/compress/compress.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/line_protocol.hpp"
#include "epcfleet/tsdb/query.hpp"
#include "epcfleet/tsdb/series_registry.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

constexpr std::size_t kMaxWriteBytes = 64u << 20;
constexpr std::size_t kMaxInflatedBytes = 512u << 20;

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

// Unix seconds (integer or fractional) or RFC 3339 (UTC, "Z").
Result<std::int64_t> parse_time(const std::string& name, const std::string& text) {
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

Result<std::int64_t> parse_duration(const std::string& name, const std::string& text) {
  if (auto d = parse_duration_ms(text))
    return *d;
  return fail(
      ErrorCode::kInvalidArgument,
      name + " must be a positive duration such as 60, 30s, 5m, 1h or 2d, not '" + text + "'");
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

// Line-protocol names may hold any character; metric and label names are kept to
// [a-zA-Z0-9_:.] (label names without ':' and '.'), everything else becomes '_'.
std::string sanitize_name(std::string_view in, bool label) {
  std::string out(in);
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        (label || (c != ':' && c != '.')))
      c = '_';
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0])))
    out.insert(out.begin(), '_');
  return out;
}

// Line-protocol writers send the same measurement-and-tags text for a series every time: resolved
// ids are cached by tenant and that text, then by field (in the order the line gives them), so
// that a known line costs one hash lookup instead of tag unescaping, name sanitizing, label
// sorting and a registry lookup per field.
struct LineSeriesCache {
  static constexpr std::size_t kMaxLines = 200'000;  // about 40 MB at most; cleared when full
  using Fields = std::vector<std::pair<std::string, tsdb::SeriesId>>;
  std::shared_mutex mutex;
  std::unordered_map<std::string, Fields, tsdb::StringHash, std::equal_to<>> lines;

  static const tsdb::SeriesId* find(const Fields& fields, std::size_t index,
                                    std::string_view name) {
    if (index < fields.size() && fields[index].first == name)
      return &fields[index].second;
    for (const auto& [n, id] : fields)
      if (n == name)
        return &id;
    return nullptr;
  }
};

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
    const std::int64_t now = engine->now();
    r.end = now;
    if (auto e = ctx.request.query("end")) {
      auto t = parse_time("end", *e);
      if (!t)
        return reply_error(ctx, t.error());
      r.end = *t;
    }
    r.start = r.end - 3'600'000;
    if (auto st = ctx.request.query("start")) {
      auto t = parse_time("start", *st);
      if (!t)
        return reply_error(ctx, t.error());
      r.start = *t;
    }
    if (auto st = ctx.request.query("step")) {
      auto d = parse_duration("step", *st);
      if (!d)
        return reply_error(ctx, d.error());
      r.step = *d;
    }
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
    std::int64_t at = engine->now();
    if (auto a = ctx.request.query("at")) {
      auto t = parse_time("at", *a);
      if (!t)
        return reply_error(ctx, t.error());
      at = *t;
    }
    std::int64_t lookback = 15 * 60'000;
    if (auto l = ctx.request.query("lookback")) {
      auto d = parse_duration("lookback", *l);
      if (!d)
        return reply_error(ctx, d.error());
      lookback = *d;
    }
    auto points = tsdb::query_latest(*engine, *selector, at, lookback);
    if (!points)
      return reply_error(ctx, points.error());
    std::string out = "{\"at\":" + std::to_string(at) + ",\"series\":[";
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

  http::RouteSpec write{
      Method::kPost,
      "/api/v1/tenants/{t}/write",
      "Ingest samples in InfluxDB line protocol; all or nothing. 204 means durable.",
      "timeseries",
      Access::kTenant,
      Role::kOperator,
      "timeseries.write"};
  write.success_status = 204;
  write.max_body_bytes = kMaxWriteBytes;
  write.query_params = {"precision", "db"};
  auto cache = std::make_shared<LineSeriesCache>();
  router.add(write, [engine, cache](http::Context& ctx) {
    tsdb::Precision precision{};
    if (!tsdb::parse_precision(ctx.request.query("precision").value_or(""), precision))
      return reply_error(ctx,
                         Error{ErrorCode::kInvalidArgument, "precision must be ns, us, ms or s"});
    // Telegraf and the InfluxDB clients gzip their writes.
    std::string inflated;
    std::string_view body = ctx.request.body;
    if (auto encoding = ctx.request.header("content-encoding");
        encoding && *encoding != "identity") {
      if (*encoding != "gzip")
        return reply_error(
            ctx, Error{ErrorCode::kInvalidArgument, "Content-Encoding must be gzip or identity"});
      auto out = compress::gunzip(body, kMaxInflatedBytes);
      if (!out)
        return reply_error(ctx, Error{ErrorCode::kInvalidArgument,
                                      "the body is not valid gzip (or inflates beyond 512 MiB)"});
      inflated = std::move(*out);
      body = inflated;
    }
    const std::string& tenant = ctx.tenant();
    std::vector<tsdb::Append> samples;
    std::vector<std::size_t> lines;  // the line of each sample, for errors
    std::string canonical, metric, cache_key;
    std::vector<std::size_t> misses;
    tsdb::Labels labels;
    tsdb::SeriesKey key;
    key.tenant = tenant;
    auto parsed = tsdb::parse_line_protocol(
        body, precision, engine->now(), [&](const tsdb::LinePoint& p) -> Status {
          cache_key.assign(tenant).push_back('\0');
          cache_key.append(p.series_text);
          misses.clear();
          {
            std::shared_lock lock(cache->mutex);
            auto it = cache->lines.find(std::string_view(cache_key));
            for (std::size_t f = 0; f < p.fields.size(); ++f) {
              const tsdb::SeriesId* id =
                  it == cache->lines.end()
                      ? nullptr
                      : LineSeriesCache::find(it->second, f, p.fields[f].first);
              if (id == nullptr) {
                misses.push_back(f);
                continue;
              }
              samples.push_back({*id, p.t_ms, p.fields[f].second});
              lines.push_back(p.line);
            }
          }
          if (misses.empty())
            return ok();
          std::string device;
          labels.clear();
          for (const auto& [k, v] : p.tags) {
            if (k == "device")
              device = v;
            else
              labels.push_back({sanitize_name(k, true), v});
          }
          if (!tsdb::normalize(labels))
            return fail(ErrorCode::kInvalidArgument,
                        "line " + std::to_string(p.line) + ": a tag name repeats");
          std::string measurement = sanitize_name(p.measurement, false);
          for (std::size_t f : misses) {
            const auto& [field, value] = p.fields[f];
            metric =
                field == "value" ? measurement : measurement + "_" + sanitize_name(field, true);
            tsdb::canonical_key(canonical, tenant, metric, device, labels);
            auto id = engine->find_series(canonical);
            if (!id) {
              key.metric = metric;
              key.device = device;
              key.labels = labels;
              auto created = engine->series(key);
              if (!created)
                return fail(created.error());
              id = *created;
            }
            samples.push_back({*id, p.t_ms, value});
            lines.push_back(p.line);
            std::unique_lock lock(cache->mutex);
            if (cache->lines.size() >= LineSeriesCache::kMaxLines)
              cache->lines.clear();
            auto& fields = cache->lines[cache_key];
            if (LineSeriesCache::find(fields, f, field) == nullptr)
              fields.emplace_back(field, *id);
          }
          return ok();
        });
    if (!parsed)
      return reply_error(ctx, parsed.error());
    std::size_t failed = 0;
    auto appended = engine->append(samples, &failed);
    if (!appended) {
      auto error = appended.error();
      if (error.code == ErrorCode::kInvalidArgument && failed < lines.size())
        error.message = "line " + std::to_string(lines[failed]) + ": " + error.message +
                        "; nothing was written";
      return reply_error(ctx, error);
    }
    http::Response r;
    r.status = 204;
    return r;
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
      auto d = parse_duration(names[i], **v);
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
