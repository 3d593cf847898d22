#pragma once
// The rows the repositories read and write, as plain structs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "epcfleet/core/role.hpp"
#include "epcfleet/core/time.hpp"

namespace epcfleet::store {

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // the last key of this page, when more follow
};

struct Tenant {
  std::string id;
  std::string name;
  TimestampMs created_at = 0;
};

struct User {
  std::string id;
  std::string username;
  std::string password_hash;
  bool platform_admin = false;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> last_login_at;
};

struct Member {
  std::string user_id;
  std::string username;
  Role role = Role::kViewer;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> last_login_at;
};

struct Membership {
  std::string tenant_id;
  std::string tenant_name;
  Role role = Role::kViewer;
  TimestampMs tenant_created_at = 0;
};

struct ApiToken {
  std::string id;
  std::string tenant_id;
  std::string name;
  Role role = Role::kViewer;
  std::string token_hash;
  std::string created_by;
  TimestampMs created_at = 0;
  TimestampMs expires_at = 0;
  std::optional<TimestampMs> last_used_at;
  // The user whose rights bound the token's (a token never outlives its creator's role).
  std::optional<std::string> created_by_user_id;
};

struct Session {
  std::string token_hash;
  std::string user_id;
  std::optional<std::string> csrf_hash;  // set for cookie sessions
  TimestampMs created_at = 0;
  TimestampMs expires_at = 0;
  std::string source;
};

struct AuditRecord {
  std::int64_t seq = 0;
  TimestampMs time = 0;
  std::string actor;
  std::optional<std::string> tenant_id;
  std::string action;
  std::string target;
  std::string outcome;
  std::string source;
  std::string request_id;
  std::string detail;  // JSON object text
  std::string prev_hash;
  std::string hash;
};

// A tenant's repository signing key. Only public parts live in the row; the secret key is a
// sealed secret referenced by secret_id.
struct SigningKeyRecord {
  std::string id;
  std::string tenant_id;
  std::string fingerprint;
  std::string algorithm;  // ed25519 | rsa4096
  std::string public_armored;
  std::string public_binary_b64;
  std::string secret_id;
  std::string state;  // current | retiring | retired
  TimestampMs created_at = 0;
  std::optional<TimestampMs> retire_at;  // when a retiring key stops signing
};

struct AptRepo {
  std::string tenant_id;
  std::string name;
  std::string suite;
  std::string codename;
  std::vector<std::string> components;
  std::vector<std::string> architectures;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> published_at;
  std::int64_t keep_versions = 0;                 // newest N versions per package; 0 keeps all
  std::optional<std::string> published_snapshot;  // what the last publish showed, if a snapshot
  std::int64_t package_count = 0;                 // filled by list_repos and find_repo
};

// A frozen package set of a tenant, taken from one repository (its rows are copies; its pool
// files are hard links of its own under <data>/apt/<tenant>/.snapshots/<name>/).
struct AptSnapshot {
  std::string tenant_id;
  std::string name;
  std::string repo;
  std::string description;
  std::string created_by;
  TimestampMs created_at = 0;
  std::int64_t package_count = 0;
  std::vector<std::string> published_in;  // repositories whose last publish was this snapshot
};

// A login for apt's auth.conf, good for one repository. The password is random (160 bits) and
// only its SHA-256 is kept.
struct AptCredential {
  std::string id;
  std::string tenant_id;
  std::string repo;
  std::string name;
  std::string username;
  std::string secret_hash;
  std::string created_by;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> last_used_at;
};

struct AptPackage {
  std::string tenant_id;
  std::string repo;
  std::string component;
  std::string name;
  std::string version;
  std::string architecture;
  std::string filename;  // pool/… relative to the repository root
  std::uint64_t size = 0;
  std::string md5, sha1, sha256, sha512;
  std::string control;  // the control paragraph as uploaded (computed fields removed)
  std::string uploaded_by;
  TimestampMs uploaded_at = 0;
};

struct SealedSecret {
  std::string id;
  std::optional<std::string> tenant_id;
  std::string purpose;
  std::string sealed;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// An SNMP device. Secrets are ids into the secrets table (SecretVault), never the values.
struct SnmpDevice {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string address;
  int port = 161;
  std::string version = "2c";  // "1", "2c", "3"
  std::optional<std::string> community_secret;
  std::string v3_user;
  std::string auth_protocol = "none";
  std::optional<std::string> auth_secret;
  std::string priv_protocol = "none";
  std::optional<std::string> priv_secret;
  std::string context;
  std::string profile;
  int interval_s = 60;
  int timeout_ms = 1500;
  int retries = 2;
  int max_repetitions = 25;
  std::string tags_json = "{}";         // {"site":"north"}
  std::string custom_oids_json = "[]";  // [{"oid","name","type","unit","scale"}]
  bool enabled = true;
  std::string status = "unknown";  // unknown | up | down
  std::optional<TimestampMs> status_since;
  std::string created_by;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct SnmpProfile {
  std::string tenant_id;
  std::string name;
  std::string description;
  std::string definition_json;
  std::string created_by;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

struct SnmpEvent {
  std::string id;
  std::string tenant_id;
  std::optional<std::string> device_id;
  std::string type;  // snmp.trap | snmp.device.status
  TimestampMs at = 0;
  std::string data_json;
};

struct SnmpTrapUser {
  std::string tenant_id;
  std::string username;
  std::string auth_protocol = "none";
  std::optional<std::string> auth_secret;
  std::string priv_protocol = "none";
  std::optional<std::string> priv_secret;
  std::string created_by;
  TimestampMs created_at = 0;
};

}  // namespace epcfleet::store
