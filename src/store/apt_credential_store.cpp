#include "epcfleet/store/apt_credential_store.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, tenant_id, repo, name, username, secret_hash, created_by, created_at, "
    "last_used_at FROM apt_credentials ";

AptCredential to_credential(const Row& r) {
  return AptCredential{r.text(0), r.text(1),    r.text(2),
                       r.text(3), r.text(4),    r.text(5),
                       r.text(6), r.integer(7), r.optional_integer(8)};
}

}  // namespace

Status AptCredentialStore::insert(const AptCredential& c) {
  auto r = conn_.execute(
      "INSERT INTO apt_credentials (id, tenant_id, repo, name, username, secret_hash, created_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {c.id, c.tenant_id, c.repo, c.name, c.username, c.secret_hash, c.created_by, c.created_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::vector<AptCredential>> AptCredentialStore::list(const std::string& tenant_id,
                                                            const std::string& repo) {
  auto rows = conn_.query(
      std::string(kColumns) + "WHERE tenant_id = ? AND repo = ? ORDER BY created_at, id",
      {tenant_id, repo});
  if (!rows)
    return fail(rows.error());
  std::vector<AptCredential> out;
  for (const auto& r : rows->rows)
    out.push_back(to_credential(r));
  return out;
}

Result<std::optional<AptCredential>> AptCredentialStore::find_by_username(
    const std::string& username) {
  auto row = conn_.query_one(std::string(kColumns) + "WHERE username = ?", {username});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<AptCredential>{};
  return std::optional<AptCredential>(to_credential(**row));
}

Result<bool> AptCredentialStore::remove(const std::string& tenant_id, const std::string& repo,
                                        const std::string& id) {
  auto r = conn_.execute("DELETE FROM apt_credentials WHERE tenant_id = ? AND repo = ? AND id = ?",
                         {tenant_id, repo, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Status AptCredentialStore::touch(const std::string& id, TimestampMs at) {
  auto r = conn_.execute("UPDATE apt_credentials SET last_used_at = ? WHERE id = ?", {at, id});
  if (!r)
    return fail(r.error());
  return ok();
}

}  // namespace epcfleet::store
