#include "epcfleet/collector/profile_service.hpp"

#include <algorithm>

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::collector {
namespace {

Result<Profile> from_record(const store::SnmpProfile& r) {
  auto p = parse_profile(r.name, r.definition_json);
  if (!p)
    return fail(ErrorCode::kInternal,
                "stored profile " + r.name + " is unreadable: " + p.error().message);
  p->description = r.description;
  return p;
}

}  // namespace

Result<std::vector<Profile>> ProfileService::stored(const std::string& tenant,
                                                    store::Connection* conn) {
  auto rows = conn != nullptr ? store::SnmpProfileStore(*conn).list(tenant)
                              : db_->read([&](store::Connection& c) {
                                  return store::SnmpProfileStore(c).list(tenant);
                                });
  if (!rows)
    return fail(rows.error());
  std::vector<Profile> out;
  for (const auto& r : *rows) {
    auto p = from_record(r);
    if (!p)
      return fail(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<std::vector<Profile>> ProfileService::list(const std::string& tenant) {
  auto own = stored(tenant);
  if (!own)
    return own;
  std::vector<Profile> all = builtin_profiles();
  for (auto& p : *own)
    all.push_back(std::move(p));
  return all;
}

Result<Profile> ProfileService::get(const std::string& tenant, const std::string& name) {
  if (const auto* b = find_builtin(name))
    return *b;
  auto row = db_->read(
      [&](store::Connection& conn) { return store::SnmpProfileStore(conn).find(tenant, name); });
  if (!row)
    return fail(row.error());
  if (!*row)
    return fail(ErrorCode::kNotFound, "profile " + name + " not found");
  return from_record(**row);
}

Result<Profile> ProfileService::parse_checked(const std::string& tenant, const std::string& name,
                                              std::string_view definition) {
  auto profile = parse_profile(name, definition);
  if (!profile)
    return profile;
  auto all = list(tenant);
  if (!all)
    return fail(all.error());
  // Its includes must exist and not loop (the stored version of itself does not count).
  auto resolved = resolve(*profile, [&](std::string_view n) -> const Profile* {
    if (n == name)
      return &*profile;
    for (const auto& p : *all) {
      if (p.name == n)
        return &p;
    }
    return nullptr;
  });
  if (!resolved)
    return fail(resolved.error());
  return profile;
}

Result<Profile> ProfileService::create(const std::string& tenant, const std::string& name,
                                       std::string_view definition, const Actor& actor) {
  if (find_builtin(name) != nullptr)
    return fail(ErrorCode::kConflict, "\"" + name + "\" is a built-in profile");
  auto profile = parse_checked(tenant, name, definition);
  if (!profile)
    return profile;
  store::SnmpProfile rec{
      tenant, name, profile->description, profile_json(*profile), actor.name, now_ms(), now_ms()};
  auto audit_rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto existing = store::SnmpProfileStore(conn).find(tenant, name);
    if (!existing)
      return fail(existing.error());
    if (*existing)
      return fail(ErrorCode::kConflict, "profile " + name + " exists already");
    if (auto s = store::SnmpProfileStore(conn).insert(rec); !s)
      return fail(s.error());
    return audit::append(
        conn, actor,
        {tenant, "profile.create", name, "success", "{\"name\":\"" + json_escape(name) + "\"}"});
  });
  if (!audit_rec)
    return fail(audit_rec.error());
  audit::publish(events_, *audit_rec);
  return profile;
}

Result<Profile> ProfileService::update(const std::string& tenant, const std::string& name,
                                       std::string_view definition, const Actor& actor) {
  if (find_builtin(name) != nullptr)
    return fail(ErrorCode::kConflict, "built-in profile " + name + " cannot be changed; copy it");
  auto profile = parse_checked(tenant, name, definition);
  if (!profile)
    return profile;
  store::SnmpProfile rec{tenant, name,    profile->description, profile_json(*profile), actor.name,
                         0,      now_ms()};
  auto audit_rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto changed = store::SnmpProfileStore(conn).update(rec);
    if (!changed)
      return fail(changed.error());
    if (!*changed)
      return fail(ErrorCode::kNotFound, "profile " + name + " not found");
    return audit::append(
        conn, actor,
        {tenant, "profile.update", name, "success", "{\"name\":\"" + json_escape(name) + "\"}"});
  });
  if (!audit_rec)
    return fail(audit_rec.error());
  audit::publish(events_, *audit_rec);
  if (on_change_)
    on_change_(tenant, name);
  return profile;
}

Status ProfileService::remove(const std::string& tenant, const std::string& name,
                              const Actor& actor) {
  if (find_builtin(name) != nullptr)
    return fail(ErrorCode::kConflict, "built-in profile " + name + " cannot be deleted");
  auto audit_rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto others = stored(tenant, &conn);
    if (!others)
      return fail(others.error());
    for (const auto& other : *others) {
      if (std::find(other.includes.begin(), other.includes.end(), name) != other.includes.end())
        return fail(ErrorCode::kConflict,
                    "profile " + name + " is included by profile " + other.name);
    }
    auto users = store::SnmpDeviceStore(conn).list_using_profile(tenant, name);
    if (!users)
      return fail(users.error());
    if (!users->empty())
      return fail(ErrorCode::kConflict, "profile " + name + " is used by " +
                                            std::to_string(users->size()) + " device(s), e.g. " +
                                            users->front().name);
    auto removed = store::SnmpProfileStore(conn).remove(tenant, name);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(ErrorCode::kNotFound, "profile " + name + " not found");
    return audit::append(
        conn, actor,
        {tenant, "profile.delete", name, "success", "{\"name\":\"" + json_escape(name) + "\"}"});
  });
  if (!audit_rec)
    return fail(audit_rec.error());
  audit::publish(events_, *audit_rec);
  return ok();
}

Result<ResolvedProfile> ProfileService::resolve_for(const std::string& tenant,
                                                    const std::string& name,
                                                    const std::vector<CustomOid>& custom,
                                                    store::Connection* conn) {
  std::vector<Profile> own;
  const Profile* base = find_builtin(name);
  std::optional<Profile> loaded;
  auto find = [&](std::string_view n) -> const Profile* {
    if (const auto* b = find_builtin(n))
      return b;
    for (const auto& p : own) {
      if (p.name == n)
        return &p;
    }
    return nullptr;
  };
  if (base == nullptr || !base->includes.empty()) {
    auto s = stored(tenant, conn);
    if (!s)
      return fail(s.error());
    own = std::move(*s);
    base = find(name);
  }
  if (base == nullptr)
    return fail(ErrorCode::kInvalidArgument,
                "profile \"" + name +
                    "\" does not exist (built-in: epc-default, system, if-mib, host-resources, "
                    "epc, uptime)");
  auto resolved = resolve(*base, find);
  if (!resolved || custom.empty())
    return resolved;
  auto with_custom = std::make_shared<Profile>(**resolved);
  for (const auto& c : custom) {
    ObjectSpec spec;
    spec.oid = snmp::Oid::parse(c.oid).value_or(snmp::Oid{});
    spec.metric = c.metric;
    spec.type = parse_object_type(c.type).value_or(ObjectType::kGauge);
    spec.unit = c.unit;
    spec.scale = c.scale;
    with_custom->scalars.push_back(std::move(spec));
  }
  return ResolvedProfile(std::move(with_custom));
}

}  // namespace epcfleet::collector
