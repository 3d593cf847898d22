// parse_mibs_isolated: the parse runs in a forked child that sends back messages and modules as
// lines on a pipe ("E"rror, "W"arning, "M"odule name TAB nodes TAB imports separated by spaces).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <sstream>
#include <string>

#include "epcfleet/snmp/netsnmp_lock.hpp"
#include "parser.hpp"

namespace epcfleet::mib::detail {
namespace {

constexpr std::size_t kMaxReply = 1 << 20;

std::string serialize(const ParseResult& result) {
  std::string out;
  for (const auto& e : result.errors)
    out.append("E").append(e).append("\n");
  for (const auto& w : result.warnings)
    out.append("W").append(w).append("\n");
  for (const auto& m : result.modules) {
    out.append("M").append(m.name).append("\t").append(std::to_string(m.nodes)).append("\t");
    for (const auto& i : m.imports)
      out.append(i).append(" ");
    out.append("\n");
  }
  return out;
}

void deserialize(const std::string& text, ParseResult& out) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty())
      continue;
    const std::string body = line.substr(1);
    if (line[0] == 'E') {
      out.errors.push_back(body);
    } else if (line[0] == 'W') {
      out.warnings.push_back(body);
    } else if (line[0] == 'M') {
      std::istringstream fields(body);
      ParsedModule module;
      std::string nodes;
      std::string imports;
      std::getline(fields, module.name, '\t');
      std::getline(fields, nodes, '\t');
      std::getline(fields, imports);
      module.nodes = static_cast<std::size_t>(std::strtoull(nodes.c_str(), nullptr, 10));
      std::istringstream names(imports);
      for (std::string name; names >> name;)
        module.imports.push_back(name);
      out.modules.push_back(std::move(module));
    }
  }
}

[[noreturn]] void run_child(int fd, const ParseRequest& request) {
  // Only this thread exists here; the net-snmp lock was held by it at fork time and its copy of
  // net-snmp's state is consistent. _exit: no atexit handlers, no destructors of the parent's
  // objects, no leak report.
  const std::string reply = serialize(parse_mibs_locked(request));
  std::size_t sent = 0;
  while (sent < reply.size() && sent < kMaxReply) {
    const ssize_t n = ::write(fd, reply.data() + sent, std::min(reply.size(), kMaxReply) - sent);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    sent += static_cast<std::size_t>(n);
  }
  ::_exit(0);
}

// Reads until EOF or the deadline; false on timeout.
bool read_reply(int fd, std::chrono::steady_clock::time_point deadline, std::string& reply) {
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return ready == 0 ? false : true;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return true;
    if (reply.size() < kMaxReply)
      reply.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

ParseResult parse_mibs_isolated(const ParseRequest& request, std::chrono::milliseconds timeout) {
  ParseResult out;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.errors.push_back("cannot start the MIB parser (pipe failed)");
    return out;
  }
  pid_t pid = -1;
  {
    // Fork with the lock held, so that no other thread is inside net-snmp at that moment.
    const std::lock_guard lock(snmp::detail::netsnmp_mutex());
    pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      run_child(fds[1], request);
    }
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    out.errors.push_back("cannot start the MIB parser (fork failed)");
    return out;
  }
  std::string reply;
  const bool finished = read_reply(fds[0], std::chrono::steady_clock::now() + timeout, reply);
  ::close(fds[0]);
  if (!finished)
    ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  deserialize(reply, out);
  if (!finished)
    out.errors.push_back("the MIB parser took longer than " + std::to_string(timeout.count()) +
                         " ms on this file");
  else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    out.errors.push_back("the MIB parser failed on this file");
  return out;
}

}  // namespace epcfleet::mib::detail
