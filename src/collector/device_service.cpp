#include "epcfleet/collector/device_service.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"

namespace epcfleet::collector {
namespace {

constexpr std::string_view kCommunityPurpose = "snmp.community";
constexpr std::string_view kAuthPurpose = "snmp.auth_password";
constexpr std::string_view kPrivPurpose = "snmp.priv_password";

std::string audit_detail(const store::SnmpDevice& d) {
  return "{\"name\":\"" + json_escape(d.name) + "\",\"address\":\"" + json_escape(d.address) +
         "\",\"port\":" + std::to_string(d.port) + ",\"version\":\"" + d.version +
         "\",\"profile\":\"" + json_escape(d.profile) +
         "\",\"enabled\":" + (d.enabled ? "true" : "false") + "}";
}

// Keeps, replaces, creates or drops one sealed secret of a device.
Status set_secret(store::Connection& conn, const secrets::SecretVault& vault,
                  const std::string& tenant, std::string_view purpose,
                  std::optional<std::string>& slot, const std::optional<std::string>& value,
                  bool wanted, const char* missing_message) {
  if (!wanted) {
    if (slot) {
      if (auto s = vault.remove(conn, *slot); !s)
        return s;
      slot.reset();
    }
    return ok();
  }
  if (value) {
    if (slot)
      return vault.replace(conn, *slot, *value);
    auto id = vault.put(conn, tenant, std::string(purpose), *value);
    if (!id)
      return fail(id.error());
    slot = *id;
    return ok();
  }
  if (!slot)
    return fail(ErrorCode::kInvalidArgument, missing_message);
  return ok();
}

// Applies the SNMP settings to the record, sealing secrets in the caller's transaction.
// `previous_version` is the record's version before the change ("" on create): a secret left
// out is kept only when the version (and, for v3 keys, the protocol's presence) is unchanged.
Status apply_snmp(store::Connection& conn, const secrets::SecretVault& vault, store::SnmpDevice& d,
                  const SnmpInput& s, bool is_new) {
  const bool was_v3 = d.version == "3";
  const bool same_family = !is_new && (was_v3 == (s.version == "3"));
  if (!same_family) {
    // Secrets of the other family are dropped; the new family's must all be given.
    for (auto* slot : {&d.community_secret, &d.auth_secret, &d.priv_secret}) {
      if (*slot) {
        if (auto st = vault.remove(conn, **slot); !st)
          return st;
        slot->reset();
      }
    }
  }
  d.version = s.version;
  if (s.version != "3") {
    d.v3_user.clear();
    d.auth_protocol = "none";
    d.priv_protocol = "none";
    d.context.clear();
    if (auto st = set_secret(conn, vault, d.tenant_id, kAuthPurpose, d.auth_secret, {}, false, "");
        !st)
      return st;
    if (auto st = set_secret(conn, vault, d.tenant_id, kPrivPurpose, d.priv_secret, {}, false, "");
        !st)
      return st;
    return set_secret(conn, vault, d.tenant_id, kCommunityPurpose, d.community_secret, s.community,
                      true, "snmp.community is required for versions 1 and 2c");
  }
  if (auto st = set_secret(conn, vault, d.tenant_id, kCommunityPurpose, d.community_secret, {},
                           false, "");
      !st)
    return st;
  // A protocol switched on needs its password even when one is stored for another protocol.
  if (d.auth_protocol == "none" && s.auth_protocol != "none" && !s.auth_password && d.auth_secret) {
    if (auto st = vault.remove(conn, *d.auth_secret); !st)
      return st;
    d.auth_secret.reset();
  }
  if (d.priv_protocol == "none" && s.priv_protocol != "none" && !s.priv_password && d.priv_secret) {
    if (auto st = vault.remove(conn, *d.priv_secret); !st)
      return st;
    d.priv_secret.reset();
  }
  d.v3_user = s.user;
  d.auth_protocol = s.auth_protocol;
  d.priv_protocol = s.priv_protocol;
  d.context = s.context;
  if (auto st = set_secret(conn, vault, d.tenant_id, kAuthPurpose, d.auth_secret, s.auth_password,
                           s.auth_protocol != "none",
                           "snmp.auth_password is required with an auth_protocol");
      !st)
    return st;
  return set_secret(conn, vault, d.tenant_id, kPrivPurpose, d.priv_secret, s.priv_password,
                    s.priv_protocol != "none",
                    "snmp.priv_password is required with a priv_protocol");
}

// The form the trap receiver reports sources in (inet_ntop; IPv4-mapped IPv6 as IPv4), so that
// "2001:DB8::5" or "::ffff:10.0.0.5" typed by an operator still matches its traps.
std::string canonical_address(const std::string& text) {
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
    return inet_ntop(AF_INET, bytes, out, sizeof out) != nullptr ? out : text;
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1)
    return text;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped, kMapped + 12, bytes))
    return inet_ntop(AF_INET, bytes + 12, out, sizeof out) != nullptr ? out : text;
  return inet_ntop(AF_INET6, bytes, out, sizeof out) != nullptr ? out : text;
}

