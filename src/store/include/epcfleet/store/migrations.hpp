#pragma once
// The schema, as an ordered list of migrations. A migration is applied once, in its own
// transaction, and recorded in schema_migrations; released migrations are never edited — a change
// is a new migration at the end.

#include <string_view>
#include <vector>

namespace epcfleet::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // portable SQL (see database.hpp)
};

const std::vector<Migration>& migrations();

}  // namespace epcfleet::store
