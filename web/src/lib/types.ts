// Shapes of the epcfleetd REST API (v1) as the dashboard uses them.

export type Role = 'viewer' | 'operator' | 'owner';

export interface TenantMembership {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  username: string;
  platform_admin: boolean;
  tenants: TenantMembership[];
}

export interface LoginResponse {
  expires_at: string;
  csrf_token: string;
  user: Me;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  created_at: string;
}

export interface TenantUser {
  username: string;
  role: Role;
  created_at: string;
  last_login_at: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  created_by: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

export interface CreatedToken {
  id: string;
  name: string;
  role: Role;
  expires_at: string;
  token: string;
}

export interface AuditRecord {
  seq: number;
  time: string;
  actor: string;
  /** null for platform-level records (e.g. a tenant created). */
  tenant: string | null;
  action: string;
  target: string;
  outcome: string;
  source: string;
  request_id: string;
  detail?: unknown;
}

export interface AuditFilter {
  action: string;
  actor: string;
  outcome: string;
}

/** A message pushed by the server over /api/v1/events. */
export interface ServerEvent {
  type: string;
  tenant?: string;
  data?: unknown;
}

// ---- APT repositories (tenant-scoped) ----

export interface AptRepo {
  name: string;
  suite: string;
  codename: string;
  components: string[];
  architectures: string[];
  /** Newest versions kept per package and architecture; 0 keeps all. */
  keep_versions: number;
  package_count: number;
  created_at: string;
  published_at: string | null;
  /** The snapshot the repository serves, when it was last published from one. */
  published_snapshot: string | null;
}

export interface NewAptRepo {
  name: string;
  suite?: string;
  codename?: string;
  components: string[];
  architectures: string[];
  keep_versions?: number;
}

export interface AptPackage {
  name: string;
  version: string;
  architecture: string;
  component: string;
  filename: string;
  size: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface PackageFilter {
  /** Name substring. */
  q: string;
  /** Exact architecture, or '' for all. */
  architecture: string;
}

export interface AptSnapshot {
  name: string;
  repo: string;
  description: string;
  package_count: number;
  created_at: string;
  created_by: string;
  /** Repositories currently serving this snapshot. */
  published_in: string[];
}

export type SigningKeyState = 'current' | 'retiring' | 'retired';
export type SigningKeyAlgorithm = 'ed25519' | 'rsa4096';

export interface SigningKey {
  id: string;
  fingerprint: string;
  algorithm: SigningKeyAlgorithm | string;
  state: SigningKeyState | string;
  created_at: string;
  /** When a retiring key stops signing (null for the current key). */
  retire_at: string | null;
}

export interface RepoCredential {
  id: string;
  name: string;
  username: string;
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedRepoCredential {
  id: string;
  name: string;
  username: string;
  /** Returned only by the create call, never again. */
  password: string;
  created_at: string;
  auth_conf: string;
}

export interface RepoSources {
  deb822: string;
  list: string;
  /** "machine host/apt/t/r login <USERNAME> password <PASSWORD>" (over plain http: "machine http://host/apt/t/r …") */
  auth_conf: string;
  /**
   * Server-relative URL of the binary keyring: "/apt/t/r/archive-keyring.gpg", which takes the
   * repository credential (HTTP Basic). Older servers gave the tenant API route (an API token).
   */
  keyring_url: string;
  keyring_path: string;
  /** Where the files go on the EPC (older servers leave these out). */
  sources_path?: string;
  auth_conf_path?: string;
}

// ---- SNMP devices (tenant-scoped, docs/snmp.md) ----

export type SnmpVersion = '1' | '2c' | '3';
export type AuthProtocol = 'MD5' | 'SHA' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
export type PrivProtocol = 'DES' | 'AES' | 'AES-192' | 'AES-256';
export type DeviceStatus = 'up' | 'down' | 'unknown';
export type OidType = 'gauge' | 'counter' | 'text';

/** SNMP settings as the API shows them: secrets only as "is set" flags. */
export interface DeviceSnmp {
  version: SnmpVersion;
  community_set?: boolean;
  user?: string;
  /** Absent, null or "none" when the v3 user has no authentication. */
  auth_protocol?: AuthProtocol | 'none' | null;
  auth_password_set?: boolean;
  priv_protocol?: PrivProtocol | 'none' | null;
  priv_password_set?: boolean;
  context?: string;
}

/** SNMP settings as a create/update body carries them (secrets only when given). */
export interface DeviceSnmpBody {
  version: SnmpVersion;
  community?: string;
  user?: string;
  auth_protocol?: AuthProtocol;
  auth_password?: string;
  priv_protocol?: PrivProtocol;
  priv_password?: string;
  context?: string;
}

export interface CustomOid {
  oid: string;
  name: string;
  type: OidType;
  unit: string;
  scale: number;
}

export interface DeviceError {
  code: string;
  message: string;
}

export interface Device {
  id: string;
  name: string;
  address: string;
  port: number;
  snmp: DeviceSnmp;
  profile: string;
  interval_s: number;
  timeout_ms: number;
  retries: number;
  max_repetitions: number;
  tags: Record<string, string>;
  custom_oids: CustomOid[];
  enabled: boolean;
  status: DeviceStatus;
  status_since: string | null;
  last_poll_at: string | null;
  last_latency_ms: number | null;
  last_error: DeviceError | null;
  sys_uptime_s: number | null;
  created_at: string;
  updated_at: string;
}

/** POST …/devices (all fields but name, address and snmp have server defaults). */
export interface NewDevice {
  name: string;
  address: string;
  port?: number;
  snmp: DeviceSnmpBody;
  profile?: string;
  interval_s?: number;
  timeout_ms?: number;
  retries?: number;
  max_repetitions?: number;
  tags?: Record<string, string>;
  custom_oids?: CustomOid[];
  enabled?: boolean;
}

/** PATCH …/devices/{id}: any field of a create body. */
export type DevicePatch = Partial<NewDevice>;

export interface DeviceFilter {
  /** Name substring. */
  name: string;
  /** '' = any status. */
  status: DeviceStatus | '';
  /** Tag matchers as typed: "site=north, rack=4" (all must match). */
  tags: string;
}

/** What POST …/devices/test and …/devices/{id}/test answer (200 whenever the test ran). */
export type ConnectionTestResult =
  | { ok: true; rtt_ms: number; values: Record<string, string | number | null> }
  | { ok: false; error: DeviceError; elapsed_ms?: number };

export interface DeviceStats {
  device?: string;
  from: string;
  to: string;
  status?: DeviceStatus;
  status_since?: string | null;
  sys_uptime_s?: number | null;
  availability_pct: number | null;
  polls: { ok: number; failed: number; success_ratio: number | null };
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
}

export interface PollProfile {
  name: string;
  description?: string;
}

export interface CsvImportResult {
  created: number;
  devices: string[];
}

export interface TrapVarbind {
  oid: string;
  name?: string;
  type?: string;
  value: string;
}

/** Data of an `snmp.device.status` event. */
export interface DeviceStatusEvent {
  device: string;
  name?: string;
  status: DeviceStatus;
  previous?: DeviceStatus;
  at: string;
  reason?: string | null;
}

/** Data of an `snmp.trap` event. */
export interface TrapEvent {
  id?: string;
  device: string | null;
  name?: string;
  at: string;
  version?: string;
  source?: string;
  trap_oid: string;
  trap_name?: string;
  inform?: boolean;
  /** The SNMPv3 user that sent it. */
  user?: string;
  /** sysUpTime the agent put in the notification (hundredths of a second). */
  uptime_ticks?: number;
  varbinds: TrapVarbind[];
}

/** One item of GET …/events. */
export interface SnmpEvent {
  id: string;
  type: 'snmp.trap' | 'snmp.device.status' | string;
  device: string | null;
  at: string;
  data: Record<string, unknown>;
}
