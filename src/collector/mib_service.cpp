#include "epcfleet/collector/mib_service.hpp"

#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/json_text.hpp"
#include "epcfleet/mib/validate.hpp"

namespace epcfleet::collector {
namespace {

std::vector<mib::ModuleText> texts_of(const std::vector<store::MibModule>& modules) {
  std::vector<mib::ModuleText> out;
  for (const auto& m : modules)
    out.push_back({m.module, m.content});
  return out;
}

}  // namespace

MibService::MibService(std::shared_ptr<store::Database> db, EventPublisher& events,
                       std::shared_ptr<const mib::Translator> base)
    : db_(std::move(db)), events_(events), mibs_(std::move(base)) {
}

Result<std::vector<store::MibModule>> MibService::list(const std::string& tenant) {
  return db_->read(
      [&](store::Connection& conn) { return store::MibModuleStore(conn).list(tenant); });
}

Result<UploadedModule> MibService::upload(const std::string& tenant, const std::string& filename,
                                          std::string_view text, const Actor& actor) {
  auto existing = list(tenant);
  if (!existing)
    return fail(existing.error());
  if (existing->size() >= 200)
    return fail(ErrorCode::kConflict, "a tenant has at most 200 uploaded MIB modules");
  // Validate against the base and the tenant's other modules (it may import from them).
  auto others = texts_of(*existing);
  auto info = mib::validate_module(text, *mibs_.base(), others);
  if (!info)
    return fail(info.error());
  store::MibModule m{tenant, info->name, filename, std::string(text), actor.name, now_ms()};
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    if (auto s = store::MibModuleStore(conn).upsert(m); !s)
      return fail(s.error());
    return audit::append(
        conn, actor,
        {tenant, "mib.upload", info->name, "success",
         "{\"module\":\"" + json_escape(info->name) + "\",\"filename\":\"" + json_escape(filename) +
             "\",\"objects\":" + std::to_string(info->objects) + "}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  mibs_.forget(tenant);
  {
    std::lock_guard lock(views_mutex_);
    views_.erase(tenant);
  }
  return UploadedModule{info->name,     filename,   info->objects,
                        info->warnings, actor.name, m.uploaded_at};
}

Status MibService::remove(const std::string& tenant, const std::string& module,
                          const Actor& actor) {
  auto rec = db_->write([&](store::Connection& conn) -> Result<store::AuditRecord> {
    auto removed = store::MibModuleStore(conn).remove(tenant, module);
    if (!removed)
      return fail(removed.error());
    if (!*removed)
      return fail(ErrorCode::kNotFound, "MIB module " + module + " not found");
    return audit::append(
        conn, actor,
        {tenant, "mib.delete", module, "success", "{\"module\":\"" + json_escape(module) + "\"}"});
  });
  if (!rec)
    return fail(rec.error());
  audit::publish(events_, *rec);
  mibs_.forget(tenant);
  {
    std::lock_guard lock(views_mutex_);
    views_.erase(tenant);
  }
  return ok();
}

std::shared_ptr<const mib::Translator> MibService::translator(const std::string& tenant) {
  {
    std::lock_guard lock(views_mutex_);
    if (auto it = views_.find(tenant); it != views_.end())
      return it->second;
  }
  auto modules = list(tenant);
  if (!modules)
    return mibs_.base();  // the store is away: translate with the base, try again next time
  std::shared_ptr<const mib::Translator> chosen = mibs_.base();
  if (!modules->empty()) {
    auto texts = texts_of(*modules);
    if (auto view = mibs_.view(tenant, texts))
      chosen = *view;
  }
  std::lock_guard lock(views_mutex_);
  views_[tenant] = chosen;
  return chosen;
}

}  // namespace epcfleet::collector
