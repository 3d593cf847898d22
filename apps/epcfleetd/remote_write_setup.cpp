#include "remote_write_setup.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "epcfleet/metrics/registry.hpp"
#include "epcfleet/tsdb/series_registry.hpp"

namespace epcfleet::app {
namespace {

Result<std::string> read_secret_file(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return fail(ErrorCode::kInvalidArgument, key + ": cannot read " + path);
  std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
    value.pop_back();
  if (value.empty())
    return fail(ErrorCode::kInvalidArgument, key + ": " + path + " is empty");
  return value;
}

// "cluster=eu1,region=west" -> labels.
Result<std::vector<remote_write::Label>> parse_labels(const std::string& text) {
  std::vector<remote_write::Label> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    auto part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto eq = part.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorCode::kInvalidArgument,
                  "remote_write_labels must be name=value pairs separated by commas");
    out.push_back({part.substr(0, eq), part.substr(eq + 1)});
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

using TenantLabels = std::map<std::string, std::vector<remote_write::Label>, std::less<>>;

// "acme:region=eu,cluster=a;globex:region=us" -> labels per tenant.
Result<TenantLabels> parse_tenant_labels(const std::string& text) {
  TenantLabels out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto semi = text.find(';', pos);
    auto part = text.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
    auto colon = part.find(':');
    if (colon == std::string::npos || colon == 0)
      return fail(ErrorCode::kInvalidArgument,
                  "remote_write_tenant_labels must be tenant:name=value,… groups separated by ';'");
    auto labels = parse_labels(part.substr(colon + 1));
    if (!labels)
      return fail(labels.error());
    out[part.substr(0, colon)] = std::move(*labels);
    if (semi == std::string::npos)
      break;
    pos = semi + 1;
  }
  return out;
}

// Label sets per series id, built once: `tenant`, `device` and `__name__`, the series' own, then
// the tenant's configured labels (a series' own label of the same name wins).
class LabelCache {
public:
  explicit LabelCache(TenantLabels tenant_labels) : tenant_labels_(std::move(tenant_labels)) {}

  const std::vector<remote_write::Label>& labels(tsdb::SeriesId id,
                                                 const tsdb::SeriesRegistry& registry) {
    auto it = cache_.find(id);
    if (it != cache_.end())
      return it->second;
    const auto& key = registry.key(id);
    std::vector<remote_write::Label> labels{{"__name__", key.metric}, {"tenant", key.tenant}};
    if (!key.device.empty())
      labels.push_back({"device", key.device});
    for (const auto& l : key.labels)
      if (l.name != "tenant" && l.name != "device" && l.name != "__name__")
        labels.push_back({l.name, l.value});
    if (auto t = tenant_labels_.find(key.tenant); t != tenant_labels_.end())
      for (const auto& extra : t->second)
        if (std::none_of(labels.begin(), labels.end(),
                         [&](const auto& l) { return l.name == extra.name; }))
          labels.push_back(extra);
    return cache_.emplace(id, std::move(labels)).first->second;
  }

private:
  TenantLabels tenant_labels_;
  std::unordered_map<tsdb::SeriesId, std::vector<remote_write::Label>> cache_;
};

}  // namespace

Result<std::unique_ptr<remote_write::Writer>> open_remote_write(const Config& config) {
  remote_write::Config c;
  c.url = config.get("remote_write_url");
  if (c.url.empty())
    return std::unique_ptr<remote_write::Writer>();
  c.queue_dir = config.get("remote_write_queue_dir");
  auto max_bytes = config.get_int("remote_write_max_queue_bytes", 1 << 20, 1L << 40);
  if (!max_bytes)
    return fail(max_bytes.error());
  c.max_queue_bytes = static_cast<std::uint64_t>(*max_bytes);
  auto labels = parse_labels(config.get("remote_write_labels"));
  if (!labels)
    return fail(labels.error());
  c.extra_labels = std::move(*labels);
  if (auto path = config.get("remote_write_bearer_token_file"); !path.empty()) {
    auto token = read_secret_file("remote_write_bearer_token_file", path);
    if (!token)
      return fail(token.error());
    c.bearer_token = std::move(*token);
  }
  if (auto user = config.get("remote_write_basic_auth_user"); !user.empty()) {
    auto password = read_secret_file("remote_write_basic_auth_password_file",
                                     config.get("remote_write_basic_auth_password_file"));
    if (!password)
      return fail(password.error());
    c.basic_auth = std::make_pair(user, std::move(*password));
  }
  return remote_write::Writer::open(std::move(c));
}

Status stream_to_remote(const Config& config, tsdb::Engine& engine, remote_write::Writer& writer) {
  auto tenant_labels = parse_tenant_labels(config.get("remote_write_tenant_labels"));
  if (!tenant_labels)
    return fail(tenant_labels.error());
  auto cache = std::make_shared<LabelCache>(std::move(*tenant_labels));
  engine.set_append_observer([cache, &writer](std::span<const tsdb::Append> samples,
                                              const tsdb::SeriesRegistry& registry) {
    // Group the batch by series (a poll has one sample per series; a write may have more).
    std::vector<remote_write::Series> out;
    std::unordered_map<tsdb::SeriesId, std::size_t> index;
    for (const auto& s : samples) {
      auto [it, added] = index.emplace(s.series, out.size());
      if (added)
        out.push_back({cache->labels(s.series, registry), {}});
      out[it->second].samples.emplace_back(s.t, s.v);
    }
    writer.enqueue(out);
  });
  metrics::default_registry().on_collect([&writer](metrics::Registry& r) {
    auto s = writer.stats();
    auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    r.gauge("epcfleet_remote_write_queue_samples", "Samples waiting to be sent")
        .set(d(s.queued_samples));
    r.gauge("epcfleet_remote_write_queue_bytes", "Bytes of the on-disk queue").set(d(s.disk_bytes));
    r.counter("epcfleet_remote_write_sent_samples_total", "Samples the endpoint acknowledged")
        .set(d(s.sent_samples));
    r.counter("epcfleet_remote_write_retries_total", "Attempts that failed and were retried")
        .set(d(s.retries));
    r.counter("epcfleet_remote_write_failed_requests_total",
              "Requests the endpoint refused for good (dropped)")
        .set(d(s.failed_requests));
    r.counter("epcfleet_remote_write_dropped_samples_total",
              "Samples dropped because the queue outgrew its bound")
        .set(d(s.dropped_samples));
    r.counter("epcfleet_remote_write_rejected_samples_total",
              "Samples of requests the endpoint refused for good")
        .set(d(s.rejected_samples));
    r.gauge("epcfleet_remote_write_up", "1 while the last attempt succeeded")
        .set(s.last_error.empty() ? 1.0 : 0.0);
  });
  return ok();
}

}  // namespace epcfleet::app
