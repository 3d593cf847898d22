#include "epcfleet/store/audit_repository.hpp"

namespace epcfleet::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT seq, time, actor, tenant_id, action, target, outcome, source, request_id, detail, "
    "prev_hash, hash FROM audit_log ";

AuditRecord to_record(const Row& r) {
  return AuditRecord{r.integer(0), r.integer(1), r.text(2),  r.optional_text(3),
                     r.text(4),    r.text(5),    r.text(6),  r.text(7),
                     r.text(8),    r.text(9),    r.text(10), r.text(11)};
}

}  // namespace

Status AuditRepository::lock_for_append() {
  if (conn_.dialect() != Dialect::kPostgres)
    return ok();
  auto r = conn_.execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE");
  if (!r)
    return fail(r.error());
  return ok();
}

Result<std::pair<std::int64_t, std::string>> AuditRepository::head() {
  auto row = conn_.query_one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!row)
    return fail(row.error());
  if (!*row)
    return std::pair<std::int64_t, std::string>{0, ""};
  return std::pair<std::int64_t, std::string>{(*row)->integer(0), (*row)->text(1)};
}

Status AuditRepository::insert(const AuditRecord& a) {
  auto r = conn_.execute(
      "INSERT INTO audit_log (seq, time, actor, tenant_id, action, target, outcome, source, "
      "request_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.seq, a.time, a.actor, a.tenant_id, a.action, a.target, a.outcome, a.source, a.request_id,
       a.detail, a.prev_hash, a.hash});
  if (!r)
    return fail(r.error());
  return ok();
}

Result<Page<AuditRecord>> AuditRepository::list(const AuditFilter& f, std::size_t limit) {
  std::string sql(kColumns);
  sql += "WHERE 1 = 1";
  Params params;
  if (f.tenant_id) {
    sql += " AND tenant_id = ?";
    params.emplace_back(*f.tenant_id);
  }
  if (f.action) {
    if (!f.action->empty() && f.action->back() == '.') {
      sql += " AND substr(action, 1, ?) = ?";
      params.emplace_back(static_cast<std::int64_t>(f.action->size()));
    } else {
      sql += " AND action = ?";
    }
    params.emplace_back(*f.action);
  }
  if (f.actor) {
    sql += " AND actor = ?";
    params.emplace_back(*f.actor);
  }
  if (f.outcome) {
    sql += " AND outcome = ?";
    params.emplace_back(*f.outcome);
  }
  if (f.since) {
    sql += " AND time >= ?";
    params.emplace_back(*f.since);
  }
  if (f.until) {
    sql += " AND time < ?";
    params.emplace_back(*f.until);
  }
  if (f.before_seq) {
    sql += " AND seq < ?";
    params.emplace_back(*f.before_seq);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit + 1));
  auto rows = conn_.query(sql, params);
  if (!rows)
    return fail(rows.error());
  Page<AuditRecord> page;
  for (std::size_t i = 0; i < rows->rows.size() && i < limit; ++i) {
    page.items.push_back(to_record(rows->rows[i]));
  }
  if (rows->rows.size() > limit && !page.items.empty()) {
    page.next_cursor = std::to_string(page.items.back().seq);
  }
  return page;
}

Status AuditRepository::scan(const std::function<bool(const AuditRecord&)>& visit) {
  std::int64_t after = -1;
  constexpr std::int64_t kBatch = 1000;
  for (;;) {
    auto rows =
        conn_.query(std::string(kColumns) + "WHERE seq > ? ORDER BY seq LIMIT ?", {after, kBatch});
    if (!rows)
      return fail(rows.error());
    for (const auto& r : rows->rows) {
      auto rec = to_record(r);
      after = rec.seq;
      if (!visit(rec))
        return ok();
    }
    if (static_cast<std::int64_t>(rows->rows.size()) < kBatch)
      return ok();
  }
}

}  // namespace epcfleet::store
