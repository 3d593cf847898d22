#include "epcfleet/auth/auth_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/crypto/password.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/store/tenant_repository.hpp"
#include "epcfleet/store/token_repository.hpp"
#include "epcfleet/store/user_repository.hpp"

namespace epcfleet::auth {
namespace {

// Seconds between last_used_at updates of an API token: not a write per request.
constexpr TimestampMs kTouchIntervalMs = 60'000;

Result<Principal> load_user_principal(store::Connection& conn, const std::string& user_id,
                                      CredentialKind kind) {
  store::UserRepository users(conn);
  auto user = users.find_by_id(user_id);
  if (!user)
    return fail(user.error());
  if (!*user)
    return fail(ErrorCode::kUnauthenticated, "the session's user no longer exists");
  Principal p;
  p.kind = kind;
  p.user_id = (*user)->id;
  p.name = (*user)->username;
  p.platform_admin = (*user)->platform_admin;
  auto memberships = users.memberships_of(user_id);
  if (!memberships)
    return fail(memberships.error());
  for (const auto& m : *memberships)
    p.tenants[m.tenant_id] = m.role;
  return p;
}

}  // namespace

Status validate_password(std::string_view password) {
  if (password.size() < 12) {
    return fail(ErrorCode::kInvalidArgument, "password must be at least 12 characters long");
  }
  if (password.size() > 1024) {
    return fail(ErrorCode::kInvalidArgument, "password must be at most 1024 characters long");
  }
  return ok();
}

AuthService::AuthService(std::shared_ptr<store::Database> db, EventPublisher& events,
                         AuthOptions options)
    : db_(std::move(db)),
      events_(events),
      options_(options),
      throttle_(options.throttle),
      hasher_(options.max_concurrent_hashes) {
}

tl::expected<LoginResult, LoginError> AuthService::login(const LoginRequest& request,
                                                         const Actor& actor) {
  auto unexpected = [](ErrorCode code, std::string message, std::int64_t retry = 0) {
    return tl::unexpected<LoginError>(LoginError{Error{code, std::move(message)}, retry});
  };
  if (request.username.empty() || request.password.empty()) {
    return unexpected(ErrorCode::kInvalidArgument, "username and password are required");
  }
  if (request.username.size() > 256 || request.password.size() > 1024) {
    return unexpected(ErrorCode::kInvalidArgument, "username or password too long");
  }
  if (auto wait = throttle_.retry_after(request.username, actor.source); wait > 0) {
    log::warn("auth.login_throttled", {{"source", actor.source}, {"retry_after_s", wait}});
    return unexpected(ErrorCode::kRateLimited,
                      "too many failed logins; try again in " + std::to_string(wait) + " s", wait);
  }
  auto user = db_->read([&](store::Connection& c) {
    return store::UserRepository(c).find_by_username(request.username);
  });
  if (!user)
    return unexpected(user.error().code, user.error().message);
  // Verify against a decoy hash for unknown users so that timing does not reveal which exist.
  const std::string& hash = *user ? (*user)->password_hash : crypto::decoy_password_hash();
  auto matches = hasher_.verify(hash, request.password);
  if (!matches)
    return unexpected(matches.error().code, matches.error().message);
  const bool valid = *matches && user->has_value();
  if (!valid) {
    throttle_.record_failure(request.username, actor.source);
    // The attempted name is recorded only when it is a real user: people type passwords into
    // the username field, and those must not land in the audit log.
    Actor who = actor;
    who.name = *user ? (*user)->username : "unknown";
    auto rec =
        audit::append_alone(*db_, who, {std::nullopt, "auth.login", who.name, "denied", "{}"});
    if (rec)
      audit::publish(events_, *rec);
    return unexpected(ErrorCode::kUnauthenticated, "invalid username or password");
  }
  throttle_.record_success(request.username);

  LoginResult result;
  result.session_token = std::string(kSessionPrefix) + crypto::random_urlsafe(32);
  const TimestampMs now = now_ms();
  result.expires_at = now + options_.session_ttl_s * 1000;
  store::Session session;
  session.token_hash = crypto::sha256_hex(result.session_token);
  session.user_id = (*user)->id;
  if (request.cookie) {
    result.csrf_token = crypto::random_urlsafe(24);
    session.csrf_hash = crypto::sha256_hex(result.csrf_token);
  }
  session.created_at = now;
  session.expires_at = result.expires_at;
  session.source = actor.source;
  Actor who = actor;
  who.name = (*user)->username;
  auto committed = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    if (auto s = store::SessionRepository(c).insert(session); !s)
      return fail(s.error());
    if (auto s = store::UserRepository(c).set_last_login(session.user_id, now); !s) {
      return fail(s.error());
    }
    return audit::append(c, who, {std::nullopt, "auth.login", who.name, "success", "{}"});
  });
  if (!committed)
    return unexpected(committed.error().code, committed.error().message);
  audit::publish(events_, *committed);
  auto principal = db_->read([&](store::Connection& c) {
    return load_user_principal(
        c, session.user_id,
        request.cookie ? CredentialKind::kCookieSession : CredentialKind::kSession);
  });
  if (!principal)
    return unexpected(principal.error().code, principal.error().message);
  result.principal = std::move(*principal);
  result.principal.expires_at = result.expires_at;
  return result;
}

