#pragma once
// store: the metadata store. One thin driver interface with two implementations — SQLite (the
// embedded default, WAL mode) and PostgreSQL (libpq, for several nodes) — so that every
// repository class holds one set of SQL for both. SQL is written with `?` placeholders and
// portable types (BIGINT, TEXT, DOUBLE PRECISION); the PostgreSQL driver rewrites placeholders.
// All calls block: run them on the blocking worker pool, never on an I/O thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::store {

enum class Dialect { kSqlite, kPostgres };

class Param {
public:
  Param(std::nullptr_t) {}              // NOLINT(google-explicit-constructor): SQL NULL
  Param(std::int64_t v) : value_(v) {}  // NOLINT(google-explicit-constructor)
  Param(int v) : value_(static_cast<std::int64_t>(v)) {}  // NOLINT(google-explicit-constructor)
  Param(bool v)
      : value_(static_cast<std::int64_t>(v ? 1 : 0)) {}  // NOLINT(google-explicit-constructor)
  Param(double v) : value_(v) {}                         // NOLINT(google-explicit-constructor)
  Param(std::string v) : value_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  Param(std::string_view v) : value_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  Param(const char* v) : value_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  Param(const std::optional<std::string>& v) {           // NOLINT(google-explicit-constructor)
    if (v)
      value_ = *v;
  }
  Param(const std::optional<std::int64_t>& v) {  // NOLINT(google-explicit-constructor)
    if (v)
      value_ = *v;
  }

  using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
  const Value& value() const { return value_; }

private:
  Value value_;
};

using Params = std::vector<Param>;

// One result row; columns by position, as text (NULL is nullopt). Numbers are parsed on access.
class Row {
public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t i) const { return !cells_.at(i).has_value(); }
  const std::string& text(std::size_t i) const;  // "" for NULL
  std::optional<std::string> optional_text(std::size_t i) const { return cells_.at(i); }
  std::int64_t integer(std::size_t i) const;  // 0 for NULL
  std::optional<std::int64_t> optional_integer(std::size_t i) const;
  double real(std::size_t i) const;
  std::size_t size() const { return cells_.size(); }

private:
  std::vector<std::optional<std::string>> cells_;
};

struct QueryResult {
  std::vector<Row> rows;
  std::int64_t affected = 0;
};

class Connection {
public:
  virtual ~Connection() = default;
  virtual Result<QueryResult> query(std::string_view sql, const Params& params) = 0;
  // Several statements, no parameters (migrations).
  virtual Status execute_script(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
  // Starts a transaction that will write: SQLite takes the write lock at once (BEGIN IMMEDIATE)
  // so that two writers never deadlock on a lock upgrade.
  virtual Status begin(bool write) = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual bool healthy() = 0;

  Result<std::int64_t> execute(std::string_view sql, const Params& params = {});
  Result<std::optional<Row>> query_one(std::string_view sql, const Params& params = {});
};

struct StoreLocation {
  Dialect dialect = Dialect::kSqlite;
  std::string sqlite_path;   // for SQLite
  std::string postgres_url;  // for PostgreSQL: a libpq connection URI
  // What to show in logs and `config show`: the URL with any password masked.
  std::string display() const;
};

// "sqlite" (file epcfleet.db in the data dir), "sqlite:/abs/path.db", or "postgresql://…".
Result<StoreLocation> parse_store_url(std::string_view url, const std::string& data_dir);

class Database {
public:
  static Result<std::shared_ptr<Database>> open(const StoreLocation& location,
                                                std::size_t pool_size = 8);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return location_.dialect; }
  const StoreLocation& location() const { return location_; }

  // Applies the migrations that are not yet recorded, each in its own transaction.
  Status migrate();
  int schema_version();
  // Store reachable and answering (for /readyz).
  Status ping();

  // Runs fn(Connection&) in a write transaction: committed if fn returns a value, rolled back if
  // it returns an error or throws. Retried (up to 5 times) when the store reports a serialization
  // failure or deadlock, so fn must not have side effects outside the store.
  template <typename F>
  auto write(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_transaction<std::invoke_result_t<F, Connection&>>(true, std::forward<F>(fn));
  }
  // Runs fn(Connection&) in a read transaction (READ COMMITTED on PostgreSQL: take row locks
  // with the repositories' lock_* calls where a decision depends on what was read).
  template <typename F>
  auto read(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_transaction<std::invoke_result_t<F, Connection&>>(false, std::forward<F>(fn));
  }

private:
  class Pool;
  class Lease;
  explicit Database(StoreLocation location);
  Result<Lease> acquire();

  template <typename R, typename F>
  R run_transaction(bool write, F&& fn);
  // Type-erased core of run_transaction: returns true to retry.
  bool should_retry(const Error& error, int attempt) const;
  void observe(bool write, double seconds, bool ok);

  StoreLocation location_;
  std::unique_ptr<Pool> pool_;
};

// RAII hold on a pooled connection.
class Database::Lease {
public:
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  void discard() { discard_ = true; }

private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
  bool discard_ = false;
};

double monotonic_seconds();

// Marker the retry logic recognizes (set by the drivers on serialization failure / busy).
inline constexpr std::string_view kRetryableMarker = "[retryable]";

template <typename R, typename F>
R Database::run_transaction(bool write, F&& fn) {
  for (int attempt = 1;; ++attempt) {
    auto lease = acquire();
    if (!lease)
      return fail(lease.error());
    Connection& conn = **lease;
    const auto started = monotonic_seconds();
    if (auto b = conn.begin(write); !b) {
      lease->discard();
      if (should_retry(b.error(), attempt))
        continue;
      return fail(b.error());
    }
    bool committed = false;
    try {
      R result = fn(conn);
      if (result) {
        if (auto c = conn.commit(); !c) {
          conn.rollback();
          if (should_retry(c.error(), attempt))
            continue;
          observe(write, monotonic_seconds() - started, false);
          return fail(c.error());
        }
        committed = true;
        observe(write, monotonic_seconds() - started, true);
        return result;
      }
      conn.rollback();
      if (should_retry(result.error(), attempt))
        continue;
      observe(write, monotonic_seconds() - started, false);
      return result;
    } catch (...) {
      if (!committed)
        conn.rollback();
      throw;
    }
  }
}

}  // namespace epcfleet::store
