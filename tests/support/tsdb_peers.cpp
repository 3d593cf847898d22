#include "epcfleet/testing/tsdb_peers.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "epcfleet/testing/http_client.hpp"

namespace epcfleet::testing {

std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/bin";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty())
      continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

PeerServer::PeerServer(std::string program, std::string ready_path)
    : program_(std::move(program)), ready_path_(std::move(ready_path)) {
}

PeerServer::~PeerServer() {
  stop();
}

pid_t PeerServer::pid() const {
  return process_ ? process_->pid() : -1;
}

bool PeerServer::running() const {
  return process_ && process_->running();
}

std::string PeerServer::log() const {
  return read_file(dir_.file("server.log"));
}

void PeerServer::start() {
  if (program_.empty())
    throw std::runtime_error("peer program not installed (scripts/install-deps installs it)");
  if (port_ == 0)
    port_ = free_port();
  process_ = std::make_unique<Process>(argv(), dir_.file("server.log"));
  HttpClient probe(url());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running())
      throw std::runtime_error(program_ + " exited at start:\n" + log());
    if (probe.get(ready_path_).status == 200)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error(program_ + " did not become ready:\n" + log());
}

int PeerServer::stop() {
  if (!process_ || !process_->running())
    return -1;
  process_->signal(SIGTERM);
  int status = process_->wait(20000);
  if (status < 0) {
    process_->signal(SIGKILL);
    status = process_->wait(5000);
  }
  return status;
}

PrometheusServer::PrometheusServer() : PeerServer(program(), "/-/ready") {
  write_file(dir_.file("prometheus.yml"), "global:\n  scrape_interval: 1m\n", 0644);
  start();
}

std::vector<std::string> PrometheusServer::argv() const {
  return {program_, "--config.file=" + dir_.file("prometheus.yml"),
          "--storage.tsdb.path=" + dir_.file("data"),
          "--web.listen-address=127.0.0.1:" + std::to_string(port()),
          "--web.enable-remote-write-receiver"};
}

VictoriaMetricsServer::VictoriaMetricsServer() : PeerServer(program(), "/health") {
  start();
}

std::vector<std::string> VictoriaMetricsServer::argv() const {
  return {program_, "-httpListenAddr=127.0.0.1:" + std::to_string(port()),
          "-storageDataPath=" + dir_.file("data")};
}

void VictoriaMetricsServer::flush() const {
  HttpClient(url()).get("/internal/force_flush");
}

}  // namespace epcfleet::testing
