#include "epcfleet/testing/snmpd_instance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "epcfleet/testing/tsdb_peers.hpp"

namespace epcfleet::testing {

std::uint16_t free_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a free UDP port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

SnmpdInstance::SnmpdInstance() : port_(free_udp_port()) {
  start();
}

SnmpdInstance::~SnmpdInstance() {
  stop();
}

pid_t SnmpdInstance::pid() const {
  return process_ ? process_->pid() : -1;
}

std::string SnmpdInstance::log() const {
  return read_file(dir_.file("snmpd.log"));
}

void SnmpdInstance::stop() {
  if (!process_ || !process_->running())
    return;
  process_->signal(SIGTERM);
  if (process_->wait(10000) < 0) {
    process_->signal(SIGKILL);
    process_->wait(5000);
  }
}

void SnmpdInstance::restart(bool fresh_state) {
  stop();
  if (fresh_state) {
    ++generation_;
  }
  start();
}

void SnmpdInstance::start() {
  const std::string snmpd = find_program("snmpd");
  if (snmpd.empty())
    throw std::runtime_error("snmpd is not installed (apt-get install snmpd)");
  // Each generation has its own persistent directory: a fresh one means a new engine id.
  const std::string state = dir_.file("state" + std::to_string(generation_));
  std::filesystem::create_directories(state);
  const std::string conf = dir_.file("snmpd.conf");
  std::string text;
  text += "[snmp] persistentDir " + state + "\n";
  text += "rocommunity public 127.0.0.1\nrocommunity6 public ::1\n";
  text += "sysName " + std::string(kSysName) + "\n";
  text += "sysDescr epcfleet test agent\n";
  text += "sysLocation test\n";
  text += "sysContact test@example.org\n";
  const std::string a = kAuthPassword;
  const std::string p = kPrivPassword;
  text += "createUser md5des MD5 " + a + " DES " + p + "\n";
  text += "createUser shaaes SHA " + a + " AES " + p + "\n";
  text += "createUser sha256aes256 SHA-256 " + a + " AES-256 " + p + "\n";
  text += "createUser authonly SHA " + a + "\n";
  text += "rouser md5des priv\nrouser shaaes priv\nrouser sha256aes256 priv\n";
  text += "rouser authonly auth\n";
  write_file(conf, text, 0600);
  // Only these two directories are read: ours and the persistent one, where snmpd keeps its
  // engine id and boots (SNMPCONFPATH replaces the default path, which held the latter).
  const std::map<std::string, std::string> env = {
      {"SNMPCONFPATH", dir_.path() + ":" + state}, {"SNMP_PERSISTENT_DIR", state}, {"MIBS", ""}};
  process_ = std::make_unique<Process>(
      std::vector<std::string>{
          snmpd, "-f", "-Lf", dir_.file("snmpd.log"), "-p", dir_.file("snmpd.pid"),
          "udp:127.0.0.1:" + std::to_string(port_) + ",udp6:[::1]:" + std::to_string(port_)},
      dir_.file("snmpd.out"), env);
  // Ready when it answers a v2c GET of sysName.0.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running())
      throw std::runtime_error("snmpd exited at start:\n" + log() +
                               read_file(dir_.file("snmpd.out")));
    const auto r = run_command({"snmpget", "-v2c", "-c", "public", "-t", "0.3", "-r", "0",
                                "127.0.0.1:" + std::to_string(port_), "1.3.6.1.2.1.1.5.0"},
                               {{"MIBS", ""}});
    if (r.exit_code == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("snmpd did not answer:\n" + log());
}

}  // namespace epcfleet::testing
