#pragma once
// What an operator sends to create or change a device (JSON body or one CSV line), checked field
// by field with messages that say what is wrong and what is allowed. Every field is optional
// here: create fills defaults, update keeps what is not given.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::collector {

struct CustomOid {
  std::string oid;
  std::string metric;
  std::string type = "gauge";  // gauge | counter | text
  std::string unit;
  double scale = 1.0;
};

struct SnmpInput {
  std::string version;  // "1", "2c", "3"
  std::optional<std::string> community;
  std::string user;
  std::string auth_protocol = "none";
  std::optional<std::string> auth_password;
  std::string priv_protocol = "none";
  std::optional<std::string> priv_password;
  std::string context;
};

struct DeviceInput {
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<int> port;
  std::optional<SnmpInput> snmp;
  std::optional<std::string> profile;
  std::optional<int> interval_s;
  std::optional<int> timeout_ms;
  std::optional<int> retries;
  std::optional<int> max_repetitions;
  std::optional<std::map<std::string, std::string>> tags;
  std::optional<std::vector<CustomOid>> custom_oids;
  std::optional<bool> enabled;
};

// A JSON object as in docs/snmp.md. Unknown fields, wrong types and values out of range are
// refused with a message naming the field.
Result<DeviceInput> parse_device_input(std::string_view json_text);

// Range and format checks of the fields that are present (names, address literal, port,
// intervals, protocols, password lengths, tag names, custom OIDs).
Status validate(const DeviceInput& input);

// Tags and custom OIDs as stored (canonical JSON: sorted keys, no spaces) and back.
std::string tags_to_json(const std::map<std::string, std::string>& tags);
std::map<std::string, std::string> tags_from_json(std::string_view json_text);
std::string custom_oids_to_json(const std::vector<CustomOid>& oids);
std::vector<CustomOid> custom_oids_from_json(std::string_view json_text);
// `"key":"value"` as it appears in tags_to_json's output (for the store's tag filter).
std::string tag_fragment(const std::string& key, const std::string& value);

struct CsvLineError {
  std::size_t line = 0;
  std::string error;
};
struct CsvImport {
  std::vector<DeviceInput> devices;
  std::vector<std::size_t> lines;  // where each device's record starts (1-based)
  std::vector<CsvLineError> errors;
};
// A CSV file (RFC 4180 quoting) with a header line naming the columns of docs/snmp.md.
CsvImport parse_device_csv(std::string_view text);

}  // namespace epcfleet::collector
