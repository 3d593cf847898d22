#include "epcfleet/tenants/tenant_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/store/tenant_repository.hpp"
#include "epcfleet/store/user_repository.hpp"

namespace epcfleet::tenants {
namespace {
Error tenant_not_found(const std::string& id) {
  return Error{ErrorCode::kNotFound, "tenant " + id + " not found"};
}
}  // namespace

Result<store::Tenant> TenantService::create(const std::string& id, const std::string& name,
                                            const Actor& actor) {
  if (auto s = validate_tenant_id(id); !s)
    return fail(s.error());
  if (auto s = validate_display_name("name", name); !s)
    return fail(s.error());
  store::Tenant tenant{id, name, now_ms()};
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    store::TenantRepository repo(c);
    auto deleted = repo.was_deleted(id);
    if (!deleted)
      return fail(deleted.error());
    if (*deleted) {
      return fail(ErrorCode::kConflict,
                  "tenant id " + id + " belonged to a deleted tenant and is not given out again");
    }
    if (auto s = repo.insert(tenant); !s) {
      if (s.error().code == ErrorCode::kConflict) {
        return fail(ErrorCode::kConflict, "tenant " + id + " exists already");
      }
      return fail(s.error());
    }
    return audit::append(c, actor, {id, "tenant.create", id, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return tenant;
}

Result<store::Tenant> TenantService::get(const std::string& id) {
  auto t = db_->read([&](store::Connection& c) { return store::TenantRepository(c).find(id); });
  if (!t)
    return fail(t.error());
  if (!*t)
    return fail(tenant_not_found(id));
  return **t;
}

Result<store::Tenant> TenantService::rename(const std::string& id, const std::string& name,
                                            const Actor& actor) {
  if (auto s = validate_display_name("name", name); !s)
    return fail(s.error());
  store::AuditRecord record;
  auto tenant = db_->write([&](store::Connection& c) -> Result<store::Tenant> {
    store::TenantRepository repo(c);
    auto renamed = repo.rename(id, name);
    if (!renamed)
      return fail(renamed.error());
    if (!*renamed)
      return fail(tenant_not_found(id));
    auto rec = audit::append(c, actor, {id, "tenant.update", id, "success", "{}"});
    if (!rec)
      return fail(rec.error());
    record = *rec;
    auto t = repo.find(id);
    if (!t)
      return fail(t.error());
    return **t;
  });
  if (tenant)
    audit::publish(events_, record);
  return tenant;
}

Status TenantService::remove(const std::string& id, const Actor& actor) {
  auto rec = db_->write([&](store::Connection& c) -> Result<store::AuditRecord> {
    auto removed = store::TenantRepository(c).remove(id, now_ms());
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(tenant_not_found(id));
    if (auto r = store::UserRepository(c).remove_orphans(); !r)
      return fail(r.error());
    return audit::append(c, actor, {id, "tenant.delete", id, "success", "{}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  return ok();
}

}  // namespace epcfleet::tenants
