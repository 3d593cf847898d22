#include "epcfleet/apt/credential_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/store/apt_credential_store.hpp"
#include "epcfleet/store/apt_repository_store.hpp"

namespace epcfleet::apt {
namespace {

// last_used_at is a hint for operators, not an access log: written at most once a minute per
// credential so that apt's request bursts do not turn into store writes.
constexpr TimestampMs kTouchIntervalMs = 60'000;

}  // namespace

Result<MintedCredential> CredentialService::create(const std::string& tenant_id,
                                                   const std::string& repo, const std::string& name,
                                                   const Actor& actor) {
  if (name.empty() || name.size() > 100)
    return fail(ErrorCode::kInvalidArgument, "name must be 1-100 characters (e.g. the EPC's name)");
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f)
      return fail(ErrorCode::kInvalidArgument, "name must not contain control characters");
  }
  MintedCredential minted;
  auto& c = minted.credential;
  c.id = crypto::random_hex(8);
  c.tenant_id = tenant_id;
  c.repo = repo;
  c.name = name;
  c.username = "apt-" + crypto::random_hex(8);
  minted.password = crypto::random_hex(20);
  c.secret_hash = crypto::sha256_hex(minted.password);
  c.created_by = actor.name;
  c.created_at = now_ms();
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto found = store::AptRepositoryStore(conn).find_repo(tenant_id, repo);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "repository " + repo + " not found");
    if (auto s = store::AptCredentialStore(conn).insert(c); !s)
      return fail(s.error());
    return audit::append(conn, actor,
                         {tenant_id, "repo_credential.create", c.id, "success",
                          "{\"repo\":\"" + repo + "\",\"name\":\"" + json_escape(name) +
                              "\",\"username\":\"" + c.username + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return minted;
}

Result<std::vector<store::AptCredential>> CredentialService::list(const std::string& tenant_id,
                                                                  const std::string& repo) {
  return db_->read([&](store::Connection& conn) -> Result<std::vector<store::AptCredential>> {
    auto found = store::AptRepositoryStore(conn).find_repo(tenant_id, repo);
    if (!found)
      return fail(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "repository " + repo + " not found");
    return store::AptCredentialStore(conn).list(tenant_id, repo);
  });
}

Status CredentialService::revoke(const std::string& tenant_id, const std::string& repo,
                                 const std::string& id, const Actor& actor) {
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto removed = store::AptCredentialStore(conn).remove(tenant_id, repo, id);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(ErrorCode::kNotFound, "credential " + id + " not found");
    return audit::append(
        conn, actor,
        {tenant_id, "repo_credential.revoke", id, "success", "{\"repo\":\"" + repo + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return ok();
}

Result<bool> CredentialService::allows(const std::string& tenant_id, const std::string& repo,
                                       const std::string& username, const std::string& password) {
  auto found = db_->read([&](store::Connection& conn) {
    return store::AptCredentialStore(conn).find_by_username(username);
  });
  if (!found)
    return fail(found.error());
  // The hash is compared even for unknown users, so timing tells nothing about which exist.
  const std::string given = crypto::sha256_hex(password);
  const std::string expected = *found ? (*found)->secret_hash : std::string(given.size(), '0');
  const bool match = crypto::constant_time_equal(given, expected);
  if (!*found || !match || (*found)->tenant_id != tenant_id || (*found)->repo != repo)
    return false;
  const auto now = now_ms();
  const auto& c = **found;
  if (!c.last_used_at || now - *c.last_used_at > kTouchIntervalMs) {
    (void)db_->write(
        [&](store::Connection& conn) { return store::AptCredentialStore(conn).touch(c.id, now); });
  }
  return true;
}

}  // namespace epcfleet::apt
