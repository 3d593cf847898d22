#pragma once
// The real epcfleetd, initialized in a temp dir and serving on a free loopback port.

#include <memory>
#include <string>
#include <vector>

#include "epcfleet/testing/http_client.hpp"
#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::testing {

struct ServerOptions {
  std::string store_url = "sqlite";  // or a postgresql:// URL
  bool http = false;                 // plain HTTP instead of TLS
  std::vector<std::string> extra_args;
  std::string admin_password = "admin-password-for-tests";
};

class ServerProcess {
public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();

  // Starts (or restarts) `serve`; waits until /healthz answers.
  void start();
  // SIGTERM and wait; returns the exit status.
  int stop();
  void kill9();

  std::string epcfleetd() const;
  const std::string& data_dir() const { return data_dir_; }
  const std::string& url() const { return url_; }
  std::string log() const;
  const std::string& admin_password() const { return options_.admin_password; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  HttpClient client() const { return HttpClient(url_); }
  // A client logged in as the platform admin (bearer token).
  HttpClient admin_client();

private:
  ServerOptions options_;
  TempDir dir_;
  std::string data_dir_;
  std::string log_file_;
  std::string url_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
};

// Extracts a top-level string field from a JSON body (tests use nlohmann in .cpp files; this is
// for headers that must stay light).
std::string json_string(const std::string& body, const std::string& field);

}  // namespace epcfleet::testing
