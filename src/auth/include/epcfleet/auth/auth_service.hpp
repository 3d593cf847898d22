#pragma once

#include <memory>
#include <string>
#include <vector>

#include "epcfleet/auth/login_throttle.hpp"
#include "epcfleet/auth/password_hasher.hpp"
#include "epcfleet/auth/principal.hpp"
#include "epcfleet/core/actor.hpp"
#include "epcfleet/core/error.hpp"
#include "epcfleet/core/events.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::auth {

// Bearer credential prefixes: they say what a leaked string is (and let secret scanners find it).
inline constexpr std::string_view kSessionPrefix = "efs_";
inline constexpr std::string_view kApiTokenPrefix = "efp_";

struct AuthOptions {
  std::int64_t session_ttl_s = 12 * 3600;
  ThrottleLimits throttle;
  int max_concurrent_hashes = 2;  // argon2id costs ~64 MiB and ~0.3 s of a core each
};

struct LoginRequest {
  std::string username;
  std::string password;
  bool cookie = false;  // the dashboard: also mint a CSRF token
};

struct LoginResult {
  std::string session_token;  // the bearer token, or the cookie's value
  std::string csrf_token;     // cookie sessions only
  TimestampMs expires_at = 0;
  Principal principal;
};

// Failed logins carry the seconds to wait in this error when rate limited.
struct LoginError {
  Error error;
  std::int64_t retry_after_s = 0;
};

class AuthService {
public:
  AuthService(std::shared_ptr<store::Database> db, EventPublisher& events, AuthOptions options);

  // The bounded argon2id hasher, shared with the services that set passwords.
  PasswordHasher& hasher() { return hasher_; }

  tl::expected<LoginResult, LoginError> login(const LoginRequest& request, const Actor& actor);
  Status logout(const std::string& session_token, const Actor& actor);

  // Resolves a bearer token (session or API token) or a session cookie to a principal.
  Result<Principal> authenticate(const std::string& credential, bool from_cookie);
  // The same from the credential's SHA-256 (to re-check a long-lived WebSocket's caller).
  Result<Principal> authenticate_hash(const std::string& credential_hash, CredentialKind kind);
  // For a cookie session on an unsafe method: the X-CSRF-Token header must match.
  static bool csrf_matches(const Principal& principal, const std::string& header_value);

  // The caller's role in the tenant; kNotFound if the tenant does not exist or is not theirs.
  Result<Role> role_in(const Principal& principal, const std::string& tenant_id);
  // Tenants the caller can see, with their role (all tenants for a platform admin).
  Result<std::vector<store::Membership>> visible_tenants(const Principal& principal);

  // Used by `epcfleetd init`.
  Status create_platform_admin(const std::string& username, const std::string& password,
                               const Actor& actor);
  // Deletes expired sessions (called now and then by the server).
  void sweep_expired_sessions();
  // Records an attempt the role check refused (no state changed, so it stands alone).
  void record_denied(const Principal& principal, const Actor& actor,
                     const std::optional<std::string>& tenant_id, const std::string& action,
                     const std::string& target);

private:
  Result<Principal> session_principal(const std::string& hash, bool from_cookie);
  Result<Principal> token_principal(const std::string& hash);

  std::shared_ptr<store::Database> db_;
  EventPublisher& events_;
  AuthOptions options_;
  LoginThrottle throttle_;
  PasswordHasher hasher_;
};

// Password rules shared by every place that sets one.
Status validate_password(std::string_view password);

}  // namespace epcfleet::auth
