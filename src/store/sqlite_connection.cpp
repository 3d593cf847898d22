// SQLite driver: one sqlite3 handle per pooled connection, WAL journal, busy timeout so that
// concurrent writers queue instead of failing.
#include <sqlite3.h>

#include <string>

#include "drivers.hpp"

namespace epcfleet::store::detail {
namespace {

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqliteConnection final : public Connection {
public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<QueryResult> query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, StatementDeleter> stmt(raw);
    if (rc != SQLITE_OK)
      return fail(error_for(rc, "prepare"));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      const auto& v = params[i].value();
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(raw, idx);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(raw, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(raw, idx, *d);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(raw, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK)
        return fail(error_for(rc, "bind"));
    }
    QueryResult result;
    const int cols = sqlite3_column_count(raw);
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      std::vector<std::optional<std::string>> cells(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (sqlite3_column_type(raw, c) == SQLITE_NULL)
          continue;
        const auto* text = sqlite3_column_text(raw, c);
        const int len = sqlite3_column_bytes(raw, c);
        cells[static_cast<std::size_t>(c)] =
            std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(len));
      }
      result.rows.emplace_back(std::move(cells));
    }
    if (rc != SQLITE_DONE)
      return fail(error_for(rc, "step"));
    result.affected = sqlite3_changes64(db_);
    return result;
  }

  Status execute_script(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string m = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      const int primary = rc & 0xff;
      if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        return fail(ErrorCode::kUnavailable, "sqlite: " + m + " " + std::string(kRetryableMarker));
      }
      return fail(ErrorCode::kInternal, "sqlite: " + m);
    }
    return ok();
  }

  Status begin(bool write) override {
    return execute_script(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  }
  Status commit() override { return execute_script("COMMIT"); }
  void rollback() override {
    if (sqlite3_get_autocommit(db_) == 0)
      (void)execute_script("ROLLBACK");
  }
  bool healthy() override { return true; }

private:
  Error error_for(int rc, std::string_view stage) const {
    const int primary = rc & 0xff;
    std::string message = "sqlite " + std::string(stage) + ": " + sqlite3_errmsg(db_);
    if (primary == SQLITE_CONSTRAINT)
      return Error{ErrorCode::kConflict, message};
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      return Error{ErrorCode::kUnavailable, message + " " + std::string(kRetryableMarker)};
    }
    return Error{ErrorCode::kInternal, message};
  }

  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return fail(ErrorCode::kUnavailable, "cannot open SQLite store " + path + ": " + message);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, 10000);
  // WAL: readers never block the writer; synchronous=FULL: a committed change survives power loss.
  if (auto s = conn->execute_script(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
      !s) {
    return fail(s.error());
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace epcfleet::store::detail
