#pragma once
// A private PostgreSQL server for tests: initdb in a temp dir, pg_ctl start on a free loopback
// port with its socket in the temp dir, stopped (and removed) by the destructor. As root it runs
// the server as the `postgres` user (initdb refuses root). One instance is shared by a test
// binary; each test gets a fresh database from create_database().

#include <memory>
#include <string>

#include "epcfleet/testing/temp_dir.hpp"

namespace epcfleet::testing {

class PostgresInstance {
public:
  // The process-wide instance, started on first use; nullptr (with a reason) when PostgreSQL's
  // binaries are missing.
  static PostgresInstance* shared(std::string* why_not = nullptr);
  ~PostgresInstance();

  // A new empty database; returns its postgresql:// URL.
  std::string create_database();
  std::uint16_t port() const { return port_; }

private:
  PostgresInstance() = default;
  bool start(std::string* why_not);

  std::unique_ptr<TempDir> dir_;
  std::string bin_dir_;
  std::uint16_t port_ = 0;
  bool as_postgres_user_ = false;
  int next_db_ = 0;
};

}  // namespace epcfleet::testing
