#include "epcfleet/store/migrations.hpp"

namespace epcfleet::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "identity and audit", R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  platform_admin BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_login_at BIGINT
);
CREATE TABLE memberships (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX api_tokens_tenant ON api_tokens(tenant_id, id);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_hash TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  time BIGINT NOT NULL,
  actor TEXT NOT NULL,
  tenant_id TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  source TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, seq);
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT,
  purpose TEXT NOT NULL,
  sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX secrets_tenant ON secrets(tenant_id);
)sql"},
      {2, "tenant tombstones and token creators", R"sql(
CREATE TABLE deleted_tenants (
  id TEXT PRIMARY KEY,
  deleted_at BIGINT NOT NULL
);
ALTER TABLE api_tokens ADD COLUMN created_by_user_id TEXT;
UPDATE api_tokens SET created_by_user_id =
  (SELECT u.id FROM users u WHERE u.username = api_tokens.created_by)
  WHERE created_by_user_id IS NULL;
)sql"},
      {3, "repository signing keys", R"sql(
CREATE TABLE signing_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  public_armored TEXT NOT NULL,
  public_binary_b64 TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retire_at BIGINT
);
CREATE INDEX signing_keys_tenant ON signing_keys(tenant_id, created_at);
)sql"},
      {4, "apt repositories and packages", R"sql(
CREATE TABLE apt_repos (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  suite TEXT NOT NULL,
  codename TEXT NOT NULL,
  components TEXT NOT NULL,
  architectures TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT,
  PRIMARY KEY (tenant_id, name)
);
CREATE TABLE apt_packages (
  tenant_id TEXT NOT NULL,
  repo TEXT NOT NULL,
  component TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  architecture TEXT NOT NULL,
  filename TEXT NOT NULL,
  size BIGINT NOT NULL,
  md5 TEXT NOT NULL,
  sha1 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  sha512 TEXT NOT NULL,
  control TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, repo, name, version, architecture),
  FOREIGN KEY (tenant_id, repo) REFERENCES apt_repos(tenant_id, name) ON DELETE CASCADE
);
)sql"},
      {5, "apt credentials, snapshots, retention", R"sql(
ALTER TABLE apt_repos ADD COLUMN keep_versions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE apt_repos ADD COLUMN published_snapshot TEXT;
CREATE TABLE apt_credentials (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  repo TEXT NOT NULL,
  name TEXT NOT NULL,
  username TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  FOREIGN KEY (tenant_id, repo) REFERENCES apt_repos(tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX apt_credentials_repo ON apt_credentials(tenant_id, repo);
CREATE TABLE apt_snapshots (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  repo TEXT NOT NULL,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
CREATE TABLE apt_snapshot_packages (
  tenant_id TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  component TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  architecture TEXT NOT NULL,
  filename TEXT NOT NULL,
  size BIGINT NOT NULL,
  md5 TEXT NOT NULL,
  sha1 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  sha512 TEXT NOT NULL,
  control TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, snapshot, name, version, architecture),
  FOREIGN KEY (tenant_id, snapshot) REFERENCES apt_snapshots(tenant_id, name) ON DELETE CASCADE
);
)sql"},
      {6, "snmp devices, profiles, events, trap users, MIB modules", R"sql(
CREATE TABLE snmp_devices (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  port BIGINT NOT NULL,
  version TEXT NOT NULL,
  community_secret TEXT,
  v3_user TEXT NOT NULL,
  auth_protocol TEXT NOT NULL,
  auth_secret TEXT,
  priv_protocol TEXT NOT NULL,
  priv_secret TEXT,
  context TEXT NOT NULL,
  profile TEXT NOT NULL,
  interval_s BIGINT NOT NULL,
  timeout_ms BIGINT NOT NULL,
  retries BIGINT NOT NULL,
  max_repetitions BIGINT NOT NULL,
  tags_json TEXT NOT NULL,
  custom_oids_json TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_since BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE INDEX snmp_devices_address ON snmp_devices(address);
CREATE TABLE snmp_profiles (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  definition_json TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
CREATE TABLE snmp_events (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  device_id TEXT,
  type TEXT NOT NULL,
  at BIGINT NOT NULL,
  data_json TEXT NOT NULL
);
CREATE INDEX snmp_events_tenant_at ON snmp_events(tenant_id, at);
CREATE INDEX snmp_events_device_at ON snmp_events(tenant_id, device_id, at);
CREATE TABLE snmp_trap_users (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  username TEXT NOT NULL,
  auth_protocol TEXT NOT NULL,
  auth_secret TEXT,
  priv_protocol TEXT NOT NULL,
  priv_secret TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, username)
);
CREATE TABLE mib_modules (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  filename TEXT NOT NULL,
  content TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, module)
);
)sql"},
  };
  return list;
}

}  // namespace epcfleet::store
