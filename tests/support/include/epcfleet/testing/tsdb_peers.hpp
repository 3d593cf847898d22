#pragma once
// Real time-series peers for tests: Prometheus (with its remote-write receiver on) and
// VictoriaMetrics, each on a free loopback port with its data in a temp dir. stop() and start()
// keep the port and the data, so a test can take a peer down and bring it back; the destructor
// stops it by PID.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::testing {

// The path of a program found in PATH (or /usr/sbin, /usr/bin), or empty.
std::string find_program(const std::string& name);

class PeerServer {
public:
  virtual ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  // Starts (or restarts) the server; returns once it answers its readiness URL. Throws on failure.
  void start();
  // SIGTERM by PID and wait (SIGKILL after 20 s); returns the exit status.
  int stop();
  bool running() const;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  pid_t pid() const;
  std::string log() const;
  const TempDir& dir() const { return dir_; }

protected:
  PeerServer(std::string program, std::string ready_path);
  virtual std::vector<std::string> argv() const = 0;

  TempDir dir_;
  std::string program_;

private:
  std::string ready_path_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
};

// prometheus --web.enable-remote-write-receiver with a configuration without scrape jobs.
class PrometheusServer : public PeerServer {
public:
  static std::string program() { return find_program("prometheus"); }
  PrometheusServer();  // started
  std::string write_url() const { return url() + "/api/v1/write"; }

protected:
  std::vector<std::string> argv() const override;
};

class VictoriaMetricsServer : public PeerServer {
public:
  static std::string program() { return find_program("victoria-metrics"); }
  VictoriaMetricsServer();  // started
  std::string write_url() const { return url() + "/api/v1/write"; }
  // Makes what was ingested searchable now (otherwise it takes about a second).
  void flush() const;

protected:
  std::vector<std::string> argv() const override;
};

}  // namespace epcfleet::testing
