#include "epcfleet/secrets/secret_vault.hpp"

#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/store/secret_repository.hpp"

namespace epcfleet::secrets {
namespace {

std::string associated_data(const std::optional<std::string>& tenant_id, const std::string& id) {
  return tenant_id.value_or("") + "/" + id;
}

}  // namespace

Result<std::string> SecretVault::put(store::Connection& conn,
                                     const std::optional<std::string>& tenant_id,
                                     const std::string& purpose, std::string_view plaintext) const {
  store::SealedSecret s;
  s.id = crypto::random_hex(12);
  s.tenant_id = tenant_id;
  s.purpose = purpose;
  s.sealed = box_.seal(plaintext, associated_data(tenant_id, s.id));
  s.created_at = s.updated_at = now_ms();
  if (auto r = store::SecretRepository(conn).insert(s); !r)
    return fail(r.error());
  return s.id;
}

Result<std::string> SecretVault::get(store::Connection& conn, const std::string& id) const {
  auto s = store::SecretRepository(conn).find(id);
  if (!s)
    return fail(s.error());
  if (!*s)
    return fail(ErrorCode::kNotFound, "secret " + id + " not found");
  return box_.open((*s)->sealed, associated_data((*s)->tenant_id, id));
}

Status SecretVault::replace(store::Connection& conn, const std::string& id,
                            std::string_view plaintext) const {
  store::SecretRepository repo(conn);
  auto s = repo.find(id);
  if (!s)
    return fail(s.error());
  if (!*s)
    return fail(ErrorCode::kNotFound, "secret " + id + " not found");
  auto u =
      repo.update_sealed(id, box_.seal(plaintext, associated_data((*s)->tenant_id, id)), now_ms());
  if (!u)
    return fail(u.error());
  return ok();
}

Status SecretVault::remove(store::Connection& conn, const std::string& id) const {
  auto r = store::SecretRepository(conn).remove(id);
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::size_t> SecretVault::reseal_all(store::Database& db) const {
  return db.write([&](store::Connection& c) -> Result<std::size_t> {
    store::SecretRepository repo(c);
    auto all = repo.all();
    if (!all)
      return fail(all.error());
    std::size_t n = 0;
    for (const auto& s : *all) {
      if (!box_.needs_reseal(s.sealed))
        continue;
      const auto ad = associated_data(s.tenant_id, s.id);
      auto plain = box_.open(s.sealed, ad);
      if (!plain)
        return fail(ErrorCode::kInternal, "secret " + s.id + ": " + plain.error().message);
      if (auto u = repo.update_sealed(s.id, box_.seal(*plain, ad), now_ms()); !u)
        return fail(u.error());
      ++n;
    }
    return n;
  });
}

}  // namespace epcfleet::secrets
