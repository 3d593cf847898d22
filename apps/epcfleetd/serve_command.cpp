// `epcfleetd serve`: wires the store, services, API and network server together and runs them.
#include <filesystem>
#include <iostream>

#include <boost/asio/ip/address.hpp>

#include "collector_setup.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "epcfleet/api/api.hpp"
#include "epcfleet/api/apt_files.hpp"
#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/auth/token_service.hpp"
#include "epcfleet/auth/user_service.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/crypto/secret_box.hpp"
#include "epcfleet/http/dispatcher.hpp"
#include "epcfleet/http/server.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "epcfleet/tenants/tenant_service.hpp"
#include "remote_write_setup.hpp"
#include "serve_setup.hpp"
#include "tsdb_setup.hpp"

#ifndef EPCFLEET_VERSION
#define EPCFLEET_VERSION "0.0.0"
#endif

namespace epcfleet::app {

int run_serve(const std::string& data_dir, const std::map<std::string, std::string>& flags) {
  crypto::initialize();
  auto config = load_initialized_config(data_dir, flags);
  if (!config)
    return report("serve", config.error());
  if (auto s = init_logging(*config); !s)
    return report("serve", s.error());

  auto listen = parse_listen(config->get("listen"));
  if (!listen)
    return report("serve", listen.error());
  const bool plain_http = config->get_bool("http");
  if (plain_http) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(listen->first, ec);
    if (ec || !address.is_loopback()) {
      return report("serve", Error{ErrorCode::kInvalidArgument,
                                   "--http serves without TLS and is allowed only on a loopback "
                                   "address (127.0.0.1 or ::1), not " +
                                       listen->first});
    }
  }
  auto box = crypto::SecretBox::load(config->get("master_key_file"));
  if (!box)
    return report("serve", box.error());
  auto db = open_store(*config);
  if (!db)
    return report("serve", db.error());

  http::EventHub hub;
  auto ttl = config->get_int("session_ttl_hours", 1, 24 * 30);
  auto max_body = config->get_int("max_body_bytes", 1024, 1L << 30);
  auto io_threads = config->get_int("io_threads", 1, 64);
  auto worker_threads = config->get_int("worker_threads", 1, 256);
  for (const auto* r : {&ttl, &max_body, &io_threads, &worker_threads}) {
    if (!*r)
      return report("serve", r->error());
  }
  auth::AuthOptions auth_options;
  auth_options.session_ttl_s = *ttl * 3600;
  auth::AuthService auth(*db, hub, auth_options);
  auth::UserService users(*db, hub, auth.hasher());
  auth::TokenService tokens(*db, hub);
  tenants::TenantService tenants(*db, hub);
  const secrets::SecretVault vault(std::move(*box));
  apt::SigningKeyService signing_keys(*db, vault, hub);
  const std::string data_root = std::filesystem::absolute(config->data_dir()).string();
  apt::RepositoryService repositories(*db, signing_keys, hub, data_root);
  apt::SnapshotService snapshots(*db, hub, data_root);
  apt::CredentialService credentials(*db, hub);
  auto tsdb = open_tsdb(*config);
  if (!tsdb)
    return report("serve", tsdb.error());
  register_tsdb_metrics(**tsdb);
  auto remote = open_remote_write(*config);
  if (!remote)
    return report("serve", remote.error());
  if (*remote)
    if (auto st = stream_to_remote(*config, **tsdb, **remote); !st)
      return report("serve", st.error());
  auto collector = open_collector(*config, *db, vault, hub, **tsdb);
  if (!collector)
    return report("serve", collector.error());

  http::Router router;
  api::Services services;
  services.db = *db;
  services.auth = &auth;
  services.users = &users;
  services.tokens = &tokens;
  services.tenants = &tenants;
  services.signing_keys = &signing_keys;
  services.repositories = &repositories;
  services.snapshots = &snapshots;
  services.credentials = &credentials;
  services.tsdb = tsdb->get();
  services.devices = (*collector)->devices.get();
  services.profiles = (*collector)->profiles.get();
  services.poller = (*collector)->poller.get();
  services.snmp_events = (*collector)->events.get();
  services.snmp_client = (*collector)->client.get();
  services.traps = (*collector)->traps.get();
  services.trap_users = (*collector)->trap_users.get();
  services.mibs = (*collector)->mibs.get();
  services.secure_cookies = !plain_http;
  services.version = EPCFLEET_VERSION;
  api::register_routes(router, services);

  http::StaticFiles static_files(config->get("web_root"));
  if (!static_files.available()) {
    log::warn("web.missing",
              {{"web_root", static_files.root()},
               {"hint", "build the dashboard with `make web`; the API works without it"}});
  }
  http::Dispatcher dispatcher(router, auth, &static_files);
  const api::AptFiles apt_files(repositories, credentials, signing_keys);
  dispatcher.mount(api::kAptPrefix, [&apt_files](http::Request& r) { return apt_files.serve(r); });

  http::ServerOptions options;
  options.address = listen->first;
  options.port = listen->second;
  options.tls = !plain_http;
  options.cert_file = config->get("tls_cert");
  options.key_file = config->get("tls_key");
  options.max_body_bytes = static_cast<std::size_t>(*max_body);
  options.io_threads = static_cast<int>(*io_threads);
  options.worker_threads = static_cast<int>(*worker_threads);
  // Uploads stream into the data dir's tmp/, on the same file system as the pools they join.
  options.upload_dir = data_root + "/tmp";
  {
    std::error_code ec;
    std::filesystem::create_directories(options.upload_dir, ec);
    for (const auto& leftover : std::filesystem::directory_iterator(options.upload_dir, ec))
      std::filesystem::remove(leftover.path(), ec);  // uploads of a previous run that died
  }
  http::Server server(options, dispatcher, hub);
  if (auto s = server.listen(); !s)
    return report("serve", s.error());

  const std::string scheme = plain_http ? "http" : "https";
  const std::string host =
      listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
  const std::string url = scheme + "://" + host + ":" + std::to_string(server.bound_port()) + "/";
  log::info("server.listening", {{"url", url},
                                 {"store", (*db)->location().display()},
                                 {"version", EPCFLEET_VERSION},
                                 {"schema", (*db)->schema_version()}});
  std::cout << "epcfleetd " << EPCFLEET_VERSION << " serving on " << url
            << (static_files.available() ? "  (dashboard: log in at " + url + ")" : "")
            << std::endl;
  auth.sweep_expired_sessions();
  server.run([&auth, &hub] {
    auth.sweep_expired_sessions();
    // Open WebSockets follow revocations, removals and role changes within a minute.
    hub.refresh([&auth](const auth::Principal& p) -> std::optional<auth::Principal> {
      auto fresh = auth.authenticate_hash(p.credential_hash, p.kind);
      if (fresh)
        return std::move(*fresh);
      // Only a credential that is gone ends the stream; a store hiccup keeps what we had.
      if (fresh.error().code == ErrorCode::kUnauthenticated)
        return std::nullopt;
      return p;
    });
  });
  collector->reset();  // polls end and their samples are stored before the store closes
  // Ingest has stopped with the server: detach the remote writer before it goes.
  (*tsdb)->set_append_observer({});
  if (*remote)
    (*remote)->stop();
  return 0;
}

}  // namespace epcfleet::app
