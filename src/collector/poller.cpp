#include "epcfleet/collector/poller.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>

#include "epcfleet/logging/log.hpp"
#include "epcfleet/tsdb/engine.hpp"
#include "epcfleet/tsdb/series_registry.hpp"
#include "poll_job.hpp"

namespace epcfleet::collector {
namespace {

using Clock = std::chrono::steady_clock;

std::string key_of(const std::string& tenant, const std::string& id) {
  return tenant + '/' + id;
}

// Where in its interval a device's polls fall: a stable hash of the device, so that restarts
// keep the phase and a fleet added at once does not poll in one burst.
std::int64_t phase_of(const std::string& key, std::int64_t interval_ms) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : key)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(interval_ms));
}

struct DeviceState {
  std::shared_ptr<const PollDevice> device;
  std::uint64_t generation = 0;
  bool polling = false;
  DeviceRuntime runtime;
  int consecutive_ok = 0;
  int consecutive_failed = 0;
  std::optional<std::uint64_t> uptime_ticks;
  std::unordered_map<std::string, tsdb::SeriesId> series;
  std::unordered_map<tsdb::SeriesId, CounterState> counters;
};

struct Due {
  std::int64_t at = 0;  // steady ms
  std::string key;
  std::uint64_t generation = 0;
  std::int64_t deferred_from = 0;  // a poll the in-flight bound held back: when it was due
  bool operator>(const Due& o) const { return at > o.at; }
};

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The first steady time at or after `not_before` whose wall-clock time falls on the device's
// phase: polls keep their place in the interval across edits and restarts, and a fleet added
// at once is spread over the interval from its second poll on.
std::int64_t next_in_phase(const std::string& key, int interval_s, std::int64_t not_before) {
  const std::int64_t interval = std::int64_t{interval_s} * 1000;
  const std::int64_t phase = phase_of(key, interval);
  const std::int64_t offset = wall_ms() - steady_ms();  // wall = steady + offset
  const std::int64_t wall = not_before + offset;
  std::int64_t next = wall - ((wall % interval) + interval) % interval + phase;
  if (next < wall)
    next += interval;
  return next - offset;
}

struct StatusChange {
  std::shared_ptr<const PollDevice> device;
  DeviceStatus previous, now;
  TimestampMs at;
  std::string reason;
};

}  // namespace

class Poller::Impl {
public:
  Impl(PollerOptions options, snmp::Client& client, tsdb::Engine& engine, StatusListener* listener)
      : options_(options), client_(client), engine_(engine), listener_(listener) {}

