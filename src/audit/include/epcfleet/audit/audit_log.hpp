#pragma once
// audit: the append-only, hash-chained record of every change. A record is appended in the same
// transaction as the change it describes, so a change without its record (or the reverse) cannot
// be committed. Each record carries the SHA-256 of its own fields and of the previous record's
// hash: editing or deleting a record breaks the chain, which `epcfleetd audit verify` reports.
// This module never updates or deletes a record.

#include <cstdint>
#include <optional>
#include <string>

#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/audit_repository.hpp"
#include "epcfleet/store/database.hpp"

namespace epcfleet::audit {

struct Entry {
  std::optional<std::string> tenant_id;
  std::string action;  // "<resource>.<verb>": user.create, token.revoke, auth.login …
  std::string target;  // what the action was on: a username, token id, tenant id …
  std::string outcome = "success";  // success | denied | failure
  std::string detail_json = "{}";   // a JSON object; never a secret
};

// Appends within the caller's transaction (conn must be inside Database::write).
Result<store::AuditRecord> append(store::Connection& conn, const Actor& actor, const Entry& entry);

// Appends in a transaction of its own (for denied attempts, where there is no change).
Result<store::AuditRecord> append_alone(store::Database& db, const Actor& actor,
                                        const Entry& entry);

// The record's hash over every field but `hash` itself.
std::string compute_hash(const store::AuditRecord& record);

// The record as the API and the event stream show it (a JSON object, without the chain hashes).
std::string to_json(const store::AuditRecord& record);
// One CSV line (RFC 4180 quoting), and the header line.
std::string csv_header();
std::string to_csv(const store::AuditRecord& record);

// Publishes the record as an "audit" event (call after the transaction committed).
void publish(EventPublisher& publisher, const store::AuditRecord& record);

struct VerifyReport {
  std::int64_t records = 0;
  bool intact = true;
  std::int64_t first_bad_seq = 0;
  std::string problem;  // empty when intact
};

// Walks the whole chain.
Result<VerifyReport> verify(store::Database& db);

}  // namespace epcfleet::audit
