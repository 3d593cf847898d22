#pragma once
// A real net-snmp agent for tests: snmpd on 127.0.0.1 and [::1], <free UDP port>, with a generated
// configuration (community "public"; v3 users per auth/priv combination), its persistent state
// and log in a temp dir, stopped by PID. restart() keeps the port and the state (same engine id,
// boots + 1); restart(true) starts from empty state (a new engine id: a replaced device).

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::testing {

// A UDP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_udp_port();

class SnmpdInstance {
public:
  // Users (all with auth password "authpass123" and priv password "privpass123"):
  //   md5des (MD5/DES), shaaes (SHA/AES), sha256aes256 (SHA-256/AES-256): rouser … priv
  //   authonly (SHA, no privacy): rouser … auth
  static constexpr const char* kAuthPassword = "authpass123";
  static constexpr const char* kPrivPassword = "privpass123";
  static constexpr const char* kSysName = "epcfleet-test-agent";

  SnmpdInstance();  // started; throws when snmpd is missing or does not come up
  ~SnmpdInstance();
  SnmpdInstance(const SnmpdInstance&) = delete;
  SnmpdInstance& operator=(const SnmpdInstance&) = delete;

  void restart(bool fresh_state = false);
  void stop();
  std::uint16_t port() const { return port_; }
  pid_t pid() const;
  std::string log() const;

private:
  void start();

  TempDir dir_;
  std::uint16_t port_ = 0;
  int generation_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace epcfleet::testing
