#include "epcfleet/tsdb/line_protocol.hpp"

#include <charconv>
#include <cmath>

namespace epcfleet::tsdb {
namespace {

// Delimiter sets as 256-entry tables: a lookup per byte instead of a search.
struct CharSet {
  bool member[256] = {};
  constexpr explicit CharSet(std::string_view chars) {
    for (char c : chars)
      member[static_cast<unsigned char>(c)] = true;
    member[0] = true;  // a NUL ends every name, and the line's check then refuses it
  }
  bool operator()(char c) const { return member[static_cast<unsigned char>(c)]; }
};
constexpr CharSet kMeasurementEnd(", \\");
constexpr CharSet kKeyEnd("=, \\");
constexpr CharSet kTagValueEnd(", \\");

// Reads up to an unescaped delimiter, unescaping backslash sequences into `out`.
std::size_t read_token(std::string_view line, std::size_t pos, const CharSet& stop,
                       std::string& out) {
  out.clear();
  while (pos < line.size()) {
    // Copy the run of ordinary bytes at once.
    std::size_t start = pos;
    while (pos < line.size() && !stop(line[pos]))
      ++pos;
    out.append(line.data() + start, pos - start);
    if (pos >= line.size() || line[pos] != '\\')
      break;
    if (pos + 1 < line.size()) {
      char next = line[pos + 1];
      if (next == ',' || next == '=' || next == ' ' || next == '\\' || next == '"') {
        out.push_back(next);
        pos += 2;
        continue;
      }
    }
    out.push_back('\\');  // a lone backslash is itself
    ++pos;
  }
  return pos;
}

Error line_error(std::size_t line, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, "line " + std::to_string(line) + ": " + message};
}

bool parse_bool(std::string_view v, double& out) {
  if (v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE") {
    out = 1;
    return true;
  }
  if (v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE") {
    out = 0;
    return true;
  }
  return false;
}

}  // namespace

bool parse_precision(std::string_view text, Precision& out) {
  if (text.empty() || text == "ns" || text == "n")
    out = Precision::kNs;
  else if (text == "us" || text == "u")
    out = Precision::kUs;
  else if (text == "ms")
    out = Precision::kMs;
  else if (text == "s")
    out = Precision::kS;
  else
    return false;
  return true;
}

Result<LineStats> parse_line_protocol(std::string_view body, Precision precision,
                                      std::int64_t now_ms,
                                      const std::function<Status(const LinePoint&)>& on_point) {
  LineStats stats;
  LinePoint point;
  std::string key, value;
  std::size_t line_no = 0;
  while (!body.empty()) {
    std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] == '#')
      continue;
    line.remove_prefix(start);

    point.tags.clear();
    point.fields.clear();
    point.skipped_fields = 0;
    point.line = line_no;
    // measurement[,tag=value…]
    std::size_t pos = read_token(line, 0, kMeasurementEnd, point.measurement);
    if (point.measurement.empty())
      return fail(line_error(line_no, "missing measurement"));
    while (pos < line.size() && line[pos] == ',') {
      pos = read_token(line, pos + 1, kKeyEnd, key);
      if (pos >= line.size() || line[pos] != '=' || key.empty())
        return fail(line_error(line_no, "malformed tag (expected key=value)"));
      pos = read_token(line, pos + 1, kTagValueEnd, value);
      if (value.empty())
        return fail(line_error(line_no, "tag '" + key + "' has an empty value"));
      point.tags.emplace_back(key, value);
    }
    if (pos >= line.size() || line[pos] != ' ')
      return fail(line_error(line_no, "missing fields"));
    point.series_text = line.substr(0, pos);
    ++pos;
    // field=value[,field=value…]
    while (true) {
      pos = read_token(line, pos, kKeyEnd, key);
      if (pos >= line.size() || line[pos] != '=' || key.empty())
        return fail(line_error(line_no, "malformed field (expected key=value)"));
      ++pos;
      if (pos < line.size() && line[pos] == '"') {  // string field: skipped
        ++pos;
        while (pos < line.size() && line[pos] != '"')
          pos += (line[pos] == '\\' && pos + 1 < line.size()) ? std::size_t{2} : std::size_t{1};
        if (pos >= line.size())
          return fail(line_error(line_no, "unterminated string field '" + key + "'"));
        ++pos;
        ++point.skipped_fields;
      } else {
        std::size_t end = line.find_first_of(", ", pos);
        if (end == std::string_view::npos)
          end = line.size();
        std::string_view raw = line.substr(pos, end - pos);
        double v = 0;
        if (raw.empty())
          return fail(line_error(line_no, "field '" + key + "' has no value"));
        if (!parse_bool(raw, v)) {
          std::string_view number = raw;
          if (raw.back() == 'i' || raw.back() == 'u') {
            number.remove_suffix(1);
            std::int64_t i = 0;
            std::uint64_t u = 0;
            auto r = raw.back() == 'i'
                         ? std::from_chars(number.data(), number.data() + number.size(), i)
                         : std::from_chars(number.data(), number.data() + number.size(), u);
            if (r.ec != std::errc() || r.ptr != number.data() + number.size())
              return fail(line_error(
                  line_no, "field '" + key + "': bad integer '" + std::string(raw) + "'"));
            v = raw.back() == 'i' ? static_cast<double>(i) : static_cast<double>(u);
          } else {
            auto r = std::from_chars(number.data(), number.data() + number.size(), v);
            if (r.ec != std::errc() || r.ptr != number.data() + number.size() || !std::isfinite(v))
              return fail(line_error(line_no,
                                     "field '" + key + "': bad number '" + std::string(raw) + "'"));
          }
        }
        point.fields.emplace_back(key, v);
        pos = end;
      }
      if (pos < line.size() && line[pos] == ',') {
        ++pos;
        continue;
      }
      break;
    }
    // [timestamp]
    while (pos < line.size() && line[pos] == ' ')
      ++pos;
    if (pos < line.size()) {
      std::string_view ts = line.substr(pos);
      while (!ts.empty() && (ts.back() == ' ' || ts.back() == '\t'))
        ts.remove_suffix(1);
      std::int64_t t = 0;
      auto r = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (r.ec != std::errc() || r.ptr != ts.data() + ts.size())
        return fail(line_error(line_no, "bad timestamp '" + std::string(ts) + "'"));
      auto floor_div = [](std::int64_t a, std::int64_t b) {
        std::int64_t q = a / b;
        return (a % b != 0 && a < 0) ? q - 1 : q;
      };
      switch (precision) {
        case Precision::kNs: point.t_ms = floor_div(t, 1'000'000); break;
        case Precision::kUs: point.t_ms = floor_div(t, 1'000); break;
        case Precision::kMs: point.t_ms = t; break;
        case Precision::kS:
          if (t > INT64_MAX / 1000 || t < INT64_MIN / 1000)
            return fail(line_error(line_no, "timestamp out of range"));
          point.t_ms = t * 1000;
          break;
      }
    } else {
      point.t_ms = now_ms;
    }
    ++stats.lines;
    stats.fields += point.fields.size();
    stats.skipped_fields += point.skipped_fields;
    if (auto st = on_point(point); !st)
      return fail(st.error());
  }
  return stats;
}

}  // namespace epcfleet::tsdb
