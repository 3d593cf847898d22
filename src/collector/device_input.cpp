#include "epcfleet/collector/device_input.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

#include "epcfleet/collector/profile.hpp"
#include "epcfleet/snmp/types.hpp"

namespace epcfleet::collector {
namespace {

using json = nlohmann::json;

tl::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

Result<std::optional<std::string>> string_field(const json& j, const char* field,
                                                std::size_t max = 1000) {
  if (!j.contains(field) || j[field].is_null())
    return std::optional<std::string>{};
  if (!j[field].is_string())
    return invalid(std::string(field) + " must be a string");
  auto value = j[field].get<std::string>();
  if (value.size() > max)
    return invalid(std::string(field) + " is longer than " + std::to_string(max) + " characters");
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<int>> int_field(const json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null())
    return std::optional<int>{};
  if (!j[field].is_number_integer())
    return invalid(std::string(field) + " must be an integer");
  const auto v = j[field].get<std::int64_t>();
  if (v < -1'000'000'000 || v > 1'000'000'000)
    return invalid(std::string(field) + " is out of range");
  return std::optional<int>(static_cast<int>(v));
}

Result<SnmpInput> parse_snmp(const json& j) {
  if (!j.is_object())
    return invalid("snmp must be an object: {\"version\":\"2c\",\"community\":\"…\"}");
  static const std::set<std::string> known = {"version",       "community",     "user",
                                              "auth_protocol", "auth_password", "priv_protocol",
                                              "priv_password", "context"};
  for (const auto& [key, _] : j.items()) {
    if (!known.contains(key))
      return invalid("snmp." + key +
                     " is not a field (known: version, community, user, "
                     "auth_protocol, auth_password, priv_protocol, "
                     "priv_password, context)");
  }
  SnmpInput s;
  if (!j.contains("version"))
    return invalid("snmp.version is required: \"1\", \"2c\" or \"3\"");
  if (j["version"].is_number_integer()) {
    s.version = std::to_string(j["version"].get<int>());
  } else if (j["version"].is_string()) {
    s.version = j["version"].get<std::string>();
  } else {
    return invalid("snmp.version must be \"1\", \"2c\" or \"3\"");
  }
  if (s.version == "v1")
    s.version = "1";
  if (s.version == "v2c" || s.version == "2")
    s.version = "2c";
  if (s.version == "v3")
    s.version = "3";
  auto community = string_field(j, "community", 255);
  auto user = string_field(j, "user", 32);
  auto auth = string_field(j, "auth_protocol", 20);
  auto auth_password = string_field(j, "auth_password", 255);
  auto priv = string_field(j, "priv_protocol", 20);
  auto priv_password = string_field(j, "priv_password", 255);
  auto context = string_field(j, "context", 255);
  for (const auto* r :
       {&community, &user, &auth, &auth_password, &priv, &priv_password, &context}) {
    if (!*r)
      return invalid("snmp." + r->error().message);
  }
  s.community = *community;
  s.user = user->value_or("");
  s.auth_protocol = auth->value_or("none");
  s.auth_password = *auth_password;
  s.priv_protocol = priv->value_or("none");
  s.priv_password = *priv_password;
  s.context = context->value_or("");
  return s;
}

bool valid_label_name(std::string_view name) {
  return valid_metric_name(name) && name.size() <= 64;
}

}  // namespace

static Result<DeviceInput> parse_device_input_json(std::string_view json_text);

Result<DeviceInput> parse_device_input(std::string_view json_text) {
  // nlohmann throws on a value of the wrong type deep inside ({"oid": 5}): a 400, not a 500.
  try {
    return parse_device_input_json(json_text);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kInvalidArgument,
                std::string("a field has a value of the wrong type (") + e.what() + ")");
  }
}

