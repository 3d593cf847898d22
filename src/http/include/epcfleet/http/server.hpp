#pragma once
// The network side: accepts TCP (TLS by default), parses HTTP/1.1 with Beast under a body limit,
// hands each request to the Dispatcher on the worker pool, writes the answer, upgrades
// /api/v1/events to a WebSocket. SIGHUP reloads the certificate for new connections; SIGTERM
// stops accepting, lets in-flight requests finish and returns from run().

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "epcfleet/auth/principal.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/http/request_handler.hpp"

namespace epcfleet::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;
  bool tls = true;
  std::string cert_file;
  std::string key_file;
  std::size_t max_body_bytes = 1 << 20;
  int io_threads = 2;
  int worker_threads = 6;
  int drain_timeout_s = 15;
  std::string upload_dir;  // where upload bodies are streamed (same file system as the data)
  int max_connections = 10000;
  int max_connections_per_source = 512;
};

// Delivers published events to WebSocket subscribers allowed to see their tenant.
class EventHub : public EventPublisher {
public:
  EventHub();
  ~EventHub() override;
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;
  void publish(const Event& event) override;
  std::size_t subscribers() const;
  // Re-checks every subscriber's caller: `check` returns the principal as it is now, or nullopt
  // to close the connection (revoked, expired, removed).
  void refresh(const std::function<std::optional<auth::Principal>(const auth::Principal&)>& check);

  struct Impl;
  Impl& impl() { return *impl_; }

private:
  std::unique_ptr<Impl> impl_;
};

class Server {
public:
  Server(ServerOptions options, RequestHandler& handler, EventHub& hub);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (so that errors such as "address in use" come back before run()).
  Status listen();
  std::uint16_t bound_port() const;
  // Serves until SIGTERM/SIGINT or stop(); `every_minute` runs on a worker now and then
  // (housekeeping such as expiring sessions).
  void run(std::function<void()> every_minute = {});
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epcfleet::http
