#pragma once
// SNMPv3 users that a tenant's devices send traps and informs as (USM, per tenant). Passwords are
// sealed secrets: never returned, never logged. Devices polled with v3 are accepted with their
// polling user too; these are for agents that notify as another user.

#include <functional>
#include <memory>
#include <vector>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "epcfleet/snmp/types.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::collector {

struct TrapUserInput {
  std::string username;
  std::string auth_protocol = "none";
  std::optional<std::string> auth_password;
  std::string priv_protocol = "none";
  std::optional<std::string> priv_password;
};

// A trap user with its secrets unsealed (for the trap receiver's index only).
struct TrapUser {
  std::string tenant;
  std::string username;
  snmp::AuthProtocol auth_protocol = snmp::AuthProtocol::kNone;
  std::string auth_password;
  snmp::PrivProtocol priv_protocol = snmp::PrivProtocol::kNone;
  std::string priv_password;
};

class TrapUserService {
public:
  TrapUserService(std::shared_ptr<store::Database> db, const secrets::SecretVault& vault,
                  EventPublisher& events)
      : db_(std::move(db)), vault_(vault), events_(events) {}

  Result<std::vector<store::SnmpTrapUser>> list(const std::string& tenant);
  Result<store::SnmpTrapUser> create(const std::string& tenant, const TrapUserInput& input,
                                     const Actor& actor);
  Status remove(const std::string& tenant, const std::string& username, const Actor& actor);
  Result<std::vector<TrapUser>> load_all();

  void on_change(std::function<void()> fn) { on_change_ = std::move(fn); }

private:
  std::shared_ptr<store::Database> db_;
  const secrets::SecretVault& vault_;
  EventPublisher& events_;
  std::function<void()> on_change_;
};

}  // namespace epcfleet::collector
