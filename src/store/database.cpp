#include "epcfleet/store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "drivers.hpp"
#include "epcfleet/metrics/registry.hpp"
#include "epcfleet/store/migrations.hpp"

namespace epcfleet::store {

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const std::string& Row::text(std::size_t i) const {
  static const std::string empty;
  const auto& c = cells_.at(i);
  return c ? *c : empty;
}

std::int64_t Row::integer(std::size_t i) const {
  const auto& c = cells_.at(i);
  return c ? std::stoll(*c) : 0;
}

std::optional<std::int64_t> Row::optional_integer(std::size_t i) const {
  const auto& c = cells_.at(i);
  if (!c)
    return std::nullopt;
  return std::stoll(*c);
}

double Row::real(std::size_t i) const {
  const auto& c = cells_.at(i);
  return c ? std::stod(*c) : 0.0;
}

Result<std::int64_t> Connection::execute(std::string_view sql, const Params& params) {
  auto r = query(sql, params);
  if (!r)
    return fail(r.error());
  return r->affected;
}

Result<std::optional<Row>> Connection::query_one(std::string_view sql, const Params& params) {
  auto r = query(sql, params);
  if (!r)
    return fail(r.error());
  if (r->rows.empty())
    return std::optional<Row>{};
  return std::optional<Row>(std::move(r->rows.front()));
}

std::string StoreLocation::display() const {
  if (dialect == Dialect::kSqlite)
    return "sqlite:" + sqlite_path;
  // Mask a password in postgresql://user:password@host/...
  const auto scheme = postgres_url.find("://");
  const auto at = postgres_url.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const auto colon = postgres_url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) {
      return postgres_url.substr(0, colon + 1) + "****" + postgres_url.substr(at);
    }
  }
  const auto pw = postgres_url.find("password=");
  if (pw != std::string::npos) {
    const auto end = postgres_url.find_first_of("& ", pw);
    return postgres_url.substr(0, pw + 9) + "****" +
           (end == std::string::npos ? "" : postgres_url.substr(end));
  }
  return postgres_url;
}

Result<StoreLocation> parse_store_url(std::string_view url, const std::string& data_dir) {
  StoreLocation loc;
  if (url.empty() || url == "sqlite") {
    loc.sqlite_path = data_dir + "/epcfleet.db";
    return loc;
  }
  if (url.rfind("sqlite:", 0) == 0) {
    loc.sqlite_path = std::string(url.substr(7));
    if (loc.sqlite_path.rfind("//", 0) == 0)
      loc.sqlite_path = loc.sqlite_path.substr(2);
    if (loc.sqlite_path.empty())
      loc.sqlite_path = data_dir + "/epcfleet.db";
    return loc;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    loc.dialect = Dialect::kPostgres;
    loc.postgres_url = std::string(url);
    return loc;
  }
  return fail(
      ErrorCode::kInvalidArgument,
      "store must be 'sqlite', 'sqlite:/path/to/file.db' or 'postgresql://user@host:port/db'");
}

class Database::Pool {
public:
  Pool(StoreLocation location, std::size_t size) : location_(std::move(location)), max_(size) {}

  Result<std::unique_ptr<Connection>> take() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
    lock.unlock();
    auto conn = location_.dialect == Dialect::kSqlite
                    ? detail::open_sqlite(location_.sqlite_path)
                    : detail::open_postgres(location_.postgres_url);
    if (!conn) {
      std::lock_guard relock(mutex_);
      --open_;
      cv_.notify_one();
    }
    return conn;
  }

  void give_back(std::unique_ptr<Connection> conn, bool discard) {
    std::lock_guard lock(mutex_);
    if (discard || !conn->healthy()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

private:
  StoreLocation location_;
  std::size_t max_;
  std::size_t open_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::mutex mutex_;
  std::condition_variable cv_;
};

Database::Lease::~Lease() {
  if (conn_)
    pool_->give_back(std::move(conn_), discard_);
}

Database::Database(StoreLocation location) : location_(std::move(location)) {
}
Database::~Database() = default;

Result<std::shared_ptr<Database>> Database::open(const StoreLocation& location,
                                                 std::size_t pool_size) {
  std::shared_ptr<Database> db(new Database(location));
  // SQLite serializes writers anyway; a few connections serve concurrent readers.
  db->pool_ = std::make_unique<Pool>(location, pool_size);
  // Connect once now so that a wrong URL or an unreachable server fails at start-up.
  auto first = db->acquire();
  if (!first)
    return fail(first.error());
  return db;
}

Result<Database::Lease> Database::acquire() {
  auto conn = pool_->take();
  if (!conn)
    return fail(conn.error());
  return Lease(pool_.get(), std::move(*conn));
}

bool Database::should_retry(const Error& error, int attempt) const {
  return attempt < 5 && error.message.find(kRetryableMarker) != std::string::npos;
}

void Database::observe(bool write, double seconds, bool ok) {
  auto& registry = metrics::default_registry();
  static auto& read_hist = registry.histogram("epcfleet_store_transaction_seconds",
                                              "Store transaction latency.", {{"kind", "read"}});
  static auto& write_hist = registry.histogram("epcfleet_store_transaction_seconds",
                                               "Store transaction latency.", {{"kind", "write"}});
  static auto& failures = registry.counter("epcfleet_store_transaction_failures_total",
                                           "Store transactions that ended in an error.");
  (write ? write_hist : read_hist).observe(seconds);
  if (!ok)
    failures.inc();
}

Status Database::migrate() {
  // On PostgreSQL several nodes may start at once: every step runs under one advisory lock.
  auto lock = [](Connection& c) -> Status {
    if (c.dialect() != Dialect::kPostgres)
      return ok();
    if (auto l = c.execute("SELECT pg_advisory_xact_lock(7231001)"); !l)
      return fail(l.error());
    return ok();
  };
  auto created = write([&](Connection& c) -> Status {
    if (auto l = lock(c); !l)
      return l;
    return c.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
  });
  if (!created)
    return created;
  for (const auto& m : migrations()) {
    auto applied = write([&](Connection& c) -> Result<bool> {
      if (auto l = lock(c); !l)
        return fail(l.error());
      auto exists =
          c.query_one("SELECT version FROM schema_migrations WHERE version = ?", {m.version});
      if (!exists)
        return fail(exists.error());
      if (exists->has_value())
        return false;
      if (auto s = c.execute_script(m.sql); !s) {
        return fail(ErrorCode::kInternal, "migration " + std::to_string(m.version) + " (" +
                                              std::string(m.name) +
                                              ") failed: " + s.error().message);
      }
      auto rec = c.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          {m.version, std::string(m.name),
           static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count())});
      if (!rec)
        return fail(rec.error());
      return true;
    });
    if (!applied)
      return fail(applied.error());
  }
  return ok();
}

int Database::schema_version() {
  auto v = read([](Connection& c) -> Result<std::int64_t> {
    auto row = c.query_one("SELECT MAX(version) FROM schema_migrations");
    if (!row)
      return fail(row.error());
    return row->has_value() ? (*row)->integer(0) : 0;
  });
  return v ? static_cast<int>(*v) : 0;
}

Status Database::ping() {
  return read([](Connection& c) -> Status {
    auto r = c.query_one("SELECT 1");
    if (!r)
      return fail(r.error());
    return ok();
  });
}

}  // namespace epcfleet::store