void apply_plain(store::SnmpDevice& d, const DeviceInput& in) {
  if (in.name)
    d.name = *in.name;
  if (in.address)
    d.address = canonical_address(*in.address);
  if (in.port)
    d.port = *in.port;
  if (in.profile)
    d.profile = *in.profile;
  if (in.interval_s)
    d.interval_s = *in.interval_s;
  if (in.timeout_ms)
    d.timeout_ms = *in.timeout_ms;
  if (in.retries)
    d.retries = *in.retries;
  if (in.max_repetitions)
    d.max_repetitions = *in.max_repetitions;
  if (in.tags)
    d.tags_json = tags_to_json(*in.tags);
  if (in.custom_oids)
    d.custom_oids_json = custom_oids_to_json(*in.custom_oids);
  if (in.enabled)
    d.enabled = *in.enabled;
}

snmp::Target target_from(const store::SnmpDevice& d, const std::optional<std::string>& community,
                         const std::optional<std::string>& auth,
                         const std::optional<std::string>& priv) {
  snmp::Target t;
  t.address = d.address;
  t.port = static_cast<std::uint16_t>(d.port);
  t.version = d.version == "1"   ? snmp::Version::kV1
              : d.version == "3" ? snmp::Version::kV3
                                 : snmp::Version::kV2c;
  t.community = community.value_or("");
  t.user = d.v3_user;
  t.auth_protocol = snmp::parse_auth_protocol(d.auth_protocol).value_or(snmp::AuthProtocol::kNone);
  t.priv_protocol = snmp::parse_priv_protocol(d.priv_protocol).value_or(snmp::PrivProtocol::kNone);
  t.auth_password = auth.value_or("");
  t.priv_password = priv.value_or("");
  t.context = d.context;
  t.timeout = std::chrono::milliseconds(d.timeout_ms);
  t.retries = d.retries;
  return t;
}

Status check_name_free(store::Connection& conn, const store::SnmpDevice& d) {
  auto existing = store::SnmpDeviceStore(conn).find_by_name(d.tenant_id, d.name);
  if (!existing)
    return fail(existing.error());
  if (*existing && (*existing)->id != d.id)
    return fail(ErrorCode::kConflict, "a device named \"" + d.name + "\" exists already");
  return ok();
}

}  // namespace

std::string_view to_string(DeviceStatus status) {
  switch (status) {
    case DeviceStatus::kUp: return "up";
    case DeviceStatus::kDown: return "down";
    case DeviceStatus::kUnknown: return "unknown";
  }
  return "unknown";
}

DeviceStatus parse_status(std::string_view text) {
  if (text == "up")
    return DeviceStatus::kUp;
  if (text == "down")
    return DeviceStatus::kDown;
  return DeviceStatus::kUnknown;
}

DeviceService::DeviceService(std::shared_ptr<store::Database> db, const secrets::SecretVault& vault,
                             ProfileService& profiles, EventPublisher& events)
    : db_(std::move(db)), vault_(vault), profiles_(profiles), events_(events) {
}

