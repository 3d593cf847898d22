#pragma once
// Every series the store has seen, with a dense id, persisted in an append-only log (series.log)
// before any sample refers to it. Ids are never reused; blocks and the WAL refer to series by id.
// Not thread-safe: the engine guards it.

#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/tsdb/record_log.hpp"
#include "epcfleet/tsdb/types.hpp"

namespace epcfleet::tsdb {

// tenant \0 metric \0 device \0 (name \0 value \0)*: one string per series, used as map key.
void canonical_key(std::string& out, std::string_view tenant, std::string_view metric,
                   std::string_view device, const Labels& labels);
// Sorts by name; false when a name repeats.
bool normalize(Labels& labels);

// Lets maps keyed by std::string be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class SeriesRegistry {
public:
  static Result<std::unique_ptr<SeriesRegistry>> open(const std::filesystem::path& file);

  std::optional<SeriesId> find(std::string_view canonical) const;
  // fdatasync of the log when something was added since the last call.
  Status sync();
  // Persists a new series (one write) and returns its id; the existing id if known.
  Result<SeriesId> get_or_create(const SeriesKey& key);

  const SeriesKey& key(SeriesId id) const { return keys_[id]; }
  std::size_t size() const { return keys_.size(); }
  bool contains(SeriesId id) const { return id < keys_.size(); }

  // Series of a tenant, optionally narrowed to a metric and a device (exact names).
  std::vector<SeriesId> select(std::string_view tenant, std::string_view metric,
                               std::string_view device) const;
  std::vector<std::string> tenants() const;
  // The tenant's metric names with their series counts, sorted by name.
  std::vector<std::pair<std::string, std::size_t>> metrics(std::string_view tenant) const;

  // Forgets every series of the tenant (persisted): a tenant created again under the same id
  // starts empty. Ids are not reused.
  Status drop_tenant(const std::string& tenant);
  bool dropped(SeriesId id) const { return !dropped_.empty() && dropped_.count(id) != 0; }

private:
  void index(SeriesId id);
  void unindex_tenant(const std::string& tenant);

  std::unique_ptr<RecordWriter> log_;
  bool dirty_ = false;
  std::deque<SeriesKey> keys_;  // stable references
  std::unordered_map<std::string, SeriesId, StringHash, std::equal_to<>> by_key_;
  std::unordered_map<std::string, std::vector<SeriesId>> by_tenant_;
  std::unordered_map<std::string, std::vector<SeriesId>> by_metric_;         // tenant\0metric
  std::unordered_map<std::string, std::vector<SeriesId>> by_metric_device_;  // …\0device
  std::unordered_set<SeriesId> dropped_;
};

}  // namespace epcfleet::tsdb
