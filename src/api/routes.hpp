#pragma once
// Private: one registration function per resource file.

#include "epcfleet/api/api.hpp"

namespace epcfleet::api {

void register_system_routes(http::Router& router, const Services& services);
void register_auth_routes(http::Router& router, const Services& services);
void register_tenant_routes(http::Router& router, const Services& services);
void register_user_routes(http::Router& router, const Services& services);
void register_token_routes(http::Router& router, const Services& services);
void register_audit_routes(http::Router& router, const Services& services);
void register_signing_key_routes(http::Router& router, const Services& services);
void register_repository_routes(http::Router& router, const Services& services);
void register_snapshot_routes(http::Router& router, const Services& services);
void register_repo_access_routes(http::Router& router, const Services& services);
void register_timeseries_routes(http::Router& router, const Services& services);
void register_timeseries_write_routes(http::Router& router, const Services& services);
void register_device_routes(http::Router& router, const Services& services);
void register_device_stats_routes(http::Router& router, const Services& services);
void register_profile_routes(http::Router& router, const Services& services);
void register_snmp_event_routes(http::Router& router, const Services& services);
void register_trap_user_routes(http::Router& router, const Services& services);
void register_mib_routes(http::Router& router, const Services& services);

}  // namespace epcfleet::api
