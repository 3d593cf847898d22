#include "epcfleet/collector/trap_user_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/store/snmp_device_store.hpp"

namespace epcfleet::collector {

Result<std::vector<store::SnmpTrapUser>> TrapUserService::list(const std::string& tenant) {
  return db_->read(
      [&](store::Connection& conn) { return store::SnmpTrapUserStore(conn).list(tenant); });
}

Result<store::SnmpTrapUser> TrapUserService::create(const std::string& tenant,
                                                    const TrapUserInput& in, const Actor& actor) {
  if (in.username.empty() || in.username.size() > 32)
    return fail(ErrorCode::kInvalidArgument, "username must be 1-32 characters (RFC 3414)");
  if (in.auth_protocol != "none" && !snmp::parse_auth_protocol(in.auth_protocol))
    return fail(ErrorCode::kInvalidArgument,
                "auth_protocol must be MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512");
  if (in.priv_protocol != "none" && !snmp::parse_priv_protocol(in.priv_protocol))
    return fail(ErrorCode::kInvalidArgument, "priv_protocol must be DES, AES, AES-192 or AES-256");
  if (in.priv_protocol != "none" && in.auth_protocol == "none")
    return fail(ErrorCode::kInvalidArgument, "priv_protocol needs an auth_protocol (authPriv)");
  for (auto [protocol, password, name] :
       {std::tuple{&in.auth_protocol, &in.auth_password, "auth_password"},
        std::tuple{&in.priv_protocol, &in.priv_password, "priv_password"}}) {
    if (*protocol != "none" && (!*password || (*password)->size() < 8))
      return fail(ErrorCode::kInvalidArgument,
                  std::string(name) + " of at least 8 characters is required (RFC 3414)");
    if (*protocol == "none" && *password)
      return fail(ErrorCode::kInvalidArgument, std::string(name) + " given without a protocol");
  }
  store::SnmpTrapUser u;
  u.tenant_id = tenant;
  u.username = in.username;
  u.auth_protocol = in.auth_protocol;
  u.priv_protocol = in.priv_protocol;
  u.created_by = actor.name;
  u.created_at = now_ms();
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    store::SnmpTrapUserStore users(conn);
    auto existing = users.find(tenant, in.username);
    if (!existing)
      return fail(existing.error());
    if (*existing)
      return fail(ErrorCode::kConflict, "trap user " + in.username + " exists already");
    if (in.auth_password) {
      auto id = vault_.put(conn, tenant, "snmp.trap_auth_password", *in.auth_password);
      if (!id)
        return fail(id.error());
      u.auth_secret = *id;
    }
    if (in.priv_password) {
      auto id = vault_.put(conn, tenant, "snmp.trap_priv_password", *in.priv_password);
      if (!id)
        return fail(id.error());
      u.priv_secret = *id;
    }
    if (auto s = users.insert(u); !s)
      return fail(s.error());
    return audit::append(
        conn, actor,
        {tenant, "trap_user.create", u.username, "success",
         "{\"username\":\"" + json_escape(u.username) + "\",\"auth_protocol\":\"" +
             u.auth_protocol + "\",\"priv_protocol\":\"" + u.priv_protocol + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  if (on_change_)
    on_change_();
  return u;
}

Status TrapUserService::remove(const std::string& tenant, const std::string& username,
                               const Actor& actor) {
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    store::SnmpTrapUserStore users(conn);
    auto existing = users.find(tenant, username);
    if (!existing)
      return fail(existing.error());
    if (!*existing)
      return fail(ErrorCode::kNotFound, "trap user " + username + " not found");
    for (const auto& slot : {(*existing)->auth_secret, (*existing)->priv_secret}) {
      if (slot) {
        if (auto s = vault_.remove(conn, *slot); !s)
          return fail(s.error());
      }
    }
    if (auto r = users.remove(tenant, username); !r)
      return fail(r.error());
    return audit::append(conn, actor,
                         {tenant, "trap_user.delete", username, "success",
                          "{\"username\":\"" + json_escape(username) + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  if (on_change_)
    on_change_();
  return ok();
}

Result<std::vector<TrapUser>> TrapUserService::load_all() {
  return db_->read([&](store::Connection& conn) -> Result<std::vector<TrapUser>> {
    auto all = store::SnmpTrapUserStore(conn).list_all();
    if (!all)
      return fail(all.error());
    std::vector<TrapUser> out;
    for (const auto& u : *all) {
      TrapUser t;
      t.tenant = u.tenant_id;
      t.username = u.username;
      t.auth_protocol =
          snmp::parse_auth_protocol(u.auth_protocol).value_or(snmp::AuthProtocol::kNone);
      t.priv_protocol =
          snmp::parse_priv_protocol(u.priv_protocol).value_or(snmp::PrivProtocol::kNone);
      if (u.auth_secret) {
        auto v = vault_.get(conn, *u.auth_secret);
        if (!v)
          return fail(v.error());
        t.auth_password = *v;
      }
      if (u.priv_secret) {
        auto v = vault_.get(conn, *u.priv_secret);
        if (!v)
          return fail(v.error());
        t.priv_password = *v;
      }
      out.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace epcfleet::collector
