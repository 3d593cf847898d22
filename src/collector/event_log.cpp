#include "epcfleet/collector/event_log.hpp"

#include "epcfleet/core/json_text.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"

namespace epcfleet::collector {
namespace {

constexpr std::int64_t kPruneEveryMs = 3600'000;

}  // namespace

EventLog::EventLog(std::shared_ptr<store::Database> db, EventPublisher& publisher,
                   EventLogOptions options)
    : db_(std::move(db)), publisher_(publisher), options_(options) {
}

EventLog::~EventLog() {
  stop();
}

void EventLog::start() {
  thread_ = std::thread([this] { run(); });
}

void EventLog::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable())
    thread_.join();
}

void EventLog::status_changed(const PollDevice& device, DeviceStatus previous, DeviceStatus now,
                              TimestampMs at, const std::string& reason) {
  Pending p;
  p.event.id = crypto::random_hex(10);
  p.event.tenant_id = device.tenant;
  p.event.device_id = device.id;
  p.event.type = "snmp.device.status";
  p.event.at = at;
  p.event.data_json = "{\"device\":\"" + json_escape(device.id) + "\",\"name\":\"" +
                      json_escape(device.name) + "\",\"status\":\"" + std::string(to_string(now)) +
                      "\",\"previous\":\"" + std::string(to_string(previous)) + "\",\"at\":\"" +
                      format_iso8601(at) + "\",\"reason\":\"" + json_escape(reason) + "\"}";
  p.status = std::pair{std::string(to_string(now)), at};
  enqueue(std::move(p));
}

void EventLog::add(const std::string& tenant, const std::string& device, const std::string& type,
                   TimestampMs at, std::string data_json) {
  Pending p;
  p.event.id = crypto::random_hex(10);
  p.event.tenant_id = tenant;
  if (!device.empty())
    p.event.device_id = device;
  p.event.type = type;
  p.event.at = at;
  p.event.data_json = std::move(data_json);
  enqueue(std::move(p));
}

void EventLog::enqueue(Pending pending) {
  std::lock_guard lock(mu_);
  // Status changes are few (one per device and flap) and say what the dashboard shows: only
  // traps are dropped when a storm fills the queue.
  if (queue_.size() >= options_.queue_limit && !pending.status) {
    ++stats_.dropped;
    return;
  }
  queue_.push_back(std::move(pending));
  ++enqueued_seq_;
  ++stats_.queued;
  if (queue_.size() >= options_.batch)
    cv_.notify_all();
}

void EventLog::flush() {
  std::unique_lock lock(mu_);
  const auto target = enqueued_seq_;
  cv_.notify_all();
  flushed_cv_.wait(lock, [&] { return stored_seq_ >= target || !thread_.joinable(); });
}

void EventLog::run() {
  std::int64_t last_prune = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    // Short waits batch bursts (traps) without delaying a lone status change noticeably.
    cv_.wait_for(lock, std::chrono::milliseconds(100),
                 [&] { return stopping_ || queue_.size() >= options_.batch; });
    if (queue_.empty() && stopping_)
      break;
    std::vector<Pending> batch;
    while (!queue_.empty() && batch.size() < options_.batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    const auto count = batch.size();
    lock.unlock();
    if (!batch.empty())
      write_batch(batch);
    const auto now = now_ms();
    if (now - last_prune > kPruneEveryMs) {
      last_prune = now;
      auto pruned = db_->write([&](store::Connection& conn) {
        return store::SnmpEventStore(conn).prune_before(now - options_.retention_ms);
      });
      if (pruned && *pruned > 0)
        log::info("snmp.events_pruned", {{"events", std::to_string(*pruned)}});
    }
    lock.lock();
    stored_seq_ += count;
    flushed_cv_.notify_all();
  }
  stored_seq_ = enqueued_seq_;
  flushed_cv_.notify_all();
}

void EventLog::write_batch(std::vector<Pending>& batch) {
  auto write = [&] {
    return db_->write([&](store::Connection& conn) -> Status {
      store::SnmpEventStore events(conn);
      store::SnmpDeviceStore devices(conn);
      for (const auto& p : batch) {
        if (auto s = events.insert(p.event); !s)
          return s;
        if (p.status && p.event.device_id) {
          if (auto s = devices.set_status(p.event.tenant_id, *p.event.device_id, p.status->first,
                                          p.status->second);
              !s)
            return s;
        }
      }
      return ok();
    });
  };
  auto written = write();
  if (!written)
    written = write();  // one retry: a busy store (SQLite's lock) is the usual cause
  if (!written && batch.size() > 1) {
    // One bad event (its tenant was deleted meanwhile) must not cost the others: one at a time,
    // each stored and published, or counted as dropped.
    for (auto& p : batch) {
      std::vector<Pending> one;
      one.push_back(std::move(p));
      write_batch(one);
    }
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (!written) {
      ++stats_.store_failures;
      stats_.dropped += batch.size();
    } else {
      stats_.stored += batch.size();
    }
  }
  if (!written) {
    log::error("snmp.events_not_stored",
               {{"events", std::to_string(batch.size())}, {"error", written.error().message}});
    return;
  }
  for (const auto& p : batch) {
    Event e;
    e.tenant_id = p.event.tenant_id;
    e.type = p.event.type;
    e.data_json = p.event.data_json;
    e.min_role = Role::kViewer;
    publisher_.publish(e);
  }
}

Result<store::Page<store::SnmpEvent>> EventLog::list(const std::string& tenant,
                                                     const store::SnmpEventFilter& filter) {
  return db_->read(
      [&](store::Connection& conn) { return store::SnmpEventStore(conn).list(tenant, filter); });
}

EventLogStats EventLog::stats() const {
  std::lock_guard lock(mu_);
  auto s = stats_;
  s.pending = queue_.size();
  return s;
}

}  // namespace epcfleet::collector