Status AuthService::logout(const std::string& session_token, const Actor& actor) {
  const std::string hash = crypto::sha256_hex(session_token);
  auto rec = db_->write([&](store::Connection& c) -> Result<std::optional<store::AuditRecord>> {
    auto removed = store::SessionRepository(c).remove(hash);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return std::optional<store::AuditRecord>{};
    auto r = audit::append(c, actor, {std::nullopt, "auth.logout", actor.name, "success", "{}"});
    if (!r)
      return fail(r.error());
    return std::optional<store::AuditRecord>(*r);
  });
  if (!rec)
    return fail(rec.error());
  if (*rec)
    audit::publish(events_, **rec);
  return ok();
}

Result<Principal> AuthService::authenticate(const std::string& credential, bool from_cookie) {
  const std::string hash = crypto::sha256_hex(credential);
  if (credential.rfind(kSessionPrefix, 0) == 0)
    return session_principal(hash, from_cookie);
  if (credential.rfind(kApiTokenPrefix, 0) == 0 && !from_cookie)
    return token_principal(hash);
  return fail(ErrorCode::kUnauthenticated, "credential not recognized");
}

Result<Principal> AuthService::authenticate_hash(const std::string& credential_hash,
                                                 CredentialKind kind) {
  if (kind == CredentialKind::kApiToken)
    return token_principal(credential_hash);
  return session_principal(credential_hash, kind == CredentialKind::kCookieSession);
}

Result<Principal> AuthService::session_principal(const std::string& hash, bool from_cookie) {
  const TimestampMs now = now_ms();
  return db_->read([&](store::Connection& c) -> Result<Principal> {
    auto session = store::SessionRepository(c).find(hash);
    if (!session)
      return fail(session.error());
    if (!*session || (*session)->expires_at <= now) {
      return fail(ErrorCode::kUnauthenticated, "session expired or unknown; log in again");
    }
    // A cookie session must arrive as a cookie (its CSRF token guards it) and vice versa.
    if (from_cookie != (*session)->csrf_hash.has_value()) {
      return fail(ErrorCode::kUnauthenticated, "session used through the wrong channel");
    }
    auto p = load_user_principal(
        c, (*session)->user_id,
        from_cookie ? CredentialKind::kCookieSession : CredentialKind::kSession);
    if (!p)
      return p;
    p->csrf_hash = (*session)->csrf_hash;
    p->expires_at = (*session)->expires_at;
    p->credential_hash = hash;
    return p;
  });
}

