#include "epcfleet/core/identifiers.hpp"

#include <string>

namespace epcfleet {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

Status validate_tenant_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 32) {
    return fail(ErrorCode::kInvalidArgument, "tenant id must be 2 to 32 characters long");
  }
  if (!is_lower_alnum(id.front())) {
    return fail(ErrorCode::kInvalidArgument,
                "tenant id must start with a lowercase letter or a digit");
  }
  for (char c : id) {
    if (!is_lower_alnum(c) && c != '-') {
      return fail(ErrorCode::kInvalidArgument,
                  "tenant id may contain only lowercase letters, digits and '-'");
    }
  }
  return ok();
}

Status validate_username(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) {
    return fail(ErrorCode::kInvalidArgument, "username must be 2 to 64 characters long");
  }
  if (!is_lower_alnum(name.front())) {
    return fail(ErrorCode::kInvalidArgument,
                "username must start with a lowercase letter or a digit");
  }
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-') {
      return fail(ErrorCode::kInvalidArgument,
                  "username may contain only lowercase letters, digits, '.', '_' and '-'");
    }
  }
  return ok();
}

Status validate_display_name(std::string_view field, std::string_view name) {
  if (name.empty() || name.size() > 200) {
    return fail(ErrorCode::kInvalidArgument, std::string(field) + " must be 1 to 200 characters");
  }
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return fail(ErrorCode::kInvalidArgument,
                  std::string(field) + " must not contain control characters");
    }
  }
  return ok();
}

}  // namespace epcfleet
