#pragma once
// The SNMP event log: device status changes and traps, stored in the snmp_events table and pushed
// on the events WebSocket. Producers (the poller's thread, the trap receiver) only queue; one
// writer thread stores the queue in batches (one transaction per batch, so thousands of traps a
// second cost a few commits) and publishes each event after its batch committed. Old events are
// pruned after the retention.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "epcfleet/collector/poller.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::collector {

struct EventLogOptions {
  std::int64_t retention_ms = 30LL * 24 * 3600 * 1000;
  std::size_t queue_limit = 200'000;  // beyond it new events are dropped (counted)
  std::size_t batch = 2000;
};

struct EventLogStats {
  std::uint64_t queued = 0;
  std::uint64_t stored = 0;
  std::uint64_t dropped = 0;         // queue full
  std::uint64_t store_failures = 0;  // batches the store refused (retried once, then dropped)
  std::uint64_t pending = 0;
};

class EventLog final : public StatusListener {
public:
  EventLog(std::shared_ptr<store::Database> db, EventPublisher& publisher,
           EventLogOptions options = {});
  ~EventLog() override;
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void start();
  void stop();  // stores what is queued first

  void status_changed(const PollDevice& device, DeviceStatus previous, DeviceStatus now,
                      TimestampMs at, const std::string& reason) override;
  // A trap or inform, already attributed; `data_json` is the event's data object.
  void add(const std::string& tenant, const std::string& device, const std::string& type,
           TimestampMs at, std::string data_json);
  // Waits until everything queued before the call is stored (tests, shutdown).
  void flush();

  Result<store::Page<store::SnmpEvent>> list(const std::string& tenant,
                                             const store::SnmpEventFilter& filter);
  EventLogStats stats() const;

private:
  struct Pending {
    store::SnmpEvent event;
    std::optional<std::pair<std::string, TimestampMs>> status;  // the device's new status
  };
  void run();
  void enqueue(Pending pending);
  void write_batch(std::vector<Pending>& batch);

  std::shared_ptr<store::Database> db_;
  EventPublisher& publisher_;
  EventLogOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable flushed_cv_;
  std::deque<Pending> queue_;
  std::uint64_t enqueued_seq_ = 0, stored_seq_ = 0;
  bool stopping_ = false;
  EventLogStats stats_;
  std::thread thread_;
};

}  // namespace epcfleet::collector
