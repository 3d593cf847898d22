#pragma once
// Tenant roles, ordered by what they may do: a viewer reads, an operator changes the fleet, an
// owner also manages the tenant's people and tokens. A platform admin acts as owner everywhere.

#include <optional>
#include <string_view>

namespace epcfleet {

enum class Role { kViewer = 1, kOperator = 2, kOwner = 3 };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// True when `have` may do what `need` may do.
constexpr bool role_at_least(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace epcfleet
