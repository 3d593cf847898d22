// Ingest: InfluxDB line protocol into the time-series store (POST …/write), all or nothing.
#include <shared_mutex>
#include <unordered_map>

#include "epcfleet/compress/compress.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/line_protocol.hpp"
#include "epcfleet/tsdb/series_registry.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace epcfleet::api {
namespace {

constexpr std::size_t kMaxWriteBytes = 64u << 20;
constexpr std::size_t kMaxInflatedBytes = 512u << 20;

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

}  // namespace

void register_timeseries_write_routes(http::Router& router, const Services& s) {
  using http::Access;
  using http::Method;
  tsdb::Engine* engine = s.tsdb;

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
}

}  // namespace epcfleet::api
