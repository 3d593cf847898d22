#pragma once
// mib: per-tenant views. A tenant without uploads sees the base translator itself; a tenant with
// uploads gets a view built from them on first use and kept until its modules change.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"
#include "epcfleet/mib/translator.hpp"

namespace epcfleet::mib {

class TenantMibs {
public:
  explicit TenantMibs(std::shared_ptr<const Translator> base);

  // The tenant's view for these uploaded modules (as the store holds them). Rebuilt when the set
  // of names and texts differs from the cached one's; a failed build leaves the cache as it was.
  // Building parses (tens of milliseconds): call from a worker, not an I/O thread.
  Result<std::shared_ptr<const Translator>> view(const std::string& tenant,
                                                 std::span<const ModuleText> modules);
  // Drops a tenant's cached view (its modules changed or it was deleted).
  void forget(const std::string& tenant);

  std::shared_ptr<const Translator> base() const { return base_; }
  std::size_t cached() const;

private:
  struct Entry {
    std::uint64_t fingerprint = 0;
    std::shared_ptr<const Translator> view;
  };

  std::shared_ptr<const Translator> base_;
  mutable std::mutex mutex_;  // guards views_ only; builds run outside it
  std::map<std::string, Entry, std::less<>> views_;
};

}  // namespace epcfleet::mib
