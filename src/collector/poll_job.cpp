#include "poll_job.hpp"

#include <map>

namespace epcfleet::collector {
namespace {

const snmp::Oid kSysUpTime{1, 3, 6, 1, 2, 1, 1, 3, 0};
constexpr std::size_t kOidsPerGet = 40;

double ms(std::chrono::microseconds us) {
  return static_cast<double>(us.count()) / 1000.0;
}

// The row index of a column cell: the arcs after the column's OID, dotted ("3", "1.4.10.0.0.1").
std::string index_of(const snmp::Oid& cell, const snmp::Oid& column) {
  std::string out;
  for (std::size_t i = column.size(); i < cell.size(); ++i) {
    if (!out.empty())
      out += '.';
    out += std::to_string(cell[i]);
  }
  return out;
}

std::optional<double> number_of(const snmp::VarBind& vb) {
  if (auto u = vb.as_uint())
    return static_cast<double>(*u);
  if (auto i = vb.as_int())
    return static_cast<double>(*i);
  return std::nullopt;
}

bool answered_with_data(const snmp::Result<snmp::Response>& r) {
  if (!r)
    return false;
  for (const auto& vb : r->varbinds) {
    if (!vb.is_exception())
      return true;
  }
  return false;
}

}  // namespace

PollJob::PollJob(std::shared_ptr<const PollDevice> device, std::string key,
                 std::uint64_t generation, std::int64_t started_ms)
    : device_(std::move(device)),
      key_(std::move(key)),
      generation_(generation),
      started_ms_(started_ms) {
  plan();
}

void PollJob::plan() {
  const auto& profile = *device_->profile;
  // v1 fails a whole GET when one object is missing (noSuchName): there, sysUpTime goes alone
  // and every scalar in a request of its own. v2c/v3 answer missing objects with exceptions.
  const bool v1 = device_->target.version == snmp::Version::kV1;
  gets_.push_back({{kSysUpTime}, {nullptr}});
  for (const auto& s : profile.scalars) {
    if (v1 || gets_.back().oids.size() >= kOidsPerGet)
      gets_.push_back({});
    gets_.back().oids.push_back(s.oid);
    gets_.back().specs.push_back(&s);
  }
  for (std::size_t t = 0; t < profile.tables.size(); ++t) {
    const auto& table = profile.tables[t];
    for (std::size_t c = 0; c < table.label_columns.size(); ++c)
      walks_.push_back({t, ColumnKind::kLabel, c, table.label_columns[c].second, {}, false});
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& col = table.columns[c];
      walks_.push_back({t, ColumnKind::kValue, c, col.oid, col.fallback, false});
      if (!col.scale_by.empty()) {
        bool have = false;
        for (const auto& w : walks_)
          have = have || (w.table == t && w.root == col.scale_by);
        if (!have)
          walks_.push_back({t, ColumnKind::kScale, c, col.scale_by, {}, false});
      }
    }
  }
  get_results_.resize(gets_.size());
  walk_results_.resize(walks_.size());
}

void PollJob::run(snmp::Client& client, Done done) {
  // The first GET (sysUpTime and the first scalars) goes alone: only when the device answers are
  // the other requests sent. A device that does not answer then holds one of the client's
  // in-flight slots for its timeouts, not one per table column.
  pending_ = 1;
  auto self = shared_from_this();
  auto shared_done = std::make_shared<Done>(std::move(done));
  client.get(device_->target, gets_[0].oids, [self, shared_done, &client](auto result) {
    const bool answered = result.has_value();
    {
      std::lock_guard lock(self->mu_);
      self->get_results_[0] = std::move(result);
      if (answered)
        self->pending_ += self->gets_.size() - 1 + self->walks_.size();
    }
    if (answered)
      self->send_rest(client, shared_done);
    self->one_done(*shared_done);
  });
}

void PollJob::send_rest(snmp::Client& client, const std::shared_ptr<Done>& shared_done) {
  auto self = shared_from_this();
  snmp::WalkOptions walk_options;
  walk_options.max_repetitions = device_->max_repetitions;
  for (std::size_t i = 1; i < gets_.size(); ++i) {
    client.get(device_->target, gets_[i].oids, [self, i, shared_done](auto result) {
      {
        std::lock_guard lock(self->mu_);
        self->get_results_[i] = std::move(result);
      }
      self->one_done(*shared_done);
    });
  }
  for (std::size_t i = 0; i < walks_.size(); ++i) {
    client.walk(
        device_->target, walks_[i].root,
        [self, i, shared_done, &client, walk_options](snmp::Result<snmp::Response> result) {
          // A 64-bit column the agent does not have: walk its 32-bit fallback instead.
          auto& w = self->walks_[i];
          if (!w.used_fallback && !w.fallback.empty() && result && !answered_with_data(result)) {
            w.used_fallback = true;
            client.walk(
                self->device_->target, w.fallback,
                [self, i, shared_done](snmp::Result<snmp::Response> fallback_result) {
                  {
                    std::lock_guard lock(self->mu_);
                    self->walk_results_[i] = std::move(fallback_result);
                  }
                  self->one_done(*shared_done);
                },
                walk_options);
            return;
          }
          {
            std::lock_guard lock(self->mu_);
            self->walk_results_[i] = std::move(result);
          }
          self->one_done(*shared_done);
        },
        walk_options);
  }
}

