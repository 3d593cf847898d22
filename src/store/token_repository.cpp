#include "epcfleet/store/token_repository.hpp"

#include "page.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kTokenColumns =
    "SELECT id, tenant_id, name, role, token_hash, created_by, created_at, expires_at, "
    "last_used_at, created_by_user_id FROM api_tokens ";

ApiToken to_token(const Row& r) {
  return ApiToken{r.text(0),
                  r.text(1),
                  r.text(2),
                  parse_role(r.text(3)).value_or(Role::kViewer),
                  r.text(4),
                  r.text(5),
                  r.integer(6),
                  r.integer(7),
                  r.optional_integer(8),
                  r.optional_text(9)};
}

Result<std::optional<ApiToken>> one_token(Connection& conn, std::string_view where,
                                          const Params& params) {
  auto row = conn.query_one(std::string(kTokenColumns) + std::string(where), params);
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<ApiToken>{};
  return std::optional<ApiToken>(to_token(**row));
}

Session to_session(const Row& r) {
  return Session{r.text(0), r.text(1), r.optional_text(2), r.integer(3), r.integer(4), r.text(5)};
}

Status as_status(const Result<std::int64_t>& r) {
  if (!r)
    return fail(r.error());
  return ok();
}

}  // namespace

Status TokenRepository::insert(const ApiToken& t) {
  return as_status(conn_.execute(
      "INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, created_by, created_at, "
      "expires_at, created_by_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {t.id, t.tenant_id, t.name, std::string(to_string(t.role)), t.token_hash, t.created_by,
       t.created_at, t.expires_at, t.created_by_user_id}));
}

Result<std::optional<ApiToken>> TokenRepository::find_by_hash(const std::string& token_hash) {
  return one_token(conn_, "WHERE token_hash = ?", {token_hash});
}

Result<std::optional<ApiToken>> TokenRepository::find(const std::string& tenant_id,
                                                      const std::string& id) {
  return one_token(conn_, "WHERE tenant_id = ? AND id = ?", {tenant_id, id});
}

Result<Page<ApiToken>> TokenRepository::list(const std::string& tenant_id, const std::string& after,
                                             std::size_t limit) {
  auto rows =
      conn_.query(std::string(kTokenColumns) + "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
                  {tenant_id, after, static_cast<std::int64_t>(limit + 1)});
  if (!rows)
    return fail(rows.error());
  return detail::paginate<ApiToken>(rows->rows, limit, to_token,
                                    [](const ApiToken& t) { return t.id; });
}

Result<bool> TokenRepository::remove(const std::string& tenant_id, const std::string& id) {
  auto r = conn_.execute("DELETE FROM api_tokens WHERE tenant_id = ? AND id = ?", {tenant_id, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Status TokenRepository::touch(const std::string& id, TimestampMs at) {
  return as_status(conn_.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {at, id}));
}

Status SessionRepository::insert(const Session& s) {
  return as_status(conn_.execute(
      "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, expires_at, source) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {s.token_hash, s.user_id, s.csrf_hash, s.created_at, s.expires_at, s.source}));
}

Result<std::optional<Session>> SessionRepository::find(const std::string& token_hash) {
  auto row = conn_.query_one(
      "SELECT token_hash, user_id, csrf_hash, created_at, expires_at, source FROM sessions WHERE "
      "token_hash = ?",
      {token_hash});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<Session>{};
  return std::optional<Session>(to_session(**row));
}

Result<bool> SessionRepository::remove(const std::string& token_hash) {
  auto r = conn_.execute("DELETE FROM sessions WHERE token_hash = ?", {token_hash});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::int64_t> SessionRepository::remove_for_user(const std::string& user_id) {
  return conn_.execute("DELETE FROM sessions WHERE user_id = ?", {user_id});
}

Result<std::int64_t> SessionRepository::remove_expired(TimestampMs now) {
  return conn_.execute("DELETE FROM sessions WHERE expires_at < ?", {now});
}

}  // namespace epcfleet::store