Result<store::SnmpDevice> DeviceService::build(const std::string& tenant, const DeviceInput& input,
                                               const Actor& actor) {
  if (auto s = validate(input); !s)
    return fail(s.error());
  if (!input.name)
    return fail(ErrorCode::kInvalidArgument, "name is required");
  if (!input.address)
    return fail(ErrorCode::kInvalidArgument, "address is required (an IPv4 or IPv6 address)");
  if (!input.snmp)
    return fail(ErrorCode::kInvalidArgument,
                "snmp is required: {\"version\":\"2c\",\"community\":\"…\"} or version 3 with a "
                "user");
  store::SnmpDevice d;
  d.id = "d-" + crypto::random_hex(8);
  d.tenant_id = tenant;
  d.profile = "epc-default";
  apply_plain(d, input);
  d.created_at = d.updated_at = now_ms();
  (void)actor;
  return d;
}

Result<store::SnmpDevice> DeviceService::create(const std::string& tenant, const DeviceInput& input,
                                                const Actor& actor) {
  auto built = build(tenant, input, actor);
  if (!built)
    return built;
  auto d = std::move(*built);
  if (auto p = profiles_.resolve_for(tenant, d.profile, custom_oids_from_json(d.custom_oids_json));
      !p)
    return fail(p.error());
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    if (auto s = check_name_free(conn, d); !s)
      return fail(s.error());
    if (auto s = apply_snmp(conn, vault_, d, *input.snmp, true); !s)
      return fail(s.error());
    d.created_by = actor.name;
    if (auto s = store::SnmpDeviceStore(conn).insert(d); !s)
      return fail(s.error());
    return audit::append(conn, actor, {tenant, "device.create", d.id, "success", audit_detail(d)});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  notify(d);
  return d;
}

Result<store::SnmpDevice> DeviceService::update(const std::string& tenant, const std::string& id,
                                                const DeviceInput& input, const Actor& actor) {
  if (auto s = validate(input); !s)
    return fail(s.error());
  store::SnmpDevice d;
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    if (auto locked = store::SnmpDeviceStore(conn).lock(tenant, id); !locked)
      return fail(locked.error());
    auto found = store::SnmpDeviceStore(conn).find(tenant, id);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "device " + id + " not found");
    d = **found;
    const bool was_enabled = d.enabled;
    apply_plain(d, input);
    if (auto p = profiles_.resolve_for(tenant, d.profile, custom_oids_from_json(d.custom_oids_json),
                                       &conn);
        !p)
      return fail(p.error());
    if (auto s = check_name_free(conn, d); !s)
      return fail(s.error());
    if (input.snmp) {
      if (auto s = apply_snmp(conn, vault_, d, *input.snmp, false); !s)
        return fail(s.error());
    }
    if (was_enabled && !d.enabled) {
      d.status = "unknown";
      d.status_since = now_ms();
    }
    d.updated_at = now_ms();
    if (auto s = store::SnmpDeviceStore(conn).update(d); !s)
      return fail(s.error());
    return audit::append(conn, actor, {tenant, "device.update", d.id, "success", audit_detail(d)});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  notify(d);
  return d;
}

Result<store::SnmpDevice> DeviceService::set_enabled(const std::string& tenant,
                                                     const std::string& id, bool enabled,
                                                     const Actor& actor) {
  DeviceInput in;
  in.enabled = enabled;
  return update(tenant, id, in, actor);
}

Status DeviceService::remove(const std::string& tenant, const std::string& id, const Actor& actor) {
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto found = store::SnmpDeviceStore(conn).find(tenant, id);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "device " + id + " not found");
    for (const auto& slot :
         {(*found)->community_secret, (*found)->auth_secret, (*found)->priv_secret}) {
      if (slot) {
        if (auto s = vault_.remove(conn, *slot); !s)
          return fail(s.error());
      }
    }
    if (auto r = store::SnmpDeviceStore(conn).remove(tenant, id); !r)
      return fail(r.error());
    return audit::append(conn, actor,
                         {tenant, "device.delete", id, "success", audit_detail(**found)});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  std::lock_guard lock(notify_mu_);
  for (auto* l : listeners_)
    l->device_removed(tenant, id);
  return ok();
}

