#include "epcfleet/mib/tenant_mibs.hpp"

#include <algorithm>
#include <vector>

namespace epcfleet::mib {
namespace {

// FNV-1a over the modules in name order: equal sets of uploads give equal fingerprints whatever
// order the store lists them in.
std::uint64_t fingerprint(std::span<const ModuleText> modules) {
  std::vector<const ModuleText*> sorted;
  for (const auto& module : modules)
    sorted.push_back(&module);
  std::sort(sorted.begin(), sorted.end(),
            [](const ModuleText* a, const ModuleText* b) { return a->name < b->name; });
  std::uint64_t hash = 14695981039346656037ULL;
  const auto mix = [&hash](std::string_view bytes) {
    for (char c : bytes) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFF;  // a separator no text byte sequence can forge into the next field's start
    hash *= 1099511628211ULL;
  };
  for (const ModuleText* module : sorted) {
    mix(module->name);
    mix(std::to_string(module->text.size()));
    mix(module->text);
  }
  return hash;
}

}  // namespace

TenantMibs::TenantMibs(std::shared_ptr<const Translator> base) : base_(std::move(base)) {
}

Result<std::shared_ptr<const Translator>> TenantMibs::view(const std::string& tenant,
                                                           std::span<const ModuleText> modules) {
  if (modules.empty()) {
    forget(tenant);
    return base_;
  }
  const std::uint64_t print = fingerprint(modules);
  {
    const std::lock_guard lock(mutex_);
    const auto it = views_.find(tenant);
    if (it != views_.end() && it->second.fingerprint == print)
      return it->second.view;
  }
  // Built outside the cache's lock (the parse holds net-snmp's): two callers racing for the same
  // tenant both build, the later one's view stays. Both are correct.
  auto built = base_->with_modules(modules);
  if (!built)
    return built;
  const std::lock_guard lock(mutex_);
  views_[tenant] = Entry{print, *built};
  return *built;
}

void TenantMibs::forget(const std::string& tenant) {
  const std::lock_guard lock(mutex_);
  views_.erase(tenant);
}

std::size_t TenantMibs::cached() const {
  const std::lock_guard lock(mutex_);
  return views_.size();
}

}  // namespace epcfleet::mib
