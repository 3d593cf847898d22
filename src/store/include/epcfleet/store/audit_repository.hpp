#pragma once
// Rows of the append-only audit log. Hashing and verification live in audit/; this class only
// reads and writes rows. There is deliberately no update or delete.

#include <functional>

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store {

struct AuditFilter {
  std::optional<std::string> tenant_id;  // nullopt: every tenant (platform view)
  std::optional<std::string> action;     // exact, or a prefix ending in '.' ("user.")
  std::optional<std::string> actor;
  std::optional<std::string> outcome;
  std::optional<TimestampMs> since;
  std::optional<TimestampMs> until;
  std::optional<std::int64_t> before_seq;  // cursor: records older than this
};

class AuditRepository {
public:
  explicit AuditRepository(Connection& conn) : conn_(conn) {}
  // Takes the lock that serializes appends (PostgreSQL; SQLite's write lock does it already).
  Status lock_for_append();
  // The newest record's seq and hash, or (0, "") for an empty log.
  Result<std::pair<std::int64_t, std::string>> head();
  Status insert(const AuditRecord& record);
  // Newest first.
  Result<Page<AuditRecord>> list(const AuditFilter& filter, std::size_t limit);
  // Every record in seq order, in batches; stops early when visit returns false.
  Status scan(const std::function<bool(const AuditRecord&)>& visit);

private:
  Connection& conn_;
};

}  // namespace epcfleet::store
