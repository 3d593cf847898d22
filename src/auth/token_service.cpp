#include "epcfleet/auth/token_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/store/token_repository.hpp"

namespace epcfleet::auth {

Result<store::Page<store::ApiToken>> TokenService::list(const std::string& tenant_id,
                                                        const std::string& after,
                                                        std::size_t limit) {
  return db_->read([&](store::Connection& c) {
    return store::TokenRepository(c).list(tenant_id, after, limit);
  });
}

Result<CreatedToken> TokenService::create(const std::string& tenant_id, const NewToken& request,
                                          Role caller_role, const std::string& creator_user_id,
                                          const Actor& actor) {
  if (auto s = validate_display_name("name", request.name); !s)
    return fail(s.error());
  if (!role_at_least(caller_role, request.role)) {
    return fail(ErrorCode::kForbidden, "a token cannot have more rights than its creator (" +
                                           std::string(to_string(caller_role)) + ")");
  }
  if (request.expires_in_days < 1 || request.expires_in_days > 730) {
    return fail(ErrorCode::kInvalidArgument, "expires_in_days must be between 1 and 730");
  }
  CreatedToken created;
  created.secret = std::string(kApiTokenPrefix) + crypto::random_urlsafe(32);
  auto& t = created.token;
  t.id = crypto::random_hex(8);
  t.tenant_id = tenant_id;
  t.name = request.name;
  t.role = request.role;
  t.token_hash = crypto::sha256_hex(created.secret);
  t.created_by = actor.name;
  if (!creator_user_id.empty())
    t.created_by_user_id = creator_user_id;
  t.created_at = now_ms();
  t.expires_at = t.created_at + request.expires_in_days * 86'400'000;
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    if (auto s = store::TokenRepository(c).insert(t); !s)
      return fail(s.error());
    return audit::append(c, actor,
                         {tenant_id, "token.create", t.id, "success",
                          "{\"role\":\"" + std::string(to_string(t.role)) + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return created;
}

Status TokenService::revoke(const std::string& tenant_id, const std::string& id,
                            const Actor& actor) {
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    auto removed = store::TokenRepository(c).remove(tenant_id, id);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(ErrorCode::kNotFound, "token " + id + " not found");
    return audit::append(c, actor, {tenant_id, "token.revoke", id, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return ok();
}

}  // namespace epcfleet::auth