  void load(std::vector<PollDevice> devices) {
    std::lock_guard lock(mu_);
    const auto now = steady_ms();
    for (auto& d : devices) {
      const auto key = key_of(d.tenant, d.id);
      auto& st = devices_[key];
      st.runtime.status = d.enabled ? d.status : DeviceStatus::kUnknown;
      st.runtime.status_since = d.status_since;
      st.device = std::make_shared<const PollDevice>(std::move(d));
      ++st.generation;
      if (st.device->enabled)
        heap_.push({next_in_phase(key, st.device->interval_s, now), key, st.generation});
    }
    cv_.notify_all();
  }

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    {
      std::unique_lock lock(mu_);
      if (stopping_)
        return;
      stopping_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable())
      thread_.join();
  }

  void changed(const PollDevice& device) {
    std::lock_guard lock(mu_);
    const auto key = key_of(device.tenant, device.id);
    auto& st = devices_[key];
    const bool fresh = st.device == nullptr;
    const bool plan_changed = fresh || st.device->tags != device.tags ||
                              profile_json(*st.device->profile) != profile_json(*device.profile);
    if (plan_changed) {
      st.series.clear();
      st.counters.clear();
    }
    if (!device.enabled) {
      st.runtime.status = DeviceStatus::kUnknown;
      st.runtime.status_since = now_ms();
      st.consecutive_ok = st.consecutive_failed = 0;
    }
    if (!fresh && (st.device->target.address != device.target.address ||
                   st.device->target.port != device.target.port ||
                   st.device->target.user != device.target.user)) {
      client_.forget(st.device->target);
    }
    st.device = std::make_shared<const PollDevice>(device);
    ++st.generation;
    if (device.enabled) {
      // A new or changed device is polled soon (within 2 s) so that the operator sees it.
      const auto key_phase = phase_of(key, 2000);
      heap_.push({steady_ms() + key_phase, key, st.generation});
    }
    cv_.notify_all();
  }

  void removed(const std::string& tenant, const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = devices_.find(key_of(tenant, id));
    if (it == devices_.end())
      return;
    client_.forget(it->second.device->target);
    devices_.erase(it);  // heap entries for it are skipped when they come up
  }

  void tenant_removed(const std::string& tenant) {
    std::lock_guard lock(mu_);
    std::erase_if(devices_,
                  [&](const auto& entry) { return entry.second.device->tenant == tenant; });
  }

  std::optional<DeviceRuntime> runtime(const std::string& tenant, const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = devices_.find(key_of(tenant, id));
    if (it == devices_.end())
      return std::nullopt;
    return it->second.runtime;
  }

  void for_each(const std::function<void(const std::string&, const std::string&,
                                         const DeviceRuntime&)>& fn) const {
    std::lock_guard lock(mu_);
    for (const auto& [key, st] : devices_)
      fn(st.device->tenant, st.device->id, st.runtime);
  }

  PollerStats stats() const {
    std::lock_guard lock(mu_);
    PollerStats s = stats_;
    s.devices = 0;
    for (const auto& [key, st] : devices_)
      s.devices += st.device->enabled ? 1U : 0U;
    s.in_flight = in_flight_;
    return s;
  }

  // Called on the client's thread when the last operation of a poll ended.
  // Takes only the done queue's own lock: the scheduler may hold mu_ for a while (series
  // creation), and the client's loop, which serves every device, must never wait for it.
  void finished(std::shared_ptr<PollJob> job) {
    {
      std::lock_guard lock(done_mu_);
      done_.push_back(std::move(job));
    }
    cv_.notify_all();
  }

