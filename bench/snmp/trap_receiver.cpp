// snmp-trap-bench: snmp::TrapReceiver on 127.0.0.1:<port> for bench/snmp/trap-bench.sh. Every
// source is attributed to one device with community `public` and the v3 user fastsim's trap
// sender uses (simuser, SHA/AES, authpass123/privpass123); the sink counts and drops (as
// snmptrapd's output goes to a file, nothing is stored). Prints "ready <port>" once bound, runs
// until SIGTERM or SIGINT, then prints one JSON line: the receiver's counters and the process's
// CPU seconds since ready.
//   snmp-trap-bench [--port N] [--socket-buffer BYTES]
#include "epcfleet/snmp/trap_receiver.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace snmp = epcfleet::snmp;

namespace {

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long max_rss_kb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  snmp::TrapReceiverOptions options;
  options.port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--socket-buffer") == 0) {
      options.socket_buffer_bytes = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: snmp-trap-bench [--port N] [--socket-buffer BYTES]\n");
      return 2;
    }
  }
  // The signals are taken by sigwait below; blocked before the receiver's threads exist.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::vector<snmp::TrapCandidate> candidates(1);
  candidates[0].tenant = "bench";
  candidates[0].device = "fastsim";
  candidates[0].community = "public";
  candidates[0].user = "simuser";
  candidates[0].auth_protocol = snmp::AuthProtocol::kSHA;
  candidates[0].auth_password = "authpass123";
  candidates[0].priv_protocol = snmp::PrivProtocol::kAES;
  candidates[0].priv_password = "privpass123";
  std::atomic<std::uint64_t> varbinds{0};
  snmp::TrapReceiver receiver(
      options, [&](const snmp::TrapSource&) { return candidates; },
      [&](std::vector<snmp::Notification>&& batch) {
        std::uint64_t n = 0;
        for (const auto& notification : batch)
          n += notification.varbinds.size();
        varbinds.fetch_add(n, std::memory_order_relaxed);
      });
  if (auto started = receiver.start(); !started) {
    std::fprintf(stderr, "snmp-trap-bench: %s\n", started.error().message.c_str());
    return 1;
  }
  const double cpu_at_start = cpu_seconds();
  std::printf("ready %u\n", static_cast<unsigned>(receiver.port()));
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  receiver.stop();
  const snmp::TrapReceiverStats s = receiver.stats();
  std::printf(
      "{\"received\":%llu,\"accepted\":%llu,\"delivered\":%llu,\"varbinds\":%llu,"
      "\"auth_failed\":%llu,\"malformed\":%llu,\"dropped_queue_full\":%llu,"
      "\"informs_acknowledged\":%llu,\"socket_buffer_bytes\":%llu,\"cpu_s\":%.3f,"
      "\"max_rss_kb\":%ld}\n",
      static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.accepted),
      static_cast<unsigned long long>(s.delivered),
      static_cast<unsigned long long>(varbinds.load()),
      static_cast<unsigned long long>(s.auth_failed), static_cast<unsigned long long>(s.malformed),
      static_cast<unsigned long long>(s.dropped_queue_full),
      static_cast<unsigned long long>(s.informs_acknowledged),
      static_cast<unsigned long long>(s.socket_buffer_bytes), cpu_seconds() - cpu_at_start,
      max_rss_kb());
  return 0;
}