Result<Principal> AuthService::token_principal(const std::string& hash) {
  const TimestampMs now = now_ms();
  std::string touch_id;  // a token whose last_used_at is due an update
  auto resolved = db_->read([&](store::Connection& c) -> Result<Principal> {
    auto token = store::TokenRepository(c).find_by_hash(hash);
    if (!token)
      return fail(token.error());
    if (!*token || (*token)->expires_at <= now) {
      return fail(ErrorCode::kUnauthenticated, "API token expired, revoked or unknown");
    }
    const auto& t = **token;
    // A token never carries more than its creator has now: demoting or removing the creator
    // narrows or ends their tokens.
    Role effective = t.role;
    if (t.created_by_user_id) {
      store::UserRepository users(c);
      auto creator = users.find_by_id(*t.created_by_user_id);
      if (!creator)
        return fail(creator.error());
      if (!*creator)
        return fail(ErrorCode::kUnauthenticated, "API token's creator no longer exists");
      if (!(*creator)->platform_admin) {
        auto role = users.role_in(t.tenant_id, *t.created_by_user_id);
        if (!role)
          return fail(role.error());
        if (!*role)
          return fail(ErrorCode::kUnauthenticated, "API token's creator left the tenant");
        if (!role_at_least(**role, effective))
          effective = **role;
      }
    }
    Principal p;
    p.kind = CredentialKind::kApiToken;
    p.user_id = t.created_by_user_id.value_or("");
    p.name = "token:" + t.id;
    p.tenants[t.tenant_id] = effective;
    p.expires_at = t.expires_at;
    p.credential_hash = hash;
    if (!t.last_used_at || now - *t.last_used_at > kTouchIntervalMs)
      touch_id = t.id;
    return p;
  });
  if (resolved && !touch_id.empty()) {
    (void)db_->write(
        [&](store::Connection& c) { return store::TokenRepository(c).touch(touch_id, now); });
  }
  return resolved;
}

bool AuthService::csrf_matches(const Principal& principal, const std::string& header_value) {
  if (!principal.csrf_hash || header_value.empty())
    return false;
  return crypto::constant_time_equal(crypto::sha256_hex(header_value), *principal.csrf_hash);
}

Result<Role> AuthService::role_in(const Principal& principal, const std::string& tenant_id) {
  if (principal.platform_admin) {
    auto tenant =
        db_->read([&](store::Connection& c) { return store::TenantRepository(c).find(tenant_id); });
    if (!tenant)
      return fail(tenant.error());
    if (!*tenant)
      return fail(ErrorCode::kNotFound, "tenant " + tenant_id + " not found");
    return Role::kOwner;
  }
  auto it = principal.tenants.find(tenant_id);
  if (it == principal.tenants.end()) {
    return fail(ErrorCode::kNotFound, "tenant " + tenant_id + " not found");
  }
  return it->second;
}

Result<std::vector<store::Membership>> AuthService::visible_tenants(const Principal& principal) {
  return db_->read([&](store::Connection& c) -> Result<std::vector<store::Membership>> {
    std::vector<store::Membership> out;
    store::TenantRepository tenants(c);
    if (principal.platform_admin) {
      std::string after;
      for (;;) {
        auto page = tenants.list(after, 500);
        if (!page)
          return fail(page.error());
        for (auto& t : page->items)
          out.push_back({t.id, t.name, Role::kOwner, t.created_at});
        if (!page->next_cursor)
          break;
        after = *page->next_cursor;
      }
      return out;
    }
    for (const auto& [id, role] : principal.tenants) {
      auto t = tenants.find(id);
      if (!t)
        return fail(t.error());
      if (*t)
        out.push_back({id, (*t)->name, role, (*t)->created_at});
    }
    return out;
  });
}

Status AuthService::create_platform_admin(const std::string& username, const std::string& password,
                                          const Actor& actor) {
  if (auto s = validate_password(password); !s)
    return s;
  auto hash = hasher_.hash(password);
  if (!hash)
    return fail(hash.error());
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::User u;
    u.id = crypto::random_hex(8);
    u.username = username;
    u.password_hash = *hash;
    u.platform_admin = true;
    u.created_at = now_ms();
    if (auto s = store::UserRepository(c).insert(u); !s) {
      if (s.error().code == ErrorCode::kConflict) {
        return fail(ErrorCode::kConflict, "user " + username + " exists already");
      }
      return fail(s.error());
    }
    return audit::append(c, actor, {std::nullopt, "admin.create", username, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  return ok();
}

void AuthService::sweep_expired_sessions() {
  auto removed = db_->write(
      [](store::Connection& c) { return store::SessionRepository(c).remove_expired(now_ms()); });
  if (removed && *removed > 0)
    log::info("auth.sessions_expired", {{"removed", *removed}});
}

void AuthService::record_denied(const Principal& principal, const Actor& actor,
                                const std::optional<std::string>& tenant_id,
                                const std::string& action, const std::string& target) {
  Actor who = actor;
  who.name = principal.name;
  auto rec = audit::append_alone(*db_, who, {tenant_id, action, target, "denied", "{}"});
  if (rec)
    audit::publish(events_, *rec);
}

}  // namespace epcfleet::auth
