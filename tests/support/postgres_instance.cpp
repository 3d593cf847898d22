#include "epcfleet/testing/postgres_instance.hpp"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace epcfleet::testing {
namespace {

std::string find_bin_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (int v = 17; v >= 13; --v) {
    const std::string dir = "/usr/lib/postgresql/" + std::to_string(v) + "/bin";
    if (fs::exists(dir + "/initdb", ec))
      return dir;
  }
  return {};
}

}  // namespace

PostgresInstance* PostgresInstance::shared(std::string* why_not) {
  static std::once_flag once;
  static std::unique_ptr<PostgresInstance> instance;
  static std::string reason;
  std::call_once(once, [] {
    std::unique_ptr<PostgresInstance> pg(new PostgresInstance());
    if (pg->start(&reason))
      instance = std::move(pg);
  });
  if (!instance && why_not != nullptr)
    *why_not = reason;
  return instance.get();
}

bool PostgresInstance::start(std::string* why_not) {
  bin_dir_ = find_bin_dir();
  if (bin_dir_.empty()) {
    *why_not = "PostgreSQL server binaries not found (scripts/install-deps installs postgresql)";
    return false;
  }
  dir_ = std::make_unique<TempDir>();
  port_ = free_port();
  as_postgres_user_ = ::geteuid() == 0;
  const std::string data = dir_->file("pgdata");
  std::vector<std::string> prefix;
  if (as_postgres_user_) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      *why_not = "running as root and there is no postgres user";
      return false;
    }
    ::chown(dir_->path().c_str(), pw->pw_uid, pw->pw_gid);
    prefix = {"runuser", "-u", "postgres", "--"};
  }
  auto with_prefix = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), prefix.begin(), prefix.end());
    return argv;
  };
  auto init = run_command(with_prefix({bin_dir_ + "/initdb", "-D", data, "-U", "postgres",
                                       "--auth=trust", "--no-sync", "-E", "UTF8"}));
  if (init.exit_code != 0) {
    *why_not = "initdb failed: " + init.output;
    return false;
  }
  const std::string opts = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                           " -c unix_socket_directories=" + dir_->path() +
                           " -c fsync=off -c max_connections=200";
  auto start = run_command(with_prefix(
      {bin_dir_ + "/pg_ctl", "-D", data, "-o", opts, "-l", dir_->file("pg.log"), "-w", "start"}));
  if (start.exit_code != 0) {
    *why_not = "pg_ctl start failed: " + start.output + read_file(dir_->file("pg.log"));
    return false;
  }
  return true;
}

PostgresInstance::~PostgresInstance() {
  std::vector<std::string> argv{bin_dir_ + "/pg_ctl", "-D",  dir_->file("pgdata"), "-m",
                                "immediate",          "stop"};
  if (as_postgres_user_)
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  run_command(argv);
}

std::string PostgresInstance::create_database() {
  const std::string name =
      "epcfleet_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_db_++);
  auto r = run_command({bin_dir_ + "/psql", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                        "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c",
                        "CREATE DATABASE " + name});
  if (r.exit_code != 0)
    throw std::runtime_error("CREATE DATABASE failed: " + r.output);
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace epcfleet::testing