static Result<DeviceInput> parse_device_input_json(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return invalid("the body must be a JSON object");
  static const std::set<std::string> known = {
      "name",    "address",         "port", "snmp",        "profile", "interval_s", "timeout_ms",
      "retries", "max_repetitions", "tags", "custom_oids", "enabled"};
  for (const auto& [key, _] : j.items()) {
    if (!known.contains(key))
      return invalid(key + " is not a device field");
  }
  DeviceInput in;
  auto name = string_field(j, "name", 100);
  auto address = string_field(j, "address", 64);
  auto profile = string_field(j, "profile", 64);
  for (const auto* r : {&name, &address, &profile}) {
    if (!*r)
      return invalid(r->error().message);
  }
  in.name = *name;
  in.address = *address;
  in.profile = *profile;
  auto port = int_field(j, "port");
  auto interval = int_field(j, "interval_s");
  auto timeout = int_field(j, "timeout_ms");
  auto retries = int_field(j, "retries");
  auto reps = int_field(j, "max_repetitions");
  for (const auto* r : {&port, &interval, &timeout, &retries, &reps}) {
    if (!*r)
      return invalid(r->error().message);
  }
  in.port = *port;
  in.interval_s = *interval;
  in.timeout_ms = *timeout;
  in.retries = *retries;
  in.max_repetitions = *reps;
  if (j.contains("snmp") && !j["snmp"].is_null()) {
    auto snmp = parse_snmp(j["snmp"]);
    if (!snmp)
      return tl::unexpected(snmp.error());
    in.snmp = std::move(*snmp);
  }
  if (j.contains("enabled") && !j["enabled"].is_null()) {
    if (!j["enabled"].is_boolean())
      return invalid("enabled must be true or false");
    in.enabled = j["enabled"].get<bool>();
  }
  if (j.contains("tags") && !j["tags"].is_null()) {
    if (!j["tags"].is_object())
      return invalid("tags must be an object of strings: {\"site\":\"north\"}");
    std::map<std::string, std::string> tags;
    for (const auto& [key, value] : j["tags"].items()) {
      if (!value.is_string())
        return invalid("tag " + key + " must have a string value");
      tags[key] = value.get<std::string>();
    }
    in.tags = std::move(tags);
  }
  if (j.contains("custom_oids") && !j["custom_oids"].is_null()) {
    if (!j["custom_oids"].is_array())
      return invalid(
          "custom_oids must be a list of {\"oid\",\"name\",\"type\",\"unit\",\"scale\"}");
    std::vector<CustomOid> oids;
    for (const auto& o : j["custom_oids"]) {
      if (!o.is_object())
        return invalid("custom_oids entries must be objects");
      for (const auto& [key, _] : o.items()) {
        if (key != "oid" && key != "name" && key != "metric" && key != "type" && key != "unit" &&
            key != "scale")
          return invalid("custom_oids: " + key + " is not a field (oid, name, type, unit, scale)");
      }
      CustomOid c;
      c.oid = o.value("oid", std::string());
      c.metric =
          o.contains("name") ? o.value("name", std::string()) : o.value("metric", std::string());
      c.type = o.value("type", std::string("gauge"));
      c.unit = o.value("unit", std::string());
      if (o.contains("scale")) {
        if (!o["scale"].is_number())
          return invalid("custom_oids: scale must be a number");
        c.scale = o["scale"].get<double>();
      }
      oids.push_back(std::move(c));
    }
    in.custom_oids = std::move(oids);
  }
  return in;
}

