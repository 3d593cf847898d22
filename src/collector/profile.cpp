#include "epcfleet/collector/profile.hpp"

#include <set>

#include <nlohmann/json.hpp>

namespace epcfleet::collector {
namespace {

using json = nlohmann::json;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

Result<snmp::Oid> oid_field(const json& j, const char* field, const std::string& where,
                            bool required = true) {
  if (!j.contains(field)) {
    if (required)
      return tl::unexpected(invalid(where + ": " + field + " is required"));
    return snmp::Oid{};
  }
  if (!j[field].is_string())
    return tl::unexpected(invalid(where + ": " + field + " must be a string"));
  auto oid = snmp::Oid::parse(j[field].get<std::string>());
  if (!oid || oid->size() < 2)
    return tl::unexpected(invalid(where + ": " + field + " \"" + j[field].get<std::string>() +
                                  "\" is not a numeric OID (e.g. 1.3.6.1.2.1.1.3.0)"));
  return *oid;
}

Result<ObjectSpec> parse_object(const json& j, const std::string& where, bool column) {
  if (!j.is_object())
    return tl::unexpected(invalid(where + " must be an object"));
  for (const auto& [key, _] : j.items()) {
    static const std::set<std::string> scalar_keys = {"oid", "metric", "type", "unit", "scale"};
    static const std::set<std::string> column_keys = {"oid",   "metric",       "type",    "unit",
                                                      "scale", "fallback_oid", "scale_by"};
    if (!(column ? column_keys : scalar_keys).contains(key))
      return tl::unexpected(invalid(where + ": unknown field " + key));
  }
  ObjectSpec spec;
  auto oid = oid_field(j, "oid", where);
  if (!oid)
    return tl::unexpected(oid.error());
  spec.oid = *oid;
  if (!j.contains("metric") || !j["metric"].is_string() ||
      !valid_metric_name(j["metric"].get<std::string>()))
    return tl::unexpected(
        invalid(where + ": metric must be a name of letters, digits and _ (not starting with a "
                        "digit, at most 100)"));
  spec.metric = j["metric"].get<std::string>();
  if (reserved_metric_name(spec.metric))
    return tl::unexpected(invalid(where + ": " + spec.metric +
                                  " is the poller's own (names starting snmp_ and sys_uptime_s "
                                  "are reserved)"));
  if (j.contains("type")) {
    if (!j["type"].is_string())
      return tl::unexpected(invalid(where + ": type must be gauge, counter or text"));
    auto type = parse_object_type(j["type"].get<std::string>());
    if (!type)
      return tl::unexpected(invalid(where + ": " + type.error().message));
    spec.type = *type;
  }
  if (j.contains("unit")) {
    if (!j["unit"].is_string() || j["unit"].get<std::string>().size() > 50)
      return tl::unexpected(invalid(where + ": unit must be a string of at most 50 characters"));
    spec.unit = j["unit"].get<std::string>();
  }
  if (j.contains("scale")) {
    if (!j["scale"].is_number() || j["scale"].get<double>() == 0.0)
      return tl::unexpected(invalid(where + ": scale must be a non-zero number"));
    spec.scale = j["scale"].get<double>();
  }
  if (column) {
    auto fallback = oid_field(j, "fallback_oid", where, false);
    if (!fallback)
      return tl::unexpected(fallback.error());
    spec.fallback = *fallback;
    auto scale_by = oid_field(j, "scale_by", where, false);
    if (!scale_by)
      return tl::unexpected(scale_by.error());
    spec.scale_by = *scale_by;
  } else if (spec.oid.arcs().back() != 0) {
    // Not an error: scalars of some agents live at .1; but say nothing and accept.
  }
  return spec;
}

json object_json(const ObjectSpec& o, bool column) {
  json j = {{"oid", o.oid.to_string()},
            {"metric", o.metric},
            {"type", std::string(to_string(o.type))},
            {"unit", o.unit},
            {"scale", o.scale}};
  if (column && !o.fallback.empty())
    j["fallback_oid"] = o.fallback.to_string();
  if (column && !o.scale_by.empty())
    j["scale_by"] = o.scale_by.to_string();
  return j;
}

}  // namespace

std::string_view to_string(ObjectType type) {
  switch (type) {
    case ObjectType::kGauge: return "gauge";
    case ObjectType::kCounter: return "counter";
    case ObjectType::kText: return "text";
  }
  return "gauge";
}

Result<ObjectType> parse_object_type(std::string_view text) {
  if (text == "gauge")
    return ObjectType::kGauge;
  if (text == "counter")
    return ObjectType::kCounter;
  if (text == "text")
    return ObjectType::kText;
  return tl::unexpected(invalid("type must be gauge, counter or text, not \"" +
                                std::string(text.substr(0, 40)) + "\""));
}

bool reserved_metric_name(std::string_view name) {
  return name.starts_with("snmp_") || name == "sys_uptime_s";
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || name.size() > 100)
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0))
      return false;
  }
  return true;
}

