#pragma once
// Test helpers: temporary directories, free loopback ports, child processes stopped by PID.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace epcfleet::testing {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_port();

void write_file(const std::string& path, const std::string& content, int mode = 0600);
std::string read_file(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs a command to completion (argv[0] is looked up in PATH).
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

// A child process with its output sent to a file; killed (SIGKILL) by the destructor if still
// running.
class Process {
public:
  Process(const std::vector<std::string>& argv, const std::string& log_file,
          const std::map<std::string, std::string>& env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signo);
  // Waits for exit; returns the exit status (128+signal when killed), or -1 on timeout.
  int wait(int timeout_ms);

private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// The directory holding the built binaries (set by CMake) and the source tree.
std::string binary_dir();
std::string source_dir();

}  // namespace epcfleet::testing
