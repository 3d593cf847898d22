#include "epcfleet/auth/user_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/store/token_repository.hpp"
#include "epcfleet/store/user_repository.hpp"

namespace epcfleet::auth {
namespace {

std::string role_detail(Role role) {
  return std::string("{\"role\":\"") + std::string(to_string(role)) + "\"}";
}

Error user_not_found(const std::string& username) {
  return Error{ErrorCode::kNotFound, "user " + username + " not found in this tenant"};
}

}  // namespace

Result<store::Page<store::Member>> UserService::list(const std::string& tenant_id,
                                                     const std::string& after, std::size_t limit) {
  return db_->read([&](store::Connection& c) {
    return store::UserRepository(c).members(tenant_id, after, limit);
  });
}

Result<store::Member> UserService::get(const std::string& tenant_id, const std::string& username) {
  auto m = db_->read(
      [&](store::Connection& c) { return store::UserRepository(c).member(tenant_id, username); });
  if (!m)
    return fail(m.error());
  if (!*m)
    return fail(user_not_found(username));
  return **m;
}

Result<store::Member> UserService::create(const std::string& tenant_id, const NewUser& user,
                                          const Actor& actor) {
  if (auto s = validate_username(user.username); !s)
    return fail(s.error());
  if (auto s = validate_password(user.password); !s)
    return fail(s.error());
  // Hash outside the transaction: it takes a third of a second and must not hold the write lock.
  auto hash = hasher_.hash(user.password);
  if (!hash)
    return fail(hash.error());
  store::AuditRecord record;
  auto member = db_->write([&](store::Connection& c) -> Result<store::Member> {
    store::UserRepository users(c);
    store::User u;
    u.id = crypto::random_hex(8);
    u.username = user.username;
    u.password_hash = *hash;
    u.created_at = now_ms();
    if (auto s = users.insert(u); !s) {
      if (s.error().code == ErrorCode::kConflict) {
        return fail(ErrorCode::kConflict, "username " + user.username + " is taken");
      }
      return fail(s.error());
    }
    if (auto s = users.add_membership(tenant_id, u.id, user.role, u.created_at); !s) {
      return fail(s.error());
    }
    auto rec = audit::append(
        c, actor, {tenant_id, "user.create", user.username, "success", role_detail(user.role)});
    if (!rec)
      return fail(rec.error());
    record = *rec;
    return store::Member{u.id, u.username, user.role, u.created_at, std::nullopt};
  });
  if (member)
    audit::publish(events_, record);
  return member;
}

Result<store::Member> UserService::update(const std::string& tenant_id, const std::string& username,
                                          const UserChange& change, const Actor& actor) {
  if (!change.role && !change.password) {
    return fail(ErrorCode::kInvalidArgument, "nothing to change: give role and/or password");
  }
  std::optional<std::string> hash;
  if (change.password) {
    if (auto s = validate_password(*change.password); !s)
      return fail(s.error());
    auto h = hasher_.hash(*change.password);
    if (!h)
      return fail(h.error());
    hash = *h;
  }
  std::vector<store::AuditRecord> records;
  auto member = db_->write([&](store::Connection& c) -> Result<store::Member> {
    records.clear();
    store::UserRepository users(c);
    if (auto l = users.lock_tenant(tenant_id); !l)
      return fail(l.error());
    auto m = users.member(tenant_id, username);
    if (!m)
      return fail(m.error());
    if (!*m)
      return fail(user_not_found(username));
    store::Member current = **m;
    if (change.role && *change.role != current.role) {
      if (current.role == Role::kOwner) {
        auto owners = users.count_with_role(tenant_id, Role::kOwner);
        if (!owners)
          return fail(owners.error());
        if (*owners <= 1) {
          return fail(ErrorCode::kConflict, "the tenant's last owner cannot lose the owner role");
        }
      }
      if (auto r = users.set_role(tenant_id, current.user_id, *change.role); !r) {
        return fail(r.error());
      }
      current.role = *change.role;
      auto rec = audit::append(
          c, actor, {tenant_id, "user.role", username, "success", role_detail(*change.role)});
      if (!rec)
        return fail(rec.error());
      records.push_back(*rec);
    }
    if (hash) {
      if (auto s = users.set_password_hash(current.user_id, *hash); !s)
        return fail(s.error());
      // A new password ends the user's existing sessions.
      if (auto r = store::SessionRepository(c).remove_for_user(current.user_id); !r) {
        return fail(r.error());
      }
      auto rec = audit::append(c, actor, {tenant_id, "user.password", username, "success", "{}"});
      if (!rec)
        return fail(rec.error());
      records.push_back(*rec);
    }
    return current;
  });
  if (member) {
    for (const auto& r : records)
      audit::publish(events_, r);
  }
  return member;
}

Status UserService::remove(const std::string& tenant_id, const std::string& username,
                           const Actor& actor) {
  store::AuditRecord record;
  auto done = db_->write([&](store::Connection& c) -> Status {
    store::UserRepository users(c);
    if (auto l = users.lock_tenant(tenant_id); !l)
      return l;
    auto m = users.member(tenant_id, username);
    if (!m)
      return fail(m.error());
    if (!*m)
      return fail(user_not_found(username));
    if ((*m)->role == Role::kOwner) {
      auto owners = users.count_with_role(tenant_id, Role::kOwner);
      if (!owners)
        return fail(owners.error());
      if (*owners <= 1)
        return fail(ErrorCode::kConflict, "the tenant's last owner cannot be removed");
    }
    if (auto r = users.remove_membership(tenant_id, (*m)->user_id); !r)
      return fail(r.error());
    auto remaining = users.count_memberships((*m)->user_id);
    if (!remaining)
      return fail(remaining.error());
    auto user = users.find_by_id((*m)->user_id);
    if (!user)
      return fail(user.error());
    if (*remaining == 0 && *user && !(*user)->platform_admin) {
      if (auto r = users.remove((*m)->user_id); !r)
        return fail(r.error());
    }
    auto rec = audit::append(c, actor, {tenant_id, "user.delete", username, "success", "{}"});
    if (!rec)
      return fail(rec.error());
    record = *rec;
    return ok();
  });
  if (done)
    audit::publish(events_, record);
  return done;
}

}  // namespace epcfleet::auth
