// Bulk import of devices from CSV. A small RFC 4180 reader rather than a library: Debian has no
// C++ CSV library in our dependency set, and the format needed here (quoted fields, doubled
// quotes, CRLF or LF, newlines inside quotes) is a few dozen lines.
#include <charconv>
#include <set>

#include "epcfleet/collector/device_input.hpp"

namespace epcfleet::collector {
namespace {

struct Record {
  std::size_t line = 0;  // where the record starts (1-based)
  std::vector<std::string> fields;
};

// Splits the text into records; an unterminated quote is reported on the record's line.
std::vector<Record> read_records(std::string_view text, std::vector<CsvLineError>& errors) {
  std::vector<Record> out;
  std::size_t i = 0, line = 1;
  if (text.starts_with("\xEF\xBB\xBF"))  // a byte-order mark from spreadsheet exports
    i = 3;
  while (i < text.size()) {
    Record rec;
    rec.line = line;
    std::string field;
    bool in_quotes = false, done = false;
    while (i < text.size() && !done) {
      const char c = text[i++];
      if (in_quotes) {
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            field += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n')
            ++line;
          field += c;
        }
      } else if (c == '"' && field.empty()) {
        in_quotes = true;
      } else if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\r') {
        // dropped: CRLF line ends
      } else if (c == '\n') {
        ++line;
        done = true;
      } else {
        field += c;
      }
    }
    if (in_quotes)
      errors.push_back({rec.line, "a quoted field is not closed"});
    rec.fields.push_back(std::move(field));
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank)
      out.push_back(std::move(rec));
  }
  return out;
}

std::optional<int> to_int(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    return std::nullopt;
  return v;
}

const std::set<std::string>& known_columns() {
  static const std::set<std::string> known = {
      "name",    "address",         "port",          "version",       "community",
      "user",    "auth_protocol",   "auth_password", "priv_protocol", "priv_password",
      "context", "profile",         "interval_s",    "timeout_ms",    "retries",
      "tags",    "max_repetitions", "enabled"};
  return known;
}

}  // namespace

CsvImport parse_device_csv(std::string_view text) {
  CsvImport result;
  auto records = read_records(text, result.errors);
  if (records.empty()) {
    result.errors.push_back({1, "the file is empty: a header line naming the columns comes first"});
    return result;
  }
  const auto header = records.front().fields;
  std::set<std::string> seen;
  for (const auto& column : header) {
    if (!known_columns().contains(column))
      result.errors.push_back({1, "unknown column \"" + column + "\""});
    if (!seen.insert(column).second)
      result.errors.push_back({1, "column \"" + column + "\" appears twice"});
  }
  for (const char* needed : {"name", "address", "version"}) {
    if (!seen.contains(needed))
      result.errors.push_back({1, std::string("the header needs a ") + needed + " column"});
  }
  if (!result.errors.empty())
    return result;
  if (records.size() > 10'001)
    result.errors.push_back({1, "at most 10,000 devices per file"});
  for (std::size_t r = 1; r < records.size() && result.errors.size() < 1000; ++r) {
    const auto& rec = records[r];
    if (rec.fields.size() != header.size()) {
      result.errors.push_back({rec.line, "has " + std::to_string(rec.fields.size()) +
                                             " fields, the header has " +
                                             std::to_string(header.size())});
      continue;
    }
    DeviceInput in;
    SnmpInput snmp;
    std::string error;
    for (std::size_t c = 0; c < header.size() && error.empty(); ++c) {
      const auto& col = header[c];
      const auto& v = rec.fields[c];
      auto number = [&](std::optional<int>& target) {
        if (v.empty())
          return;
        target = to_int(v);
        if (!target)
          error = col + " \"" + v + "\" is not a whole number";
      };
      if (col == "name")
        in.name = v;
      else if (col == "address")
        in.address = v;
      else if (col == "port")
        number(in.port);
      else if (col == "version")
        snmp.version = v == "v1" ? "1" : v == "v2c" || v == "2" ? "2c" : v == "v3" ? "3" : v;
      else if (col == "community" && !v.empty())
        snmp.community = v;
      else if (col == "user")
        snmp.user = v;
      else if (col == "auth_protocol" && !v.empty())
        snmp.auth_protocol = v;
      else if (col == "auth_password" && !v.empty())
        snmp.auth_password = v;
      else if (col == "priv_protocol" && !v.empty())
        snmp.priv_protocol = v;
      else if (col == "priv_password" && !v.empty())
        snmp.priv_password = v;
      else if (col == "context")
        snmp.context = v;
      else if (col == "profile" && !v.empty())
        in.profile = v;
      else if (col == "interval_s")
        number(in.interval_s);
      else if (col == "timeout_ms")
        number(in.timeout_ms);
      else if (col == "retries")
        number(in.retries);
      else if (col == "max_repetitions")
        number(in.max_repetitions);
      else if (col == "enabled" && !v.empty()) {
        if (v != "true" && v != "false" && v != "1" && v != "0")
          error = "enabled must be true or false";
        in.enabled = v == "true" || v == "1";
      } else if (col == "tags" && !v.empty()) {
        std::map<std::string, std::string> tags;
        std::size_t start = 0;
        while (start <= v.size() && error.empty()) {
          auto end = v.find(';', start);
          if (end == std::string::npos)
            end = v.size();
          auto pair = v.substr(start, end - start);
          if (!pair.empty()) {
            auto eq = pair.find('=');
            if (eq == std::string::npos)
              error = "tags are key=value pairs separated by ';', not \"" + pair + "\"";
            else
              tags[pair.substr(0, eq)] = pair.substr(eq + 1);
          }
          start = end + 1;
        }
        in.tags = std::move(tags);
      }
    }
    if (error.empty()) {
      if (!in.name || in.name->empty())
        error = "name is empty";
      else if (snmp.version == "3" ? snmp.user.empty() : !snmp.community)
        error = snmp.version == "3" ? "user is required for version 3"
                                    : "community is required for versions 1 and 2c";
    }
    if (error.empty()) {
      in.snmp = snmp;
      if (auto s = validate(in); !s)
        error = s.error().message;
    }
    if (!error.empty()) {
      result.errors.push_back({rec.line, error});
      continue;
    }
    result.devices.push_back(std::move(in));
    result.lines.push_back(rec.line);
  }
  return result;
}

}  // namespace epcfleet::collector
