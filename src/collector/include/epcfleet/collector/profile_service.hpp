#pragma once
// A tenant's poll profiles: the built-in ones plus its own (stored, audited). Changing a profile
// re-plans the polls of every device that uses it.

#include <functional>
#include <memory>
#include <vector>

#include "epcfleet/collector/device_input.hpp"
#include "epcfleet/collector/profile.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"

namespace epcfleet::collector {

class ProfileService {
public:
  ProfileService(std::shared_ptr<store::Database> db, EventPublisher& events)
      : db_(std::move(db)), events_(events) {}

  Result<std::vector<Profile>> list(const std::string& tenant);
  Result<Profile> get(const std::string& tenant, const std::string& name);
  Result<Profile> create(const std::string& tenant, const std::string& name,
                         std::string_view definition_json, const Actor& actor);
  Result<Profile> update(const std::string& tenant, const std::string& name,
                         std::string_view definition_json, const Actor& actor);
  // Refused (409) while devices use it.
  Status remove(const std::string& tenant, const std::string& name, const Actor& actor);

  // The profile with includes resolved and the device's custom OIDs (scalars) added.
  // Inside a transaction, pass its connection (a second one from the pool could deadlock).
  Result<ResolvedProfile> resolve_for(const std::string& tenant, const std::string& name,
                                      const std::vector<CustomOid>& custom,
                                      store::Connection* conn = nullptr);

  // Called after a profile changed (the device service re-plans its devices).
  void on_change(std::function<void(const std::string& tenant, const std::string& name)> fn) {
    on_change_ = std::move(fn);
  }

private:
  Result<std::vector<Profile>> stored(const std::string& tenant, store::Connection* conn = nullptr);
  // The definition parsed, with its includes resolvable.
  Result<Profile> parse_checked(const std::string& tenant, const std::string& name,
                                std::string_view definition);

  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
  std::function<void(const std::string&, const std::string&)> on_change_;
};

}  // namespace epcfleet::collector