Result<ImportResult> DeviceService::import_csv(const std::string& tenant, std::string_view csv,
                                               const Actor& actor) {
  auto parsed = parse_device_csv(csv);
  ImportResult result;
  result.errors = std::move(parsed.errors);
  std::set<std::string> names;
  std::vector<store::SnmpDevice> devices;
  for (std::size_t i = 0; i < parsed.devices.size(); ++i) {
    const auto& in = parsed.devices[i];
    auto d = build(tenant, in, actor);
    if (!d) {
      result.errors.push_back({parsed.lines[i], d.error().message});
      continue;
    }
    if (!names.insert(d->name).second)
      result.errors.push_back(
          {parsed.lines[i], "the name \"" + d->name + "\" appears twice in the file"});
    if (auto p =
            profiles_.resolve_for(tenant, d->profile, custom_oids_from_json(d->custom_oids_json));
        !p)
      result.errors.push_back({parsed.lines[i], p.error().message});
    devices.push_back(std::move(*d));
  }
  if (!result.errors.empty())
    return result;
  std::vector<store::AuditRecord> records;
  auto committed = db_->write([&](store::Connection& conn) -> Status {
    for (std::size_t i = 0; i < devices.size(); ++i) {
      auto& d = devices[i];
      if (auto s = check_name_free(conn, d); !s) {
        result.errors.push_back({parsed.lines[i], s.error().message});
        continue;
      }
      if (auto s = apply_snmp(conn, vault_, d, *parsed.devices[i].snmp, true); !s) {
        result.errors.push_back({parsed.lines[i], s.error().message});
        continue;
      }
      d.created_by = actor.name;
      if (auto s = store::SnmpDeviceStore(conn).insert(d); !s)
        return s;
      auto rec = audit::append(conn, actor,
                               {tenant, "device.create", d.id, "success",
                                audit_detail(d).insert(1, "\"import\":true,")});
      if (!rec)
        return fail(rec.error());
      records.push_back(std::move(*rec));
    }
    if (!result.errors.empty())
      return fail(ErrorCode::kInvalidArgument, "import refused");  // rolls everything back
    return ok();
  });
  if (!committed) {
    if (!result.errors.empty())
      return result;
    return fail(committed.error());
  }
  for (const auto& r : records)
    audit::publish(events_, r);
  for (const auto& d : devices)
    notify(d);
  result.created = std::move(devices);
  return result;
}

Result<store::SnmpDevice> DeviceService::get(const std::string& tenant, const std::string& id) {
  auto found = db_->read(
      [&](store::Connection& conn) { return store::SnmpDeviceStore(conn).find(tenant, id); });
  if (!found)
    return fail(found.error());
  if (!*found)
    return fail(ErrorCode::kNotFound, "device " + id + " not found");
  return **found;
}

Result<store::Page<store::SnmpDevice>> DeviceService::list(const std::string& tenant,
                                                           const store::SnmpDeviceFilter& filter) {
  return db_->read(
      [&](store::Connection& conn) { return store::SnmpDeviceStore(conn).list(tenant, filter); });
}

Result<PollDevice> DeviceService::poll_device(const store::SnmpDevice& d) {
  std::optional<std::string> community, auth, priv;
  auto unsealed = db_->read([&](store::Connection& conn) -> Status {
    for (auto [slot, out] : {std::pair{&d.community_secret, &community},
                             std::pair{&d.auth_secret, &auth}, std::pair{&d.priv_secret, &priv}}) {
      if (*slot) {
        auto v = vault_.get(conn, **slot);
        if (!v)
          return fail(v.error());
        *out = std::move(*v);
      }
    }
    return ok();
  });
  if (!unsealed)
    return fail(unsealed.error());
  PollDevice p;
  p.tenant = d.tenant_id;
  p.id = d.id;
  p.name = d.name;
  p.target = target_from(d, community, auth, priv);
  p.interval_s = d.interval_s;
  p.max_repetitions = d.max_repetitions;
  p.enabled = d.enabled;
  p.tags = tags_from_json(d.tags_json);
  p.status = parse_status(d.status);
  p.status_since = d.status_since;
  auto profile =
      profiles_.resolve_for(d.tenant_id, d.profile, custom_oids_from_json(d.custom_oids_json));
  if (!profile)
    return fail(profile.error());
  p.profile = *profile;
  return p;
}