static Result<Profile> parse_profile_json(std::string_view name, std::string_view json_text);

Result<Profile> parse_profile(std::string_view name, std::string_view json_text) {
  // nlohmann throws on a value of the wrong type deep inside ({"oid": 5}): a 400, not a 500.
  try {
    return parse_profile_json(name, json_text);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kInvalidArgument,
                std::string("a field has a value of the wrong type (") + e.what() + ")");
  }
}

static Result<Profile> parse_profile_json(std::string_view name, std::string_view json_text) {
  if (name.empty() || name.size() > 64)
    return tl::unexpected(invalid("profile name must be 1-64 characters"));
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return tl::unexpected(invalid("profile name may hold letters, digits, '-', '_' and '.'"));
  }
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return tl::unexpected(invalid("profile definition must be a JSON object"));
  for (const auto& [key, _] : j.items()) {
    if (key != "description" && key != "includes" && key != "scalars" && key != "tables" &&
        key != "name")
      return tl::unexpected(invalid("unknown field " + key));
  }
  Profile p;
  p.name = std::string(name);
  if (j.contains("description")) {
    if (!j["description"].is_string() || j["description"].get<std::string>().size() > 500)
      return tl::unexpected(invalid("description must be a string of at most 500 characters"));
    p.description = j["description"].get<std::string>();
  }
  if (j.contains("includes")) {
    if (!j["includes"].is_array())
      return tl::unexpected(invalid("includes must be a list of profile names"));
    for (const auto& inc : j["includes"]) {
      if (!inc.is_string())
        return tl::unexpected(invalid("includes must be a list of profile names"));
      p.includes.push_back(inc.get<std::string>());
    }
  }
  if (j.contains("scalars")) {
    if (!j["scalars"].is_array())
      return tl::unexpected(invalid("scalars must be a list"));
    for (std::size_t i = 0; i < j["scalars"].size(); ++i) {
      auto o = parse_object(j["scalars"][i], "scalars[" + std::to_string(i) + "]", false);
      if (!o)
        return tl::unexpected(o.error());
      p.scalars.push_back(std::move(*o));
    }
  }
  if (j.contains("tables")) {
    if (!j["tables"].is_array())
      return tl::unexpected(invalid("tables must be a list"));
    for (std::size_t i = 0; i < j["tables"].size(); ++i) {
      const auto& tj = j["tables"][i];
      const std::string where = "tables[" + std::to_string(i) + "]";
      if (!tj.is_object())
        return tl::unexpected(invalid(where + " must be an object"));
      TableSpec t;
      t.name = tj.value("name", std::string("table") + std::to_string(i));
      t.index_label = tj.value("index_label", std::string("index"));
      if (!valid_metric_name(t.index_label))
        return tl::unexpected(invalid(where + ": index_label must be a label name"));
      if (tj.contains("labels")) {
        if (!tj["labels"].is_object())
          return tl::unexpected(invalid(where + ": labels must map label names to column OIDs"));
        for (const auto& [label, o] : tj["labels"].items()) {
          if (!valid_metric_name(label) || !o.is_string())
            return tl::unexpected(invalid(where + ": labels must map label names to column OIDs"));
          auto column = snmp::Oid::parse(o.get<std::string>());
          if (!column)
            return tl::unexpected(invalid(where + ": label " + label + " is not a numeric OID"));
          t.label_columns.emplace_back(label, *column);
        }
      }
      if (!tj.contains("columns") || !tj["columns"].is_array() || tj["columns"].empty())
        return tl::unexpected(invalid(where + ": columns must be a non-empty list"));
      for (std::size_t c = 0; c < tj["columns"].size(); ++c) {
        auto o =
            parse_object(tj["columns"][c], where + ".columns[" + std::to_string(c) + "]", true);
        if (!o)
          return tl::unexpected(o.error());
        t.columns.push_back(std::move(*o));
      }
      p.tables.push_back(std::move(t));
    }
  }
  if (p.includes.empty() && p.scalars.empty() && p.tables.empty())
    return tl::unexpected(invalid("a profile needs scalars, tables or includes"));
  if (p.scalars.size() + p.tables.size() > 500)
    return tl::unexpected(invalid("a profile has at most 500 scalars and tables"));
  return p;
}

