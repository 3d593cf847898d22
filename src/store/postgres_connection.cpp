// PostgreSQL driver over libpq: text-format parameters and results, `?` placeholders rewritten to
// $n. Serialization failures and deadlocks are reported as retryable.
#include <cstdio>
#include <string>

#include <libpq-fe.h>

#include "drivers.hpp"

namespace epcfleet::store::detail {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Full precision: std::to_string keeps only six decimals.
std::string format_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Rewrites ? to $1, $2 … outside quoted strings and identifiers.
std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PostgresConnection final : public Connection {
public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<QueryResult> query(std::string_view sql, const Params& params) override {
    const std::string text = rewrite_placeholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i].value();
      if (std::holds_alternative<std::monostate>(v))
        continue;
      if (const auto* n = std::get_if<std::int64_t>(&v))
        storage[i] = std::to_string(*n);
      else if (const auto* d = std::get_if<double>(&v))
        storage[i] = format_double(*d);
      else
        storage[i] = std::get<std::string>(v);
      values[i] = storage[i].c_str();
    }
    PgResult res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                              values.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      return fail(error_for(res.get()));
    QueryResult result;
    const int rows = PQntuples(res.get());
    const int cols = PQnfields(res.get());
    result.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> cells(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res.get(), r, c) != 0)
          continue;
        cells[static_cast<std::size_t>(c)] = std::string(
            PQgetvalue(res.get(), r, c), static_cast<std::size_t>(PQgetlength(res.get(), r, c)));
      }
      result.rows.emplace_back(std::move(cells));
    }
    const char* affected = PQcmdTuples(res.get());
    if (affected != nullptr && *affected != '\0')
      result.affected = std::stoll(affected);
    return result;
  }

  Status execute_script(std::string_view sql) override {
    const std::string text(sql);
    PgResult res(PQexec(conn_, text.c_str()));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      return fail(error_for(res.get()));
    return ok();
  }

  Status begin(bool /*write*/) override { return execute_script("BEGIN"); }
  Status commit() override { return execute_script("COMMIT"); }
  void rollback() override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE)
      (void)execute_script("ROLLBACK");
  }
  bool healthy() override { return PQstatus(conn_) == CONNECTION_OK; }

private:
  Error error_for(const PGresult* res) const {
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state != nullptr ? state : "";
    std::string message = "postgresql: ";
    const char* primary =
        res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    message += primary != nullptr ? primary : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    if (sqlstate.rfind("23", 0) == 0)
      return Error{ErrorCode::kConflict, message};
    if (sqlstate == "40001" || sqlstate == "40P01") {
      return Error{ErrorCode::kUnavailable, message + " " + std::string(kRetryableMarker)};
    }
    if (PQstatus(conn_) != CONNECTION_OK)
      return Error{ErrorCode::kUnavailable, message};
    return Error{ErrorCode::kInternal, message};
  }

  PGconn* conn_;
};

void ignore_notice(void* /*arg*/, const char* /*message*/) {
}

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n')
      message.pop_back();
    PQfinish(conn);
    return fail(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace epcfleet::store::detail
