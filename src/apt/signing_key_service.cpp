#include "epcfleet/apt/signing_key_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/store/signing_key_repository.hpp"
#include "epcfleet/store/tenant_repository.hpp"

namespace epcfleet::apt {
namespace {

constexpr std::string_view kSecretPurpose = "apt.signing_key";

}  // namespace

Result<store::SigningKeyRecord> SigningKeyService::create(const std::string& tenant_id,
                                                          const NewSigningKey& request,
                                                          const Actor& actor) {
  KeyAlgorithm algorithm = KeyAlgorithm::kEd25519;
  if (request.algorithm == "rsa4096")
    algorithm = KeyAlgorithm::kRsa4096;
  else if (request.algorithm != "ed25519") {
    return fail(ErrorCode::kInvalidArgument, "algorithm must be ed25519 or rsa4096");
  }
  if (request.overlap_days < 0 || request.overlap_days > 365) {
    return fail(ErrorCode::kInvalidArgument, "overlap_days must be between 0 and 365");
  }
  auto tenant =
      db_->read([&](store::Connection& c) { return store::TenantRepository(c).find(tenant_id); });
  if (!tenant)
    return fail(tenant.error());
  if (!*tenant)
    return fail(ErrorCode::kNotFound, "tenant " + tenant_id + " not found");
  // Generation (tens of ms to seconds for RSA) happens outside the transaction.
  auto key = generate_signing_key(
      algorithm, (*tenant)->name + " APT repository signing key (epcfleet " + tenant_id + ")");
  if (!key)
    return fail(key.error());
  store::SigningKeyRecord record;
  record.id = crypto::random_hex(8);
  record.tenant_id = tenant_id;
  record.fingerprint = key->fingerprint;
  record.algorithm = request.algorithm;
  record.public_armored = key->public_armored;
  record.public_binary_b64 = crypto::base64_encode(key->public_binary);
  record.state = "current";
  record.created_at = now_ms();
  store::AuditRecord audit_record;
  auto done = db_->write([&](store::Connection& c) -> Status {
    store::SigningKeyRepository repo(c);
    auto existing = repo.list(tenant_id);
    if (!existing)
      return fail(existing.error());
    for (const auto& k : *existing) {
      // The current key starts retiring; with no overlap every key still signing stops now.
      const bool signing = k.state == "current" || k.state == "retiring";
      if (!(k.state == "current" || (request.overlap_days == 0 && signing)))
        continue;
      const TimestampMs retire_at =
          record.created_at + static_cast<TimestampMs>(request.overlap_days) * 86'400'000;
      if (auto r = repo.set_state(tenant_id, k.id,
                                  request.overlap_days == 0 ? "retired" : "retiring", retire_at);
          !r) {
        return fail(r.error());
      }
    }
    auto secret_id = vault_.put(c, tenant_id, std::string(kSecretPurpose), key->secret_key);
    if (!secret_id)
      return fail(secret_id.error());
    record.secret_id = *secret_id;
    if (auto s = repo.insert(record); !s)
      return s;
    auto rec =
        audit::append(c, actor,
                      {tenant_id, existing->empty() ? "signing_key.create" : "signing_key.rotate",
                       record.fingerprint, "success",
                       "{\"algorithm\":\"" + request.algorithm +
                           "\",\"overlap_days\":" + std::to_string(request.overlap_days) + "}"});
    if (!rec)
      return fail(rec.error());
    audit_record = *rec;
    return ok();
  });
  if (!done)
    return fail(done.error());
  audit::publish(events_, audit_record);
  return record;
}

Result<std::vector<store::SigningKeyRecord>> SigningKeyService::list(const std::string& tenant_id) {
  const TimestampMs now = now_ms();
  auto keys = db_->read(
      [&](store::Connection& c) { return store::SigningKeyRepository(c).list(tenant_id); });
  if (!keys)
    return keys;
  for (auto& k : *keys) {
    if (k.state == "retiring" && k.retire_at && *k.retire_at <= now)
      k.state = "retired";
  }
  return keys;
}

Result<store::SigningKeyRecord> SigningKeyService::current(const std::string& tenant_id) {
  auto keys = list(tenant_id);
  if (!keys)
    return fail(keys.error());
  for (const auto& k : *keys) {
    if (k.state == "current")
      return k;
  }
  return fail(
      ErrorCode::kNotFound,
      "tenant " + tenant_id + " has no signing key yet; create one with POST …/signing-keys");
}

Result<std::vector<Signer>> SigningKeyService::signers(const std::string& tenant_id) {
  auto keys = list(tenant_id);
  if (!keys)
    return fail(keys.error());
  std::vector<Signer> out;
  for (const auto& k : *keys) {
    if (k.state != "current" && k.state != "retiring")
      continue;
    auto secret = db_->read([&](store::Connection& c) { return vault_.get(c, k.secret_id); });
    if (!secret)
      return fail(secret.error());
    auto signer = Signer::load(*secret);
    if (!signer)
      return fail(signer.error());
    out.push_back(std::move(*signer));
  }
  return out;
}

}  // namespace epcfleet::apt
