#include "epcfleet/testing/server_process.hpp"

#include <signal.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace epcfleet::testing {

std::string json_string(const std::string& body, const std::string& field) {
  const std::string key = "\"" + field + "\":\"";
  const auto pos = body.find(key);
  if (pos == std::string::npos)
    return {};
  const auto start = pos + key.size();
  const auto end = body.find('"', start);
  return body.substr(start, end - start);
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  data_dir_ = dir_.file("data");
  log_file_ = dir_.file("server.log");
  const std::string pw_file = dir_.file("admin.pw");
  write_file(pw_file, options_.admin_password + "\n");
  auto init = run_command({epcfleetd(), "init", "--data-dir", data_dir_, "--admin-password-file",
                           pw_file, "--store", options_.store_url});
  if (init.exit_code != 0)
    throw std::runtime_error("epcfleetd init failed: " + init.output);
  start();
}

ServerProcess::~ServerProcess() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    if (process_->wait(10000) < 0)
      process_->signal(SIGKILL);
  }
}

std::string ServerProcess::epcfleetd() const {
  return binary_dir() + "/apps/epcfleetd/epcfleetd";
}

std::string ServerProcess::log() const {
  return read_file(log_file_);
}

void ServerProcess::start() {
  if (port_ == 0)
    port_ = free_port();
  std::vector<std::string> argv{epcfleetd(), "serve",    "--data-dir",
                                data_dir_,   "--listen", "127.0.0.1:" + std::to_string(port_)};
  if (options_.http)
    argv.emplace_back("--http");
  for (const auto& a : options_.extra_args)
    argv.push_back(a);
  process_ = std::make_unique<Process>(argv, log_file_);
  url_ = (options_.http ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
  HttpClient probe(url_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running())
      throw std::runtime_error("epcfleetd exited at start:\n" + log());
    if (probe.get("/healthz").status == 200)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("epcfleetd did not become healthy:\n" + log());
}

int ServerProcess::stop() {
  if (!process_)
    return -1;
  process_->signal(SIGTERM);
  return process_->wait(20000);
}

void ServerProcess::kill9() {
  if (!process_)
    return;
  process_->signal(SIGKILL);
  process_->wait(10000);
}

HttpClient ServerProcess::admin_client() {
  HttpClient c(url_);
  auto r = c.post("/api/v1/auth/login",
                  R"({"username":"admin","password":")" + options_.admin_password + R"("})");
  if (r.status != 200)
    throw std::runtime_error("admin login failed: " + r.body);
  c.set_bearer(json_string(r.body, "token"));
  return c;
}

}  // namespace epcfleet::testing
