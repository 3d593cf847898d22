// snmp-sessions-baseline: the design docs/snmp-design.md compares snmp::Client with — net-snmp's
// single-session API, one session (and one socket) per device, driven by epoll the way an Asio
// loop would drive it (only ready sessions are read; only sessions with a request out are asked
// about timeouts). Same polls as snmp-poller-bench: GET sysUpTime.0, then GETBULK walks of
// ifTable and ifXTable, at most --max-in-flight devices at a time, back to back.
// Keys are derived once (Ku) and handed to every session, so only localization is per session.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
// clang-format on

namespace {

using Clock = std::chrono::steady_clock;
std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}

oid kSysUpTime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
oid kIfTable[] = {1, 3, 6, 1, 2, 1, 2, 2};
oid kIfXTable[] = {1, 3, 6, 1, 2, 1, 31, 1, 1};

struct Device {
  std::string id;
  void* sessp = nullptr;
  int fd = -1;
  int step = 0;  // 0 GET, 1 ifTable, 2 ifXTable
  oid last[MAX_OID_LEN];
  size_t last_len = 0;
  Clock::time_point started;
  size_t varbinds = 0;
  bool busy = false;
};

struct Bench {
  std::vector<Device> devices;
  std::deque<size_t> ready;
  size_t active = 0;
  size_t max_in_flight = 1000;
  int max_rep = 40;
  FILE* results = nullptr;
  unsigned long polls_ok = 0, polls_failed = 0, varbinds = 0;
};
Bench g;

void finish(Device& d, bool ok);
bool send_step(Device& d);

int callback(int op, netsnmp_session*, int, netsnmp_pdu* pdu, void* magic) {
  Device& d = *static_cast<Device*>(magic);
  if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu->errstat != SNMP_ERR_NOERROR ||
      pdu->command != SNMP_MSG_RESPONSE) {
    finish(d, false);
    return 1;
  }
  if (d.step == 0) {
    d.varbinds += 1;
    d.step = 1;
    std::memcpy(d.last, kIfTable, sizeof kIfTable);
    d.last_len = OID_LENGTH(kIfTable);
  } else {
    const oid* root = d.step == 1 ? kIfTable : kIfXTable;
    const size_t root_len = d.step == 1 ? OID_LENGTH(kIfTable) : OID_LENGTH(kIfXTable);
    bool end = pdu->variables == nullptr;
    for (auto* v = pdu->variables; v != nullptr; v = v->next_variable) {
      if (v->type == SNMP_ENDOFMIBVIEW || v->name_length < root_len ||
          std::memcmp(v->name, root, root_len * sizeof(oid)) != 0) {
        end = true;
        break;
      }
      if (snmp_oid_compare(v->name, v->name_length, d.last, d.last_len) <= 0) {
        finish(d, false);
        return 1;
      }
      std::memcpy(d.last, v->name, v->name_length * sizeof(oid));
      d.last_len = v->name_length;
      ++d.varbinds;
    }
    if (end) {
      if (d.step == 2) {
        finish(d, true);
        return 1;
      }
      d.step = 2;
      std::memcpy(d.last, kIfXTable, sizeof kIfXTable);
      d.last_len = OID_LENGTH(kIfXTable);
    }
  }
  if (!send_step(d))
    finish(d, false);
  return 1;
}

bool send_step(Device& d) {
  netsnmp_pdu* pdu = snmp_pdu_create(d.step == 0 ? SNMP_MSG_GET : SNMP_MSG_GETBULK);
  if (d.step == 0) {
    snmp_add_null_var(pdu, kSysUpTime, OID_LENGTH(kSysUpTime));
  } else {
    pdu->non_repeaters = 0;
    pdu->max_repetitions = g.max_rep;
    snmp_add_null_var(pdu, d.last, d.last_len);
  }
  if (snmp_sess_async_send(d.sessp, pdu, callback, &d) == 0) {
    snmp_free_pdu(pdu);
    return false;
  }
  return true;
}

void start(size_t i) {
  Device& d = g.devices[i];
  d.busy = true;
  d.step = 0;
  d.varbinds = 0;
  d.started = Clock::now();
  ++g.active;
  if (!send_step(d))
    finish(d, false);
}

void finish(Device& d, bool ok) {
  (ok ? g.polls_ok : g.polls_failed)++;
  g.varbinds += d.varbinds;
  if (g.results != nullptr) {
    const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    std::fprintf(
        g.results, "%lld %s %d %.2f %zu\n", static_cast<long long>(wall), d.id.c_str(), ok ? 1 : 0,
        std::chrono::duration<double, std::milli>(Clock::now() - d.started).count(), d.varbinds);
  }
  d.busy = false;
  --g.active;
  g.ready.push_back(static_cast<size_t>(&d - g.devices.data()));
}

