#include "epcfleet/tsdb/query.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <re2/re2.h>

#include "epcfleet/tsdb/rollup.hpp"

namespace epcfleet::tsdb {
namespace {

const std::string* label_value(const SeriesKey& key, std::string_view name) {
  static const std::string empty;
  if (name == "device")
    return &key.device;
  if (name == "__name__" || name == "metric")
    return &key.metric;
  for (const auto& l : key.labels)
    if (l.name == name)
      return &l.value;
  return &empty;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || std::isdigit(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

double quantile(std::vector<double>& values, double q) {
  std::sort(values.begin(), values.end());
  double pos = q * static_cast<double>(values.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  auto hi = static_cast<std::size_t>(std::ceil(pos));
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

bool is_quantile(Fn fn) {
  return fn == Fn::kP50 || fn == Fn::kP95 || fn == Fn::kP99;
}
double quantile_of(Fn fn) {
  return fn == Fn::kP50 ? 0.5 : fn == Fn::kP95 ? 0.95 : 0.99;
}

// Per step bucket, what the function needs; filled from samples or from rollup buckets.
struct Acc {
  double min = INFINITY, max = -INFINITY, sum = 0, count = 0, last = NAN;
  double increase = 0, increase_ms = 0;
  bool has_increase = false;
  std::vector<double> values;  // quantiles only
};

std::optional<double> finish(const Acc& a, Fn fn) {
  switch (fn) {
    case Fn::kRate:
      if (!a.has_increase || a.increase_ms <= 0)
        return std::nullopt;
      return a.increase / (a.increase_ms / 1000.0);
    case Fn::kIncrease:
      if (!a.has_increase)
        return std::nullopt;
      return a.increase;
    default: break;
  }
  if (a.count == 0)
    return std::nullopt;
  switch (fn) {
    case Fn::kAvg: return a.sum / a.count;
    case Fn::kMin: return a.min;
    case Fn::kMax: return a.max;
    case Fn::kSum: return a.sum;
    case Fn::kCount: return a.count;
    case Fn::kLast: return a.last;
    default: {
      auto values = a.values;
      return values.empty() ? std::nullopt
                            : std::optional<double>(quantile(values, quantile_of(fn)));
    }
  }
}

// Counter increase between two readings; a drop means the counter restarted from zero (agent
// restart or wrap already unwrapped by the poller): the new reading is the increase.
double counter_delta(double prev, double cur) {
  double d = cur - prev;
  return d >= 0 ? d : cur;
}

}  // namespace

Result<std::vector<Matcher>> parse_matchers(std::string_view text) {
  std::vector<Matcher> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ',' || text[pos] == ' '))
      ++pos;
    if (pos >= text.size())
      break;
    std::size_t op_pos = text.find_first_of("=!", pos);
    if (op_pos == std::string_view::npos)
      return fail(ErrorCode::kInvalidArgument,
                  "label matcher '" + std::string(text.substr(pos)) + "' has no operator");
    Matcher m;
    m.name = std::string(text.substr(pos, op_pos - pos));
    while (!m.name.empty() && m.name.back() == ' ')
      m.name.pop_back();
    if (!valid_label_name(m.name))
      return fail(ErrorCode::kInvalidArgument, "invalid label name '" + m.name + "'");
    std::string_view rest = text.substr(op_pos);
    if (rest.starts_with("=~")) {
      m.op = Matcher::Op::kRe;
      pos = op_pos + 2;
    } else if (rest.starts_with("!~")) {
      m.op = Matcher::Op::kNre;
      pos = op_pos + 2;
    } else if (rest.starts_with("!=")) {
      m.op = Matcher::Op::kNe;
      pos = op_pos + 2;
    } else if (rest.starts_with("=")) {
      m.op = Matcher::Op::kEq;
      pos = op_pos + 1;
    } else {
      return fail(ErrorCode::kInvalidArgument,
                  "label matcher for '" + m.name + "' has no operator");
    }
    if (pos < text.size() && text[pos] == '"') {
      std::size_t close = pos + 1;
      for (; close < text.size() && text[close] != '"'; ++close) {
        if (text[close] == '\\' && close + 1 < text.size())
          ++close;
        m.value.push_back(text[close]);
      }
      if (close >= text.size())
        return fail(ErrorCode::kInvalidArgument, "unterminated quote in label matcher");
      pos = close + 1;
    } else {
      std::size_t comma = text.find(',', pos);
      if (comma == std::string_view::npos)
        comma = text.size();
      m.value = std::string(text.substr(pos, comma - pos));
      pos = comma;
    }
    if (m.op == Matcher::Op::kRe || m.op == Matcher::Op::kNre) {
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(1 << 20);
      auto re = std::make_shared<RE2>("^(?:" + m.value + ")$", options);
      if (!re->ok())
        return fail(ErrorCode::kInvalidArgument,
                    "invalid regular expression for '" + m.name + "': " + re->error());
      m.regex = std::move(re);
    }
    out.push_back(std::move(m));
  }
  return out;
}

bool matches(const SeriesKey& key, const std::vector<Matcher>& matchers) {
  for (const auto& m : matchers) {
    const std::string& v = *label_value(key, m.name);
    bool ok = true;
    switch (m.op) {
      case Matcher::Op::kEq: ok = v == m.value; break;
      case Matcher::Op::kNe: ok = v != m.value; break;
      case Matcher::Op::kRe: ok = RE2::FullMatch(v, *m.regex); break;
      case Matcher::Op::kNre: ok = !RE2::FullMatch(v, *m.regex); break;
    }
    if (!ok)
      return false;
  }
  return true;
}

std::vector<SeriesId> select_series(const Engine& engine, const Selector& s) {
  auto ids = engine.select(s.tenant, s.metric, s.device);
  if (s.matchers.empty())
    return ids;
  std::erase_if(ids, [&](SeriesId id) { return !matches(engine.key(id), s.matchers); });
  return ids;
}

Result<Fn> parse_fn(std::string_view text) {
  static const std::pair<std::string_view, Fn> names[] = {
      {"avg", Fn::kAvg},     {"min", Fn::kMin},   {"max", Fn::kMax},   {"sum", Fn::kSum},
      {"count", Fn::kCount}, {"last", Fn::kLast}, {"rate", Fn::kRate}, {"increase", Fn::kIncrease},
      {"p50", Fn::kP50},     {"p95", Fn::kP95},   {"p99", Fn::kP99}};
  if (text.empty())
    return Fn::kAvg;
  for (const auto& [name, fn] : names)
    if (name == text)
      return fn;
  return fail(ErrorCode::kInvalidArgument,
              "unknown fn '" + std::string(text) +
                  "': use avg, min, max, sum, count, last, rate, increase, p50, p95 or p99");
}

Result<Agg> parse_agg(std::string_view text) {
  static const std::pair<std::string_view, Agg> names[] = {
      {"", Agg::kNone},   {"none", Agg::kNone}, {"sum", Agg::kSum},    {"avg", Agg::kAvg},
      {"min", Agg::kMin}, {"max", Agg::kMax},   {"count", Agg::kCount}};
  for (const auto& [name, agg] : names)
    if (name == text)
      return agg;
  return fail(ErrorCode::kInvalidArgument,
              "unknown agg '" + std::string(text) + "': use sum, avg, min, max or count");
}

Result<RangeResult> query_range(const Engine& engine, const RangeRequest& r) {
  if (r.step <= 0)
    return fail(ErrorCode::kInvalidArgument, "step must be positive");
  if (r.end < r.start)
    return fail(ErrorCode::kInvalidArgument, "end is before start");
  RangeResult result;
  result.step = r.step;
  result.start = align_down(r.start, r.step);
  result.end = r.end;
  auto points = static_cast<std::size_t>((r.end - result.start) / r.step + 1);
  if (points > r.max_points)
    return fail(ErrorCode::kInvalidArgument, "the range holds " + std::to_string(points) +
                                                 " steps; at most " + std::to_string(r.max_points) +
                                                 " are allowed: use a larger step");
  for (std::size_t i = 0; i < points; ++i)
    result.timestamps.push_back(result.start + static_cast<std::int64_t>(i) * r.step);
  const std::int64_t range_end = result.start + static_cast<std::int64_t>(points) * r.step;

  auto ids = select_series(engine, r.selector);
  if (ids.size() > r.max_series)
    return fail(ErrorCode::kInvalidArgument,
                "the selection matches " + std::to_string(ids.size()) + " series; at most " +
                    std::to_string(r.max_series) + " are allowed: narrow it down");

  // The coarsest tier whose resolution divides the step; quantiles want raw samples. A tier
  // whose retention no longer reaches the start gives way to the next coarser one.
  Tier tier = Tier::kRaw;
  if (!is_quantile(r.fn)) {
    if (r.step % kTierResolutionMs[2] == 0)
      tier = Tier::k1h;
    else if (r.step % kTierResolutionMs[1] == 0)
      tier = Tier::k5m;
  }
  const auto& tenant = r.selector.tenant;
  if (tier == Tier::kRaw && result.start < engine.tier_horizon(tenant, Tier::kRaw))
    tier = Tier::k5m;
  if (tier == Tier::k5m && result.start < engine.tier_horizon(tenant, Tier::k5m))
    tier = Tier::k1h;
  result.tier = tier;

  const bool counter_fn = r.fn == Fn::kRate || r.fn == Fn::kIncrease;
  std::vector<Acc> acc(points);
  std::vector<Sample> samples;
  std::vector<Bucket> buckets;
  for (SeriesId id : ids) {
    std::fill(acc.begin(), acc.end(), Acc{});
    auto bucket_of = [&](std::int64_t t) -> Acc* {
      if (t < result.start || t >= range_end)
        return nullptr;
      return &acc[static_cast<std::size_t>((t - result.start) / r.step)];
    };
    if (tier == Tier::kRaw) {
      samples.clear();
      // One step (at least 5 minutes) of history before the start, for the first increase.
      std::int64_t from =
          counter_fn ? result.start - std::max<std::int64_t>(r.step, 300'000) : result.start;
      if (auto st = engine.read_raw(id, from, range_end, samples); !st)
        return fail(st.error());
      const Sample* prev = nullptr;
      for (const auto& s : samples) {
        Acc* a = bucket_of(s.t);
        if (a != nullptr && !std::isnan(s.v)) {
          a->min = std::min(a->min, s.v);
          a->max = std::max(a->max, s.v);
          a->sum += s.v;
          a->count += 1;
          a->last = s.v;
          if (is_quantile(r.fn))
            a->values.push_back(s.v);
          if (counter_fn && prev != nullptr) {
            a->increase += counter_delta(prev->v, s.v);
            a->increase_ms += static_cast<double>(s.t - prev->t);
            a->has_increase = true;
          }
        }
        if (!std::isnan(s.v))
          prev = &s;
      }
    } else {
      buckets.clear();
      std::int64_t res = kTierResolutionMs[static_cast<std::size_t>(tier)];
      std::int64_t from = counter_fn ? result.start - res : result.start;
      if (auto st = engine.read_rollup(id, tier, from, range_end, buckets); !st)
        return fail(st.error());
      const Bucket* prev = nullptr;
      for (const auto& b : buckets) {
        Acc* a = bucket_of(b.t);
        if (a != nullptr && b.count > 0) {
          a->min = std::min(a->min, b.min);
          a->max = std::max(a->max, b.max);
          a->sum += b.sum;
          a->count += b.count;
          a->last = b.last;
          if (is_quantile(r.fn))
            a->values.push_back(b.sum / b.count);
          if (counter_fn && prev != nullptr) {
            // A minimum below the previous reading means a restart inside the bucket.
            a->increase += b.min < prev->last ? b.last : b.last - prev->last;
            a->increase_ms += static_cast<double>(b.t - prev->t);
            a->has_increase = true;
          }
        }
        if (b.count > 0)
          prev = &b;
      }
    }
    SeriesKey key = engine.key(id);
    RangeSeries out{key.metric, key.device, key.labels, {}};
    out.values.reserve(points);
    bool any = false;
    for (const auto& a : acc) {
      out.values.push_back(finish(a, r.fn));
      any = any || out.values.back().has_value();
    }
    if (any)
      result.series.push_back(std::move(out));
  }
  if (r.agg == Agg::kNone)
    return result;

  // Aggregation across series, grouped by the `by` labels.
  std::map<std::vector<std::string>, std::vector<const RangeSeries*>> groups;
  for (const auto& s : result.series) {
    SeriesKey key{tenant, s.metric, s.device, s.labels};
    std::vector<std::string> group;
    for (const auto& name : r.by)
      group.push_back(*label_value(key, name));
    groups[group].push_back(&s);
  }
  std::vector<RangeSeries> aggregated;
  for (const auto& [group, members] : groups) {
    RangeSeries out;
    out.metric = r.selector.metric.empty() ? members.front()->metric : r.selector.metric;
    for (std::size_t i = 0; i < r.by.size(); ++i) {
      if (r.by[i] == "device")
        out.device = group[i];
      else if (r.by[i] != "metric" && r.by[i] != "__name__")
        out.labels.push_back({r.by[i], group[i]});
      else
        out.metric = group[i];
    }
    std::sort(out.labels.begin(), out.labels.end());
    for (std::size_t p = 0; p < points; ++p) {
      double v = 0, n = 0;
      double lo = INFINITY, hi = -INFINITY;
      for (const auto* m : members)
        if (const auto& x = m->values[p]) {
          v += *x;
          n += 1;
          lo = std::min(lo, *x);
          hi = std::max(hi, *x);
        }
      if (n == 0) {
        out.values.push_back(std::nullopt);
        continue;
      }
      switch (r.agg) {
        case Agg::kSum: out.values.push_back(v); break;
        case Agg::kAvg: out.values.push_back(v / n); break;
        case Agg::kMin: out.values.push_back(lo); break;
        case Agg::kMax: out.values.push_back(hi); break;
        default: out.values.push_back(n); break;
      }
    }
    aggregated.push_back(std::move(out));
  }
  result.series = std::move(aggregated);
  return result;
}

Result<std::vector<LatestPoint>> query_latest(const Engine& engine, const Selector& selector,
                                              std::int64_t at, std::int64_t lookback,
                                              std::size_t max_series) {
  if (lookback <= 0)
    return fail(ErrorCode::kInvalidArgument, "lookback must be positive");
  auto ids = select_series(engine, selector);
  if (ids.size() > max_series)
    return fail(ErrorCode::kInvalidArgument, "the selection matches " + std::to_string(ids.size()) +
                                                 " series; at most " + std::to_string(max_series) +
                                                 " are allowed: narrow it down");
  std::vector<LatestPoint> out;
  for (SeriesId id : ids)
    if (auto s = engine.latest(id, at, lookback))
      out.push_back({engine.key(id), *s});
  return out;
}

}  // namespace epcfleet::tsdb
