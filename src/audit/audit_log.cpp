#include "epcfleet/audit/audit_log.hpp"

#include <nlohmann/json.hpp>

#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"

namespace epcfleet::audit {
namespace {

// Length-prefixed fields, so that no two different records serialize alike.
void add_field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out.push_back(':');
  out += value;
  out.push_back('\n');
}

std::string csv_quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"')
      out += "\"\"";
    else
      out.push_back(c);
  }
  out.push_back('"');
  // A cell starting with = + - @ is read as a formula by spreadsheets: neutralize it.
  if (out.size() > 1 && (out[1] == '=' || out[1] == '+' || out[1] == '-' || out[1] == '@')) {
    out.insert(1, "'");
  }
  return out;
}

}  // namespace

std::string compute_hash(const store::AuditRecord& r) {
  std::string canonical;
  canonical.reserve(256 + r.detail.size());
  add_field(canonical, std::to_string(r.seq));
  add_field(canonical, std::to_string(r.time));
  add_field(canonical, r.actor);
  add_field(canonical, r.tenant_id.value_or(""));
  add_field(canonical, r.tenant_id ? "t" : "-");
  add_field(canonical, r.action);
  add_field(canonical, r.target);
  add_field(canonical, r.outcome);
  add_field(canonical, r.source);
  add_field(canonical, r.request_id);
  add_field(canonical, r.detail);
  add_field(canonical, r.prev_hash);
  return crypto::sha256_hex(canonical);
}

Result<store::AuditRecord> append(store::Connection& conn, const Actor& actor, const Entry& e) {
  store::AuditRepository repo(conn);
  if (auto l = repo.lock_for_append(); !l)
    return fail(l.error());
  auto head = repo.head();
  if (!head)
    return fail(head.error());
  store::AuditRecord r;
  r.seq = head->first + 1;
  r.time = now_ms();
  r.actor = actor.name;
  r.tenant_id = e.tenant_id;
  r.action = e.action;
  r.target = e.target;
  r.outcome = e.outcome;
  r.source = actor.source;
  r.request_id = actor.request_id;
  r.detail = e.detail_json.empty() ? "{}" : e.detail_json;
  r.prev_hash = head->second;
  r.hash = compute_hash(r);
  if (auto s = repo.insert(r); !s)
    return fail(s.error());
  return r;
}

Result<store::AuditRecord> append_alone(store::Database& db, const Actor& actor,
                                        const Entry& entry) {
  return db.write([&](store::Connection& conn) { return append(conn, actor, entry); });
}

std::string to_json(const store::AuditRecord& r) {
  nlohmann::json j = {
      {"seq", r.seq},
      {"time", format_iso8601(r.time)},
      {"actor", r.actor},
      {"tenant", r.tenant_id ? nlohmann::json(*r.tenant_id) : nlohmann::json(nullptr)},
      {"action", r.action},
      {"target", r.target},
      {"outcome", r.outcome},
      {"source", r.source},
      {"request_id", r.request_id},
      {"detail", nlohmann::json::parse(r.detail, nullptr, false)},
  };
  if (j["detail"].is_discarded())
    j["detail"] = r.detail;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string csv_header() {
  return "seq,time,actor,tenant,action,target,outcome,source,request_id,detail\r\n";
}

std::string to_csv(const store::AuditRecord& r) {
  std::string line = std::to_string(r.seq) + "," + csv_quote(format_iso8601(r.time)) + ",";
  line += csv_quote(r.actor) + "," + csv_quote(r.tenant_id.value_or("")) + ",";
  line += csv_quote(r.action) + "," + csv_quote(r.target) + "," + csv_quote(r.outcome) + ",";
  line += csv_quote(r.source) + "," + csv_quote(r.request_id) + "," + csv_quote(r.detail) + "\r\n";
  return line;
}

void publish(EventPublisher& publisher, const store::AuditRecord& record) {
  // Same rule as GET …/audit: operators and owners read the audit log, viewers do not.
  publisher.publish(Event{record.tenant_id, "audit", to_json(record), Role::kOperator});
}

Result<VerifyReport> verify(store::Database& db) {
  return db.read([](store::Connection& conn) -> Result<VerifyReport> {
    VerifyReport report;
    std::string prev_hash;
    std::int64_t expected_seq = 1;
    store::AuditRepository repo(conn);
    auto scanned = repo.scan([&](const store::AuditRecord& r) {
      ++report.records;
      std::string problem;
      if (r.seq != expected_seq) {
        problem = "record " + std::to_string(expected_seq) +
                  (r.seq > expected_seq ? " is missing (deleted?)" : " appears twice");
      } else if (r.prev_hash != prev_hash) {
        problem = "record " + std::to_string(r.seq) + " does not link to the record before it";
      } else if (compute_hash(r) != r.hash) {
        problem = "record " + std::to_string(r.seq) + " was modified after it was written";
      }
      if (!problem.empty()) {
        report.intact = false;
        report.first_bad_seq = r.seq;
        report.problem = problem;
        return false;
      }
      prev_hash = r.hash;
      ++expected_seq;
      return true;
    });
    if (!scanned)
      return fail(scanned.error());
    return report;
  });
}

}  // namespace epcfleet::audit
