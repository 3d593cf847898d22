#pragma once
// api: the REST handlers under /api/v1 — JSON in, domain calls, JSON out. No business logic lives
// here: validation of meaning, authorization rules and audit belong to the services; this layer
// maps bodies and query strings to service calls and results (or errors) to HTTP answers.

#include <memory>
#include <string>

#include "epcfleet/apt/credential_service.hpp"
#include "epcfleet/apt/repository_service.hpp"
#include "epcfleet/apt/signing_key_service.hpp"
#include "epcfleet/apt/snapshot_service.hpp"
#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/auth/token_service.hpp"
#include "epcfleet/auth/user_service.hpp"
#include "epcfleet/http/router.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/tenants/tenant_service.hpp"

namespace epcfleet::tsdb {
class Engine;
}
namespace epcfleet::snmp {
class Client;
}
namespace epcfleet::collector {
class DeviceService;
class ProfileService;
class Poller;
class EventLog;
class TrapIntake;
class TrapUserService;
class MibService;
}  // namespace epcfleet::collector

namespace epcfleet::api {

struct Services {
  std::shared_ptr<store::Database> db;
  auth::AuthService* auth = nullptr;
  auth::UserService* users = nullptr;
  auth::TokenService* tokens = nullptr;
  tenants::TenantService* tenants = nullptr;
  apt::SigningKeyService* signing_keys = nullptr;
  apt::RepositoryService* repositories = nullptr;
  apt::SnapshotService* snapshots = nullptr;
  apt::CredentialService* credentials = nullptr;
  tsdb::Engine* tsdb = nullptr;
  // SNMP monitoring (all set together, with tsdb).
  collector::DeviceService* devices = nullptr;
  collector::ProfileService* profiles = nullptr;
  collector::Poller* poller = nullptr;
  collector::EventLog* snmp_events = nullptr;
  collector::TrapIntake* traps = nullptr;
  collector::TrapUserService* trap_users = nullptr;
  collector::MibService* mibs = nullptr;
  snmp::Client* snmp_client = nullptr;
  bool secure_cookies = true;  // false only when serving plain HTTP on loopback
  std::string version;
};

// Registers every route of the API (and /healthz, /readyz, /metrics, the OpenAPI document).
void register_routes(http::Router& router, const Services& services);

// The OpenAPI 3 document, generated from the router's route metadata.
std::string openapi_document(const http::Router& router, const std::string& version);

}  // namespace epcfleet::api
