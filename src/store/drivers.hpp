#pragma once
// Private to the store module: the two driver implementations.

#include <memory>

#include "epcfleet/store/database.hpp"

namespace epcfleet::store::detail {

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

}  // namespace epcfleet::store::detail