private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      for (auto& job : take_done())
        complete(lock, *job);
      if (stopping_ && in_flight_ == 0 && done_empty())
        break;
      const auto now = steady_ms();
      while (!stopping_ && !heap_.empty() && heap_.top().at <= now) {
        auto due = heap_.top();
        heap_.pop();
        start_poll(due, now);
      }
      if (stopping_ && in_flight_ == 0 && done_empty())
        break;
      // Short waits: a finished poll notifies without mu_, so a wake-up can be missed; it is
      // then picked up within 50 ms.
      const auto wait =
          heap_.empty() || stopping_ ? 50 : std::clamp<std::int64_t>(heap_.top().at - now, 1, 50);
      if (done_empty())
        cv_.wait_for(lock, std::chrono::milliseconds(wait));
    }
  }

  std::deque<std::shared_ptr<PollJob>> take_done() {
    std::lock_guard lock(done_mu_);
    return std::exchange(done_, {});
  }
  bool done_empty() {
    std::lock_guard lock(done_mu_);
    return done_.empty();
  }

  void start_poll(const Due& due, std::int64_t now) {
    auto it = devices_.find(due.key);
    if (it == devices_.end() || it->second.generation != due.generation)
      return;  // removed or re-planned since
    auto& st = it->second;
    if (!st.device->enabled)
      return;
    const auto interval = std::int64_t{st.device->interval_s} * 1000;
    // A deferred poll keeps its due time: lateness counts from it and the phase stays.
    const auto due_at = due.deferred_from != 0 ? due.deferred_from : due.at;
    if (st.polling) {
      ++stats_.polls_overrun;
      heap_.push({due_at + interval, due.key, due.generation});
      return;
    }
    if (in_flight_ >= options_.max_polls_in_flight) {
      ++stats_.polls_deferred;
      heap_.push({now + 50, due.key, due.generation, due_at});
      return;
    }
    if (now - due_at > options_.late_after_ms)
      ++stats_.polls_late;
    // The next poll keeps the phase; a poll far behind (the machine was suspended, the bound
    // held it) skips the missed rounds instead of bursting.
    // Half an interval on: the two clocks are read in whole milliseconds, and a poll must not
    // come due again at the phase it is starting on.
    heap_.push({next_in_phase(due.key, st.device->interval_s,
                              now + std::int64_t{st.device->interval_s} * 500),
                due.key, due.generation});
    st.polling = true;
    ++in_flight_;
    ++stats_.polls_started;
    auto job = std::make_shared<PollJob>(st.device, due.key, due.generation, engine_.now());
    job->run(client_, [this](std::shared_ptr<PollJob> j) { finished(std::move(j)); });
  }

  // Turns a finished poll into samples, status and figures (with the lock held; the store
  // append and status notifications happen with it released).
  void complete(std::unique_lock<std::mutex>& lock, PollJob& job) {
    --in_flight_;
    auto it = devices_.find(job.key());
    if (it == devices_.end())
      return;  // deleted while it ran
    auto& st = it->second;
    st.polling = false;
    if (st.generation != job.generation() && st.device->profile != job.device()->profile)
      return;  // re-planned: the series cache belongs to the new plan
    std::vector<tsdb::Append> samples;
    std::optional<StatusChange> change;
    const auto t = job.started_ms();
    SampleSink sink{[&](const std::string& metric, const tsdb::Labels& labels, double value) {
                      add_sample(st, metric, labels, t, value, samples);
                    },
                    [&](const std::string& metric, const tsdb::Labels& labels,
                        const CounterReading& reading, double scale) {
                      auto id = series_id(st, metric, labels);
                      if (!id)
                        return;
                      auto& state = st.counters[*id];
                      const bool had_previous = state.valid;
                      auto rate = counter_rate(state, reading);
                      if (rate)
                        samples.push_back({*id, t, *rate * scale});
                      else if (had_previous)
                        ++stats_.counter_resets;
                    }};
    const auto outcome = job.collect(sink, st.uptime_ticks);
    st.runtime.last_poll_at = now_ms();
    if (outcome.agent_restarted)
      ++stats_.agent_restarts;
    stats_.walk_errors += outcome.walk_errors;
    st.runtime.walk_errors += outcome.walk_errors;
    for (auto& [name, value] : outcome.text)
      st.runtime.text[name] = value;
    if (outcome.ok) {
      ++stats_.polls_ok;
      ++st.runtime.polls_ok;
      st.runtime.last_latency_ms = outcome.latency_ms;
      st.runtime.sys_uptime_s = outcome.uptime_s;
      st.runtime.last_error = outcome.walk_error;
      st.uptime_ticks = outcome.uptime_ticks;
      st.consecutive_failed = 0;
      ++st.consecutive_ok;
      if (st.runtime.status != DeviceStatus::kUp &&
          (st.runtime.status == DeviceStatus::kUnknown ||
           st.consecutive_ok >= options_.hysteresis.up_after))
        change = set_status(st, DeviceStatus::kUp, "answered");
    } else {
      ++stats_.polls_failed;
      ++st.runtime.polls_failed;
      st.runtime.last_error = outcome.error;
      st.consecutive_ok = 0;
      ++st.consecutive_failed;
      if (st.runtime.status != DeviceStatus::kDown &&
          st.consecutive_failed >= options_.hysteresis.down_after)
        change = set_status(st, DeviceStatus::kDown,
                            outcome.error ? std::string(snmp::to_string(outcome.error->code))
                                          : std::string("failed"));
    }
    add_sample(st, "snmp_up", {}, t, outcome.ok ? 1.0 : 0.0, samples);
    if (outcome.ok) {
      add_sample(st, "snmp_poll_latency_ms", {}, t, outcome.latency_ms, samples);
      add_sample(st, "snmp_poll_duration_ms", {}, t, outcome.duration_ms, samples);
      add_sample(st, "snmp_poll_varbinds", {}, t, static_cast<double>(outcome.varbinds), samples);
      add_sample(st, "sys_uptime_s", {}, t, outcome.uptime_s, samples);
    }
    lock.unlock();
    if (!samples.empty()) {
      std::size_t failed = 0;
      auto report = engine_.append(samples, &failed);
      lock.lock();
      if (report) {
        stats_.samples_written += report->appended;
        stats_.samples_rejected += failed;
      } else {
        stats_.samples_rejected += samples.size();
        log::warn("snmp.samples_refused",
                  {{"device", job.device()->id}, {"error", report.error().message}});
      }
      lock.unlock();
    }
    if (change && listener_ != nullptr)
      listener_->status_changed(*change->device, change->previous, change->now, change->at,
                                change->reason);
    if (options_.on_poll)
      options_.on_poll(*job.device(), outcome.ok, static_cast<double>(now_ms() - t),
                       outcome.varbinds);
    lock.lock();
  }

  StatusChange set_status(DeviceState& st, DeviceStatus status, std::string reason) {
    StatusChange c{st.device, st.runtime.status, status, now_ms(), std::move(reason)};
    st.runtime.status = status;
    st.runtime.status_since = c.at;
    return c;
  }

  std::optional<tsdb::SeriesId> series_id(DeviceState& st, const std::string& metric,
                                          const tsdb::Labels& row_labels) {
    std::string cache_key = metric;
    for (const auto& l : row_labels) {
      cache_key += '\x1f';
      cache_key += l.name;
      cache_key += '=';
      cache_key += l.value;
    }
    if (auto it = st.series.find(cache_key); it != st.series.end())
      return it->second;
    tsdb::SeriesKey key;
    key.tenant = st.device->tenant;
    key.metric = metric;
    key.device = st.device->id;
    for (const auto& [name, value] : st.device->tags) {
      // A row's own label (ifName, ifIndex) wins over a device tag of the same name.
      const bool shadowed = std::any_of(row_labels.begin(), row_labels.end(),
                                        [&](const tsdb::Label& l) { return l.name == name; });
      if (!shadowed)
        key.labels.push_back({name, value});
    }
    for (const auto& l : row_labels)
      key.labels.push_back(l);
    tsdb::normalize(key.labels);
    auto id = engine_.series(key);
    if (!id) {
      ++stats_.samples_rejected;
      return std::nullopt;
    }
    st.series.emplace(std::move(cache_key), *id);
    return *id;
  }

  void add_sample(DeviceState& st, const std::string& metric, const tsdb::Labels& labels,
                  std::int64_t t, double value, std::vector<tsdb::Append>& out) {
    if (auto id = series_id(st, metric, labels))
      out.push_back({*id, t, value});
  }

  PollerOptions options_;
  snmp::Client& client_;
  tsdb::Engine& engine_;
  StatusListener* listener_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, DeviceState> devices_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> heap_;
  std::mutex done_mu_;  // guards done_ only (taken on the client's thread)
  std::deque<std::shared_ptr<PollJob>> done_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  PollerStats stats_;
  std::thread thread_;
};

Poller::Poller(PollerOptions options, snmp::Client& client, tsdb::Engine& engine,
               StatusListener* listener)
    : impl_(std::make_unique<Impl>(options, client, engine, listener)) {
}

Poller::~Poller() {
  impl_->stop();
}

void Poller::load(std::vector<PollDevice> devices) {
  impl_->load(std::move(devices));
}
void Poller::start() {
  impl_->start();
}
void Poller::stop() {
  impl_->stop();
}
void Poller::device_changed(const PollDevice& device) {
  impl_->changed(device);
}
void Poller::device_removed(const std::string& tenant, const std::string& id) {
  impl_->removed(tenant, id);
}
void Poller::tenant_removed(const std::string& tenant) {
  impl_->tenant_removed(tenant);
}
std::optional<DeviceRuntime> Poller::runtime(const std::string& tenant,
                                             const std::string& id) const {
  return impl_->runtime(tenant, id);
}
PollerStats Poller::stats() const {
  return impl_->stats();
}
void Poller::for_each_device(const std::function<void(const std::string&, const std::string&,
                                                      const DeviceRuntime&)>& fn) const {
  impl_->for_each(fn);
}

}  // namespace epcfleet::collector
