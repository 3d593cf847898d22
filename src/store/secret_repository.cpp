#include "epcfleet/store/secret_repository.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, tenant_id, purpose, sealed, created_at, updated_at FROM secrets ";

SealedSecret to_secret(const Row& r) {
  return SealedSecret{r.text(0), r.optional_text(1), r.text(2),
                      r.text(3), r.integer(4),       r.integer(5)};
}

}  // namespace

Status SecretRepository::insert(const SealedSecret& s) {
  auto r = conn_.execute(
      "INSERT INTO secrets (id, tenant_id, purpose, sealed, created_at, updated_at) VALUES (?, ?, "
      "?, ?, ?, ?)",
      {s.id, s.tenant_id, s.purpose, s.sealed, s.created_at, s.updated_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::optional<SealedSecret>> SecretRepository::find(const std::string& id) {
  auto row = conn_.query_one(std::string(kColumns) + "WHERE id = ?", {id});
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::optional<SealedSecret>{};
  return std::optional<SealedSecret>(to_secret(**row));
}

Result<std::vector<SealedSecret>> SecretRepository::all() {
  auto rows = conn_.query(std::string(kColumns) + "ORDER BY id", {});
  if (!rows)
    return fail(rows.error());
  std::vector<SealedSecret> out;
  for (const auto& r : rows->rows)
    out.push_back(to_secret(r));
  return out;
}

Result<bool> SecretRepository::update_sealed(const std::string& id, const std::string& sealed,
                                             TimestampMs at) {
  auto r =
      conn_.execute("UPDATE secrets SET sealed = ?, updated_at = ? WHERE id = ?", {sealed, at, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<bool> SecretRepository::remove(const std::string& id) {
  auto r = conn_.execute("DELETE FROM secrets WHERE id = ?", {id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

}  // namespace epcfleet::store
