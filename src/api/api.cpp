#include "epcfleet/api/api.hpp"

#include "routes.hpp"

namespace epcfleet::api {

void register_routes(http::Router& router, const Services& services) {
  register_system_routes(router, services);
  register_auth_routes(router, services);
  register_tenant_routes(router, services);
  register_user_routes(router, services);
  register_token_routes(router, services);
  register_audit_routes(router, services);
  if (services.repositories != nullptr)
    register_repository_routes(router, services);
  if (services.signing_keys != nullptr)
    register_signing_key_routes(router, services);
  if (services.snapshots != nullptr)
    register_snapshot_routes(router, services);
  if (services.credentials != nullptr && services.repositories != nullptr &&
      services.signing_keys != nullptr)
    register_repo_access_routes(router, services);
  if (services.tsdb != nullptr) {
    register_timeseries_routes(router, services);
    register_timeseries_write_routes(router, services);
  }
  if (services.tsdb != nullptr && services.devices != nullptr) {
    // Before the device routes: GET …/devices/stats must not match …/devices/{id}.
    register_device_stats_routes(router, services);
    register_device_routes(router, services);
    register_profile_routes(router, services);
    register_snmp_event_routes(router, services);
    if (services.trap_users != nullptr)
      register_trap_user_routes(router, services);
    if (services.mibs != nullptr)
      register_mib_routes(router, services);
  }
}

}  // namespace epcfleet::api
