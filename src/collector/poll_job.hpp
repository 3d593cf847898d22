#pragma once
// Private: one poll of one device — the requests it sends (GETs of the scalars, one walk per
// table column, all in flight together) and how their answers become samples.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "epcfleet/collector/counter_rate.hpp"
#include "epcfleet/collector/poll_device.hpp"
#include "epcfleet/snmp/client.hpp"
#include "epcfleet/tsdb/types.hpp"

namespace epcfleet::collector {

struct SampleSink {
  std::function<void(const std::string& metric, const tsdb::Labels& labels, double value)> gauge;
  std::function<void(const std::string& metric, const tsdb::Labels& labels,
                     const CounterReading& reading, double scale)>
      counter;
};

struct PollOutcome {
  bool ok = false;                        // the GET of sysUpTime (and the scalars) was answered
  std::optional<snmp::Error> error;       // why not
  std::optional<snmp::Error> walk_error;  // the first failed walk or extra GET, if any
  std::uint64_t walk_errors = 0;
  double latency_ms = 0;   // round trip of the first GET
  double duration_ms = 0;  // the whole poll
  std::uint64_t varbinds = 0;
  std::optional<std::uint64_t> uptime_ticks;
  double uptime_s = 0;
  bool agent_restarted = false;
  std::vector<std::pair<std::string, std::string>> text;
};

class PollJob : public std::enable_shared_from_this<PollJob> {
public:
  using Done = std::function<void(std::shared_ptr<PollJob>)>;

  PollJob(std::shared_ptr<const PollDevice> device, std::string key, std::uint64_t generation,
          std::int64_t started_ms);

  // Sends every request; `done` runs once, on the client's thread, after the last answer.
  void run(snmp::Client& client, Done done);
  // After done: emits samples and says how the poll went. `previous_uptime` is the sysUpTime of
  // the device's previous successful poll (for restarts).
  PollOutcome collect(const SampleSink& sink, std::optional<std::uint64_t> previous_uptime) const;

  const std::string& key() const { return key_; }
  std::uint64_t generation() const { return generation_; }
  std::int64_t started_ms() const { return started_ms_; }
  const std::shared_ptr<const PollDevice>& device() const { return device_; }

private:
  enum class ColumnKind : std::uint8_t { kLabel, kValue, kScale };
  struct Walk {
    std::size_t table = 0;
    ColumnKind kind = ColumnKind::kValue;
    std::size_t column = 0;  // into label_columns or columns
    snmp::Oid root;
    snmp::Oid fallback;
    bool used_fallback = false;
  };
  struct Get {
    std::vector<snmp::Oid> oids;
    std::vector<const ObjectSpec*> specs;  // parallel to oids; nullptr for sysUpTime
  };

  void plan();
  void send_rest(snmp::Client& client, const std::shared_ptr<Done>& done);
  void one_done(Done& done);

  std::shared_ptr<const PollDevice> device_;
  std::string key_;
  std::uint64_t generation_;
  std::int64_t started_ms_;
  std::vector<Get> gets_;
  std::vector<Walk> walks_;

  std::mutex mu_;
  std::size_t pending_ = 0;
  std::vector<std::optional<snmp::Result<snmp::Response>>> get_results_;
  std::vector<std::optional<snmp::Result<snmp::Response>>> walk_results_;
};

}  // namespace epcfleet::collector
