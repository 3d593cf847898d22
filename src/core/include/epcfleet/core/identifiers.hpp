#pragma once
// Validation of the names that appear in URLs and paths. Anything that fails these checks never
// reaches the store or the filesystem.

#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet {

// Tenant ids: lowercase slugs, 2-32 chars of [a-z0-9-], starting with a letter or digit.
Status validate_tenant_id(std::string_view id);
// Usernames: 2-64 chars of [a-z0-9._-], starting with a letter or digit.
Status validate_username(std::string_view name);
// Human display names: 1-200 chars, no control characters.
Status validate_display_name(std::string_view field, std::string_view name);

}  // namespace epcfleet