std::string profile_json(const Profile& p) {
  json scalars = json::array();
  for (const auto& s : p.scalars)
    scalars.push_back(object_json(s, false));
  json tables = json::array();
  for (const auto& t : p.tables) {
    json labels = json::object();
    for (const auto& [label, column] : t.label_columns)
      labels[label] = column.to_string();
    json columns = json::array();
    for (const auto& c : t.columns)
      columns.push_back(object_json(c, true));
    tables.push_back({{"name", t.name},
                      {"index_label", t.index_label},
                      {"labels", labels},
                      {"columns", columns}});
  }
  return json{{"description", p.description},
              {"includes", p.includes},
              {"scalars", scalars},
              {"tables", tables}}
      .dump();
}

Result<ResolvedProfile> resolve(const Profile& profile,
                                const std::function<const Profile*(std::string_view)>& find) {
  auto out = std::make_shared<Profile>();
  out->name = profile.name;
  out->description = profile.description;
  out->builtin = profile.builtin;
  std::set<std::string> seen_oids;
  std::vector<std::string> stack;
  std::function<Status(const Profile&)> add = [&](const Profile& p) -> Status {
    if (std::find(stack.begin(), stack.end(), p.name) != stack.end())
      return fail(ErrorCode::kInvalidArgument, "profile " + p.name + " includes itself");
    if (stack.size() > 8)
      return fail(ErrorCode::kInvalidArgument, "profiles are included more than 8 deep");
    stack.push_back(p.name);
    for (const auto& name : p.includes) {
      const Profile* inc = find(name);
      if (inc == nullptr)
        return fail(ErrorCode::kInvalidArgument,
                    "profile " + p.name + " includes unknown profile " + name);
      if (auto s = add(*inc); !s)
        return s;
    }
    for (const auto& s : p.scalars) {
      if (seen_oids.insert(s.oid.to_string()).second)
        out->scalars.push_back(s);
    }
    for (const auto& t : p.tables) {
      // A table included twice (two includes both bring if-mib) is walked once.
      const bool seen = std::any_of(out->tables.begin(), out->tables.end(), [&](const auto& o) {
        return o.columns.front().oid == t.columns.front().oid;
      });
      if (!seen)
        out->tables.push_back(t);
    }
    stack.pop_back();
    return ok();
  };
  if (auto s = add(profile); !s)
    return tl::unexpected(s.error());
  return ResolvedProfile(std::move(out));
}

}  // namespace epcfleet::collector