std::vector<u_char> ku(const oid* hash, size_t hash_len, const char* password) {
  u_char key[SNMP_MAXBUF_SMALL];
  size_t len = sizeof key;
  generate_Ku(hash, static_cast<u_int>(hash_len), reinterpret_cast<const u_char*>(password),
              std::strlen(password), key, &len);
  return {key, key + len};
}

}  // namespace

int main(int argc, char** argv) {
  std::string targets = std::getenv("FLEET_TARGETS") ? std::getenv("FLEET_TARGETS") : "";
  const char* results = std::getenv("FLEET_RESULTS");
  std::string version = "2c";
  size_t limit = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--targets")
      targets = argv[i + 1];
    else if (k == "--version")
      version = argv[i + 1];
    else if (k == "--max-in-flight")
      g.max_in_flight = std::stoul(argv[i + 1]);
    else if (k == "--max-repetitions")
      g.max_rep = std::stoi(argv[i + 1]);
    else if (k == "--limit")
      limit = std::stoul(argv[i + 1]);
  }
  rlimit rl{65536, 65536};
  setrlimit(RLIMIT_NOFILE, &rl);
  ::signal(SIGTERM, on_signal);
  ::signal(SIGINT, on_signal);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
                        "/tmp/epcfleet-baseline");
  snmp_disable_log();
  netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
  init_snmp("epcfleet-baseline");
  if (results != nullptr)
    g.results = std::fopen(results, "a");

  const auto auth_ku = ku(usmHMACSHA1AuthProtocol, 10, "authpass123");
  const auto priv_ku = ku(usmHMACSHA1AuthProtocol, 10, "privpass123");
  std::ifstream in(targets);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t'))
      f.push_back(x);
    rows.push_back(f);
    if (limit != 0 && rows.size() >= limit)
      break;
  }
  g.devices.resize(rows.size());
  const int ep = epoll_create1(0);
  const auto open_start = Clock::now();
  for (size_t i = 0; i < rows.size(); ++i) {
    Device& d = g.devices[i];
    d.id = rows[i][0];
    const std::string peer = "udp:" + rows[i][1] + ":" + rows[i][2];
    netsnmp_session s;
    snmp_sess_init(&s);
    s.peername = const_cast<char*>(peer.c_str());
    s.timeout = 2000000;
    s.retries = 2;
    if (version == "3") {
      s.version = SNMP_VERSION_3;
      s.securityName = const_cast<char*>("simuser");
      s.securityNameLen = 7;
      s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
      s.securityAuthProto = usmHMACSHA1AuthProtocol;
      s.securityAuthProtoLen = 10;
      std::memcpy(s.securityAuthKey, auth_ku.data(), auth_ku.size());
      s.securityAuthKeyLen = auth_ku.size();
      s.securityPrivProto = usmAESPrivProtocol;
      s.securityPrivProtoLen = 10;
      std::memcpy(s.securityPrivKey, priv_ku.data(), priv_ku.size());
      s.securityPrivKeyLen = priv_ku.size();
    } else {
      s.version = SNMP_VERSION_2c;
      s.community = reinterpret_cast<u_char*>(const_cast<char*>("public"));
      s.community_len = 6;
    }
    d.sessp = snmp_sess_open(&s);  // v3: probes the engine id synchronously
    if (d.sessp == nullptr) {
      std::fprintf(stderr, "cannot open session %zu\n", i);
      return 1;
    }
    d.fd = snmp_sess_transport(d.sessp)->sock;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &d;
    epoll_ctl(ep, EPOLL_CTL_ADD, d.fd, &ev);
    g.ready.push_back(i);
  }
  std::fprintf(stderr, "%zu sessions opened in %.1f s\n", rows.size(),
               std::chrono::duration<double>(Clock::now() - open_start).count());

  netsnmp_large_fd_set fds;
  netsnmp_large_fd_set_init(&fds, 65536);
  std::vector<epoll_event> events(1024);
  auto last_timeouts = Clock::now();
  while (!g_stop) {
    while (g.active < g.max_in_flight && !g.ready.empty()) {
      const size_t i = g.ready.front();
      g.ready.pop_front();
      start(i);
    }
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 10);
    for (int k = 0; k < n; ++k) {
      Device& d = *static_cast<Device*>(events[static_cast<size_t>(k)].data.ptr);
      NETSNMP_LARGE_FD_SET(d.fd, &fds);
      snmp_sess_read2(d.sessp, &fds);
      NETSNMP_LARGE_FD_CLR(d.fd, &fds);
    }
    if (Clock::now() - last_timeouts > std::chrono::milliseconds(100)) {
      last_timeouts = Clock::now();
      for (Device& d : g.devices)
        if (d.busy)
          snmp_sess_timeout(d.sessp);
    }
  }
  std::fprintf(stderr, "polls ok=%lu failed=%lu varbinds=%lu\n", g.polls_ok, g.polls_failed,
               g.varbinds);
  if (g.results != nullptr)
    std::fclose(g.results);
  return 0;
}
