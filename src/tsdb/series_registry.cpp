#include "epcfleet/tsdb/series_registry.hpp"

#include <algorithm>

#include "epcfleet/tsdb/codec.hpp"

namespace epcfleet::tsdb {
namespace {

std::string join_key(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size() + 1);
  out.append(a);
  out.push_back('\0');
  out.append(b);
  return out;
}

// Records of series.log: 'S' a new series, 'D' a dropped tenant (its series are forgotten).
constexpr char kSeriesRecord = 'S';
constexpr char kDropTenantRecord = 'D';

std::string encode_series(SeriesId id, const SeriesKey& key) {
  std::string out(1, kSeriesRecord);
  codec::put_varint(out, id);
  codec::put_string(out, key.tenant);
  codec::put_string(out, key.metric);
  codec::put_string(out, key.device);
  codec::put_varint(out, key.labels.size());
  for (const auto& l : key.labels) {
    codec::put_string(out, l.name);
    codec::put_string(out, l.value);
  }
  return out;
}

bool decode_series(std::string_view in, SeriesId& id, SeriesKey& key) {
  std::uint64_t raw_id = 0, n = 0;
  if (!codec::get_varint(in, raw_id) || !codec::get_string(in, key.tenant) ||
      !codec::get_string(in, key.metric) || !codec::get_string(in, key.device) ||
      !codec::get_varint(in, n) || n > in.size())
    return false;
  key.labels.resize(n);
  for (auto& l : key.labels)
    if (!codec::get_string(in, l.name) || !codec::get_string(in, l.value))
      return false;
  id = static_cast<SeriesId>(raw_id);
  return in.empty() && raw_id <= UINT32_MAX;
}

}  // namespace

void canonical_key(std::string& out, std::string_view tenant, std::string_view metric,
                   std::string_view device, const Labels& labels) {
  out.clear();
  out.append(tenant).push_back('\0');
  out.append(metric).push_back('\0');
  out.append(device).push_back('\0');
  for (const auto& l : labels) {
    out.append(l.name).push_back('\0');
    out.append(l.value).push_back('\0');
  }
}

bool normalize(Labels& labels) {
  std::sort(labels.begin(), labels.end());
  return std::adjacent_find(labels.begin(), labels.end(), [](const Label& a, const Label& b) {
           return a.name == b.name;
         }) == labels.end();
}

Result<std::unique_ptr<SeriesRegistry>> SeriesRegistry::open(const std::filesystem::path& file) {
  auto registry = std::make_unique<SeriesRegistry>();
  std::uint64_t valid = 0;
  if (std::filesystem::exists(file)) {
    auto read = read_records(file, [&](std::string_view payload) -> Status {
      if (!payload.empty() && payload[0] == kDropTenantRecord) {
        registry->unindex_tenant(std::string(payload.substr(1)));
        return ok();
      }
      SeriesId id = 0;
      SeriesKey key;
      if (payload.empty() || payload[0] != kSeriesRecord ||
          !decode_series(payload.substr(1), id, key) || id != registry->keys_.size())
        return fail(ErrorCode::kInternal, "series log " + file.string() + " is corrupt");
      registry->keys_.push_back(std::move(key));
      registry->index(id);
      return ok();
    });
    if (!read)
      return fail(read.error());
    valid = *read;
  }
  auto log = RecordWriter::open(file, valid);
  if (!log)
    return fail(log.error());
  registry->log_ = std::move(*log);
  return registry;
}

std::optional<SeriesId> SeriesRegistry::find(std::string_view canonical) const {
  auto it = by_key_.find(canonical);
  if (it == by_key_.end())
    return std::nullopt;
  return it->second;
}

Result<SeriesId> SeriesRegistry::get_or_create(const SeriesKey& key) {
  std::string canonical;
  canonical_key(canonical, key.tenant, key.metric, key.device, key.labels);
  if (auto it = by_key_.find(canonical); it != by_key_.end())
    return it->second;
  if (keys_.size() >= UINT32_MAX)
    return fail(ErrorCode::kUnavailable, "the store holds the most series it can");
  auto id = static_cast<SeriesId>(keys_.size());
  if (auto st = log_->append(encode_series(id, key)); !st)
    return fail(st.error());
  keys_.push_back(key);
  index(id);
  dirty_ = true;
  return id;
}

Status SeriesRegistry::sync() {
  if (!dirty_)
    return ok();
  dirty_ = false;
  return log_->sync();
}

Status SeriesRegistry::drop_tenant(const std::string& tenant) {
  if (auto st = log_->append(std::string(1, kDropTenantRecord) + tenant); !st)
    return st;
  dirty_ = true;
  unindex_tenant(tenant);
  return ok();
}

void SeriesRegistry::unindex_tenant(const std::string& tenant) {
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end())
    return;
  std::string canonical;
  for (SeriesId id : it->second) {
    const auto& key = keys_[id];
    canonical_key(canonical, key.tenant, key.metric, key.device, key.labels);
    by_key_.erase(canonical);
    auto tm = join_key(key.tenant, key.metric);
    by_metric_device_.erase(join_key(tm, key.device));
    by_metric_.erase(tm);
    dropped_.insert(id);
  }
  by_tenant_.erase(it);
}

void SeriesRegistry::index(SeriesId id) {
  const auto& key = keys_[id];
  std::string canonical;
  canonical_key(canonical, key.tenant, key.metric, key.device, key.labels);
  by_key_.emplace(std::move(canonical), id);
  by_tenant_[key.tenant].push_back(id);
  auto tm = join_key(key.tenant, key.metric);
  by_metric_device_[join_key(tm, key.device)].push_back(id);
  by_metric_[std::move(tm)].push_back(id);
}

std::vector<SeriesId> SeriesRegistry::select(std::string_view tenant, std::string_view metric,
                                             std::string_view device) const {
  const std::vector<SeriesId>* ids = nullptr;
  if (!metric.empty() && !device.empty()) {
    auto it = by_metric_device_.find(join_key(join_key(tenant, metric), device));
    ids = it == by_metric_device_.end() ? nullptr : &it->second;
  } else if (!metric.empty()) {
    auto it = by_metric_.find(join_key(tenant, metric));
    ids = it == by_metric_.end() ? nullptr : &it->second;
  } else {
    auto it = by_tenant_.find(std::string(tenant));
    ids = it == by_tenant_.end() ? nullptr : &it->second;
  }
  if (ids == nullptr)
    return {};
  if (device.empty() || !metric.empty())
    return *ids;
  std::vector<SeriesId> out;
  for (auto id : *ids)
    if (keys_[id].device == device)
      out.push_back(id);
  return out;
}

std::vector<std::pair<std::string, std::size_t>> SeriesRegistry::metrics(
    std::string_view tenant) const {
  std::vector<std::pair<std::string, std::size_t>> out;
  std::string prefix(tenant);
  prefix.push_back('\0');
  for (const auto& [key, ids] : by_metric_)
    if (key.starts_with(prefix))
      out.emplace_back(key.substr(prefix.size()), ids.size());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> SeriesRegistry::tenants() const {
  std::vector<std::string> out;
  for (const auto& [t, _] : by_tenant_)
    out.push_back(t);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace epcfleet::tsdb