void PollJob::one_done(Done& done) {
  bool last = false;
  {
    std::lock_guard lock(mu_);
    last = --pending_ == 0;
  }
  if (last)
    done(shared_from_this());
}

PollOutcome PollJob::collect(const SampleSink& sink,
                             std::optional<std::uint64_t> previous_uptime) const {
  PollOutcome out;
  const auto& first = *get_results_.front();
  if (!first) {
    out.error = first.error();
    return out;
  }
  out.ok = true;
  out.latency_ms = ms(first->rtt);
  out.duration_ms = ms(first->elapsed);
  auto note_error = [&](const snmp::Error& e) {
    ++out.walk_errors;
    if (!out.walk_error)
      out.walk_error = e;
  };
  for (std::size_t g = 0; g < gets_.size(); ++g) {
    const auto& r = *get_results_[g];
    if (!r) {
      note_error(r.error());
      continue;
    }
    out.duration_ms = std::max(out.duration_ms, ms(r->elapsed));
    for (std::size_t i = 0; i < r->varbinds.size() && i < gets_[g].specs.size(); ++i) {
      const auto& vb = r->varbinds[i];
      if (vb.is_exception())
        continue;
      ++out.varbinds;
      const ObjectSpec* spec = gets_[g].specs[i];
      if (spec == nullptr) {  // sysUpTime.0
        if (auto ticks = vb.as_uint()) {
          out.uptime_ticks = *ticks;
          out.uptime_s = static_cast<double>(*ticks) / 100.0;
          out.agent_restarted = previous_uptime && uptime_went_back(*previous_uptime, *ticks);
        }
        continue;
      }
      if (spec->type == ObjectType::kText) {
        out.text.emplace_back(spec->metric, vb.value_string());
      } else if (spec->type == ObjectType::kCounter) {
        if (auto u = vb.as_uint()) {
          sink.counter(
              spec->metric, {},
              {*u, vb.type == snmp::ValueType::kCounter32, started_ms_, out.agent_restarted},
              spec->scale);
        }
      } else if (auto v = number_of(vb)) {
        sink.gauge(spec->metric, {}, *v * spec->scale);
      }
    }
  }
  // Tables: rows by index, labels from the label columns, then one sample per value cell.
  const auto& profile = *device_->profile;
  struct Row {
    tsdb::Labels labels;
    std::map<std::size_t, const snmp::VarBind*> values;  // walk index → cell
  };
  std::vector<std::map<std::string, Row>> rows(profile.tables.size());
  // A table whose label walk failed is left out of this poll: its rows would otherwise land in
  // other series (without ifName), and their counters would start over.
  std::vector<bool> unlabelled(profile.tables.size(), false);
  for (std::size_t w = 0; w < walks_.size(); ++w) {
    const auto& r = *walk_results_[w];
    if (!r) {
      note_error(r.error());
      if (walks_[w].kind == ColumnKind::kLabel)
        unlabelled[walks_[w].table] = true;
      continue;
    }
    out.duration_ms = std::max(out.duration_ms, ms(r->elapsed));
    const auto& walk = walks_[w];
    const snmp::Oid& root = walk.used_fallback ? walk.fallback : walk.root;
    for (const auto& vb : r->varbinds) {
      if (vb.is_exception() || !vb.oid.starts_with(root) || vb.oid.size() == root.size())
        continue;
      ++out.varbinds;
      auto& row = rows[walk.table][index_of(vb.oid, root)];
      if (walk.kind == ColumnKind::kLabel) {
        const auto& label = profile.tables[walk.table].label_columns[walk.column].first;
        row.labels.push_back({label, vb.value_string()});
      } else {
        row.values[w] = &vb;
      }
    }
  }
  for (std::size_t t = 0; t < rows.size(); ++t) {
    if (unlabelled[t])
      continue;
    const auto& table = profile.tables[t];
    for (auto& [index, row] : rows[t]) {
      tsdb::Labels labels = row.labels;
      labels.push_back({table.index_label, index});
      for (const auto& [w, vb] : row.values) {
        const auto& walk = walks_[w];
        if (walk.kind != ColumnKind::kValue)
          continue;
        const auto& spec = table.columns[walk.column];
        double scale = spec.scale;
        if (!spec.scale_by.empty()) {
          const snmp::VarBind* by = nullptr;
          for (const auto& [w2, vb2] : row.values) {
            if (walks_[w2].root == spec.scale_by)
              by = vb2;
          }
          auto factor = by != nullptr ? number_of(*by) : std::nullopt;
          if (!factor)
            continue;
          scale *= *factor;
        }
        if (spec.type == ObjectType::kCounter) {
          if (auto u = vb->as_uint()) {
            sink.counter(
                spec.metric, labels,
                {*u, vb->type == snmp::ValueType::kCounter32, started_ms_, out.agent_restarted},
                scale);
          }
        } else if (spec.type == ObjectType::kGauge) {
          if (auto v = number_of(*vb))
            sink.gauge(spec.metric, labels, *v * scale);
        }
      }
    }
  }
  return out;
}

}  // namespace epcfleet::collector
