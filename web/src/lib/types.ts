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
