#pragma once
// auth: who is calling and what they may do — logins (argon2id), sessions (bearer or cookie with
// CSRF), API tokens, and the RBAC decision for a tenant. Credentials are kept only as hashes;
// nothing in this module logs a password or a token.

#include <map>
#include <optional>
#include <string>

#include "epcfleet/core/role.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::auth {

enum class CredentialKind { kSession, kCookieSession, kApiToken };

struct Principal {
  CredentialKind kind = CredentialKind::kSession;
  std::string user_id;  // empty for API tokens
  std::string name;     // username, or "token:<id>"
  bool platform_admin = false;
  std::map<std::string, Role> tenants;   // memberships; for a token, its one tenant
  std::optional<std::string> csrf_hash;  // cookie sessions
  std::string credential_hash;           // SHA-256 of the session or token, to re-check it later
  TimestampMs expires_at = 0;
};

}  // namespace epcfleet::auth
