#include "epcfleet/store/signing_key_repository.hpp"

namespace epcfleet::store {

Status SigningKeyRepository::insert(const SigningKeyRecord& k) {
  auto r = conn_.execute(
      "INSERT INTO signing_keys (id, tenant_id, fingerprint, algorithm, public_armored, "
      "public_binary_b64, secret_id, state, created_at, retire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?)",
      {k.id, k.tenant_id, k.fingerprint, k.algorithm, k.public_armored, k.public_binary_b64,
       k.secret_id, k.state, k.created_at, k.retire_at});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::vector<SigningKeyRecord>> SigningKeyRepository::list(const std::string& tenant_id) {
  auto rows = conn_.query(
      "SELECT id, tenant_id, fingerprint, algorithm, public_armored, public_binary_b64, secret_id, "
      "state, created_at, retire_at FROM signing_keys WHERE tenant_id = ? ORDER BY created_at "
      "DESC, id",
      {tenant_id});
  if (!rows)
    return fail(rows.error());
  std::vector<SigningKeyRecord> out;
  for (const auto& r : rows->rows) {
    out.push_back(SigningKeyRecord{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5),
                                   r.text(6), r.text(7), r.integer(8), r.optional_integer(9)});
  }
  return out;
}

Result<bool> SigningKeyRepository::set_state(const std::string& tenant_id, const std::string& id,
                                             const std::string& state,
                                             std::optional<TimestampMs> retire_at) {
  auto r = conn_.execute(
      "UPDATE signing_keys SET state = ?, retire_at = ? WHERE tenant_id = ? AND id = ?",
      {state, retire_at, tenant_id, id});
  if (!r)
    return fail(r.error());
  return *r > 0;
}

Result<std::int64_t> SigningKeyRepository::retire_due(const std::string& tenant_id,
                                                      TimestampMs now) {
  return conn_.execute(
      "UPDATE signing_keys SET state = 'retired' WHERE tenant_id = ? AND state = 'retiring' AND "
      "retire_at <= ?",
      {tenant_id, now});
}

}  // namespace epcfleet::store