Result<snmp::Target> DeviceService::target_for(const std::string& tenant,
                                               const DeviceInput& input) {
  auto d = build(tenant, input, Actor{});
  if (!d)
    return fail(d.error());
  const auto& s = *input.snmp;
  if (s.version != "3" && !s.community)
    return fail(ErrorCode::kInvalidArgument, "snmp.community is required for versions 1 and 2c");
  if (s.version == "3" && s.auth_protocol != "none" && !s.auth_password)
    return fail(ErrorCode::kInvalidArgument,
                "snmp.auth_password is required with an auth_protocol");
  if (s.version == "3" && s.priv_protocol != "none" && !s.priv_password)
    return fail(ErrorCode::kInvalidArgument, "snmp.priv_password is required with a priv_protocol");
  d->version = s.version;
  d->v3_user = s.user;
  d->auth_protocol = s.auth_protocol;
  d->priv_protocol = s.priv_protocol;
  d->context = s.context;
  return target_from(*d, s.community, s.auth_password, s.priv_password);
}

Result<std::vector<PollDevice>> DeviceService::load_all() {
  auto all =
      db_->read([](store::Connection& conn) { return store::SnmpDeviceStore(conn).list_all(); });
  if (!all)
    return fail(all.error());
  std::vector<PollDevice> out;
  for (const auto& d : *all) {
    // One device that cannot be planned (its profile went away) must not keep the server from
    // starting: it is left out and said so; editing it brings it back.
    auto p = poll_device(d);
    if (!p) {
      log::error("snmp.device_not_polled",
                 {{"tenant", d.tenant_id}, {"device", d.id}, {"error", p.error().message}});
      continue;
    }
    out.push_back(std::move(*p));
  }
  return out;
}

void DeviceService::notify(const store::SnmpDevice& changed) {
  if (listeners_.empty())
    return;
  // The row as it is now, not as this change left it: two changes committed in one order may
  // notify in the other, and a device deleted meanwhile must not come back.
  std::lock_guard lock(notify_mu_);
  auto now = db_->read([&](store::Connection& conn) {
    return store::SnmpDeviceStore(conn).find(changed.tenant_id, changed.id);
  });
  if (!now)
    return;  // the store went away between commit and read: the next change or restart fixes it
  if (!*now) {
    for (auto* l : listeners_)
      l->device_removed(changed.tenant_id, changed.id);
    return;
  }
  auto p = poll_device(**now);
  if (!p) {
    log::error(
        "snmp.device_not_polled",
        {{"tenant", changed.tenant_id}, {"device", changed.id}, {"error", p.error().message}});
    return;
  }
  for (auto* l : listeners_)
    l->device_changed(*p);
}

void DeviceService::profile_changed(const std::string& tenant, const std::string& profile) {
  // The devices of the profile and of the tenant's other own profiles (one of them may include
  // it, directly or not); built-in profiles include only built-in ones.
  auto devices = db_->read([&](store::Connection& conn) -> Result<std::vector<store::SnmpDevice>> {
    auto all = store::SnmpDeviceStore(conn).list_all();
    if (!all)
      return fail(all.error());
    std::vector<store::SnmpDevice> out;
    for (auto& d : *all) {
      if (d.tenant_id == tenant && (d.profile == profile || find_builtin(d.profile) == nullptr))
        out.push_back(std::move(d));
    }
    return out;
  });
  if (!devices)
    return;
  for (const auto& d : *devices)
    notify(d);
}

}  // namespace epcfleet::collector
