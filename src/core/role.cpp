#include "epcfleet/core/role.hpp"

namespace epcfleet {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kOperator: return "operator";
    case Role::kOwner: return "owner";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "viewer")
    return Role::kViewer;
  if (text == "operator")
    return Role::kOperator;
  if (text == "owner")
    return Role::kOwner;
  return std::nullopt;
}

}  // namespace epcfleet