Status validate(const DeviceInput& in) {
  if (in.name) {
    if (in.name->empty() || in.name->size() > 100)
      return invalid("name must be 1-100 characters");
    for (char ch : *in.name) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f)
        return invalid("name must not contain control characters");
    }
  }
  if (in.address) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, in.address->c_str(), buf) != 1 &&
        inet_pton(AF_INET6, in.address->c_str(), buf) != 1)
      return invalid("address \"" + *in.address +
                     "\" is not an IPv4 or IPv6 address (host names are not resolved)");
  }
  if (in.port && (*in.port < 1 || *in.port > 65535))
    return invalid("port must be between 1 and 65535");
  if (in.interval_s && (*in.interval_s < 10 || *in.interval_s > 86400))
    return invalid("interval_s must be between 10 and 86400 seconds");
  if (in.timeout_ms && (*in.timeout_ms < 100 || *in.timeout_ms > 60000))
    return invalid("timeout_ms must be between 100 and 60000");
  if (in.retries && (*in.retries < 0 || *in.retries > 10))
    return invalid("retries must be between 0 and 10");
  if (in.max_repetitions && (*in.max_repetitions < 1 || *in.max_repetitions > 200))
    return invalid("max_repetitions must be between 1 and 200");
  if (in.snmp) {
    const auto& s = *in.snmp;
    if (s.version != "1" && s.version != "2c" && s.version != "3")
      return invalid("snmp.version must be \"1\", \"2c\" or \"3\", not \"" + s.version + "\"");
    if (s.version != "3") {
      if (s.community && s.community->empty())
        return invalid("snmp.community must not be empty");
      if (!s.user.empty() || s.auth_password || s.priv_password)
        return invalid("snmp.user and passwords are for version 3; v" + s.version +
                       " uses a community");
    } else {
      if (s.community)
        return invalid("snmp.community is for versions 1 and 2c; version 3 uses a user");
      if (s.user.empty())
        return invalid("snmp.user is required for version 3");
      auto auth = snmp::parse_auth_protocol(s.auth_protocol);
      if (s.auth_protocol != "none" && !auth)
        return invalid(
            "snmp.auth_protocol must be MD5, SHA, SHA-224, SHA-256, SHA-384 or "
            "SHA-512, not \"" +
            s.auth_protocol + "\"");
      auto priv = snmp::parse_priv_protocol(s.priv_protocol);
      if (s.priv_protocol != "none" && !priv)
        return invalid("snmp.priv_protocol must be DES, AES, AES-192 or AES-256, not \"" +
                       s.priv_protocol + "\"");
      if (s.priv_protocol != "none" && s.auth_protocol == "none")
        return invalid("snmp.priv_protocol needs an auth_protocol (authPriv)");
      if (s.auth_password && s.auth_password->size() < 8)
        return invalid("snmp.auth_password must have at least 8 characters (RFC 3414)");
      if (s.priv_password && s.priv_password->size() < 8)
        return invalid("snmp.priv_password must have at least 8 characters (RFC 3414)");
      if (s.auth_protocol == "none" && s.auth_password)
        return invalid("snmp.auth_password given without an auth_protocol");
      if (s.priv_protocol == "none" && s.priv_password)
        return invalid("snmp.priv_password given without a priv_protocol");
    }
  }
  if (in.tags) {
    if (in.tags->size() > 32)
      return invalid("at most 32 tags");
    for (const auto& [key, value] : *in.tags) {
      if (!valid_label_name(key) || key == "device" || key == "__name__")
        return invalid("tag \"" + key +
                       "\": names are letters, digits and _ (not starting with "
                       "a digit, at most 64; not \"device\")");
      if (value.size() > 200)
        return invalid("tag " + key + ": values have at most 200 characters");
    }
  }
  if (in.custom_oids) {
    if (in.custom_oids->size() > 100)
      return invalid("at most 100 custom OIDs");
    for (const auto& c : *in.custom_oids) {
      auto oid = snmp::Oid::parse(c.oid);
      if (!oid || oid->size() < 2)
        return invalid("custom OID \"" + c.oid + "\" is not a numeric OID (1.3.6.1.…)");
      if (!valid_metric_name(c.metric))
        return invalid("custom OID " + c.oid + ": name must be a metric name (letters, digits, _)");
      if (reserved_metric_name(c.metric))
        return invalid("custom OID " + c.oid + ": " + c.metric +
                       " is the poller's own (snmp_… and sys_uptime_s are reserved)");
      if (auto t = parse_object_type(c.type); !t)
        return invalid("custom OID " + c.oid + ": " + t.error().message);
      if (c.scale == 0.0)
        return invalid("custom OID " + c.oid + ": scale must not be 0");
    }
  }
  return ok();
}

std::string tags_to_json(const std::map<std::string, std::string>& tags) {
  return json(tags).dump();
}

std::map<std::string, std::string> tags_from_json(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  std::map<std::string, std::string> out;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (v.is_string())
        out[k] = v.get<std::string>();
    }
  }
  return out;
}

std::string tag_fragment(const std::string& key, const std::string& value) {
  return json(key).dump() + ":" + json(value).dump();
}

std::string custom_oids_to_json(const std::vector<CustomOid>& oids) {
  json out = json::array();
  for (const auto& c : oids) {
    out.push_back({{"oid", c.oid},
                   {"name", c.metric},
                   {"type", c.type},
                   {"unit", c.unit},
                   {"scale", c.scale}});
  }
  return out.dump();
}

std::vector<CustomOid> custom_oids_from_json(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  std::vector<CustomOid> out;
  if (!j.is_array())
    return out;
  for (const auto& o : j) {
    CustomOid c;
    c.oid = o.value("oid", std::string());
    c.metric = o.value("name", std::string());
    c.type = o.value("type", std::string("gauge"));
    c.unit = o.value("unit", std::string());
    c.scale = o.value("scale", 1.0);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace epcfleet::collector
