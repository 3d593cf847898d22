#pragma once
// Live events for the dashboard (audit records now; device status, traps and rollout progress
// later). Services publish after their transaction commits; the HTTP layer's WebSocket hub
// delivers each event to the connections allowed to see its tenant.

#include <optional>
#include <string>

#include "epcfleet/core/role.hpp"

namespace epcfleet {

struct Event {
  std::optional<std::string> tenant_id;  // nullopt: platform-level, platform admins only
  std::string type;                      // "audit", …
  std::string data_json;                 // a JSON value
  Role min_role = Role::kViewer;         // the role a subscriber needs in the tenant to see it
};

class EventPublisher {
public:
  virtual ~EventPublisher() = default;
  virtual void publish(const Event& event) = 0;
};

// For command-line tools and tests that have no subscribers.
class NullEventPublisher final : public EventPublisher {
public:
  void publish(const Event& /*event*/) override {}
};

}  // namespace epcfleet
