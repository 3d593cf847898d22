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
