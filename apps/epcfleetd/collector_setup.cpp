#include "collector_setup.hpp"

#include "epcfleet/core/time.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/metrics/registry.hpp"
#include "serve_setup.hpp"

namespace epcfleet::app {
namespace {

void register_metrics(Collector& c) {
  metrics::default_registry().on_collect([&c](metrics::Registry& r) {
    const auto s = c.client->stats();
    const auto counter = [&r](const char* name, const char* help, std::uint64_t v) {
      r.counter(name, help).set(static_cast<double>(v));
    };
    counter("epcfleet_snmp_requests_total", "SNMP requests sent, retries included",
            s.requests_sent);
    counter("epcfleet_snmp_retries_total", "SNMP requests sent again after a timeout", s.retries);
    counter("epcfleet_snmp_timeouts_total", "SNMP operations that got no answer", s.timeouts);
    counter("epcfleet_snmp_varbinds_total", "variable bindings received", s.varbinds);
    counter("epcfleet_snmp_unmatched_datagrams_total",
            "datagrams answering no pending request (late, or from the wrong address)",
            s.unmatched_datagrams);
    counter("epcfleet_snmp_bad_datagrams_total",
            "datagrams that could not be decoded or authenticated", s.bad_datagrams);
    r.gauge("epcfleet_snmp_requests_in_flight", "SNMP operations awaiting an answer")
        .set(static_cast<double>(s.in_flight));
    r.gauge("epcfleet_snmp_requests_queued", "SNMP operations waiting for the in-flight bound")
        .set(static_cast<double>(s.queued));
    const auto e = c.events->stats();
    counter("epcfleet_snmp_events_stored_total", "traps and status changes stored", e.stored);
    counter("epcfleet_snmp_events_dropped_total",
            "events dropped (queue full or the store refused them)", e.dropped);
    if (c.traps) {
      const auto t = c.traps->stats();
      const auto traps = [&r](const char* outcome, std::uint64_t v) {
        r.counter("epcfleet_snmp_traps_total",
                  "notification datagrams received, by outcome (accepted, or why dropped)",
                  {{"outcome", outcome}})
            .set(static_cast<double>(v));
      };
      traps("accepted", t.accepted);
      traps("unknown_sender", t.unknown_sender);
      traps("community_mismatch", t.community_mismatch);
      traps("auth_failed", t.auth_failed);
      traps("malformed", t.malformed);
      traps("dropped_queue_full", t.dropped_queue_full + t.dropped_waiting_for_keys);
      traps("ambiguous", c.traps->ambiguous());
      counter("epcfleet_snmp_informs_acknowledged_total", "informs answered",
              t.informs_acknowledged);
    }
    if (!c.poller)
      return;
    const auto p = c.poller->stats();
    r.gauge("epcfleet_snmp_devices", "devices being polled").set(static_cast<double>(p.devices));
    counter("epcfleet_snmp_polls_started_total", "polls started", p.polls_started);
    r.counter("epcfleet_snmp_polls_total", "polls ended, by outcome", {{"outcome", "ok"}})
        .set(static_cast<double>(p.polls_ok));
    r.counter("epcfleet_snmp_polls_total", "polls ended, by outcome", {{"outcome", "failed"}})
        .set(static_cast<double>(p.polls_failed));
    counter("epcfleet_snmp_polls_late_total", "polls started more than 5 s after they were due",
            p.polls_late);
    counter("epcfleet_snmp_polls_overrun_total",
            "polls skipped because the previous poll of the device still ran", p.polls_overrun);
    counter("epcfleet_snmp_walk_errors_total", "table walks or GETs of a poll that failed",
            p.walk_errors);
    counter("epcfleet_snmp_samples_written_total", "samples the poller stored", p.samples_written);
    counter("epcfleet_snmp_samples_rejected_total", "samples the store refused",
            p.samples_rejected);
    counter("epcfleet_snmp_rate_resets_total",
            "counters that went back (reset or restart): no rate for that poll", p.counter_resets);
    counter("epcfleet_snmp_agent_restarts_total", "sysUpTime went back", p.agent_restarts);
    r.gauge("epcfleet_snmp_polls_in_flight", "polls running").set(static_cast<double>(p.in_flight));
    c.poller->for_each_device([&r](const std::string& tenant, const std::string& device,
                                   const collector::DeviceRuntime& rt) {
      r.counter("epcfleet_snmp_device_polls_total", "polls of one device, by outcome",
                {{"tenant", tenant}, {"device", device}, {"outcome", "ok"}})
          .set(static_cast<double>(rt.polls_ok));
      r.counter("epcfleet_snmp_device_polls_total", "polls of one device, by outcome",
                {{"tenant", tenant}, {"device", device}, {"outcome", "failed"}})
          .set(static_cast<double>(rt.polls_failed));
      r.gauge("epcfleet_snmp_device_up", "1 up, 0 down, -1 unknown",
              {{"tenant", tenant}, {"device", device}})
          .set(rt.status == collector::DeviceStatus::kUp     ? 1.0
               : rt.status == collector::DeviceStatus::kDown ? 0.0
                                                             : -1.0);
    });
  });
}

}  // namespace

Collector::~Collector() {
  if (traps)
    traps->stop();
  if (poller)
    poller->stop();
  client.reset();
  if (events)
    events->stop();
}

Result<std::unique_ptr<Collector>> open_collector(const Config& config,
                                                  std::shared_ptr<store::Database> db,
                                                  const secrets::SecretVault& vault,
                                                  EventPublisher& publisher, tsdb::Engine& engine) {
  auto in_flight = config.get_int("snmp_max_in_flight", 1, 100000);
  auto sockets = config.get_int("snmp_sockets", 1, 256);
  auto down_after = config.get_int("snmp_down_after", 1, 100);
  auto up_after = config.get_int("snmp_up_after", 1, 100);
  for (const auto* r : {&in_flight, &sockets, &down_after, &up_after}) {
    if (!*r)
      return fail(r->error());
  }
  auto retention = parse_duration_ms(config.get("snmp_event_retention"));
  if (!retention)
    return fail(ErrorCode::kInvalidArgument,
                "snmp_event_retention must be a duration such as 30d, not '" +
                    config.get("snmp_event_retention") + "'");
  auto c = std::make_unique<Collector>();
  snmp::ClientOptions client_options;
  client_options.max_in_flight = static_cast<std::size_t>(*in_flight);
  client_options.sockets = static_cast<std::size_t>(*sockets);
  client_options.state_dir = config.data_dir() + "/snmp";
  c->client = std::make_unique<snmp::Client>(client_options);
  c->profiles = std::make_unique<collector::ProfileService>(db, publisher);
  c->devices = std::make_unique<collector::DeviceService>(db, vault, *c->profiles, publisher);
  collector::EventLogOptions event_options;
  event_options.retention_ms = *retention;
  c->events = std::make_unique<collector::EventLog>(db, publisher, event_options);
  c->events->start();
  c->profiles->on_change(
      [devices = c->devices.get()](const std::string& tenant, const std::string& name) {
        devices->profile_changed(tenant, name);
      });
  mib::TranslatorOptions mib_options;
  mib_options.sources.dirs = mib::default_dirs(mib::installed_project_dir());
  {
    const std::string extra = config.get("mib_dirs");
    std::size_t start = 0;
    while (start < extra.size()) {
      auto end = extra.find(':', start);
      if (end == std::string::npos)
        end = extra.size();
      if (end > start)
        mib_options.sources.dirs.push_back(extra.substr(start, end - start));
      start = end + 1;
    }
  }
  mib_options.state_dir = client_options.state_dir;
  auto translator = mib::Translator::load(mib_options);
  if (!translator)
    return fail(translator.error());
  log::info("snmp.mibs_loaded", {{"objects", std::to_string((*translator)->size())},
                                 {"modules", std::to_string((*translator)->modules().size())}});
  c->mibs = std::make_unique<collector::MibService>(db, publisher, *translator);
  c->trap_users = std::make_unique<collector::TrapUserService>(db, vault, publisher);
  auto all_devices = c->devices->load_all();
  if (!all_devices)
    return fail(all_devices.error());
  const std::string trap_listen = config.get("snmp_trap_listen");
  if (!trap_listen.empty()) {
    auto where = parse_listen(trap_listen);
    if (!where)
      return fail(ErrorCode::kInvalidArgument, "snmp_trap_listen: " + where.error().message);
    collector::TrapIntakeOptions trap_options;
    trap_options.receiver.bind_address = where->first;
    trap_options.receiver.port = where->second;
    trap_options.receiver.state_dir = client_options.state_dir;
    trap_options.engine_file = config.data_dir() + "/snmp/trap-engine";
    c->traps =
        std::make_unique<collector::TrapIntake>(trap_options, *c->events, *c->mibs, *c->trap_users);
    if (auto st = c->traps->start(*all_devices); !st) {
      // A listener the operator asked for must work; the default one (1162) may be taken by
      // another program or a second epcfleetd: then the server runs without traps and says so.
      if (config.source("snmp_trap_listen") != "default")
        return fail(st.error());
      log::warn("snmp.traps_off", {{"error", st.error().message},
                                   {"hint", "set snmp_trap_listen to a free address:port"}});
      c->traps.reset();
    }
    if (c->traps) {
      c->devices->add_listener(c->traps.get());
      c->trap_users->on_change([traps = c->traps.get()] { traps->users_changed(); });
    }
  }
  if (config.get_bool("snmp_poller")) {
    collector::PollerOptions options;
    options.hysteresis.down_after = static_cast<int>(*down_after);
    options.hysteresis.up_after = static_cast<int>(*up_after);
    c->poller = std::make_unique<collector::Poller>(options, *c->client, engine, c->events.get());
    log::info("snmp.poller_started", {{"devices", std::to_string(all_devices->size())}});
    c->poller->load(std::move(*all_devices));
    c->devices->add_listener(c->poller.get());
    c->poller->start();
  }
  register_metrics(*c);
  return c;
}

}  // namespace epcfleet::app
